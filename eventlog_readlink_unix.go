//go:build unix && !linux

package intact

import (
	"os"

	"golang.org/x/sys/unix"
)

// readLinkOwned reads the symbolic link name in the folder dirFD and
// returns its target and its owner. Without O_PATH the link is examined
// and read by name: the link read must be the same one (device and inode)
// before and after, which a swap between the two leaves only by being
// swapped back.
func readLinkOwned(dirFD int, name string) (string, int, error) {
	var before, after unix.Stat_t
	if err := unix.Fstatat(dirFD, name, &before, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return "", 0, err
	}
	if before.Mode&unix.S_IFMT != unix.S_IFLNK {
		return "", 0, unix.ENOTDIR
	}
	buf := make([]byte, os.Getpagesize())
	n, err := unix.Readlinkat(dirFD, name, buf)
	if err != nil {
		return "", 0, err
	}
	if err := unix.Fstatat(dirFD, name, &after, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return "", 0, err
	}
	if before.Dev != after.Dev || before.Ino != after.Ino || before.Uid != after.Uid {
		return "", 0, unix.EAGAIN
	}
	return string(buf[:n]), int(before.Uid), nil
}
