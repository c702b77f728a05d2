//go:build unix

package intact

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

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
//     No symbolic link on the way to it may belong to anyone else.
//   - The log itself is opened with O_NOFOLLOW (a symbolic link is refused,
//     never followed), without blocking (a FIFO never blocks the process),
//     and must then be a regular file owned by the caller with exactly one
//     link (a hard link to another file, root's /etc/passwd say, is refused).
//
// The folder and the log are checked on the descriptors opened, so swapping
// either between a check and the open changes nothing; only the walk over
// the symbolic links is by path (see checkLinks).
func openEventLog(path string) (*os.File, error) {
	dir, name := filepath.Split(path)
	euid := os.Geteuid()
	if err := checkLinks(dir, euid); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dirFD, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(dirFD)
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

// maxLinks bounds the symbolic links checkLinks follows, as the kernel's
// own limit (40) bounds path resolution.
const maxLinks = 40

// checkLinks resolves the absolute path dir as the kernel would and refuses
// it when a symbolic link on the way belongs to someone other than root or
// the caller: such a link, in /tmp say, would choose the folder the log is
// created in (and a folder root owns, such as /etc, passes the folder
// checks). A folder that is missing is left for the open to report.
//
// The walk is by path, so a folder on the way that others may write to
// without the sticky bit could still be changed between this check and the
// open; the checks of the folder and the file opened stand either way.
func checkLinks(dir string, euid int) error {
	pending := strings.Split(filepath.Clean(dir), "/")
	resolved := "/"
	for links := 0; len(pending) > 0; {
		name := pending[0]
		pending = pending[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, name)
		var st unix.Stat_t
		if err := unix.Lstat(next, &st); err != nil {
			return nil
		}
		if st.Mode&unix.S_IFMT != unix.S_IFLNK {
			resolved = next
			continue
		}
		if uid := int(st.Uid); uid != euid && uid != 0 {
			return fmt.Errorf("the symbolic link %s on its path is owned by uid %d, who could point it anywhere", next, uid)
		}
		if links++; links > maxLinks {
			return &os.PathError{Op: "resolve", Path: dir, Err: unix.ELOOP}
		}
		target, err := os.Readlink(next)
		if err != nil {
			return err
		}
		if filepath.IsAbs(target) {
			resolved = "/"
		}
		pending = append(strings.Split(target, "/"), pending...)
	}
	return nil
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
