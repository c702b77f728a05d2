package heapfloor_test

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/intactdev/intact/internal/heapfloor"
)

// settings reads GOGC and GOMEMLIMIT as the runtime has them.
func settings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// Until the first collection the collector waits for the floor; the
// collection restores the settings as they were.
func TestSetUntilFirstCollection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	heapfloor.Set(64 << 20)
	if p, l := settings(); p != -1 || l != 64<<20 {
		t.Fatalf("after Set: GOGC %d, GOMEMLIMIT %d; want off, 64 MiB", p, l)
	}
	// The cleanup runs on its own goroutine after the collection.
	for i := 0; i < 1000; i++ {
		runtime.GC()
		runtime.Gosched()
		if p, l := settings(); p == 150 && l == math.MaxInt64 {
			return
		}
	}
	p, l := settings()
	t.Fatalf("after 1000 collections: GOGC %d, GOMEMLIMIT %d; want 150, no limit", p, l)
}

// GOGC=off and a memory limit below the floor are left alone.
func TestSetKeepsTheEnvironmentsChoice(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	heapfloor.Set(64 << 20)
	if p, l := settings(); p != -1 || l != math.MaxInt64 {
		t.Errorf("with GOGC=off: GOGC %d, GOMEMLIMIT %d; want both unchanged", p, l)
	}
	debug.SetGCPercent(100)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(32 << 20))
	heapfloor.Set(64 << 20)
	if p, l := settings(); p != 100 || l != 32<<20 {
		t.Errorf("with GOMEMLIMIT=32MiB: GOGC %d, GOMEMLIMIT %d; want both unchanged", p, l)
	}
}
