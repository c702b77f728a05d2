package execcheck

import (
	"errors"
	"os"

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
