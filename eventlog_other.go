//go:build !unix

package intact

import (
	"os"

	"github.com/intactdev/intact/internal/regularfile"
)

// openEventLog opens the event log at path for appending, creating it with
// mode 0600, and refuses anything but a regular file. The ownership and
// folder checks of Unix are not made here (see doc/code-integrity.md).
func openEventLog(path string) (*os.File, error) {
	return regularfile.OpenAppend(path, 0o600)
}
