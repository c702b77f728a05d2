package tree_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/internal/testvectors"
)

// TestHashVectors: hashing the trees next to real catalogs gives the
// digests those catalogs list (flat and PE, SHA-256 and SHA-1).
func TestHashVectors(t *testing.T) {
	tests := []struct {
		dir, cat string
		exclude  []string
		matched  int // files whose digests the catalog lists
	}{
		// unsigned.ex_ is a cabinet (CAB SIP digest) and the .cdf is not
		// listed; every other file is, the .exe as PE.
		{"osslsigncode", "osslsigncode/unsigned.cat", []string{"*.cat", "v2022", "*.cdf", "*.ex_"}, 6},
		{"micronucleus", "micronucleus/micronucleus_bootloader.cat", []string{"*.cat"}, 7},
		{"pester/lib", "pester/lib/catalog.cat", []string{"*.cat"}, 4},
		{"powershell-archive", "powershell-archive/Microsoft.PowerShell.Archive.cat", []string{"*.cat"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			c := parseVector(t, tt.cat)
			index := c.Index()
			files, err := tree.Hash(context.Background(), testvectors.Path(t, "cat", filepath.FromSlash(tt.dir)),
				&tree.Options{Exclude: tt.exclude})
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != tt.matched {
				t.Errorf("hashed %d files, want %d", len(files), tt.matched)
			}
			for _, f := range files {
				h, d := crypto.SHA256, f.SHA256
				if c.Version == 1 {
					h, d = crypto.SHA1, f.SHA1
				}
				i, ok := index.Lookup(h, d)
				if !ok {
					t.Errorf("%s (%v): %v digest %X not in the catalog", f.Path, f.Kind, h, d)
					continue
				}
				if m := &c.Members[i]; m.Kind != f.Kind {
					t.Errorf("%s: kind %v, catalog says %v", f.Path, f.Kind, m.Kind)
				}
				if c.Version == 2 {
					if i, ok := index.Lookup(crypto.SHA1, f.SHA1); !ok || !c.Members[i].Compat {
						t.Errorf("%s: SHA-1 %X has no compatibility entry", f.Path, f.SHA1)
					}
				}
			}
		})
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHashKindByContent: a PE image is hashed as PE whatever its name,
// and a file named .dll that is not a PE image is hashed flat.
func TestHashKindByContent(t *testing.T) {
	pe, err := os.ReadFile(testvectors.Path(t, "cat", "osslsigncode", "unsigned.exe"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "image.txt"), pe)
	writeFile(t, filepath.Join(root, "fake.dll"), []byte("MZ but not a PE image"))
	writeFile(t, filepath.Join(root, "empty.node"), nil)
	files, err := tree.Hash(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]catalog.File{}
	for _, f := range files {
		got[f.Path] = f
	}
	if f := got["image.txt"]; f.Kind != catalog.KindPE || hexUpper(f.SHA256) != "2D2C7B382C8163A419B9FF214A7B651C33F9EA43335907F11377290C5158A7A4" ||
		hexUpper(f.SHA1) != "802FC5BA67A9B06DEC18A0D5A380A8A5954B5EF0" {
		t.Errorf("image.txt = %v %X %X", f.Kind, f.SHA256, f.SHA1)
	}
	flat256, flat1 := sha256.Sum256([]byte("MZ but not a PE image")), sha1.Sum([]byte("MZ but not a PE image"))
	if f := got["fake.dll"]; f.Kind != catalog.KindFlat || string(f.SHA256) != string(flat256[:]) || string(f.SHA1) != string(flat1[:]) {
		t.Errorf("fake.dll = %+v", f)
	}
	if f := got["empty.node"]; f.Size != 0 || f.SHA256 != nil || f.SHA1 != nil {
		t.Errorf("empty.node = %+v", f)
	}
}

func TestHashSelection(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"a.js", "b.map", "lib/c.js", "lib/d.js.map", "node_modules/x/e.js", "test/f.js", "deep/test/g.js"} {
		writeFile(t, filepath.Join(root, filepath.FromSlash(p)), []byte(p))
	}
	tests := []struct {
		name             string
		include, exclude []string
		want             []string
	}{
		{"all", nil, nil, []string{"a.js", "b.map", "deep/test/g.js", "lib/c.js", "lib/d.js.map", "node_modules/x/e.js", "test/f.js"}},
		{"exclude base name at any depth", nil, []string{"*.map"}, []string{"a.js", "deep/test/g.js", "lib/c.js", "node_modules/x/e.js", "test/f.js"}},
		{"exclude a directory by name", nil, []string{"test"}, []string{"a.js", "b.map", "lib/c.js", "lib/d.js.map", "node_modules/x/e.js"}},
		{"exclude a path", nil, []string{"lib/*"}, []string{"a.js", "b.map", "deep/test/g.js", "node_modules/x/e.js", "test/f.js"}},
		{"include and exclude", []string{"*.js"}, []string{"node_modules"}, []string{"a.js", "deep/test/g.js", "lib/c.js", "test/f.js"}},
		{"** crosses folders", nil, []string{"**/test/**"}, []string{"a.js", "b.map", "lib/c.js", "lib/d.js.map", "node_modules/x/e.js"}},
		{"include below any folder", []string{"**/*.js"}, nil, []string{"a.js", "deep/test/g.js", "lib/c.js", "node_modules/x/e.js", "test/f.js"}},
		{"alternatives", []string{"{lib,test}/**"}, nil, []string{"lib/c.js", "lib/d.js.map", "test/f.js"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := tree.Hash(context.Background(), root, &tree.Options{Include: tt.include, Exclude: tt.exclude})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range files {
				got = append(got, f.Path)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
	if _, err := tree.Hash(context.Background(), root, &tree.Options{Exclude: []string{"[x"}}); err == nil || !strings.Contains(err.Error(), `pattern "[x"`) {
		t.Errorf("bad pattern: %v", err)
	}
}

func TestHashProgress(t *testing.T) {
	root := t.TempDir()
	var total int64
	for i := range 50 {
		data := strings.Repeat("x", i*1000)
		total += int64(len(data))
		writeFile(t, filepath.Join(root, "d", string(rune('a'+i%26))+strings.Repeat("z", i/26)+".txt"), []byte(data))
	}
	var calls atomic.Int64
	var last tree.Progress
	files, err := tree.Hash(context.Background(), root, &tree.Options{Workers: 4, Progress: func(p tree.Progress) {
		calls.Add(1)
		if p.Files < last.Files || p.Bytes < last.Bytes {
			t.Errorf("progress went backwards: %+v after %+v", p, last)
		}
		last = p
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := tree.Progress{Files: 50, TotalFiles: 50, Bytes: total, TotalBytes: total}
	if len(files) != 50 || calls.Load() != 50 || last != want {
		t.Errorf("%d files, %d calls, last %+v, want %+v", len(files), calls.Load(), last, want)
	}
}

// TestHashOrder: Hash and HashFiles return files sorted by path, also
// where a walk directory by directory would not give that order ("lib.js"
// sorts before "lib/a.js", "a-b/x" before "a/x"), with every worker count
// and with a progress bar (which walks first).
func TestHashOrder(t *testing.T) {
	root := t.TempDir()
	names := []string{"lib/a.js", "lib.js", "lib-x/b.js", "lib0", "a/x", "a-b/x", "a.b/x", "a b", "A", "z/y/x/w.js", "z/y.js", "z/y/x.js", "é.js", "e.js"}
	for _, p := range names {
		writeFile(t, filepath.Join(root, filepath.FromSlash(p)), []byte(p))
	}
	want := slices.Sorted(slices.Values(names))
	pathsOf := func(files []catalog.File) []string {
		var got []string
		for _, f := range files {
			got = append(got, f.Path)
			if f.Size != int64(len(f.Path)) {
				t.Errorf("%s: size %d: results out of step with their paths", f.Path, f.Size)
			}
		}
		return got
	}
	for _, opts := range []*tree.Options{nil, {Workers: 1}, {Workers: 3}, {Progress: func(tree.Progress) {}}} {
		files, err := tree.Hash(context.Background(), root, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := pathsOf(files); !slices.Equal(got, want) {
			t.Errorf("Hash(%+v):\ngot  %q\nwant %q", opts, got, want)
		}
		shuffled := slices.Clone(names)
		slices.Reverse(shuffled)
		files, err = tree.HashFiles(context.Background(), root, shuffled, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := pathsOf(files); !slices.Equal(got, want) {
			t.Errorf("HashFiles(%+v):\ngot  %q\nwant %q", opts, got, want)
		}
	}
}

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
	files, err := tree.HashFiles(context.Background(), dir, names, nil)
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

func parseVector(t testing.TB, rel string) *catalog.Catalog {
	t.Helper()
	data, err := os.ReadFile(testvectors.Path(t, "cat", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return c
}

func hexUpper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }
