//go:build unix

package regularfile_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/regularfile"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "policy.xml")
	if err := os.WriteFile(file, []byte("twelve bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := regularfile.Read(file, 12); err != nil || string(data) != "twelve bytes" {
		t.Fatalf("Read = %q, %v", data, err)
	}
	if _, err := regularfile.Read(file, 11); err == nil || !strings.Contains(err.Error(), "larger than the 11-byte limit") {
		t.Fatalf("Read over the limit: %v", err)
	}
	if _, err := regularfile.Read(filepath.Join(dir, "missing"), 1); !os.IsNotExist(err) {
		t.Fatalf("Read of a missing file: %v", err)
	}
	// A file that fails to read: its error names the path once.
	if _, err := os.Stat("/proc/self/mem"); err == nil {
		_, err := regularfile.Read("/proc/self/mem", 1<<20)
		if err == nil || strings.Count(err.Error(), "/proc/self/mem") != 1 {
			t.Errorf("Read(/proc/self/mem) = %v, want an error naming the file once", err)
		}
	}
}

// TestRefusesWithoutBlocking proves that a FIFO, a directory and a device
// are refused at once, for reading and for appending (a FIFO with no
// reader would block both opens).
func TestRefusesWithoutBlocking(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, path := range []string{fifo, dir, "/dev/zero"} {
			if _, err := regularfile.Read(path, 1<<20); err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("Read(%s) = %v, want not a regular file", path, err)
			}
		}
		if _, err := regularfile.OpenAppend(fifo, 0o600); err == nil {
			t.Errorf("OpenAppend(fifo) succeeded")
		}
		if _, err := regularfile.OpenAppend("/dev/null", 0o600); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("OpenAppend(/dev/null) = %v, want not a regular file", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("blocked on a FIFO")
	}
}

func TestOpenAppendCreates(t *testing.T) {
	file := filepath.Join(t.TempDir(), "events.log")
	for range 2 {
		f, err := regularfile.OpenAppend(file, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString("x\n"); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	data, _ := os.ReadFile(file)
	fi, _ := os.Stat(file)
	if string(data) != "x\nx\n" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file %q mode %v", data, fi.Mode())
	}
}

// TestOpenDir proves that OpenDir opens a folder, through a symbolic link
// too, and refuses a FIFO, a device and a regular file at once.
func TestOpenDir(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	link := filepath.Join(dir, "link")
	file := filepath.Join(sub, "a.js")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("sub", link); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, path := range []string{fifo, "/dev/zero", file} {
			if f, err := regularfile.OpenDir(path); err == nil {
				f.Close()
				t.Errorf("OpenDir(%s) succeeded", path)
			}
		}
		f, err := regularfile.OpenDir(link)
		if err != nil {
			t.Errorf("OpenDir(link to a folder): %v", err)
			return
		}
		defer f.Close()
		if names, err := f.Readdirnames(-1); err != nil || len(names) != 1 || names[0] != "a.js" {
			t.Errorf("entries %q, %v", names, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("blocked on a FIFO")
	}
}
