// Package regularfile opens files that must be regular files — policies,
// catalogs, event logs — so that a FIFO or device put in their place is
// refused at once instead of blocking the process or feeding it endless
// bytes; and folders, so that a FIFO put in place of one is not waited on.
// The check is made on the opened descriptor, so swapping the path between
// a check and the open changes nothing.
package regularfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Open opens path for reading and returns it if it is a regular file.
func Open(path string) (*os.File, error) {
	return open(path, os.O_RDONLY, 0)
}

// OpenAppend opens path for appending, creating it with perm if needed, and
// returns it if it is a regular file.
func OpenAppend(path string, perm os.FileMode) (*os.File, error) {
	return open(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
}

// OpenDir opens the folder at path for reading its entries, without
// blocking whatever is there instead: a FIFO or a device is refused, not
// opened. A symbolic link is followed, as os.Open follows it.
func OpenDir(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|directory|nonBlocking, 0)
	if err != nil {
		return nil, err
	}
	if directory == 0 {
		fi, err := f.Stat()
		if err == nil && !fi.IsDir() {
			err = fmt.Errorf("%s: not a folder (%v)", path, fi.Mode().Type())
		}
		if err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// Read returns the contents of the regular file at path, refusing files
// larger than limit bytes. Errors name path, once.
func Read(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := ReadLimited(f, limit)
	if err != nil {
		if _, ok := errors.AsType[*fs.PathError](err); !ok { // a read error names path already
			err = fmt.Errorf("%s: %w", path, err)
		}
		return nil, err
	}
	return data, nil
}

// ReadLimited reads f from its offset to its end, refusing it when it
// holds more than limit bytes, without reading more than limit+1 bytes.
// The buffer is sized from the open file, so that a large file is read into
// one allocation; the limit still holds if the file grows.
func ReadLimited(f *os.File, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Size() <= limit {
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(f, limit+1))
	data := buf.Bytes()
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than the %d-byte limit", limit)
	}
	return data, nil
}

func open(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|nonBlocking, perm)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s: not a regular file (%v)", path, fi.Mode().Type())
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
