package nodelib

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
)

// Go cannot recover from a failed allocation: it is a fatal error that ends
// the process. V8 instead throws "RangeError: Array buffer allocation
// failed". So before a large allocation that JavaScript asked for (a file
// read whole, an ArrayBuffer), CanAllocate checks that it fits in what the
// process may still map, and the caller throws V8's RangeError if not.

// largeAllocation is the size from which CanAllocate looks at the limit;
// smaller allocations are left to the slack.
const largeAllocation = 1 << 20

// allocationSlack is kept free beyond the allocation itself: Go reserves
// heap in 64 MiB arenas and the GC needs room to work, and thread stacks
// and the binary count against the address-space limit too.
const allocationSlack = 512 << 20

var mappedMetric = []metrics.Sample{{Name: "/memory/classes/total:bytes"}}

// addressSpaceUsed is the size of the process's address space where the
// system says it (Linux: /proc/self/statm, which counts what RLIMIT_AS
// counts, Go's reservations included), else what Go has mapped.
func addressSpaceUsed() int64 {
	if data, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(data)); len(f) > 0 {
			if pages, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				return pages * int64(os.Getpagesize())
			}
		}
	}
	metrics.Read(mappedMetric)
	return int64(mappedMetric[0].Value.Uint64())
}

// CanAllocate reports whether n more bytes can be allocated without
// passing the process's address-space limit (RLIMIT_AS where there is
// one, RLIMIT_DATA on OpenBSD) or the system's memory (RAM and swap, where
// known). If not at
// first, it collects garbage and asks again.
func CanAllocate(n int64) bool {
	if n < largeAllocation {
		return true
	}
	fits := func() bool {
		if limit, ok := addressSpaceLimit(); ok && n > limit-addressSpaceUsed()-allocationSlack {
			return false
		}
		if total, ok := physicalMemory(); ok {
			// What Go has mapped, not the address space: Go (and the race
			// detector) reserve far more address space than they use.
			metrics.Read(mappedMetric)
			if n > total-int64(mappedMetric[0].Value.Uint64())-allocationSlack {
				return false
			}
		}
		return true
	}
	if fits() {
		return true
	}
	runtime.GC()
	return fits()
}
