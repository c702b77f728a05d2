package catalog_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
)

// TestHashFilesAcrossBufferSizes: files are hashed from one read when small
// and streamed when large; the digests must not depend on which, at and
// around every plausible buffer boundary.
func TestHashFilesAcrossBufferSizes(t *testing.T) {
	dir := t.TempDir()
	var names []string
	want := map[string][]byte{}
	for _, size := range []int{1, 4095, 4096, 65535, 65536, 65537, 128<<10 - 1, 128 << 10, 128<<10 + 1, 300 << 10, 1<<20 + 7} {
		data := bytes.Repeat([]byte{byte(size), 'x', '\n'}, size/3+1)[:size]
		name := filepath.Join("sizes", "f"+string(rune('a'+len(names))))
		if err := os.MkdirAll(filepath.Join(dir, "sizes"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.ToSlash(name))
		want[filepath.ToSlash(name)] = data
	}
	files, err := catalog.HashFiles(context.Background(), dir, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(names) {
		t.Fatalf("%d files, want %d", len(files), len(names))
	}
	for _, f := range files {
		data := want[f.Path]
		s256, s1 := sha256.Sum256(data), sha1.Sum(data)
		if f.Kind != catalog.KindFlat || f.Size != int64(len(data)) || !bytes.Equal(f.SHA256, s256[:]) || !bytes.Equal(f.SHA1, s1[:]) {
			t.Errorf("%s (%d bytes): kind %v size %d, digests %x %x; want flat %x %x", f.Path, len(data), f.Kind, f.Size, f.SHA256, f.SHA1, s256, s1)
		}
	}
}

// TestBuildNonASCIIPaths: FilePath values are UTF-16LE with a NUL, for any
// Unicode path, including characters outside the Basic Multilingual Plane.
func TestBuildNonASCIIPaths(t *testing.T) {
	paths := []string{"ascii.js", "héllo/wörld.js", "日本/語.js", "emoji/😀.js"}
	var files []catalog.File
	for i, p := range paths {
		data := []byte{byte(i)}
		s256, s1 := sha256.Sum256(data), sha1.Sum(data)
		files = append(files, catalog.File{Path: p, Size: 1, Kind: catalog.KindFlat, SHA256: s256[:], SHA1: s1[:]})
	}
	der, err := catalog.Build(files, catalog.BuildOptions{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range c.Members {
		if m.Compat {
			continue
		}
		fp, ok := m.Attribute("FilePath")
		if !ok {
			t.Fatalf("member %s has no FilePath", m.TagString())
		}
		got[fp.Text()] = true
	}
	for _, p := range paths {
		if !got[toWindows(p)] {
			t.Errorf("FilePath %q missing; have %v", toWindows(p), got)
		}
	}
}

func toWindows(p string) string { return strings.ReplaceAll(p, "/", `\`) }
