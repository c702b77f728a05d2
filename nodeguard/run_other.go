//go:build !linux && !windows

package nodeguard

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// outlastedSignals are what intact ignores while node runs (Exec): Ctrl-C
// at the terminal reaches node too, in the same process group, and intact
// waits for node's status, as a shell does.
var outlastedSignals = []os.Signal{os.Interrupt}

// Run is not implemented on this system yet: the broker needs inherited
// pipes, /proc/<pid>/fd and sealed memfds, which are Linux's.
func Run(cfg Config) (Exit, error) {
	return Exit{}, fmt.Errorf("intact node under a policy on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

func inode(os.FileInfo) uint64 { return 0 }

// Raise exits with the shell's status for a process ended by sig.
func Raise(sig syscall.Signal) { os.Exit(128 + int(sig)) }

func checkPrivate(dir string) error {
	return fmt.Errorf("intact node's shim on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

// brokerShimConfig: there is no intact node broker on this system.
func brokerShimConfig(int) (ShimConfig, bool, error) { return ShimConfig{}, false, nil }
