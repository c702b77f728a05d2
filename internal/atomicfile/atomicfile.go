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
// same folder, flushed to disk and then renamed over name.
func Write(name string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
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
