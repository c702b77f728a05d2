package generation

import (
	"errors"

	"golang.org/x/sys/windows"
)

// osFS is the Windows layer: MoveFileEx with MOVEFILE_REPLACE_EXISTING
// replaces a file in one step, and MOVEFILE_WRITE_THROUGH returns only once
// the move is on disk. Folders cannot be flushed; NTFS journals metadata.
type osFS struct{}

func (osFS) replace(src, dst string) error {
	from, err := windows.UTF16PtrFromString(src)
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(dst)
	if err != nil {
		return err
	}
	return windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
}

// transient: another process has the file open without delete sharing,
// as intact.Load does for the few milliseconds it reads the pointer file
// (Go opens files without FILE_SHARE_DELETE).
func (osFS) transient(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_ACCESS_DENIED)
}

func (osFS) syncDir(string) error { return nil }
