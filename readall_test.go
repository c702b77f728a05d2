package intact

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestReadAllBoundedAllocation: readAll allocates for the bytes that
// arrive, not for the size a stat claimed: a file that claims 1 GiB and
// holds a few bytes (one truncated after its fstat) costs a small buffer.
// The bytes read, and one past a size that was too small, are returned.
func TestReadAllBoundedAllocation(t *testing.T) {
	content := []byte("module.exports = 1;\n")
	path := filepath.Join(t.TempDir(), "short.js")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(size int64) []byte {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		data, err := readAll(f, size)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	data := read(1 << 30)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 2*readChunk {
		t.Errorf("reading %d bytes that claimed 1 GiB allocated %d bytes", len(content), n)
	}
	if !bytes.Equal(data, content) {
		t.Errorf("claimed 1 GiB: read %q, want %q", data, content)
	}
	if data := read(0); !bytes.Equal(data, content[:1]) {
		t.Errorf("claimed 0 bytes: read %q, want the first byte only", data)
	}
	if data := read(int64(len(content))); !bytes.Equal(data, content) {
		t.Errorf("claimed its size: read %q, want %q", data, content)
	}
}
