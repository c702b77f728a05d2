//go:build unix

package intact

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// openEventLog opens the event log at path for appending, creating it with
// mode 0600, and refuses a log that someone else could have planted or
// could redirect: events name files and hashes, and a root process writing
// them where another user chose would append text partly chosen by that
// user (file names) to a file of that user's choice.
//
//   - The folder the log is in must be owned by the caller or root and
//     writable by no one else (group and other write bits clear), sticky bit
//     or not: in a folder others may add to, they can create the log first.
//   - The log itself is opened with O_NOFOLLOW (a symbolic link is refused,
//     never followed), without blocking (a FIFO never blocks the process),
//     and must then be a regular file owned by the caller with exactly one
//     link (a hard link to another file, root's /etc/passwd say, is refused).
//
// The checks are made on the descriptors opened, so swapping a path between
// a check and the open changes nothing.
func openEventLog(path string) (*os.File, error) {
	dir, name := filepath.Split(path)
	dirFD, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(dirFD)
	euid := os.Geteuid()
	var st unix.Stat_t
	if err := unix.Fstat(dirFD, &st); err != nil {
		return nil, &os.PathError{Op: "fstat", Path: dir, Err: err}
	}
	if uid := int(st.Uid); uid != euid && uid != 0 {
		return nil, fmt.Errorf("%s: its folder %s is owned by uid %d, who could replace the log: use a folder you or root own", path, dir, uid)
	}
	if st.Mode&0o022 != 0 {
		return nil, fmt.Errorf("%s: its folder %s has mode %v: others could create or replace the log (sticky bit or not): use a folder only its owner can write", path, dir, os.FileMode(st.Mode&0o777))
	}

	fd, err := unix.Openat(dirFD, name, unix.O_WRONLY|unix.O_APPEND|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		if err == unix.ELOOP {
			return nil, fmt.Errorf("%s is a symbolic link: an event log must be a regular file", path)
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	if err := checkEventLogFile(fd, path, euid); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

// checkEventLogFile checks the open log: a regular file, the caller's, with
// one link.
func checkEventLogFile(fd int, path string, euid int) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return fmt.Errorf("%s: not a regular file (mode %#o)", path, st.Mode)
	}
	if int(st.Uid) != euid {
		return fmt.Errorf("%s is owned by uid %d, not by the caller (uid %d): someone else made it", path, st.Uid, euid)
	}
	if st.Nlink != 1 {
		return fmt.Errorf("%s has %d links: an event log must have exactly one", path, st.Nlink)
	}
	return nil
}
