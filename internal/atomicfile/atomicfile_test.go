package atomicfile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	for name, write := range map[string]func(string, []byte, os.FileMode) error{
		"Write":       atomicfile.Write,
		"WriteNoSync": atomicfile.WriteNoSync,
		"WriteNoSyncFunc": func(name string, data []byte, perm os.FileMode) error {
			return atomicfile.WriteNoSyncFunc(name, perm, func(f *os.File) error {
				_, err := f.Write(data)
				return err
			})
		},
	} {
		t.Run(name, func(t *testing.T) { testWrite(t, write) })
	}
}

func testWrite(t *testing.T, write func(string, []byte, os.FileMode) error) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f.json")
	for _, content := range []string{"first", "second, longer"} {
		if err := write(name, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil || string(got) != content {
			t.Fatalf("read back %q, %v; want %q", got, err, content)
		}
	}
	if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode: %v, %v", fi, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	// A link at name is replaced, not followed; its target is untouched.
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link.json")
	if err := os.WriteFile(target, []byte("target"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := write(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("the link became %v, %v; want a regular file", fi, err)
	}
	if got, _ := os.ReadFile(target); string(got) != "target" {
		t.Fatalf("the link's target became %q", got)
	}
	os.Remove(target)
	os.Remove(link)
	missing := filepath.Join(dir, "no", "f.json")
	if err := write(missing, nil, 0o644); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("a missing folder: %v", err)
	}
	// A folder in the way: the rename fails and no temporary file is left.
	in := filepath.Join(dir, "d")
	if err := os.MkdirAll(filepath.Join(in, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := write(in, []byte("x"), 0o644); err == nil {
		t.Fatal("replaced a folder")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("left behind after a failure: %v", entries)
	}
}

// TestWriteNoSyncFuncFails: the function's error is returned as it is,
// and leaves the file as it was and no temporary file behind.
func TestWriteNoSyncFuncFails(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f.cat")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := atomicfile.WriteNoSyncFunc(name, 0o644, func(f *os.File) error {
		f.WriteString("half of the new")
		return boom
	})
	if err != boom {
		t.Fatalf("WriteNoSyncFunc = %v, want %v", err, boom)
	}
	if got, _ := os.ReadFile(name); string(got) != "old" {
		t.Fatalf("the file became %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}

// TestWriteNew: a new file is written whole; an existing one, even one
// that appeared after the caller looked, is left as it is.
func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "new.cat")
	if err := atomicfile.WriteNew(name, []byte("first"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := atomicfile.WriteNew(name, []byte("second"), 0o644)
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), name) {
		t.Fatalf("over an existing file: %v, want an error naming it that wraps fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(name); string(got) != "first" {
		t.Fatalf("the existing file became %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}
