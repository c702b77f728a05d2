//go:build unix

package tree_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/internal/testvectors"
)

// TestHashRefusals: everything that cannot be a catalog member is an error
// that names the file; a FIFO never blocks.
func TestHashRefusals(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "secret.js"), []byte("outside"))
	newRoot := func(t *testing.T) string {
		root := t.TempDir()
		writeFile(t, filepath.Join(root, "ok.js"), []byte("ok"))
		return root
	}
	t.Run("link leaving the tree", func(t *testing.T) {
		root := newRoot(t)
		os.Symlink(filepath.Join(outside, "secret.js"), filepath.Join(root, "link.js"))
		_, err := tree.Hash(context.Background(), root, nil)
		if err == nil || !strings.Contains(err.Error(), "link.js: symbolic link leaves the tree") {
			t.Fatalf("Hash = %v", err)
		}
	})
	t.Run("relative link escaping with ..", func(t *testing.T) {
		root := newRoot(t)
		os.MkdirAll(filepath.Join(root, "sub"), 0o755)
		rel, _ := filepath.Rel(filepath.Join(root, "sub"), filepath.Join(outside, "secret.js"))
		os.Symlink(rel, filepath.Join(root, "sub", "link.js"))
		_, err := tree.Hash(context.Background(), root, nil)
		if err == nil || !strings.Contains(err.Error(), "leaves the tree") {
			t.Fatalf("Hash = %v", err)
		}
	})
	t.Run("link inside the tree", func(t *testing.T) {
		root := newRoot(t)
		os.Symlink("ok.js", filepath.Join(root, "alias.js"))
		files, err := tree.Hash(context.Background(), root, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 2 || files[0].Path != "alias.js" || string(files[0].SHA256) != string(files[1].SHA256) {
			t.Fatalf("files = %+v", files)
		}
	})
	t.Run("root is a link", func(t *testing.T) {
		root := newRoot(t)
		link := filepath.Join(t.TempDir(), "root")
		os.Symlink(root, link)
		files, err := tree.Hash(context.Background(), link, nil)
		if err != nil || len(files) != 1 || files[0].Path != "ok.js" {
			t.Fatalf("Hash = %+v, %v", files, err)
		}
	})
	t.Run("link to a directory", func(t *testing.T) {
		root := newRoot(t)
		os.Mkdir(filepath.Join(root, "dir"), 0o755)
		os.Symlink("dir", filepath.Join(root, "dirlink"))
		_, err := tree.Hash(context.Background(), root, nil)
		if err == nil || !strings.Contains(err.Error(), "dirlink: symbolic link to a non-regular file") {
			t.Fatalf("Hash = %v", err)
		}
	})
	t.Run("dangling link", func(t *testing.T) {
		root := newRoot(t)
		os.Symlink("nowhere.js", filepath.Join(root, "dangling.js"))
		_, err := tree.Hash(context.Background(), root, nil)
		if err == nil || !strings.Contains(err.Error(), "dangling.js") {
			t.Fatalf("Hash = %v", err)
		}
	})
	t.Run("FIFO in a tree", func(t *testing.T) {
		root := newRoot(t)
		if err := syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644); err != nil {
			t.Skip(err)
		}
		_, err := tree.Hash(context.Background(), root, nil)
		if err == nil || !strings.Contains(err.Error(), "pipe: not a regular file") {
			t.Fatalf("Hash = %v", err)
		}
	})
	t.Run("FIFO in a file list", func(t *testing.T) {
		root := newRoot(t)
		if err := syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644); err != nil {
			t.Skip(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := tree.HashFiles(context.Background(), root, []string{"ok.js", "pipe"}, nil)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "pipe: not a regular file") {
				t.Fatalf("HashFiles = %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("HashFiles blocked on a FIFO")
		}
	})
	t.Run("device in a file list", func(t *testing.T) {
		_, err := tree.HashFiles(context.Background(), "/dev", []string{"null"}, nil)
		if err == nil || !strings.Contains(err.Error(), "/dev/null: not a regular file") {
			t.Fatalf("HashFiles = %v", err)
		}
	})
	t.Run("directory in a file list", func(t *testing.T) {
		root := newRoot(t)
		os.Mkdir(filepath.Join(root, "dir"), 0o755)
		_, err := tree.HashFiles(context.Background(), root, []string{"dir"}, nil)
		if err == nil || !strings.Contains(err.Error(), "dir: not a regular file") {
			t.Fatalf("HashFiles = %v", err)
		}
	})
	t.Run("duplicate in a file list", func(t *testing.T) {
		root := newRoot(t)
		_, err := tree.HashFiles(context.Background(), root, []string{"ok.js", "./ok.js"}, nil)
		if err == nil || !strings.Contains(err.Error(), "ok.js: listed twice") {
			t.Fatalf("HashFiles = %v", err)
		}
	})
	t.Run("link leaving the root in a file list", func(t *testing.T) {
		root := newRoot(t)
		os.Symlink(outside, filepath.Join(root, "out"))
		_, err := tree.HashFiles(context.Background(), root, []string{"ok.js", "out/secret.js"}, nil)
		if err == nil || !strings.Contains(err.Error(), "out/secret.js: symbolic link leaves the tree") {
			t.Fatalf("HashFiles = %v", err)
		}
	})
	t.Run("name leaving the root", func(t *testing.T) {
		root := newRoot(t)
		_, err := tree.HashFiles(context.Background(), root, []string{"../x.js"}, nil)
		if err == nil || !strings.Contains(err.Error(), "../x.js") {
			t.Fatalf("HashFiles = %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		root := newRoot(t)
		_, err := tree.HashFiles(context.Background(), root, []string{"gone.js"}, nil)
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "gone.js") {
			t.Fatalf("HashFiles = %v", err)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads everything")
		}
		root := newRoot(t)
		os.Chmod(filepath.Join(root, "ok.js"), 0)
		_, err := tree.Hash(context.Background(), root, nil)
		if !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), "ok.js") {
			t.Fatalf("Hash = %v", err)
		}
	})
	t.Run("corrupt PE image", func(t *testing.T) {
		root := newRoot(t)
		pe, _ := os.ReadFile(testvectors.Path(t, "cat", "osslsigncode", "unsigned.exe"))
		writeFile(t, filepath.Join(root, "cut.exe"), pe[:1024])
		_, err := tree.Hash(context.Background(), root, nil)
		if err == nil || !strings.Contains(err.Error(), "cut.exe") {
			t.Fatalf("Hash = %v", err)
		}
	})
	t.Run("not a directory", func(t *testing.T) {
		root := newRoot(t)
		_, err := tree.Hash(context.Background(), filepath.Join(root, "ok.js"), nil)
		if err == nil || !strings.Contains(err.Error(), "ok.js is not a directory") {
			t.Fatalf("Hash = %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		root := newRoot(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := tree.Hash(ctx, root, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("Hash = %v", err)
		}
	})
}
