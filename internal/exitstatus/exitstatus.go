// Package exitstatus maps what a command of intact returns to its process
// exit status, the same way in every intact executable: the intact command
// and the slim intact-node.
package exitstatus

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/intactdev/intact/internal/printable"
)

// Error carries an exit status without a message of its own: the command
// has already reported what went wrong.
type Error int

func (e Error) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// Of returns the exit status for err, a command's result: 0 for nil, the
// status an Error carries, else 1 after printing err on stderr.
func Of(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var status Error
	if errors.As(err, &status) {
		return int(status)
	}
	// Errors from the intact packages already name their origin. They
	// quote paths and names from file systems and catalogs: escape them.
	msg := err.Error()
	if !strings.HasPrefix(msg, "intact: ") {
		msg = "intact: " + msg
	}
	fmt.Fprintln(stderr, printable.Escape(msg))
	return 1
}
