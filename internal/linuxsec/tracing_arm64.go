//go:build linux

package linuxsec

import "golang.org/x/sys/unix"

// tracingSyscalls: arm64, and 32-bit ARM programs, whose numbers are the
// kernel's arch/arm/tools/syscall.tbl.
func tracingSyscalls() []syscallTable {
	return []syscallTable{
		{arch: unix.AUDIT_ARCH_AARCH64, calls: []uint32{unix.SYS_PTRACE, unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV, unix.SYS_PIDFD_GETFD,
			unix.SYS_OPEN_BY_HANDLE_AT, unix.SYS_OPEN_TREE, unix.SYS_OPEN_TREE_ATTR, unix.SYS_MOUNT_SETATTR, unix.SYS_MOVE_MOUNT,
			unix.SYS_FSOPEN, unix.SYS_FSCONFIG, unix.SYS_FSMOUNT, unix.SYS_FSPICK, unix.SYS_VHANGUP,
			unix.SYS_FANOTIFY_INIT, unix.SYS_FANOTIFY_MARK}, seccomp: unix.SYS_SECCOMP, ioctl: unix.SYS_IOCTL,
			fcntl: []uint32{unix.SYS_FCNTL}, attrs: attrNumbers(), unguardable: nativeUnguardable},
		{arch: unix.AUDIT_ARCH_ARM, calls: []uint32{26, 376, 377, 438, 372, 428, 467, 442, 429, 430, 431, 432, 433, 111, 367, 368}, seccomp: 383, ioctl: 54,
			fcntl: []uint32{55, 221}, // fcntl, fcntl64
			// chmod, lchown, fchmod, fchown, chown, lchown32, fchown32,
			// chown32, fchownat, fchmodat, fchmodat2; the xattr calls,
			// io_uring's and userfaultfd.
			attrs:       []uint32{15, 16, 94, 95, 182, 198, 207, 212, 325, 333, 452},
			unguardable: []uint32{226, 227, 228, 463, 235, 236, 237, 466, 425, 426, 427, 388}},
	}
}

// attrCalls are the native calls that change a file's mode or owner, and
// where their arguments are. arm64 has only the *at forms and fchmod,
// fchown.
var attrCalls = map[uint32]attrCall{
	unix.SYS_FCHMOD:    {op: opChmod, form: byFD},
	unix.SYS_FCHMODAT:  {op: opChmod, form: byAt, follow: true},
	unix.SYS_FCHMODAT2: {op: opChmod, form: byAt, follow: true, flags: 3},
	unix.SYS_FCHOWN:    {op: opChown, form: byFD},
	unix.SYS_FCHOWNAT:  {op: opChown, form: byAt, follow: true, flags: 4},
}
