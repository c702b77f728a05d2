package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestCollectGarbageLate: hashing commands turn the collector off up to a
// soft limit, unless the environment sets GOGC or GOMEMLIMIT.
func TestCollectGarbageLate(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tt := range []struct {
		env, value string
		percent    int
		limit      int64
	}{
		{"", "", -1, 1 << 30},
		{"GOGC", "50", 100, -1},
		{"GOMEMLIMIT", "2GiB", 100, -1},
	} {
		t.Setenv("GOGC", "")
		t.Setenv("GOMEMLIMIT", "")
		if tt.env != "" {
			t.Setenv(tt.env, tt.value)
		}
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64) // no limit
		collectGarbageLate()
		percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
		if tt.limit == -1 {
			tt.limit = math.MaxInt64
		}
		if percent != tt.percent || limit != tt.limit {
			t.Errorf("%s=%q: GC percent %d, limit %d; want %d, %d", tt.env, tt.value, percent, limit, tt.percent, tt.limit)
		}
	}
}
