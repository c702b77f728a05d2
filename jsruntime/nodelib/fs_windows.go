package nodelib

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/windows"
)

// errnoTable holds libuv's Windows names, numbers and messages.
var errnoTable = map[syscall.Errno]errnoInfo{
	syscall.ERROR_FILE_NOT_FOUND:    {"ENOENT", -4058, "no such file or directory"},
	syscall.ERROR_PATH_NOT_FOUND:    {"ENOENT", -4058, "no such file or directory"},
	syscall.ERROR_ALREADY_EXISTS:    {"EEXIST", -4075, "file already exists"},
	syscall.ERROR_FILE_EXISTS:       {"EEXIST", -4075, "file already exists"},
	syscall.ERROR_ACCESS_DENIED:     {"EPERM", -4048, "operation not permitted"},
	syscall.ERROR_DIR_NOT_EMPTY:     {"ENOTEMPTY", -4051, "directory not empty"},
	windows.ERROR_INVALID_HANDLE:    {"EBADF", -4083, "bad file descriptor"},
	windows.ERROR_INVALID_PARAMETER: {"EINVAL", -4071, "invalid argument"},
	syscall.EISDIR:                  {"EISDIR", -4068, "illegal operation on a directory"},
	syscall.EACCES:                  {"EACCES", -4092, "permission denied"},
	syscall.EBADF:                   {"EBADF", -4083, "bad file descriptor"},
	syscall.ESRCH:                   {"ESRCH", -4040, "no such process"},
	syscall.ETIMEDOUT:               {"ETIMEDOUT", -4039, "connection timed out"},
	syscall.ENOBUFS:                 {"ENOBUFS", -4060, "no buffer space available"},
}

// statPath returns Node's Stats fields of the file at path, following a
// final symbolic link when follow is set, from what Windows' FileInfo offers.
func statPath(path string, follow bool) ([]float64, error) {
	stat := os.Lstat
	if follow {
		stat = os.Stat
	}
	fi, err := stat(path)
	if err != nil {
		return nil, err
	}
	return portableStat(fi), nil
}

// statFile returns Node's Stats fields of the open file f.
func statFile(f *os.File) ([]float64, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return portableStat(fi), nil
}

func syscallRmdir(path string) error { return syscall.Rmdir(path) }

func access(path string, mode int) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if mode&2 != 0 && fi.Mode().Perm()&0o200 == 0 {
		return syscall.EACCES
	}
	return nil
}

// extraOpenFlags: Windows has none of the Unix-only open flags.
func extraOpenFlags(int) int { return 0 }

// futimes sets the access and modification times, in seconds, of f.
func futimes(f *os.File, atime, mtime float64) error {
	return os.Chtimes(f.Name(), time.UnixMilli(int64(atime*1000)), time.UnixMilli(int64(mtime*1000)))
}

// lutimes is not offered on Windows, where Go cannot set a link's own times.
func lutimes(string, float64, float64) error { return errors.ErrUnsupported }

// statfs is not offered on Windows.
func statfs(string) ([]float64, error) { return nil, errors.ErrUnsupported }
