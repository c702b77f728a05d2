package nodeguard

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// realPath returns path with every symbolic link resolved, as the kernel
// resolves it: one open, bounded by the kernel's limit of 40 links.
// filepath.EvalSymlinks resolves in user space with an lstat of the whole
// path so far per component, and a chain of links whose targets each walk
// 800 folders down and up again took it 1.7 s, against 3.5 ms for the
// kernel (outside review rt79).
func realPath(path string) (string, error) {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	real, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return "", err
	}
	// What /proc names when the file is gone, or outside this process's
	// root: no path to it.
	if !strings.HasPrefix(real, "/") || strings.HasSuffix(real, " (deleted)") {
		return "", errors.New(path + ": no path resolves to it")
	}
	return real, nil
}
