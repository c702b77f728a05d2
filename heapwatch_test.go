package intact_test

import (
	"fmt"
	"runtime"
	"time"
)

// watchHeap panics, ending the test binary, when the heap grows more than
// limit bytes above its size now, until the returned stop is called. Tests
// that hand intact unbounded input (/dev/zero, a sparse file of gigabytes)
// use it so that a regression fails them instead of exhausting the machine.
func watchHeap(limit uint64) (stop func()) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base+limit {
				panic(fmt.Sprintf("the heap grew by %d MiB, more than the %d MiB this test allows", (ms.HeapAlloc-base)>>20, limit>>20))
			}
		}
	}()
	return func() { close(done); <-stopped }
}
