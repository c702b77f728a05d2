//go:build darwin || freebsd || netbsd || openbsd

package nodelib

import "syscall"

func statTimes(st *syscall.Stat_t) (atime, mtime, ctime syscall.Timespec) {
	return st.Atimespec, st.Mtimespec, st.Ctimespec
}
