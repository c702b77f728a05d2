package nodelib

import (
	"io/fs"
	"os"
	"syscall"

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
}

func statArray(fi fs.FileInfo) []float64 { return portableStat(fi) }

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
