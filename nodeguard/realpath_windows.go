package nodeguard

import (
	"os"

	"golang.org/x/sys/windows"
)

// realPath returns path with every link and junction resolved, as Windows
// resolves it (finalPath), rather than component by component as
// filepath.EvalSymlinks does (see realpath_linux.go).
func realPath(path string) (string, error) {
	final, err := finalPathOf(path)
	if err != nil {
		return "", err
	}
	return plainPath(final), nil
}

// finalPathOf returns the final path (finalPath) of the file or folder at
// path, opened only to read its attributes.
func finalPathOf(path string) (string, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return "", err
	}
	h, err := windows.CreateFile(p, windows.FILE_READ_ATTRIBUTES, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return "", &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer windows.CloseHandle(h)
	final, err := finalPath(h)
	if err != nil {
		return "", &os.PathError{Op: "GetFinalPathNameByHandle", Path: path, Err: err}
	}
	return final, nil
}
