//go:build !linux && !windows

package nodeguard

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// Exec runs node with args, unchanged, and exits with its status: what
// intact node does when no policy is in force.
func Exec(node string, args []string) error {
	cmd := exec.Command(node, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}

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
