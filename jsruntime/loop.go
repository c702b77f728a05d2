package jsruntime

import (
	"container/heap"
	"time"

	"github.com/dop251/goja"
)

// The event loop runs on the goroutine that runs JavaScript. Timers fire in
// order of due time and then of creation, so equal delays keep their order
// (goja_nodejs's loop starts one goroutine per timer and loses it).
// Goroutines doing work for JavaScript (reading stdin) hand results back
// through post.

type timer struct {
	id        int64
	fn        goja.Value
	this      goja.Value
	args      []goja.Value
	delay     time.Duration
	when      time.Time
	seq       uint64
	repeat    bool
	immediate bool
	ref       bool
	index     int // in the heap; -1 when not scheduled
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

type eventLoop struct {
	timers     timerHeap
	byID       map[int64]*timer
	immediates []*timer
	nextID     int64
	seq        uint64
	refs       int // active timers and immediates that keep the loop alive

	noWait bool // run returns instead of waiting (the REPL between inputs)

	posted  chan func() // work handed back by other goroutines
	pending int         // goroutines whose posts keep the loop alive
}

func newEventLoop() *eventLoop {
	return &eventLoop{byID: make(map[int64]*timer), posted: make(chan func(), 16)}
}

func (l *eventLoop) add(t *timer) int64 {
	l.nextID++
	t.id = l.nextID
	t.ref = true
	l.refs++
	l.byID[t.id] = t
	if t.immediate {
		t.index = -1
		l.immediates = append(l.immediates, t)
		return t.id
	}
	l.schedule(t)
	return t.id
}

func (l *eventLoop) schedule(t *timer) {
	l.seq++
	t.seq = l.seq
	t.when = time.Now().Add(t.delay)
	heap.Push(&l.timers, t)
}

func (l *eventLoop) clear(id int64) {
	t := l.byID[id]
	if t == nil {
		return
	}
	delete(l.byID, id)
	if t.ref {
		l.refs--
	}
	if t.index >= 0 {
		heap.Remove(&l.timers, t.index)
	}
	// A cleared immediate stays in its queue; run skips it by id.
}

func (l *eventLoop) setRef(id int64, ref bool) {
	t := l.byID[id]
	if t == nil || t.ref == ref {
		return
	}
	t.ref = ref
	if ref {
		l.refs++
	} else {
		l.refs--
	}
}

func (l *eventLoop) refresh(id int64) {
	t := l.byID[id]
	if t == nil || t.immediate {
		return
	}
	if t.index >= 0 {
		heap.Remove(&l.timers, t.index)
	}
	l.schedule(t)
}

// alive reports whether anything keeps the loop running: as in Node, an
// unref'd timer or immediate does not; it runs only while something else
// does.
// active counts the timeouts and the immediates that keep the loop alive,
// as process.getActiveResourcesInfo lists them.
func (l *eventLoop) active() (timeouts, immediates int) {
	for _, t := range l.byID {
		switch {
		case !t.ref:
		case t.immediate:
			immediates++
		default:
			timeouts++
		}
	}
	return timeouts, immediates
}

func (l *eventLoop) alive() bool {
	return l.refs > 0 || l.pending > 0
}

// hasRefImmediate reports whether a queued immediate keeps the loop alive,
// which keeps it from waiting for timers before the next check phase.
func (l *eventLoop) hasRefImmediate() bool {
	for _, t := range l.immediates {
		if l.byID[t.id] == t && t.ref {
			return true
		}
	}
	return false
}

// run turns the loop until nothing keeps it alive or stop reports true.
// call runs one callback; it returns false when the process is exiting.
func (l *eventLoop) run(call func(t *timer) bool, stop func() bool) {
	// Like uv_run, a loop that nothing keeps alive runs no phase at all.
	if !l.noWait && !l.alive() {
		return
	}
	for !stop() {
		// Timers phase: every timer due now, in order.
		now := time.Now()
		for len(l.timers) > 0 && !l.timers[0].when.After(now) {
			t := heap.Pop(&l.timers).(*timer)
			if t.repeat {
				l.schedule(t)
			}
			// A timeout stays active during its callback, as in Node: the
			// callback may clear it, refresh it (re-arming it) or count it.
			ok := call(t)
			if !t.repeat && t.index < 0 && l.byID[t.id] == t {
				delete(l.byID, t.id)
				if t.ref {
					l.refs--
				}
			}
			if !ok || stop() {
				return
			}
		}
		// Check phase: the immediates queued before it began.
		imms := l.immediates
		l.immediates = nil
		for _, t := range imms {
			if l.byID[t.id] != t {
				continue
			}
			delete(l.byID, t.id)
			if t.ref {
				l.refs--
			}
			if !call(t) || stop() {
				return
			}
		}
		// Work handed back by other goroutines, without waiting.
		l.drainPosted()
		if stop() {
			return
		}
		if l.hasRefImmediate() || l.noWait && len(l.immediates) > 0 {
			continue
		}
		if !l.alive() || l.noWait {
			return
		}
		l.wait()
	}
}

// wait blocks until the next timer is due or work is posted.
func (l *eventLoop) wait() {
	if len(l.timers) == 0 {
		if l.pending == 0 {
			return
		}
		l.runPosted(<-l.posted)
		return
	}
	d := time.Until(l.timers[0].when)
	if d <= 0 {
		return
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
	case fn := <-l.posted:
		l.runPosted(fn)
	}
}

// runPosted runs work posted by another goroutine. Whoever starts that
// goroutine counts it in pending and uncounts it in its last post.
func (l *eventLoop) runPosted(fn func()) { fn() }

// drainPosted runs the posted work that is ready without waiting.
func (l *eventLoop) drainPosted() {
	for {
		select {
		case fn := <-l.posted:
			l.runPosted(fn)
		default:
			return
		}
	}
}

// runReady runs the timers that are due, the queued immediates and the
// posted work, without waiting for anything (the REPL between inputs).
func (l *eventLoop) runReady(call func(t *timer) bool, stop func() bool) {
	l.noWait = true
	defer func() { l.noWait = false }()
	l.run(call, stop)
}
