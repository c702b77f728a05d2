//go:build linux && (amd64 || arm64)

package linuxsec

import "golang.org/x/sys/unix"

// nativeUnguardable are the native calls refused where the guard runs
// (see syscallTable): the same names on x86-64 and arm64.
var nativeUnguardable = []uint32{
	unix.SYS_SETXATTR, unix.SYS_LSETXATTR, unix.SYS_FSETXATTR, unix.SYS_SETXATTRAT,
	unix.SYS_REMOVEXATTR, unix.SYS_LREMOVEXATTR, unix.SYS_FREMOVEXATTR, unix.SYS_REMOVEXATTRAT,
	unix.SYS_IO_URING_SETUP, unix.SYS_IO_URING_ENTER, unix.SYS_IO_URING_REGISTER, unix.SYS_USERFAULTFD,
}
