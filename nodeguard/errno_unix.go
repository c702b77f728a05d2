//go:build unix

package nodeguard

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// errnoName is node's code for an errno ("ENOENT"), as a refusal carries it.
func errnoName(e syscall.Errno) string { return unix.ErrnoName(e) }

// peerClosed reports whether a write failed because node's end of the
// channel is closed: nothing more can come in then.
func peerClosed(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}
