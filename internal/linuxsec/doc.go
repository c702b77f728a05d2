// Package linuxsec holds the Linux kernel interfaces intact uses to restrict
// what may execute: the exec securebits, execveat(2) with AT_EXECVE_CHECK,
// and Landlock's execute right. It is the only place in intact that makes
// these system calls.
//
// The exec securebits and Landlock domains belong to an OS thread, not to
// the process, while the Go runtime moves goroutines between threads. Exec
// therefore applies them to one locked thread and replaces the process from
// that same thread, so that the command surely inherits them.
//
// golang.org/x/sys defines neither AT_EXECVE_CHECK nor the exec securebits;
// they are defined here from the kernel's uapi headers.
package linuxsec

import "errors"

// Exec securebits (include/uapi/linux/securebits.h, Linux 6.14). Each lock
// bit freezes its bit, and can itself never be cleared.
const (
	SecbitExecRestrictFile          = 1 << 8  // interpreters run only files that pass AT_EXECVE_CHECK
	SecbitExecRestrictFileLocked    = 1 << 9  // SecbitExecRestrictFile can no longer change
	SecbitExecDenyInteractive       = 1 << 10 // interpreters refuse interactive code
	SecbitExecDenyInteractiveLocked = 1 << 11 // SecbitExecDenyInteractive can no longer change
)

// AtExecveCheck is execveat(2)'s flag that only checks whether a file may be
// executed (include/uapi/linux/fcntl.h, Linux 6.14). Without it, execveat
// executes the file.
const AtExecveCheck = 0x10000

// Confinement is what Exec applies to the command it starts.
type Confinement struct {
	// Securebits are ORed into the inherited securebits.
	Securebits uint32
	// ExecBeneath, when not empty, confines execution with Landlock: only
	// files beneath these folders (or these files) may be executed, by
	// execve and by AT_EXECVE_CHECK alike. The command itself and its ELF
	// interpreter are granted too, as single files, so that it can start.
	ExecBeneath []string
}

// An UnsupportedError says why this kernel cannot apply a confinement at
// all, as opposed to failing to apply one it supports. It matches
// errors.ErrUnsupported.
type UnsupportedError struct{ Reason string }

func (e *UnsupportedError) Error() string { return e.Reason }

// Is reports whether target is errors.ErrUnsupported.
func (e *UnsupportedError) Is(target error) bool { return target == errors.ErrUnsupported }
