package intact

import (
	"os"
	"syscall"
)

// unchanged reports whether two stats of one open file show the same
// contents: same inode, size, modification and status-change times. The
// status-change time also moves on writes that restore the old mtime.
func unchanged(a, b os.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	if !ok1 || !ok2 {
		return false
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino && sa.Size == sb.Size &&
		sa.Mtim == sb.Mtim && sa.Ctim == sb.Ctim
}
