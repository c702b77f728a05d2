package atomicfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// replace puts the file tmp, not flushed to disk, in name's place in one
// step, for WriteNoSync. A regular file at name is exchanged with tmp
// (renameat2 RENAME_EXCHANGE), which the caller then removes: readers see
// the old content or the new, as with a rename. A rename over an existing
// file makes ext4 allocate and start writing the new file's blocks before
// it returns (auto_da_alloc, which guards programs that rename without
// flushing against empty files after a power loss, a risk WriteNoSync
// accepts): ~2.3 ms for a 2.9 MB catalog, a twentieth of catalog new on a
// node_modules tree (bench/README.md). Anything else at name (nothing, a
// link, a folder), and file systems that cannot exchange, get a rename.
func replace(tmp, name string) error {
	if fi, err := os.Lstat(name); err == nil && fi.Mode().IsRegular() {
		if unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, name, unix.RENAME_EXCHANGE) == nil {
			return nil
		}
	}
	return os.Rename(tmp, name)
}
