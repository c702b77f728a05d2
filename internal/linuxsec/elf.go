package linuxsec

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
)

// imageSize returns the size of the image r where r can tell it (an
// *os.File, a *bytes.Reader), else -1.
func imageSize(r io.ReaderAt) int64 {
	switch r := r.(type) {
	case interface{ Size() int64 }:
		return r.Size()
	case interface{ Stat() (os.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil {
			return fi.Size()
		}
	}
	return -1
}

// pathMax is Linux's PATH_MAX, beyond which the kernel refuses an
// interpreter path.
const pathMax = 4096

// Interpreter returns the program interpreter (PT_INTERP) the kernel
// opens to start the ELF file at path, or "" for a static program or a
// file that is not ELF.
func Interpreter(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	interp, err := ELFInterpreter(f)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return interp, nil
}

// ELFInterpreter returns the program interpreter (PT_INTERP) of the ELF
// image r, or "" when r has none (a static program) or is not ELF: shorter
// than ELF's magic number, or not starting with it. A failure to read is
// an error, never "not ELF": a caller would start a program it could not
// read as one the kernel starts some other way (outside review rt53: a
// seccomp profile failing the read let intact node start node unconfined).
func ELFInterpreter(r io.ReaderAt) (string, error) {
	var magic [4]byte
	// io.EOF is the end of the image, which io.ReaderAt may report even
	// with every byte read.
	n, err := r.ReadAt(magic[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if n < len(magic) && imageSize(r) > int64(n) {
		// A read that came back short of an image that is longer: a
		// filter around intact answering pread64 with 0 would have it
		// taken for one too short to be ELF (outside review rt54).
		return "", fmt.Errorf("reading the ELF header: %w", io.ErrUnexpectedEOF)
	}
	if n < len(magic) || string(magic[:]) != elf.ELFMAG {
		return "", nil // not ELF: the kernel starts it some other way
	}
	f, err := elf.NewFile(r)
	if err != nil {
		return "", err
	}
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		// The kernel refuses interpreter paths longer than PATH_MAX.
		if p.Filesz < 2 || p.Filesz > pathMax {
			return "", fmt.Errorf("malformed ELF interpreter path (%d bytes)", p.Filesz)
		}
		buf := make([]byte, p.Filesz)
		if _, err := p.ReadAt(buf, 0); err != nil {
			return "", fmt.Errorf("reading the ELF interpreter path: %w", err)
		}
		interp, _, _ := bytes.Cut(buf, []byte{0})
		return string(interp), nil
	}
	return "", nil
}
