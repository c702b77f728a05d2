//go:build !unix

package intact

import (
	"os"

	"github.com/intactdev/intact/internal/regularfile"
)

// eventLog is the event log at path. The ownership and folder checks of
// Unix are not made here, and the folder is resolved by path on every open
// (see doc/code-integrity.md).
type eventLog struct {
	path string
}

func openEventLogFolder(path string) (*eventLog, error) { return &eventLog{path: path}, nil }

// open opens the event log for appending, creating it with mode 0600, and
// refuses anything but a regular file.
func (l *eventLog) open() (*os.File, error) {
	return regularfile.OpenAppend(l.path, 0o600)
}
