package linuxsec

import (
	"bytes"
	"debug/elf"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestCheckFlagsNeverExecute(t *testing.T) {
	// The one execveat in intact must carry AT_EXECVE_CHECK; without it
	// the call replaces the process. (TestCheckNeverExecutes in
	// enforcer/execcheck proves it in a child with a canary.)
	if checkFlags&AtExecveCheck == 0 || checkFlags&unix.AT_EMPTY_PATH == 0 {
		t.Fatalf("checkFlags = %#x, want AT_EMPTY_PATH|AT_EXECVE_CHECK", checkFlags)
	}
}

func TestExecveCheckNonRegular(t *testing.T) {
	if err := ProbeExecveCheck(); err != nil {
		t.Skipf("kernel lacks the feature: %v", err)
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	if err := ExecveCheck(p[0], "/proc/self/fd/0"); err != unix.EACCES {
		t.Errorf("pipe: %v, want EACCES", err)
	}
	dir, err := unix.Open(t.TempDir(), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dir)
	if err := ExecveCheck(dir, "dir"); err != unix.EACCES {
		t.Errorf("directory: %v, want EACCES", err)
	}
	if err := ExecveCheck(-1, "none"); err != unix.EBADF {
		t.Errorf("fd -1: %v, want EBADF", err)
	}
	if err := ExecveCheck(0, "a\x00b"); err == nil {
		t.Error("argv0 with a NUL byte was accepted")
	}
}

func TestLandlockABI(t *testing.T) {
	abi, err := LandlockABI()
	if err != nil {
		t.Skipf("kernel lacks the feature: %v", err)
	}
	if abi < 1 {
		t.Errorf("ABI = %d", abi)
	}
}

func TestELFInterpreter(t *testing.T) {
	interp, err := Interpreter("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(interp, "/") || strings.ContainsRune(interp, 0) {
		t.Errorf("/bin/sh interpreter = %q, want an absolute path", interp)
	}
	if _, err := os.Stat(interp); err != nil {
		t.Errorf("interpreter: %v", err)
	}
	text := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(text, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if interp, err := Interpreter(text); interp != "" || err != nil {
		t.Errorf("script: %q, %v; want no ELF interpreter", interp, err)
	}
	if _, err := Interpreter(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file: no error")
	}
	short := filepath.Join(t.TempDir(), "short")
	if err := os.WriteFile(short, []byte("\x7fEL"), 0o755); err != nil {
		t.Fatal(err)
	}
	if interp, err := Interpreter(short); interp != "" || err != nil {
		t.Errorf("3-byte file: %q, %v; want no ELF interpreter", interp, err)
	}
	// A read that comes back short of a longer image is an error too.
	if interp, err := ELFInterpreter(shortReads{bytes.NewReader([]byte("\x7fELF\x02\x01\x01"))}); err == nil {
		t.Errorf("short read of a 7-byte image: %q and no error", interp)
	}
	// A read that fails is an error, not a file without ELF's magic.
	if interp, err := ELFInterpreter(failingReader{}); err == nil {
		t.Errorf("failing read: %q and no error", interp)
	}
	// Nor is a directory (EISDIR) a program without an interpreter.
	if interp, err := Interpreter(t.TempDir()); err == nil {
		t.Errorf("directory: %q and no error", interp)
	}
}

// shortReads reads nothing of an image of a known size, as a filter
// answering pread64 with 0 makes a file's reads.
type shortReads struct{ *bytes.Reader }

func (shortReads) ReadAt([]byte, int64) (int, error) { return 0, io.EOF }

// failingReader fails every read, as a seccomp profile answering pread64
// with EIO makes a file's reads fail.
type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, unix.EIO }

// Exec fails before changing anything when a folder does not exist, and
// names it.
func TestExecUnknownFolder(t *testing.T) {
	if _, err := LandlockABI(); err != nil {
		t.Skipf("kernel lacks the feature: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	done := make(chan error)
	go func() { // Exec locks its goroutine's thread for good.
		done <- Exec(Confinement{ExecBeneath: []string{missing}}, "/bin/true", []string{"true"}, nil)
	}()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Exec = %v, want an error naming %s", err, missing)
	}
}

// FuzzELFInterpreter feeds arbitrary images to the PT_INTERP reader, which
// must never panic.
func FuzzELFInterpreter(f *testing.F) {
	// A real dynamic ELF cut after the interpreter's name, its section
	// header table dropped (it is at the end of the file): the part the
	// reader reads, 820 bytes for /bin/true on amd64. Not the whole file:
	// the fuzzer minimises each new input in time quadratic in its length,
	// and with /bin/true whole (35 KB) among the seeds a 30 s run made 23
	// executions, all minimising.
	if data, err := os.ReadFile("/bin/true"); err == nil {
		f.Add(elfHead(data))
	}
	f.Add([]byte("\x7fELF"))
	f.Add([]byte("#!/bin/sh\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		interp, err := ELFInterpreter(bytes.NewReader(data))
		if err == nil && strings.ContainsRune(interp, 0) {
			t.Errorf("interpreter %q contains NUL", interp)
		}
	})
}

// elfHead returns a 64-bit ELF image up to the end of its interpreter's
// name, without section headers; data cut at 1 KB if it is not one.
func elfHead(data []byte) []byte {
	head := data[:min(len(data), 1024)]
	e, err := elf.NewFile(bytes.NewReader(data))
	if err != nil || e.Class != elf.ELFCLASS64 || len(data) < 64 {
		return head
	}
	for _, p := range e.Progs {
		if p.Type == elf.PT_INTERP && p.Off+p.Filesz <= uint64(len(data)) {
			head = bytes.Clone(data[:p.Off+p.Filesz])
			clear(head[0x28:0x30]) // e_shoff
			clear(head[0x3c:0x40]) // e_shnum, e_shstrndx
		}
	}
	return head
}
