//go:build !goja_profiler

package goja

import "io"

// profilerBuilt is false without the goja_profiler tag: StartProfile
// refuses, so that no VM ever samples into a profBuffer
// (profiler_pprof.go).
const profilerBuilt = false

type profBuffer struct{}

func (pb *profBuffer) addSample(*profTracker) {}

func (pb *profBuffer) write(io.Writer) error { return nil }
