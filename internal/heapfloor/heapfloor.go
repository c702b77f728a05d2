// Package heapfloor spares a short-lived program the garbage collections
// of its first megabytes.
//
// With the default settings Go collects when the heap reaches 4 MiB and
// then whenever it doubles: a JavaScript runtime that starts up and loads
// a few thousand modules collects ten times on its way to 40 MiB, each
// time marking everything it has built so far, a quarter of its CPU time.
// Set lets the heap grow to a floor first, and from the first collection
// on the collector runs as configured.
package heapfloor

import (
	"runtime"
	"runtime/debug"
)

// Set keeps the garbage collector from running until the memory the Go
// runtime uses reaches floor bytes; the first collection then restores the
// settings in force before (GOGC, GOMEMLIMIT), and the program collects as
// it would have from then on. It does nothing when collection is off
// (GOGC=off) or a memory limit below floor is set: the environment's
// choice stands. Call it once, early in main.
func Set(floor int64) {
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(-1) // a negative limit only reads it
	if percent < 0 || limit <= floor {
		debug.SetGCPercent(percent)
		return
	}
	debug.SetMemoryLimit(floor)
	// The first collection finds the sentinel unreachable (a pointer
	// keeps it out of the tiny allocator, whose blocks are shared).
	sentinel := &struct{ _ *byte }{}
	runtime.AddCleanup(sentinel, func(struct{}) {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	}, struct{}{})
}
