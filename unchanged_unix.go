//go:build unix

package intact

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// A stamp is what two stats of one open file compare to tell that its
// contents did not change between them: its size and its modification and
// status-change times, with its device and inode. The status-change time
// also moves on a write that puts the modification time back (touch -m,
// utimes), and nobody can set it. golang.org/x/sys/unix names the times
// alike on every Unix, so macOS and the BSDs compare it too.
type stamp struct {
	dev, ino     uint64
	size         int64
	mtime, ctime unix.Timespec
}

// stampOf stats the open file f.
func stampOf(f *os.File) (stamp, error) {
	conn, err := f.SyscallConn()
	if err != nil {
		return stamp{}, err
	}
	var st unix.Stat_t
	var serr error
	err = conn.Control(func(fd uintptr) {
		for {
			if serr = unix.Fstat(int(fd), &st); serr != unix.EINTR {
				return
			}
		}
	})
	if err == nil && serr != nil {
		err = fmt.Errorf("fstat %s: %w", f.Name(), serr)
	}
	if err != nil {
		return stamp{}, err
	}
	return stamp{dev: uint64(st.Dev), ino: uint64(st.Ino), size: st.Size, mtime: st.Mtim, ctime: st.Ctim}, nil
}
