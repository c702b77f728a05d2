package catalog_test

import (
	"context"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/testvectors"
)

// TestHashTreeVectors: hashing the trees next to real catalogs gives the
// digests those catalogs list (flat and PE, SHA-256 and SHA-1).
func TestHashTreeVectors(t *testing.T) {
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
			files, err := catalog.HashTree(context.Background(), testvectors.Path(t, "cat", filepath.FromSlash(tt.dir)),
				&catalog.HashOptions{Exclude: tt.exclude})
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
				m, ok := index.Lookup(h, d)
				if !ok {
					t.Errorf("%s (%v): %v digest %X not in the catalog", f.Path, f.Kind, h, d)
					continue
				}
				if m.Kind != f.Kind {
					t.Errorf("%s: kind %v, catalog says %v", f.Path, f.Kind, m.Kind)
				}
				if c.Version == 2 {
					if cm, ok := index.Lookup(crypto.SHA1, f.SHA1); !ok || !cm.Compat {
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

// TestHashTreeKindByContent: a PE image is hashed as PE whatever its name,
// and a file named .dll that is not a PE image is hashed flat.
func TestHashTreeKindByContent(t *testing.T) {
	pe, err := os.ReadFile(testvectors.Path(t, "cat", "osslsigncode", "unsigned.exe"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "image.txt"), pe)
	writeFile(t, filepath.Join(root, "fake.dll"), []byte("MZ but not a PE image"))
	writeFile(t, filepath.Join(root, "empty.node"), nil)
	files, err := catalog.HashTree(context.Background(), root, nil)
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

func TestHashTreeSelection(t *testing.T) {
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := catalog.HashTree(context.Background(), root, &catalog.HashOptions{Include: tt.include, Exclude: tt.exclude})
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
	if _, err := catalog.HashTree(context.Background(), root, &catalog.HashOptions{Exclude: []string{"[x"}}); err == nil || !strings.Contains(err.Error(), `pattern "[x"`) {
		t.Errorf("bad pattern: %v", err)
	}
}

func TestHashTreeProgress(t *testing.T) {
	root := t.TempDir()
	var total int64
	for i := range 50 {
		data := strings.Repeat("x", i*1000)
		total += int64(len(data))
		writeFile(t, filepath.Join(root, "d", string(rune('a'+i%26))+strings.Repeat("z", i/26)+".txt"), []byte(data))
	}
	var calls atomic.Int64
	var last catalog.Progress
	files, err := catalog.HashTree(context.Background(), root, &catalog.HashOptions{Workers: 4, Progress: func(p catalog.Progress) {
		calls.Add(1)
		if p.Files < last.Files || p.Bytes < last.Bytes {
			t.Errorf("progress went backwards: %+v after %+v", p, last)
		}
		last = p
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.Progress{Files: 50, TotalFiles: 50, Bytes: total, TotalBytes: total}
	if len(files) != 50 || calls.Load() != 50 || last != want {
		t.Errorf("%d files, %d calls, last %+v, want %+v", len(files), calls.Load(), last, want)
	}
}

// TestHashOrder: HashTree and HashFiles return files sorted by path, also
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
	for _, opts := range []*catalog.HashOptions{nil, {Workers: 1}, {Workers: 3}, {Progress: func(catalog.Progress) {}}} {
		files, err := catalog.HashTree(context.Background(), root, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := pathsOf(files); !slices.Equal(got, want) {
			t.Errorf("HashTree(%+v):\ngot  %q\nwant %q", opts, got, want)
		}
		shuffled := slices.Clone(names)
		slices.Reverse(shuffled)
		files, err = catalog.HashFiles(context.Background(), root, shuffled, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := pathsOf(files); !slices.Equal(got, want) {
			t.Errorf("HashFiles(%+v):\ngot  %q\nwant %q", opts, got, want)
		}
	}
}
