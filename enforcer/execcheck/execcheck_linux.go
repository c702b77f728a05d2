package execcheck

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/intactdev/intact/internal/linuxsec"
	"golang.org/x/sys/unix"
)

func securebits() (uint32, error) { return linuxsec.Securebits() }

func probe() error { return linuxsec.ProbeExecveCheck() }

// check runs AT_EXECVE_CHECK on f's descriptor. It goes through
// SyscallConn rather than Fd, which would switch the descriptor to blocking
// mode.
func check(f *os.File, path string) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var checkErr error
	if err := rc.Control(func(fd uintptr) { checkErr = linuxsec.ExecveCheck(int(fd), path) }); err != nil {
		return err
	}
	return checkErr
}

// refusal reports whether err is the kernel refusing execution, and names
// the errno. EACCES comes from file modes, noexec mounts and security
// modules (IMA, IPE, Landlock), EPERM from fanotify permission daemons such
// as fapolicyd, ETXTBSY from a file open for writing. ENOEXEC is not among
// them: the check ignores the file's format, so ENOEXEC would be a failure
// of the check, which refuses the file too.
func refusal(err error) (string, bool) {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return "", false
	}
	switch errno {
	case unix.EACCES, unix.EPERM, unix.ETXTBSY:
		return unix.ErrnoName(errno), true
	}
	return "", false
}

// refusalCause says what made the kernel refuse f with err, when it is the
// file itself: a mode without execute permission, a file system mounted
// noexec, or a file open for writing. It returns "" when none is the cause
// (a security module such as IMA, IPE, Landlock or fapolicyd then refused),
// or when the file cannot be examined.
func refusalCause(f *os.File, err error) string {
	switch {
	case errors.Is(err, unix.ETXTBSY):
		return "the file is open for writing"
	case !errors.Is(err, unix.EACCES):
		return ""
	}
	rc, rcErr := f.SyscallConn()
	if rcErr != nil {
		return ""
	}
	var st unix.Stat_t
	var fs unix.Statfs_t
	var stErr, fsErr error
	if rc.Control(func(fd uintptr) {
		stErr = unix.Fstat(int(fd), &st)
		fsErr = unix.Fstatfs(int(fd), &fs)
	}) != nil {
		return ""
	}
	switch {
	case fsErr == nil && fs.Flags&unix.ST_NOEXEC != 0:
		return "its file system is mounted noexec"
	case stErr == nil && st.Mode&0o111 == 0:
		return fmt.Sprintf("its mode %04o lets no one execute it (chmod +x)", st.Mode&0o7777)
	}
	return ""
}

// unlinked describes f when it has no link in any folder — "a memfd" or
// "a deleted or O_TMPFILE file" — and returns "" for a file that has one.
// The kernel clears a memfd's link count when it makes one (shmem and
// hugetlbfs alike), so st_nlink == 0 covers memfds, O_TMPFILE files not yet
// linked and deleted files; the descriptor's /proc link, "/memfd:NAME
// (deleted)" for a memfd, only names which.
func unlinked(f *os.File) (string, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return "", err
	}
	var st unix.Stat_t
	var statErr error
	var link string
	err = rc.Control(func(fd uintptr) {
		if statErr = unix.Fstat(int(fd), &st); statErr == nil && st.Nlink == 0 {
			// Best effort: without /proc the file is refused all the same.
			link, _ = os.Readlink("/proc/self/fd/" + strconv.Itoa(int(fd)))
		}
	})
	switch {
	case err != nil:
		return "", err
	case statErr != nil:
		return "", statErr
	case st.Nlink != 0:
		return "", nil
	case strings.HasPrefix(link, "/memfd:"):
		return "a memfd (" + strings.TrimSuffix(link, " (deleted)") + ")", nil
	}
	return "a deleted or O_TMPFILE file", nil
}
