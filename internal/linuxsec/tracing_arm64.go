//go:build linux

package linuxsec

import "golang.org/x/sys/unix"

// tracingSyscalls: arm64, and 32-bit ARM programs, whose numbers are the
// kernel's arch/arm/tools/syscall.tbl.
func tracingSyscalls() []syscallTable {
	return []syscallTable{
		{arch: unix.AUDIT_ARCH_AARCH64, calls: []uint32{unix.SYS_PTRACE, unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV, unix.SYS_PIDFD_GETFD,
			unix.SYS_OPEN_BY_HANDLE_AT, unix.SYS_OPEN_TREE, unix.SYS_OPEN_TREE_ATTR, unix.SYS_MOUNT_SETATTR, unix.SYS_MOVE_MOUNT,
			unix.SYS_FSOPEN, unix.SYS_FSCONFIG, unix.SYS_FSMOUNT, unix.SYS_FSPICK}, seccomp: unix.SYS_SECCOMP, ioctl: unix.SYS_IOCTL},
		{arch: unix.AUDIT_ARCH_ARM, calls: []uint32{26, 376, 377, 438, 372, 428, 467, 442, 429, 430, 431, 432, 433}, seccomp: 383, ioctl: 54},
	}
}
