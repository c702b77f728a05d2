//go:build unix

package nodeguard

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// errnoName is node's code for an errno ("ENOENT"), as a refusal carries it.
func errnoName(e syscall.Errno) string { return unix.ErrnoName(e) }
