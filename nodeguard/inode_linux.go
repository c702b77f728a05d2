package nodeguard

import (
	"os"
	"syscall"
)

// inode returns the file's inode number, part of the probe cache's key.
func inode(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}
