//go:build unix

package tree

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// A regularFile is an open regular file, read by position.
//
// A tree has thousands of files, each opened for one or two reads, so the
// descriptor is used directly: an *os.File would try to register it with
// the network poller (a failing epoll_ctl per file), allocate, and set a
// finalizer.
type regularFile struct {
	fd int
}

// openRegular opens name for reading and returns it with its size. It
// refuses anything but a regular file; it opens without blocking, since
// opening a FIFO for reading would otherwise wait for a writer.
func openRegular(name string) (*regularFile, int64, error) {
	return openRegularAt(unix.AT_FDCWD, name, name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC)
}

// openRegularAt is openRegular of the file name relative to the folder
// open as dirfd, opened with flags; path names the file in errors.
func openRegularAt(dirfd int, name, path string, flags int) (*regularFile, int64, error) {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Openat(dirfd, name, flags, 0)
		return err
	})
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := ignoringEINTR(func() error { return syscall.Fstat(fd, &st) }); err != nil {
		syscall.Close(fd)
		return nil, 0, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		// Rare: let package os name the file type.
		f := os.NewFile(uintptr(fd), path)
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return nil, 0, err
		}
		return nil, 0, fmt.Errorf("%s: not a regular file (%v)", path, fi.Mode().Type())
	}
	return &regularFile{fd}, st.Size, nil
}

// ReadAt implements io.ReaderAt.
func (f *regularFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		var m int
		err := ignoringEINTR(func() (err error) {
			m, err = syscall.Pread(f.fd, p[n:], off+int64(n))
			return err
		})
		if err != nil {
			return n, err
		}
		if m == 0 {
			return n, io.EOF
		}
		n += m
	}
	return n, nil
}

func (f *regularFile) Close() error { return syscall.Close(f.fd) }

// ignoringEINTR calls fn until it is not interrupted by a signal.
func ignoringEINTR(fn func() error) error {
	for {
		if err := fn(); err != syscall.EINTR {
			return err
		}
	}
}
