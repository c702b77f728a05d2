//go:build linux

package linuxsec

import "golang.org/x/sys/unix"

// tracingSyscalls: x86-64, and i386 programs (int 0x80), whose numbers are
// the kernel's arch/x86/entry/syscalls/syscall_32.tbl.
func tracingSyscalls() []syscallTable {
	return []syscallTable{
		{arch: unix.AUDIT_ARCH_X86_64, x32: true, calls: []uint32{unix.SYS_PTRACE, unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV, unix.SYS_PIDFD_GETFD}},
		{arch: unix.AUDIT_ARCH_I386, calls: []uint32{26, 347, 348, 438}},
	}
}
