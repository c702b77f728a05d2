package jsruntime_test

import (
	"syscall"
	"testing"
)

// isolatedAddressSpace caps an isolated child's virtual memory: ample for
// a test, a fraction of what runaway allocation would take.
const isolatedAddressSpace = 4 << 30

// limitMemory caps the address space of the process, except under the race
// detector, whose shadow memory needs far more address space than that.
func limitMemory(t *testing.T) {
	if raceEnabled {
		return
	}
	lim := &syscall.Rlimit{Cur: isolatedAddressSpace, Max: isolatedAddressSpace}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, lim); err != nil {
		t.Fatalf("capping the address space: %v", err)
	}
}
