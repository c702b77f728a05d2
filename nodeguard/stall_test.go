package nodeguard

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncIO models a thread's synchronous I/O under CancelSynchronousIo: a
// cancel ends the I/O under way, if there is one, and is lost otherwise.
type syncIO struct {
	mu      sync.Mutex
	pending chan struct{} // closed to end the I/O under way; nil when none
	cancels int           // that ended an I/O
}

func (s *syncIO) cancel() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending != nil {
		close(s.pending)
		s.pending = nil
		s.cancels++
	}
}

// block is an I/O that waits for ever, unless cancelled.
func (s *syncIO) block() error {
	s.mu.Lock()
	ch := make(chan struct{})
	s.pending = ch
	s.mu.Unlock()
	<-ch
	return errors.New("the I/O operation has been aborted")
}

// TestStallGuard: a write that makes no progress within the limit is
// cancelled, and reported as a stall; one that ends in time is left alone,
// and reports its own error.
func TestStallGuard(t *testing.T) {
	io := &syncIO{}
	g := stallGuard{limit: 20 * time.Millisecond, cancel: io.cancel}
	start := time.Now()
	err := g.write(io.block)
	if err == nil || !strings.Contains(err.Error(), "has read nothing for") || io.cancels != 1 {
		t.Errorf("stuck write: %v, %d cancelled; want a stall reported, one cancelled", err, io.cancels)
	}
	if took := time.Since(start); took < g.limit {
		t.Errorf("cancelled after %v, before the limit", took)
	}
	own := errors.New("broken pipe")
	if err := g.write(func() error { return own }); err != own {
		t.Errorf("a write that ended: %v, want its own error", err)
	}
}

// TestStallGuardCancelBeforeIO: a cancellation that comes before the
// write's I/O has begun finds nothing to end; it is made again, and the
// I/O that begins after it is ended all the same.
func TestStallGuardCancelBeforeIO(t *testing.T) {
	io := &syncIO{}
	g := stallGuard{limit: 5 * time.Millisecond, cancel: io.cancel}
	done := make(chan error, 1)
	go func() {
		done <- g.write(func() error {
			time.Sleep(4 * g.limit) // past the limit before any I/O
			return io.block()
		})
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "has read nothing for") {
			t.Errorf("got %v, want a stall reported", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the write's I/O, begun after the first cancellation, was never ended")
	}
}

// TestStallGuardLateCancel: a cancellation that comes as a write ends,
// with no I/O under way to end, does not turn the write into a failure
// (each write here takes about the limit, so that timers fire as writes
// end).
func TestStallGuardLateCancel(t *testing.T) {
	var late atomic.Int32
	g := stallGuard{limit: 100 * time.Microsecond, cancel: func() { late.Add(1) }}
	for i := range 3000 {
		err := g.write(func() error {
			for start := time.Now(); time.Since(start) < 100*time.Microsecond; {
			}
			return nil
		})
		if err != nil {
			t.Fatalf("write %d, which succeeded, reported %v", i, err)
		}
	}
	t.Logf("%d cancellations found no I/O", late.Load())
}
