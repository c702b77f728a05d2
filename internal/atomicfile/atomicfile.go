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
	return write(name, data, perm, true)
}

// WriteNoSync is Write without the flush to disk. Whatever stops the
// process, name is still old or new; only a power loss may leave it
// empty, as compilers' and archivers' outputs. For files that are made
// again when they do not parse (catalogs, policies, caches), where the
// flush would cost more than it buys: ~20 ms, a tenth of catalog new on a
// node_modules tree (bench/README.md).
func WriteNoSync(name string, data []byte, perm os.FileMode) error {
	return write(name, data, perm, false)
}

func write(name string, data []byte, perm os.FileMode, sync bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil && sync {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
