//go:build unix

package nodelib

import (
	"io/fs"
	"os"
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
	syscall.ESRCH:        {"ESRCH", -int(syscall.ESRCH), "no such process"},
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
	syscall.ETIMEDOUT:    {"ETIMEDOUT", -int(syscall.ETIMEDOUT), "connection timed out"},
	syscall.ENOBUFS:      {"ENOBUFS", -int(syscall.ENOBUFS), "no buffer space available"},
	syscall.ENOEXEC:      {"ENOEXEC", -int(syscall.ENOEXEC), "exec format error"},
}

// statPath returns Node's Stats fields of the file at path, following a
// final symbolic link when follow is set. The fields come from
// golang.org/x/sys/unix, whose Stat_t names its times alike on every Unix
// (package syscall calls them Atim on Linux and OpenBSD, Atimespec on
// macOS, FreeBSD and NetBSD).
func statPath(path string, follow bool) ([]float64, error) {
	op, stat := "lstat", unix.Lstat
	if follow {
		op, stat = "stat", unix.Stat
	}
	var st unix.Stat_t
	for {
		err := stat(path, &st)
		if err == nil {
			return statArray(&st), nil
		}
		if err != unix.EINTR {
			return nil, &fs.PathError{Op: op, Path: path, Err: err}
		}
	}
}

// statFile returns Node's Stats fields of the open file f.
func statFile(f *os.File) ([]float64, error) {
	conn, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var st unix.Stat_t
	var serr error
	if err := conn.Control(func(fd uintptr) { serr = unix.Fstat(int(fd), &st) }); err != nil {
		return nil, err
	}
	if serr != nil {
		return nil, &fs.PathError{Op: "fstat", Path: f.Name(), Err: serr}
	}
	return statArray(&st), nil
}

// statArray returns Node's Stats fields in the order fs.js expects: dev, mode,
// nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs,
// ctimeMs, birthtimeMs, then each of the four times again as seconds and
// nanoseconds, exact, for BigIntStats.
func statArray(st *unix.Stat_t) []float64 {
	ts := func(t unix.Timespec) float64 { return float64(t.Sec)*1e3 + float64(t.Nsec)/1e6 }
	return []float64{
		float64(st.Dev), float64(st.Mode), float64(st.Nlink), float64(st.Uid), float64(st.Gid),
		float64(st.Rdev), float64(st.Blksize), float64(st.Ino), float64(st.Size), float64(st.Blocks),
		ts(st.Atim), ts(st.Mtim), ts(st.Ctim), ts(st.Ctim),
		float64(st.Atim.Sec), float64(st.Atim.Nsec), float64(st.Mtim.Sec), float64(st.Mtim.Nsec),
		float64(st.Ctim.Sec), float64(st.Ctim.Nsec), float64(st.Ctim.Sec), float64(st.Ctim.Nsec),
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

// extraOpenFlags keeps the Unix-only open flags of Node's numbers.
func extraOpenFlags(n int) int {
	const noFollow, directory, nonBlock = 131072, 65536, 2048
	fl := 0
	for _, f := range []struct{ node, os int }{
		{noFollow, unix.O_NOFOLLOW}, {directory, unix.O_DIRECTORY}, {nonBlock, unix.O_NONBLOCK},
	} {
		if n&f.node != 0 {
			fl |= f.os
		}
	}
	return fl
}

func timespec(secs float64) unix.Timespec {
	return unix.NsecToTimespec(int64(secs * 1e9))
}

// futimes sets the access and modification times, in seconds, of f.
func futimes(f *os.File, atime, mtime float64) error {
	tv := func(secs float64) unix.Timeval { return unix.NsecToTimeval(int64(secs * 1e9)) }
	return unix.Futimes(int(f.Fd()), []unix.Timeval{tv(atime), tv(mtime)})
}

// lutimes sets the times of path itself, not of what a symbolic link at path names.
func lutimes(path string, atime, mtime float64) error {
	return unix.UtimesNanoAt(unix.AT_FDCWD, path, []unix.Timespec{timespec(atime), timespec(mtime)}, unix.AT_SYMLINK_NOFOLLOW)
}
