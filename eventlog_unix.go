//go:build unix

package intact

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/intactdev/intact/internal/adminpath"
	"golang.org/x/sys/unix"
)

// eventLog is the event log: the folder it is in, held open from Load on
// so that every write opens the log in the folder that was checked, not in
// whatever the path names by then.
type eventLog struct {
	dirFD int
	dir   string
	name  string
	path  string
}

// openEventLogFolder resolves the folder of the event log at path without
// a window between check and use, and checks it (see open for the rules).
// The folder descriptor stays open for the life of the process: a Policy
// logs until it exits.
func openEventLogFolder(path string) (*eventLog, error) {
	dir, name := filepath.Split(path)
	euid := os.Geteuid()
	dirFD, err := walkToFolder(dir, euid)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(dirFD, &st); err != nil {
		unix.Close(dirFD)
		return nil, &os.PathError{Op: "fstat", Path: dir, Err: err}
	}
	if uid := int(st.Uid); uid != euid && uid != 0 {
		unix.Close(dirFD)
		return nil, fmt.Errorf("%s: its folder %s is owned by uid %d, who could replace the log: use a folder you or root own", path, dir, uid)
	}
	if st.Mode&0o022 != 0 {
		unix.Close(dirFD)
		return nil, fmt.Errorf("%s: its folder %s has mode %v: others could create or replace the log (sticky bit or not): use a folder only its owner can write", path, dir, os.FileMode(st.Mode&0o777))
	}
	return &eventLog{dirFD: dirFD, dir: dir, name: name, path: path}, nil
}

// open opens the event log for appending, creating it with mode 0600, and
// refuses a log that someone else could have planted or could redirect:
// events name files and hashes, and a root process writing them where
// another user chose would append text partly chosen by that user (file
// names) to a file of that user's choice.
//
//   - The folder the log is in must be owned by the caller or root and
//     writable by no one else (group and other write bits clear), sticky bit
//     or not: in a folder others may add to, they can create the log first.
//     No symbolic link on the way to it may belong to anyone else. It is
//     resolved once, one component at a time from descriptors
//     (walkToFolder), and held open.
//   - The log itself is opened in that folder with O_NOFOLLOW (a symbolic
//     link is refused, never followed), without blocking (a FIFO never
//     blocks the process), and must then be a regular file owned by the
//     caller with exactly one link (a hard link to another file, root's
//     /etc/passwd say, is refused).
func (l *eventLog) open() (*os.File, error) {
	fd, err := unix.Openat(l.dirFD, l.name, unix.O_WRONLY|unix.O_APPEND|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		if err == unix.ELOOP {
			return nil, fmt.Errorf("%s is a symbolic link: an event log must be a regular file", l.path)
		}
		return nil, &os.PathError{Op: "open", Path: l.path, Err: err}
	}
	if err := checkEventLogFile(fd, l.path, os.Geteuid()); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), l.path), nil
}

// walkToFolder opens the absolute path dir one component at a time, each
// with openat(O_NOFOLLOW) from the descriptor of the folder before it, so
// that no component can be swapped between a check and its use. A symbolic
// link on the way is followed only when root or the caller owns it: such a
// link, in /tmp say, would choose the folder the log is created in (and a
// folder root owns, such as /etc, passes the folder checks). The link is
// read through readLinkOwned, which reports the owner of the link it read.
func walkToFolder(dir string, euid int) (int, error) {
	openRoot := func() (int, error) {
		fd, err := unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return -1, &os.PathError{Op: "open", Path: "/", Err: err}
		}
		return fd, nil
	}
	fd, err := openRoot()
	if err != nil {
		return -1, err
	}
	pending := strings.Split(filepath.Clean(dir), "/")
	walked := "/"
	for links := 0; len(pending) > 0; {
		name := pending[0]
		pending = pending[1:]
		if name == "" || name == "." {
			continue
		}
		next, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err == nil {
			unix.Close(fd)
			fd = next
			if name == ".." {
				walked = filepath.Dir(walked)
			} else {
				walked = filepath.Join(walked, name)
			}
			continue
		}
		at := filepath.Join(walked, name)
		if err != unix.ELOOP && err != unix.ENOTDIR {
			unix.Close(fd)
			return -1, &os.PathError{Op: "open", Path: at, Err: err}
		}
		target, uid, err := readLinkOwned(fd, name)
		if err != nil {
			unix.Close(fd)
			return -1, &os.PathError{Op: "readlink", Path: at, Err: err}
		}
		if uid != euid && uid != 0 {
			unix.Close(fd)
			return -1, fmt.Errorf("the symbolic link %s on its path is owned by uid %d, who could point it anywhere", at, uid)
		}
		if links++; links > adminpath.MaxLinks {
			unix.Close(fd)
			return -1, &os.PathError{Op: "resolve", Path: dir, Err: unix.ELOOP}
		}
		if filepath.IsAbs(target) {
			unix.Close(fd)
			if fd, err = openRoot(); err != nil {
				return -1, err
			}
			walked = "/"
		}
		pending = append(strings.Split(target, "/"), pending...)
	}
	return fd, nil
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
