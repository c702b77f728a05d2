package nodeguard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTakesArgv0: the option's name is found wherever it lies in the
// interpreter, across the scanning buffer's chunks too, and only whole.
func TestTakesArgv0(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ld.so")
	for _, at := range []int{0, 1, 65530, 65531, 65535, 65536, 131070, 200000} {
		data := []byte(strings.Repeat("x", 200010))
		copy(data[at:], "--argv0\x00")
		if err := os.WriteFile(path, data, 0o755); err != nil {
			t.Fatal(err)
		}
		if !takesArgv0(path) {
			t.Errorf("--argv0 at %d: not found", at)
		}
	}
	if err := os.WriteFile(path, []byte(strings.Repeat("--argv", 40000)+"0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if takesArgv0(path) {
		t.Error("found --argv0 in a file that has it only without its NUL")
	}
	if takesArgv0(filepath.Join(dir, "missing")) {
		t.Error("found --argv0 in a file that does not exist")
	}
}
