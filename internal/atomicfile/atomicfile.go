// Package atomicfile replaces files whole: a reader, a web server or a
// process started after a crash sees the old content or the new, never
// half of either.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write writes data to name with mode perm through a temporary file in the
// same folder, flushed to disk and then renamed over name: after a power
// loss, name holds the old content or the new. For state that must not go
// back (the fleet's floors, signed metadata).
func Write(name string, data []byte, perm os.FileMode) error {
	return write(name, data, perm, true, false)
}

// WriteNoSync is Write without the flush to disk. Whatever stops the
// process, name is still old or new; only a power loss may leave it
// empty, as compilers' and archivers' outputs. For files that are made
// again when they do not parse (catalogs, policies, caches), where the
// flush would cost more than it buys: ~20 ms, a tenth of catalog new on a
// node_modules tree (bench/README.md).
func WriteNoSync(name string, data []byte, perm os.FileMode) error {
	return write(name, data, perm, false, false)
}

// WriteNoSyncFunc is WriteNoSync for content that write writes to the
// temporary file itself, such as a catalog written as it is encoded,
// which need never be whole in memory. An error of write is returned as it
// is, and leaves name as it was.
func WriteNoSyncFunc(name string, perm os.FileMode, write func(*os.File) error) error {
	return writeWith(name, perm, false, false, write)
}

// WriteNew is WriteNoSync for a file that must not exist yet: the whole
// file appears at name only if nothing is there, however close a rival
// comes (a hard link, not a rename, puts it in place); otherwise the
// error wraps fs.ErrExist.
func WriteNew(name string, data []byte, perm os.FileMode) error {
	return write(name, data, perm, false, true)
}

func write(name string, data []byte, perm os.FileMode, sync, onlyNew bool) error {
	return writeWith(name, perm, sync, onlyNew, func(f *os.File) error {
		if _, err := f.Write(data); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
}

func writeWith(name string, perm os.FileMode, sync, onlyNew bool, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	// After a rename, a no-op; after a link, the temporary name goes;
	// after an exchange, the old file.
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	err = tmp.Chmod(perm)
	if err == nil && sync {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err == nil && onlyNew:
		err = os.Link(tmp.Name(), name)
	case err == nil && !sync:
		err = replace(tmp.Name(), name)
	case err == nil:
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
