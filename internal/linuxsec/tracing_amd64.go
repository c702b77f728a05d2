//go:build linux

package linuxsec

import "golang.org/x/sys/unix"

// tracingSyscalls: x86-64, and i386 programs (int 0x80), whose numbers are
// the kernel's arch/x86/entry/syscalls/syscall_32.tbl.
func tracingSyscalls() []syscallTable {
	return []syscallTable{
		{arch: unix.AUDIT_ARCH_X86_64, x32: true, calls: []uint32{unix.SYS_PTRACE, unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV, unix.SYS_PIDFD_GETFD,
			unix.SYS_OPEN_BY_HANDLE_AT, unix.SYS_OPEN_TREE, unix.SYS_OPEN_TREE_ATTR, unix.SYS_MOUNT_SETATTR, unix.SYS_MOVE_MOUNT,
			unix.SYS_FSOPEN, unix.SYS_FSCONFIG, unix.SYS_FSMOUNT, unix.SYS_FSPICK}, seccomp: unix.SYS_SECCOMP, ioctl: unix.SYS_IOCTL},
		{arch: unix.AUDIT_ARCH_I386, calls: []uint32{26, 347, 348, 438, 342, 428, 467, 442, 429, 430, 431, 432, 433}, seccomp: 354, ioctl: 54},
	}
}
