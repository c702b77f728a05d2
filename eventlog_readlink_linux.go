package intact

import (
	"os"

	"golang.org/x/sys/unix"
)

// readLinkOwned reads the symbolic link name in the folder dirFD and
// returns its target and its owner, both from one descriptor of the link
// (O_PATH|O_NOFOLLOW), so that the owner checked is the owner of the link
// read even if name is swapped meanwhile. A name that is no symbolic link
// is ENOTDIR.
func readLinkOwned(dirFD int, name string) (string, int, error) {
	fd, err := unix.Openat(dirFD, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", 0, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", 0, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		return "", 0, unix.ENOTDIR
	}
	buf := make([]byte, os.Getpagesize())
	n, err := unix.Readlinkat(fd, "", buf)
	if err != nil {
		return "", 0, err
	}
	return string(buf[:n]), int(st.Uid), nil
}
