package linuxsec

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// checkFlags are the only flags execveat is ever called with. AtExecveCheck
// is what keeps the call from executing the file.
const checkFlags = unix.AT_EMPTY_PATH | AtExecveCheck

// Securebits returns the calling thread's securebits. Every thread of a
// process started with securebits has them.
func Securebits() (uint32, error) {
	bits, err := unix.PrctlRetInt(unix.PR_GET_SECUREBITS, 0, 0, 0, 0)
	if err != nil {
		return 0, fmt.Errorf("prctl(PR_GET_SECUREBITS): %w", err)
	}
	return uint32(bits), nil
}

// ExecveCheck asks the kernel whether the open file fd may be executed:
// execveat(fd, "", [argv0], [], AT_EMPTY_PATH|AT_EXECVE_CHECK). It returns
// nil when execution would be allowed and the errno otherwise. argv0 is the
// argument vector the kernel's audit and security modules see, as for a
// native execution; the file's format is not looked at.
func ExecveCheck(fd int, argv0 string) error {
	empty, err := unix.BytePtrFromString("")
	if err != nil {
		return err
	}
	a0, err := unix.BytePtrFromString(argv0)
	if err != nil {
		return err
	}
	argv := []*byte{a0, nil}
	envp := []*byte{nil}
	_, _, errno := unix.Syscall6(unix.SYS_EXECVEAT, uintptr(fd),
		uintptr(unsafe.Pointer(empty)), uintptr(unsafe.Pointer(&argv[0])),
		uintptr(unsafe.Pointer(&envp[0])), checkFlags, 0)
	runtime.KeepAlive(empty)
	runtime.KeepAlive(argv)
	runtime.KeepAlive(envp)
	if errno != 0 {
		return errno
	}
	return nil
}

// ProbeExecveCheck reports whether the kernel supports AT_EXECVE_CHECK. It
// checks a directory, which nothing can execute: a kernel with the flag
// refuses it with EACCES, one without rejects the unknown flag with EINVAL.
func ProbeExecveCheck() error {
	fd, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("probing AT_EXECVE_CHECK: %w", err)
	}
	defer unix.Close(fd)
	switch err := ExecveCheck(fd, "/"); err {
	case unix.EACCES:
		return nil
	case unix.EINVAL:
		return errors.New("the kernel does not support execveat(AT_EXECVE_CHECK) (Linux 6.14 or later is needed)")
	case nil:
		return errors.New("probing AT_EXECVE_CHECK: the kernel allowed executing a directory")
	default:
		return fmt.Errorf("probing AT_EXECVE_CHECK: execveat: %w", err)
	}
}

// LandlockABI returns the Landlock ABI version of the running kernel, or an
// error saying why Landlock cannot be used.
func LandlockABI() (int, error) {
	abi, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	switch errno {
	case 0:
		if abi < 1 {
			// Landlock's versions start at 1: a filter around intact
			// answered the call (outside review rt54).
			return 0, fmt.Errorf("landlock_create_ruleset: version %d, which no Landlock reports", int(abi))
		}
		return int(abi), nil
	case unix.ENOSYS:
		return 0, &UnsupportedError{"Landlock is not supported by this kernel (ENOSYS; Linux 5.13 or later built with CONFIG_SECURITY_LANDLOCK is needed)"}
	case unix.EOPNOTSUPP:
		return 0, &UnsupportedError{"Landlock is built into this kernel but not enabled (EOPNOTSUPP; add landlock to the lsm= boot parameter)"}
	case unix.EPERM:
		// Landlock itself never refuses to tell its version.
		return 0, &UnsupportedError{"Landlock is blocked in this process (EPERM: a seccomp filter, as some container runtimes set)"}
	default:
		return 0, fmt.Errorf("landlock_create_ruleset: %w", errno)
	}
}

// Exec applies c to the calling OS thread and replaces the process with
// the program at path, from that thread. It returns only on failure; the
// calling goroutine then stays locked to a thread that may be partly
// confined, and the caller should exit.
//
// Securebits and Landlock domains belong to the calling thread. Exec locks
// the goroutine to its thread, changes that thread and calls execve from
// it: the new program starts from this thread's credentials, so it surely
// inherits them. syscall.AllThreadsSyscall would change every thread
// instead, but fails with ENOTSUP once cgo is linked, which a build of
// intact may do; the locked thread works in every build.
func Exec(c Confinement, path string, argv, env []string) error {
	// Never unlocked: after a failure this thread may carry part of the
	// confinement, and the runtime must not hand it to other goroutines.
	runtime.LockOSThread()

	if len(c.ExecBeneath) > 0 {
		granted := append([]string{path}, c.ExecBeneath...)
		if interp, err := Interpreter(path); err != nil {
			return err
		} else if interp != "" {
			granted = append(granted, interp)
		}
		if err := restrictExecute(granted); err != nil {
			return err
		}
	}
	if c.Securebits != 0 {
		if err := addSecurebits(c.Securebits); err != nil {
			return err
		}
	}
	err := syscall.Exec(path, argv, env)
	if len(c.ExecBeneath) > 0 && errors.Is(err, unix.EACCES) {
		return fmt.Errorf("executing %s: %w (under Landlock, a program that starts through a script interpreter needs that interpreter beneath an allowed folder)", path, err)
	}
	return fmt.Errorf("executing %s: %w", path, err)
}

// addSecurebits ORs bits into the calling thread's securebits. Like the
// kernel's set-exec sample it changes nothing when they are already set:
// the kernel refuses a non-change from an unprivileged process.
func addSecurebits(bits uint32) error {
	cur, err := Securebits()
	if err != nil {
		return err
	}
	want := cur | bits
	if want == cur {
		return nil
	}
	err = unix.Prctl(unix.PR_SET_SECUREBITS, uintptr(want), 0, 0, 0)
	switch err {
	case nil:
		return nil
	case unix.EINVAL:
		return fmt.Errorf("setting securebits %#x: this kernel does not know the exec securebits (Linux 6.14 or later is needed): %w", want, err)
	case unix.EPERM:
		return fmt.Errorf("setting securebits %#x over %#x: a securebit is locked to another value, or the process may not change it (without CAP_SETPCAP only the exec securebits may change): %w", want, cur, err)
	default:
		return fmt.Errorf("setting securebits %#x: %w", want, err)
	}
}

// restrictExecute confines the calling thread with a Landlock domain that
// handles only the execute right and grants it beneath each of paths (a
// folder grants everything beneath it, a file only itself). Reading,
// writing and everything else stay as they were.
//
// Files also move between folders as before: every Landlock domain
// refuses such moves unless it handles the refer right, which is granted
// on / (Landlock ABI 2 and later). The kernel still refuses a move into an
// allowed folder, where the file would become executable.
func restrictExecute(paths []string) error {
	abi, err := LandlockABI()
	if err != nil {
		return fmt.Errorf("cannot confine execution: %w", err)
	}
	handled := uint64(unix.LANDLOCK_ACCESS_FS_EXECUTE)
	if abi >= 2 {
		handled |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	r, err := newRuleset(handled, 0)
	if err != nil {
		return err
	}
	defer r.Close()
	if abi >= 2 {
		if err := r.allow("/", unix.LANDLOCK_ACCESS_FS_REFER); err != nil {
			return err
		}
	}
	for _, p := range paths {
		if err := r.allow(p, unix.LANDLOCK_ACCESS_FS_EXECUTE); err != nil {
			return err
		}
	}
	return restrictSelf(r.fd)
}

// restrictSelf puts the calling thread in a new Landlock domain made of
// ruleset, nested in the one it is in, if any. no_new_privs is set first,
// as Landlock requires of an unprivileged process.
func restrictSelf(ruleset int) error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	_, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), 0, 0)
	switch errno {
	case 0:
		return nil
	case unix.E2BIG:
		return fmt.Errorf("landlock_restrict_self: this thread is already in %d nested Landlock domains, the most Linux allows (%w)", maxLandlockLayers, errno)
	default:
		return fmt.Errorf("landlock_restrict_self: %w", errno)
	}
}

// maxLandlockLayers is how deeply Landlock domains nest (LANDLOCK_MAX_NUM_LAYERS).
const maxLandlockLayers = 16
