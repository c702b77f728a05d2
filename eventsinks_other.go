//go:build !unix

package intact

import (
	"errors"
	"log/slog"
)

// systemFileSink is the "file PATH" sink: the event log at path.
func systemFileSink(path string) (slog.Handler, error) { return openEventFile(path) }

func syslogSink() (slog.Handler, error) {
	return nil, errors.New("syslog: not on this system (use file PATH)")
}

func journaldSink() (slog.Handler, error) {
	return nil, errors.New("journald: not on this system (use file PATH)")
}
