//go:build !unix

package tree

import (
	"fmt"
	"os"
)

// A regularFile is an open regular file, read by position.
type regularFile = os.File

// openRegular opens name for reading and returns it with its size. It
// refuses anything but a regular file.
func openRegular(name string) (*regularFile, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a regular file (%v)", name, fi.Mode().Type())
	}
	return f, fi.Size(), nil
}
