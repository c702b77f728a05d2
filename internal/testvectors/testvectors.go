// Package testvectors locates the shared folder of real-world test vectors
// (catalogs made by Microsoft tools and others) for tests.
//
// The folder lives beside the repository, at ../shared/vectors, in
// development and in CI; INTACT_VECTORS overrides it. Tests that need it fail
// when it is missing under CI and skip elsewhere.
package testvectors

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the absolute path of the vectors folder. When it is missing,
// the test fails under CI and is skipped elsewhere.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := Lookup()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("test vectors not found: %v", err)
		}
		t.Skipf("test vectors not found (set INTACT_VECTORS): %v", err)
	}
	return dir
}

// Lookup returns the path of the vectors folder, and an error if it is
// missing, for tests of which only some parts need it.
func Lookup() (string, error) {
	if dir := os.Getenv("INTACT_VECTORS"); dir != "" {
		_, err := os.Stat(dir)
		return dir, err
	}
	_, file, _, _ := runtime.Caller(0)
	// file is <repo>/internal/testvectors/testvectors.go.
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "vectors")
	_, err := os.Stat(dir)
	return dir, err
}

// Path returns the absolute path of a file below the vectors folder.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{Dir(t)}, elem...)...)
}
