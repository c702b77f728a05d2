package linuxsec

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// DenyTracing keeps the processes the thread starts from now on, and their
// descendants, from reaching into other processes: ptrace, process_vm_readv,
// process_vm_writev and pidfd_getfd fail with EPERM, under a seccomp filter
// on the thread. Landlock does not stop them: a process may trace another
// in its own domain, and node's children share node's. Without it, a child
// of a confined node could attach to node and load a library into it, or
// take node's descriptors (pidfd_getfd), wherever Yama allows tracing.
//
// The filter also refuses open_by_handle_at (a file opened by a handle,
// not by a path) and the new mount API (open_tree clones a mount,
// mount_setattr changes its flags, fsmount makes one), which Landlock does
// not confine either (outside review rt16). And it
// refuses a seccomp filter that asks for a listener
// (SECCOMP_FILTER_FLAG_NEW_LISTENER): the listener answers the system calls
// of the programs started under the filter, with any return value or a
// descriptor of its choosing, so a process of node's tree could answer the
// opens of an intact it starts as node (the shim reading its broker's
// configuration) with files of its own. And it refuses ioctl's TIOCSTI
// and TIOCLINUX, which type into a terminal: a shell outside node's tree
// reading it would run the commands typed (outside review rt19). And
// vhangup and ioctl's TIOCVHANGUP, with which root hung up its terminal,
// or any terminal, so that the kernel sent SIGHUP to the session's leader,
// a shell outside the tree (outside reviews rt86 and rt88); fcntl's
// F_SETLEASE, with which a process the tree left behind kept every later
// open of a policy or catalog failing (rt86); and fanotify, whose
// permission events left unanswered held every later open of a policy up
// (rt88).
//
// When readOnly is not empty, the files and folders a Landlock domain of
// the thread makes read-only (DenyExecReadOnly), the filter also keeps
// their modes and owners, which Landlock has no right for, from changing:
// it hands chmod, chown and their kin to the returned AttrGuard, which
// refuses them there and does them elsewhere, and it refuses every change
// of an extended attribute (an access control list is one), io_uring,
// whose rings change them too, and userfaultfd, which would let a process
// stall the guard (see syscallTable). Without it,
// root in the domain could make /etc/intact/policy writable by everyone,
// and a process outside the domain write it (outside review rt45). The
// caller closes the guard once the processes no longer need it; their
// calls then fail.
//
// It returns an *UnsupportedError on architectures whose system call
// numbers it does not know.
func (t *Thread) DenyTracing(readOnly []string) (*AttrGuard, error) {
	// Under a guard already (a node child of a node tree of root's), the
	// thread's processes are too: its filter hands their calls to it
	// whatever this one does, and its read-only files are those of the
	// same node. This filter may not ask for a listener anyway.
	if guarded := underAttrGuard(); len(readOnly) == 0 || guarded {
		marker := uint32(markerErrno)
		if guarded {
			marker = markerGuardedErrno
		}
		filter, err := tracingFilter(attrsAllowed, marker)
		if err != nil {
			return nil, err
		}
		t.Do(func() { _, err = installFilter(filter, 0, unix.Errno(marker)) })
		return nil, err
	}
	filter, err := tracingFilter(attrsGuarded, markerGuardedErrno)
	if err != nil {
		return nil, err
	}
	g, err := newAttrGuard(readOnly, t.ID())
	if err != nil {
		return nil, err
	}
	var listener int
	t.Do(func() {
		// The listener, through which the guard answers, is closed on exec.
		listener, err = installFilter(filter, unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, markerGuardedErrno)
	})
	if err != nil {
		return nil, err
	}
	if err := g.serve(listener); err != nil {
		return nil, err
	}
	return g, nil
}

// The filter also answers prctl(markerOption) with markerErrno, or
// markerGuardedErrno when an AttrGuard answers for its processes, which
// no process outside it ever gets, and nothing under it can remove: so any
// process can tell whether it descends from one started under
// DenyTracing (UnderDenyTracing), and under a guard.
const (
	markerOption       = 0x696e7463 // "intc"
	markerErrno        = 4000       // not an errno of Linux's (they end at 133)
	markerGuardedErrno = 4001
)

// DenyTracingSupported reports whether Thread.DenyTracing can install its
// filter here: whether intact knows this architecture's system call
// numbers.
func DenyTracingSupported() bool { return tracingSyscalls() != nil }

// UnderDenyTracing reports whether this process runs under the filter of
// Thread.DenyTracing: whether it descends from a process a thread started
// after DenyTracing.
func UnderDenyTracing() bool {
	m := markerOf()
	return m == markerErrno || m == markerGuardedErrno
}

// underAttrGuard reports whether an AttrGuard answers for this process
// (see DenyTracing): the newest filter's marker says so, and a filter
// installed under a guard's says so too.
func underAttrGuard() bool { return markerOf() == markerGuardedErrno }

// markerOf returns what prctl(markerOption) fails with: a marker, or an
// errno of Linux's.
func markerOf() unix.Errno {
	_, err := unix.PrctlRetInt(markerOption, 0, 0, 0, 0)
	errno, _ := err.(unix.Errno)
	return errno
}

// A syscallTable names an architecture as seccomp sees it (AUDIT_ARCH_*)
// and the numbers of the system calls DenyTracing refuses there.
type syscallTable struct {
	arch uint32
	// x32 is set for x86-64, whose x32 ABI numbers (bit 30 set) are
	// refused outright: no program node starts uses them.
	x32   bool
	calls []uint32
	// seccomp is the number of seccomp(2), refused with the flag
	// SECCOMP_FILTER_FLAG_NEW_LISTENER; ioctl that of ioctl(2), refused
	// for TIOCSTI, TIOCLINUX and TIOCVHANGUP.
	seccomp, ioctl uint32
	// fcntl are the numbers of fcntl(2) (and fcntl64), refused for
	// F_SETLEASE: a lease kept by a process node's tree left behind made
	// every later open of a policy or catalog fail (outside review rt86).
	fcntl []uint32
	// attrs are the calls that change a file's mode or owner, which the
	// guard answers for the native architecture (attrCalls says how to
	// read each) and the filter refuses for the others; unguardable those
	// refused where the guard runs: those that change a file's attributes
	// in ways the guard does not judge (its extended attributes, and
	// io_uring's calls, since a ring sets them with IORING_OP_SETXATTR
	// and no system call a filter sees), and userfaultfd, with which a
	// process holds a file's lock for as long as it likes (a write from a
	// page never filled), stalling the guard's answers for that file
	// (outside review rt49). Both only with read-only paths.
	attrs, unguardable []uint32
}

// userfaultfdIocNew is /dev/userfaultfd's request for a userfaultfd
// (include/uapi/linux/userfaultfd.h: _IO(0xAA, 0x00)).
const userfaultfdIocNew = 0xaa00

// What the filter does with the calls that change a file's attributes.
type attrRule int

const (
	attrsAllowed attrRule = iota // no read-only paths: as any other call
	attrsGuarded                 // the native ones to the guard, the rest refused
)

// Classic BPF, as seccomp runs it (include/uapi/linux/filter.h,
// linux/seccomp.h): struct seccomp_data has the call's number at offset 0
// and the architecture at offset 4.
const (
	bpfLoadWord = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	bpfJumpEq   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	bpfJumpSet  = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
	bpfReturn   = unix.BPF_RET | unix.BPF_K
	offsetNr    = 0
	offsetArch  = 4
	offsetArg0  = 16 // args[0], its low 32 bits on a little-endian machine
	offsetArg1  = 24 // args[1], likewise
	x32Bit      = 0x40000000
)

// tracingFilter is DenyTracing's program: for each architecture this
// process can make system calls in, refuse its tracing calls; allow the
// rest.
func tracingFilter(attrs attrRule, marker uint32) ([]unix.SockFilter, error) {
	tables := tracingSyscalls()
	if tables == nil {
		return nil, &UnsupportedError{fmt.Sprintf("the system call numbers of ptrace and the like are not known here (%s)", runtime.GOARCH)}
	}
	var prog []unix.SockFilter
	var toDeny []int   // jumps whose true branch goes to the refusal
	var toNotify []int // and to the guard
	for i, tab := range tables {
		block := []unix.SockFilter{{Code: bpfLoadWord, K: offsetNr}}
		if i == 0 {
			// The native architecture's prctl(markerOption): the marker;
			// any other prctl is allowed.
			block = append(block,
				unix.SockFilter{Code: bpfJumpEq, K: unix.SYS_PRCTL, Jf: 4},
				unix.SockFilter{Code: bpfLoadWord, K: offsetArg0},
				unix.SockFilter{Code: bpfJumpEq, K: markerOption, Jf: 1},
				unix.SockFilter{Code: bpfReturn, K: unix.SECCOMP_RET_ERRNO | marker},
				unix.SockFilter{Code: bpfReturn, K: unix.SECCOMP_RET_ALLOW})
		}
		if tab.x32 {
			toDeny = append(toDeny, len(prog)+2+len(block))
			block = append(block, unix.SockFilter{Code: bpfJumpSet, K: x32Bit})
		}
		for _, nr := range tab.calls {
			toDeny = append(toDeny, len(prog)+2+len(block))
			block = append(block, unix.SockFilter{Code: bpfJumpEq, K: nr})
		}
		if attrs == attrsGuarded {
			for _, nr := range tab.attrs {
				if i == 0 {
					toNotify = append(toNotify, len(prog)+2+len(block))
				} else {
					toDeny = append(toDeny, len(prog)+2+len(block))
				}
				block = append(block, unix.SockFilter{Code: bpfJumpEq, K: nr})
			}
			for _, nr := range tab.unguardable {
				toDeny = append(toDeny, len(prog)+2+len(block))
				block = append(block, unix.SockFilter{Code: bpfJumpEq, K: nr})
			}
		}
		// ioctl(fd, request, arg) that types into a terminal, or, where
		// the guard runs, makes a userfaultfd (/dev/userfaultfd's
		// USERFAULTFD_IOC_NEW, as the call userfaultfd does); the
		// kernel takes the request's low 32 bits.
		requests := []uint32{unix.TIOCSTI, unix.TIOCLINUX, unix.TIOCVHANGUP}
		if attrs == attrsGuarded {
			requests = append(requests, userfaultfdIocNew)
		}
		block = append(block,
			unix.SockFilter{Code: bpfJumpEq, K: tab.ioctl, Jf: uint8(len(requests) + 2)},
			unix.SockFilter{Code: bpfLoadWord, K: offsetArg1})
		for _, req := range requests {
			toDeny = append(toDeny, len(prog)+2+len(block))
			block = append(block, unix.SockFilter{Code: bpfJumpEq, K: req})
		}
		block = append(block, unix.SockFilter{Code: bpfReturn, K: unix.SECCOMP_RET_ALLOW})
		// fcntl(fd, F_SETLEASE, type); the kernel takes the command's low
		// 32 bits.
		for _, nr := range tab.fcntl {
			block = append(block,
				unix.SockFilter{Code: bpfJumpEq, K: nr, Jf: 3},
				unix.SockFilter{Code: bpfLoadWord, K: offsetArg1})
			toDeny = append(toDeny, len(prog)+2+len(block))
			block = append(block,
				unix.SockFilter{Code: bpfJumpEq, K: unix.F_SETLEASE},
				unix.SockFilter{Code: bpfReturn, K: unix.SECCOMP_RET_ALLOW})
		}
		// seccomp(op, flags, args) with a listener asked for in flags;
		// the accumulator holds the number until flags are loaded.
		block = append(block,
			unix.SockFilter{Code: bpfJumpEq, K: tab.seccomp, Jf: 2},
			unix.SockFilter{Code: bpfLoadWord, K: offsetArg1})
		toDeny = append(toDeny, len(prog)+2+len(block))
		block = append(block, unix.SockFilter{Code: bpfJumpSet, K: unix.SECCOMP_FILTER_FLAG_NEW_LISTENER})
		block = append(block, unix.SockFilter{Code: bpfReturn, K: unix.SECCOMP_RET_ALLOW})
		prog = append(prog,
			unix.SockFilter{Code: bpfLoadWord, K: offsetArch},
			unix.SockFilter{Code: bpfJumpEq, K: tab.arch, Jf: uint8(len(block))})
		prog = append(prog, block...)
	}
	prog = append(prog, unix.SockFilter{Code: bpfReturn, K: unix.SECCOMP_RET_ALLOW})
	deny := len(prog)
	prog = append(prog, unix.SockFilter{Code: bpfReturn, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)})
	notify := len(prog)
	prog = append(prog, unix.SockFilter{Code: bpfReturn, K: unix.SECCOMP_RET_USER_NOTIF})
	for _, jumps := range []struct {
		from []int
		to   int
	}{{toDeny, deny}, {toNotify, notify}} {
		for _, i := range jumps.from {
			// Classic BPF jumps forward at most 255 instructions.
			if jumps.to-i-1 > 255 {
				return nil, fmt.Errorf("the seccomp filter is too long for its jumps (%d instructions)", len(prog))
			}
			prog[i].Jt = uint8(jumps.to - i - 1)
		}
	}
	return prog, nil
}

// installFilter puts the calling thread under filter, with flags, and
// returns what seccomp(2) does: a listener when flags ask for one. Seccomp needs
// no_new_privs, which Landlock needs too. It checks that the filter took
// effect, that the thread's prctl(markerOption) now fails with marker, so
// that a seccomp(2) answered with success by a filter around intact,
// installing nothing, is an error (outside review rt54). A program that
// starts intact under a filter of its own choosing could as well start
// node itself: this catches a profile's mistake, not a forgery.
//
// SECCOMP_FILTER_FLAG_SPEC_ALLOW: without it, kernels whose Spectre
// mitigations are on for sandboxes only (spec_store_bypass_disable=seccomp
// and spectre_v2_user=seccomp, x86's defaults before Linux 5.16) would
// turn them on for every process under the filter. The filter keeps
// node's tree from reaching node; it does not make node a sandbox, and
// node would pay for them on every run.
func installFilter(filter []unix.SockFilter, flags uintptr, marker unix.Errno) (int, error) {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return -1, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW|flags, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(filter)
	if errno != 0 {
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER): %w", errno)
	}
	fd := int(r)
	if m := markerOf(); m != marker {
		if flags&unix.SECCOMP_FILTER_FLAG_NEW_LISTENER != 0 && isSeccompListener(fd) {
			// Closed, so that the calls the filter hands it fail (ENOSYS)
			// rather than wait for answers that never come; a descriptor
			// that is no listener is not this call's to close.
			unix.Close(fd)
		}
		return -1, fmt.Errorf("seccomp(SECCOMP_SET_MODE_FILTER) succeeded, but the filter is not in force (prctl answers %v)", m)
	}
	// The marker in force, the call did install the filter, and what it
	// returned is its listener.
	return fd, nil
}

// isSeccompListener reports whether fd is a seccomp listener.
func isSeccompListener(fd int) bool {
	if fd < 0 {
		return false
	}
	name, err := os.Readlink(fmt.Sprintf("/proc/thread-self/fd/%d", fd))
	return err == nil && name == "anon_inode:seccomp notify"
}
