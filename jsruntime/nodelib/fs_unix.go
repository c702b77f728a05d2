//go:build unix

package nodelib

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// errnoTable holds libuv's names and messages for the errors fs reports.
var errnoTable = map[syscall.Errno]errnoInfo{
	syscall.ENOENT:       {"ENOENT", -int(syscall.ENOENT), "no such file or directory"},
	syscall.EEXIST:       {"EEXIST", -int(syscall.EEXIST), "file already exists"},
	syscall.EISDIR:       {"EISDIR", -int(syscall.EISDIR), "illegal operation on a directory"},
	syscall.ENOTDIR:      {"ENOTDIR", -int(syscall.ENOTDIR), "not a directory"},
	syscall.EACCES:       {"EACCES", -int(syscall.EACCES), "permission denied"},
	syscall.EPERM:        {"EPERM", -int(syscall.EPERM), "operation not permitted"},
	syscall.ENOTEMPTY:    {"ENOTEMPTY", -int(syscall.ENOTEMPTY), "directory not empty"},
	syscall.EBADF:        {"EBADF", -int(syscall.EBADF), "bad file descriptor"},
	syscall.EINVAL:       {"EINVAL", -int(syscall.EINVAL), "invalid argument"},
	syscall.EMFILE:       {"EMFILE", -int(syscall.EMFILE), "too many open files"},
	syscall.ELOOP:        {"ELOOP", -int(syscall.ELOOP), "too many symbolic links encountered"},
	syscall.ENAMETOOLONG: {"ENAMETOOLONG", -int(syscall.ENAMETOOLONG), "name too long"},
	syscall.EXDEV:        {"EXDEV", -int(syscall.EXDEV), "cross-device link not permitted"},
	syscall.EROFS:        {"EROFS", -int(syscall.EROFS), "read-only file system"},
	syscall.ENOSPC:       {"ENOSPC", -int(syscall.ENOSPC), "no space left on device"},
	syscall.EBUSY:        {"EBUSY", -int(syscall.EBUSY), "resource busy or locked"},
	syscall.EIO:          {"EIO", -int(syscall.EIO), "i/o error"},
	syscall.EAGAIN:       {"EAGAIN", -int(syscall.EAGAIN), "resource temporarily unavailable"},
}

// statArray returns Node's Stats fields in the order fs.js expects: dev, mode,
// nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs,
// ctimeMs, birthtimeMs.
func statArray(fi fs.FileInfo) []float64 {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return portableStat(fi)
	}
	ts := func(t syscall.Timespec) float64 { return float64(t.Sec)*1e3 + float64(t.Nsec)/1e6 }
	atime, mtime, ctime := statTimes(st)
	return []float64{
		float64(st.Dev), float64(st.Mode), float64(st.Nlink), float64(st.Uid), float64(st.Gid),
		float64(st.Rdev), float64(st.Blksize), float64(st.Ino), float64(st.Size), float64(st.Blocks),
		ts(atime), ts(mtime), ts(ctime), ts(ctime),
	}
}

func syscallRmdir(path string) error {
	if err := unix.Rmdir(path); err != nil {
		return err
	}
	return nil
}

func access(path string, mode int) error {
	return unix.Access(path, uint32(mode))
}
