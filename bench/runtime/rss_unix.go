//go:build unix

package main

import (
	"os"
	"syscall"
)

// peakRSS returns the peak resident set of the process that ended with
// state, in KiB (wait4's ru_maxrss, in KiB on Linux).
func peakRSS(state *os.ProcessState) (int64, bool) {
	ru, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return int64(ru.Maxrss), true
}
