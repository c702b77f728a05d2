package testtrace

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Env, set to "1" in a test binary's environment, makes its TestMain call
// Main instead of running tests.
const Env = "INTACT_TEST_TRACE_PARENT"

// marker is read in the parent's memory: Go programs on Linux are not
// position-independent by default, so the same binary has it at the same
// address in both processes.
var marker = [8]byte{'i', 'n', 't', 'a', 'c', 't', '!', '!'}

// Main tries, on the parent process, pidfd_getfd of descriptor 1,
// process_vm_readv of a variable, PTRACE_ATTACH, and opening its
// /proc/<pid>/mem for writing, and opening its own for writing; then
// cloning the root mount (open_tree) and opening / by a handle
// (open_by_handle_at), which reach files past read-only mounts; typing
// into a terminal (TIOCSTI); taking a lease on a file (F_SETLEASE);
// hanging up a new terminal (TIOCVHANGUP); making a fanotify group;
// hanging up a terminal (vhangup, in a session of its own, which has none);
// then installing a seccomp filter with a
// listener; prints the outcome of each ("pidfd_getfd=ok ptrace=EPERM ...") and returns the exit
// status.
// Each of more, if any, adds a report of its own ("name=value").
func Main(more ...func() string) int {
	report := Probe(os.Getppid())
	for _, f := range more {
		report += " " + f()
	}
	fmt.Println(report)
	return 0
}

// Probe is Main's report on process pid.
func Probe(pid int) string {
	var out []string
	report := func(name string, err error) {
		var errno unix.Errno
		switch {
		case err == nil:
			out = append(out, name+"=ok")
		case errors.As(err, &errno):
			out = append(out, name+"="+unix.ErrnoName(errno))
		default:
			out = append(out, name+"="+err.Error())
		}
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err == nil {
		var fd int
		fd, err = unix.PidfdGetfd(pidfd, 1, 0)
		if err == nil {
			unix.Close(fd)
		}
		unix.Close(pidfd)
	}
	report("pidfd_getfd", err)
	var got [8]byte
	local := []unix.Iovec{{Base: &got[0], Len: uint64(len(got))}}
	remote := []unix.RemoteIovec{{Base: uintptr(unsafe.Pointer(&marker[0])), Len: len(marker)}}
	_, err = unix.ProcessVMReadv(pid, local, remote, 0)
	report("process_vm_readv", err)
	err = unix.PtraceAttach(pid)
	if err == nil {
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, unix.WALL, nil)
		unix.PtraceDetach(pid)
	}
	report("ptrace", err)
	for _, m := range []struct{ name, path string }{{"parent_mem", fmt.Sprintf("/proc/%d/mem", pid)}, {"own_mem", "/proc/self/mem"}} {
		fd, err := unix.Open(m.path, unix.O_RDWR|unix.O_CLOEXEC, 0)
		if err == nil {
			unix.Close(fd)
		}
		report(m.name, err)
	}
	// Past a read-only mount: a clone of the root mount, and a file
	// reopened by handle through it.
	fd, err := unix.OpenTree(unix.AT_FDCWD, "/", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err == nil {
		unix.Close(fd)
	}
	report("open_tree", err)
	handle, _, err := unix.NameToHandleAt(unix.AT_FDCWD, "/", 0)
	if err == nil {
		var root int
		if root, err = unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err == nil {
			fd, err = unix.OpenByHandleAt(root, handle, unix.O_RDONLY|unix.O_CLOEXEC)
			if err == nil {
				unix.Close(fd)
			}
			unix.Close(root)
		}
	}
	report("open_by_handle", err)
	report("tiocsti", typeIntoTerminal())
	report("setlease", takeLease())
	report("tiocvhangup", hangUpTerminal())
	report("fanotify", watchFiles())
	report("vhangup", hangUpNoTerminal())
	// Last, as it puts this thread under a filter (one that allows every
	// call): a seccomp filter with a listener, which would answer the
	// system calls of the programs this process starts.
	allowAll := []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW}}
	prog := unix.SockFprog{Len: 1, Filter: &allowAll[0]}
	if err = unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err == nil {
		listener, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, uintptr(unsafe.Pointer(&prog)))
		if errno != 0 {
			err = errno
		} else {
			unix.Close(int(listener))
		}
	}
	report("seccomp_listener", err)
	return strings.Join(out, " ")
}

// takeLease takes a read lease on a file of its own, and lets it go.
func takeLease() error {
	f, err := os.CreateTemp("", "testtrace-lease-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	f.Close() // a read lease needs the file open for writing by no one
	fd, err := unix.Open(f.Name(), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_RDLCK); err != nil {
		return err
	}
	_, err = unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_UNLCK)
	return err
}

// hangUpNoTerminal calls vhangup in a session of its own, which has no
// terminal to hang up: should the call not be refused, it does nothing.
// This process then stays in that session.
func hangUpNoTerminal() error {
	if _, err := unix.Setsid(); err != nil {
		return fmt.Errorf("setsid: %w", err)
	}
	_, _, errno := unix.Syscall(unix.SYS_VHANGUP, 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// typeIntoTerminal types a character into a new pseudo-terminal with
// TIOCSTI, as a program would into a terminal whose shell then runs it
// (not this process's controlling terminal: root may).
func typeIntoTerminal() error {
	return onNewTerminal(func(pts int) error {
		c := byte('x')
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(pts), unix.TIOCSTI, uintptr(unsafe.Pointer(&c)))
		if errno != 0 {
			return errno
		}
		return nil
	})
}

// hangUpTerminal hangs up a new pseudo-terminal with TIOCVHANGUP, which
// does what vhangup does, to any terminal it is given.
func hangUpTerminal() error {
	return onNewTerminal(func(pts int) error {
		return unix.IoctlSetInt(pts, unix.TIOCVHANGUP, 0)
	})
}

// onNewTerminal calls f with the terminal end of a new pseudo-terminal.
func onNewTerminal(f func(pts int) error) error {
	ptmx, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(ptmx)
	if err := unix.IoctlSetPointerInt(ptmx, unix.TIOCSPTLCK, 0); err != nil {
		return err
	}
	n, err := unix.IoctlGetInt(ptmx, unix.TIOCGPTN)
	if err != nil {
		return err
	}
	pts, err := unix.Open(fmt.Sprintf("/dev/pts/%d", n), unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(pts)
	return f(pts)
}

// watchFiles makes a fanotify group, which with permission events would
// hold up every open of the files it marks.
func watchFiles() error {
	fd, err := unix.FanotifyInit(unix.FAN_CLASS_NOTIF|unix.FAN_CLOEXEC, unix.O_RDONLY)
	if err != nil {
		return err
	}
	return unix.Close(fd)
}

// AnswerSeccomp puts every thread of this process under a filter that
// answers seccomp(2) with errno (0: success, installing nothing) and lets
// every other call through, as a container's profile might: what intact
// then installs must be found missing or refused.
func AnswerSeccomp(errno unix.Errno) error {
	prog := []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: 0}, // seccomp_data.nr
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: unix.SYS_SECCOMP, Jt: 0, Jf: 1},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ERRNO | uint32(errno)},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		return fmt.Errorf("seccomp: %w", e)
	}
	return nil
}
