package nodeguard

import (
	"fmt"
	"sync"
	"time"
)

// stallLimit is how long a write on a channel may make no progress while
// its thread runs (on Linux: is not stopped) before the broker gives the
// reply up. A thread waiting for a reply reads it as it comes; one whose
// JavaScript was terminated in the middle of a reply (vm's timeout), or a
// worker terminated so, never does (outside reviews rt60 and rt62). A
// variable for tests.
var stallLimit = 10 * time.Second

//go:generate go run golang.org/x/sys/windows/mkwinsyscall -output zsyscall_windows.go syscall_windows.go

// A stallGuard gives up a blocking write that makes no progress for its
// limit, where the write has no timeout of its own (Windows: a pipe opened
// for synchronous I/O, whose write CancelSynchronousIo on the serving
// thread ends). It cancels only the write it timed, while that write is
// under way: a cancellation and the end of a write exclude each other, so
// that none lands on the thread's next I/O. A cancellation that comes
// before the write's I/O has begun finds nothing to end, so it is made
// again until the write has ended (the pattern Windows documents for
// CancelSynchronousIo).
type stallGuard struct {
	limit  time.Duration
	cancel func() // ends the I/O under way on the serving thread, if any

	mu      sync.Mutex
	gen     uint64 // counts writes: the one under way
	busy    bool   // a write is under way
	stalled bool   // and its limit has passed
}

// write runs one write, which must make progress (return) within the
// limit, else it is cancelled: write then reports the stall rather than
// the write's own error. A write that succeeded all the same succeeds.
func (g *stallGuard) write(w func() error) error {
	g.mu.Lock()
	g.gen++
	gen := g.gen
	g.busy, g.stalled = true, false
	g.mu.Unlock()
	t := time.AfterFunc(g.limit, func() { g.end(gen) })
	err := w()
	t.Stop()
	g.mu.Lock()
	g.busy = false
	stalled := g.stalled
	g.mu.Unlock()
	if stalled && err != nil {
		return fmt.Errorf("replying on a channel: its thread has read nothing for %v", g.limit)
	}
	return err
}

// end cancels write gen until it has ended: again after a millisecond,
// then at doubling intervals up to a second, should an I/O not be ended.
func (g *stallGuard) end(gen uint64) {
	for pause := time.Millisecond; ; pause = min(2*pause, time.Second) {
		g.mu.Lock()
		if !g.busy || g.gen != gen {
			g.mu.Unlock()
			return
		}
		g.stalled = true
		g.cancel()
		g.mu.Unlock()
		time.Sleep(pause)
	}
}
