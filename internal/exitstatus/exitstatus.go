// Package exitstatus maps what a command of intact returns to its process
// exit status, the same way in every intact executable: the intact command
// and the slim intact-node.
//
// The statuses scripts can rely on:
//
//	0    ok
//	1    refused, or a mismatch found (a file not allowed, a catalog that
//	     does not verify)
//	2    usage or configuration error (a bad flag or argument, a policy
//	     that cannot be loaded)
//
// A program run by intact (run, eval, node) exits with its own status, and
// intact exec with 126 or 127 when it cannot start COMMAND, as env does.
package exitstatus

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/intactdev/intact/internal/printable"
)

// The exit statuses of intact's own verdicts.
const (
	OK      = 0
	Refused = 1 // refused, or a mismatch found
	Usage   = 2 // usage or configuration error
)

// Error carries an exit status without a message of its own: the command
// has already reported what went wrong.
type Error int

func (e Error) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// A statusError is an error to report, with the status to exit with and
// the lines that say what to do next.
type statusError struct {
	status int
	err    error
	hint   []string
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// WithStatus returns err, which Of reports and then exits with status.
// A nil err stays nil.
func WithStatus(status int, err error) error {
	if err == nil {
		return nil
	}
	return &statusError{status: status, err: err}
}

// WithHint returns err, which Of reports followed by the hint's lines
// (what to do next), with the exit status Of would give err.
func WithHint(err error, hint ...string) error {
	if err == nil {
		return nil
	}
	return &statusError{status: Of(err, io.Discard), err: err, hint: hint}
}

// UsageError returns err as a usage or configuration error: exit status 2.
func UsageError(err error) error { return WithStatus(Usage, err) }

// Of returns the exit status for err, a command's result: 0 for nil, the
// status an Error carries, else the status WithStatus gave it, or 1, after
// printing err on stderr.
func Of(err error, stderr io.Writer) int {
	if err == nil {
		return OK
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
	var se *statusError
	if !errors.As(err, &se) {
		return Refused
	}
	// Each line on its own, so that none can forge another.
	for _, line := range se.hint {
		fmt.Fprintln(stderr, printable.Escape(line))
	}
	return se.status
}
