package tree_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/internal/testvectors"
)

// deepTree writes a tree of folders nested depth deep, each holding files
// before and after its subfolder, so that every folder's files are opened
// while deeper folders are open too; it returns the root and the number
// of files.
func deepTree(t *testing.T, depth, perDir int) (string, int) {
	root := t.TempDir()
	dir, n := root, 0
	for d := range depth {
		for i := range perDir {
			// "a…" sorts before the subfolder "m/", "z…" after it.
			for _, first := range []string{"a", "z"} {
				writeFile(t, filepath.Join(dir, fmt.Sprintf("%s%d.js", first, i)), []byte(fmt.Sprint(d, first, i)))
				n++
			}
		}
		dir = filepath.Join(dir, "m")
	}
	return root, n
}

// openFDs counts the descriptors open in this process.
func openFDs(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(fds)
}

// TestHashOpenFolders: however many folders Hash may hold open, even none,
// it hashes the same files, and leaves no descriptor open when it
// succeeds, when a file or the walk fails, or when it is cancelled.
func TestHashOpenFolders(t *testing.T) {
	root, n := deepTree(t, 40, 20)
	want, err := tree.Hash(context.Background(), root, nil)
	if err != nil || len(want) != n {
		t.Fatalf("Hash = %d files, %v; want %d", len(want), err, n)
	}
	for _, limit := range []int32{0, 1, 5} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			defer tree.SetMaxOpenDirs(limit)()
			before := openFDs(t)
			for _, opts := range []*tree.Options{nil, {Workers: 1}, {Progress: func(tree.Progress) {}}} {
				got, err := tree.Hash(context.Background(), root, opts)
				if err != nil {
					t.Fatal(err)
				}
				if !sameFiles(got, want) {
					t.Errorf("Hash(%+v) differs with at most %d folders open", opts, limit)
				}
			}
			if after := openFDs(t); after != before {
				t.Errorf("%d descriptors open before, %d after", before, after)
			}
		})
	}

	t.Run("low descriptor limit", func(t *testing.T) {
		// Room for 30 more descriptors: fewer than the tree's 40 levels.
		var old syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
			t.Skip(err)
		}
		low := old
		low.Cur = uint64(openFDs(t) + 30)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
			t.Skip(err)
		}
		defer syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
		got, err := tree.Hash(context.Background(), root, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !sameFiles(got, want) {
			t.Error("Hash differs under a low descriptor limit")
		}
	})

	failures := map[string]func(t *testing.T) string{
		"FIFO at the end of the walk": func(t *testing.T) string {
			root, _ := deepTree(t, 30, 20)
			if err := syscall.Mkfifo(filepath.Join(root, "zz-pipe"), 0o644); err != nil {
				t.Skip(err)
			}
			return root
		},
		"file that fails to hash early": func(t *testing.T) string {
			root, _ := deepTree(t, 30, 20)
			pe, err := os.ReadFile(testvectors.Path(t, "cat", "osslsigncode", "unsigned.exe"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(root, "a0-cut.exe"), pe[:1024])
			return root
		},
		"link out of the tree deep down": func(t *testing.T) string {
			root, _ := deepTree(t, 30, 20)
			deep := filepath.Join(root, strings.Repeat("m/", 25))
			os.Symlink("/etc/hostname", filepath.Join(deep, "b-out.js"))
			return root
		},
	}
	for name, makeRoot := range failures {
		t.Run(name, func(t *testing.T) {
			root := makeRoot(t)
			before := openFDs(t)
			for _, opts := range []*tree.Options{nil, {Workers: 1}, {Progress: func(tree.Progress) {}}} {
				if _, err := tree.Hash(context.Background(), root, opts); err == nil {
					t.Fatalf("Hash(%+v) succeeded", opts)
				}
			}
			if after := openFDs(t); after != before {
				t.Errorf("%d descriptors open before, %d after", before, after)
			}
		})
	}

	t.Run("cancelled while hashing", func(t *testing.T) {
		root, _ := deepTree(t, 30, 20)
		before := openFDs(t)
		ctx, cancel := context.WithCancel(context.Background())
		files := 0
		_, err := tree.Hash(ctx, root, &tree.Options{Workers: 1, Progress: func(tree.Progress) {
			if files++; files == 10 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Hash = %v, want cancelled", err)
		}
		if after := openFDs(t); after != before {
			t.Errorf("%d descriptors open before, %d after", before, after)
		}
	})
}

// TestHashSwapsAfterWalk: what the walk saw is what is hashed. A file
// swapped for a link or a FIFO after the walk is refused, and a folder
// swapped for a link to another folder does not redirect the opens of the
// files the walk found in it. A progress callback makes the walk finish
// before the first file is hashed; with one worker, the swap made after the
// first file comes before the others are opened.
func TestHashSwapsAfterWalk(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "b.js"), []byte("outside"))
	writeFile(t, filepath.Join(outside, "x.js"), []byte("outside"))
	newRoot := func(t *testing.T) string {
		root := t.TempDir()
		writeFile(t, filepath.Join(root, "a.js"), []byte("a"))
		writeFile(t, filepath.Join(root, "b.js"), []byte("b"))
		writeFile(t, filepath.Join(root, "sub", "x.js"), []byte("x"))
		return root
	}
	hashSwapping := func(root string, swap func()) ([]catalog.File, error) {
		done := false
		return tree.Hash(context.Background(), root, &tree.Options{Workers: 1, Progress: func(tree.Progress) {
			if !done {
				done = true
				swap()
			}
		}})
	}
	must := func(t *testing.T, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Run("file swapped for a link", func(t *testing.T) {
		root := newRoot(t)
		_, err := hashSwapping(root, func() {
			must(t, os.Remove(filepath.Join(root, "b.js")))
			must(t, os.Symlink(filepath.Join(outside, "b.js"), filepath.Join(root, "b.js")))
		})
		if !errors.Is(err, syscall.ELOOP) || !strings.Contains(err.Error(), filepath.Join(root, "b.js")) {
			t.Fatalf("Hash = %v, want a refusal of b.js", err)
		}
	})
	t.Run("file swapped for a FIFO", func(t *testing.T) {
		root := newRoot(t)
		_, err := hashSwapping(root, func() {
			must(t, os.Remove(filepath.Join(root, "b.js")))
			must(t, syscall.Mkfifo(filepath.Join(root, "b.js"), 0o644))
		})
		if err == nil || !strings.Contains(err.Error(), "b.js: not a regular file") {
			t.Fatalf("Hash = %v, want a refusal of b.js", err)
		}
	})
	for _, maxOpen := range []int32{0, 256} {
		t.Run(fmt.Sprintf("link retargeted outside, %d folders open", maxOpen), func(t *testing.T) {
			defer tree.SetMaxOpenDirs(maxOpen)()
			root := newRoot(t)
			link := filepath.Join(root, "l.js")
			must(t, os.Symlink("a.js", link))
			_, err := hashSwapping(root, func() {
				must(t, os.Remove(link))
				must(t, os.Symlink(filepath.Join(outside, "b.js"), link))
			})
			if err == nil || !strings.Contains(err.Error(), "l.js: symbolic link changed") {
				t.Fatalf("Hash = %v, want a refusal of l.js", err)
			}
		})
	}
	t.Run("folder swapped for a link", func(t *testing.T) {
		root := newRoot(t)
		files, err := hashSwapping(root, func() {
			must(t, os.Rename(filepath.Join(root, "sub"), filepath.Join(root, "old")))
			must(t, os.Symlink(outside, filepath.Join(root, "sub")))
		})
		must(t, err)
		want := sha256.Sum256([]byte("x"))
		if len(files) != 3 || files[2].Path != "sub/x.js" || !bytes.Equal(files[2].SHA256, want[:]) {
			t.Fatalf("files = %+v, want sub/x.js as the walk found it", files)
		}
	})
}

func sameFiles(a, b []catalog.File) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Path != b[i].Path || a[i].Size != b[i].Size || a[i].Kind != b[i].Kind ||
			!bytes.Equal(a[i].SHA256, b[i].SHA256) || !bytes.Equal(a[i].SHA1, b[i].SHA1) {
			return false
		}
	}
	return true
}
