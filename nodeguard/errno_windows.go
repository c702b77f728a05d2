package nodeguard

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

// errnoCodes are node's codes for the Windows errors a broker's reads can
// meet, as libuv translates them (uv_translate_sys_error).
var errnoCodes = map[syscall.Errno]string{
	windows.ERROR_FILE_NOT_FOUND:      "ENOENT",
	windows.ERROR_PATH_NOT_FOUND:      "ENOENT",
	windows.ERROR_INVALID_NAME:        "ENOENT",
	windows.ERROR_INVALID_DRIVE:       "ENOENT",
	windows.ERROR_BAD_NETPATH:         "ENOENT",
	windows.ERROR_ACCESS_DENIED:       "EPERM",
	windows.ERROR_SHARING_VIOLATION:   "EBUSY",
	windows.ERROR_LOCK_VIOLATION:      "EBUSY",
	windows.ERROR_DIRECTORY:           "ENOTDIR",
	windows.ERROR_TOO_MANY_OPEN_FILES: "EMFILE",
	windows.ERROR_NOT_ENOUGH_MEMORY:   "ENOMEM",
}

// errnoName is node's code for a Windows error ("ENOENT"), as a refusal
// carries it, or "" for one node has no code for.
func errnoName(e syscall.Errno) string { return errnoCodes[e] }

// peerClosed reports whether a write failed because node's end of the
// channel is closed: nothing more can come in then.
func peerClosed(err error) bool {
	return errors.Is(err, windows.ERROR_NO_DATA) || errors.Is(err, windows.ERROR_BROKEN_PIPE) ||
		errors.Is(err, windows.ERROR_PIPE_NOT_CONNECTED)
}
