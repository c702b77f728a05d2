// Package scratch gives tests a temporary folder that they can also use
// under Wine.
package scratch

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir is t.TempDir, removed entry by entry with os.Remove rather than with
// os.RemoveAll, which fails under Wine 8 with Go 1.26 ("unlinkat …:
// Invalid function"): scripts/wine-test.sh runs Windows tests there.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "intact-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := remove(dir); err != nil {
			t.Error(err)
		}
	})
	return dir
}

// remove removes path and, if it is a folder, everything in it. A link to
// a folder is removed, never followed: what it points to is not the test's.
func remove(path string) error {
	if fi, err := os.Lstat(path); err != nil || !fi.IsDir() {
		return os.Remove(path)
	}
	if entries, err := os.ReadDir(path); err == nil {
		for _, e := range entries {
			if err := remove(filepath.Join(path, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.Remove(path)
}
