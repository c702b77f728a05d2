package nodelib

import (
	"io"

	"github.com/dop251/goja"
)

// Loop is what a runtime's event loop offers the modules that wait on the
// operating system (fs.watch): a way back to the goroutine that runs
// JavaScript, and a count of the waits that keep the loop alive.
type Loop interface {
	// Post runs fn on the goroutine that runs JavaScript. It gives up, and
	// reports false, if stop is closed first.
	Post(stop <-chan struct{}, fn func()) bool
	// Call calls fn as the loop calls a callback: microtasks run after it,
	// and what it throws is an uncaught exception. Only a posted function
	// may call it.
	Call(fn goja.Value, args ...goja.Value)
	// Ref and Unref count the waits that keep the loop alive; they are
	// called on the goroutine that runs JavaScript.
	Ref()
	Unref()
}

// SetLoop connects the modules of rt to its event loop. Without one, what
// needs it (fs.watch) is not supported.
func SetLoop(rt *goja.Runtime, l Loop) {
	state(rt).loop = l
}

// Close stops what the modules of rt still wait on (fs watchers left open),
// so that no goroutine outlives the runtime.
func Close(rt *goja.Runtime) {
	s := state(rt)
	for c := range s.closers {
		c.Close()
	}
	s.closers = nil
}

// track records c as waiting until Close or untrack.
func (s *libState) track(c io.Closer) {
	if s.closers == nil {
		s.closers = map[io.Closer]bool{}
	}
	s.closers[c] = true
}

func (s *libState) untrack(c io.Closer) { delete(s.closers, c) }
