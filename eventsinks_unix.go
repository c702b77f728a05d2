//go:build unix

package intact

import (
	"encoding/binary"
	"fmt"
	"log/slog"
	"log/syslog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// systemFileSink is the "file PATH" sink: the event log at path, for the
// processes of its folder's owner, and nil (no sink) for everyone else's.
func systemFileSink(path string) (slog.Handler, error) {
	var st unix.Stat_t
	if err := unix.Stat(filepath.Dir(path), &st); err != nil {
		return nil, &os.PathError{Op: "stat", Path: filepath.Dir(path), Err: err}
	}
	if int(st.Uid) != os.Geteuid() {
		return nil, nil
	}
	return openEventFile(path)
}

// syslogSink sends each event to the local syslog daemon as its JSON
// line, tagged intact, facility user: denials and blocks at LOG_ERR,
// audit events at LOG_WARNING.
func syslogSink() (slog.Handler, error) {
	w, err := syslog.New(syslog.LOG_USER|syslog.LOG_WARNING, "intact")
	if err != nil {
		return nil, fmt.Errorf("syslog: %w", err)
	}
	return &sinkHandler{send: func(r slog.Record, json []byte) error {
		line := strings.TrimSuffix(string(json), "\n")
		if r.Level >= slog.LevelError {
			return w.Err(line)
		}
		return w.Warning(line)
	}}, nil
}

// journalSocket is where systemd-journald takes native-protocol messages
// (a variable for tests).
var journalSocket = "/run/systemd/journal/socket"

// journaldSink sends each event to systemd-journald in its native
// protocol (one datagram a message): MESSAGE is the event in one line
// (eventText), PRIORITY 3 for denials and blocks and 4 for audit events,
// SYSLOG_IDENTIFIER intact, and every field of the event as
// INTACT_<FIELD> (INTACT_EVENT, INTACT_PATH, INTACT_SHA256, INTACT_REASON,
// …), which `journalctl -o json` gives back.
func journaldSink() (slog.Handler, error) {
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: journalSocket, Net: "unixgram"})
	if err != nil {
		return nil, fmt.Errorf("journald: %w", err)
	}
	return &sinkHandler{send: func(r slog.Record, _ []byte) error {
		_, err := conn.Write(journalMessage(r))
		return err
	}}, nil
}

// journalMessage encodes an event in journald's native protocol: KEY=value
// lines, and a value that holds a newline as KEY, a newline, its length as
// 64-bit little endian, the value and a newline.
func journalMessage(r slog.Record) []byte {
	var b []byte
	field := func(key, value string) {
		if !strings.Contains(value, "\n") {
			b = append(b, key...)
			b = append(b, '=')
			b = append(b, value...)
			b = append(b, '\n')
			return
		}
		b = append(b, key...)
		b = append(b, '\n')
		b = binary.LittleEndian.AppendUint64(b, uint64(len(value)))
		b = append(b, value...)
		b = append(b, '\n')
	}
	priority := 4
	if r.Level >= slog.LevelError {
		priority = 3
	}
	field("MESSAGE", eventText(r))
	field("PRIORITY", strconv.Itoa(priority))
	field("SYSLOG_IDENTIFIER", "intact")
	r.Attrs(func(a slog.Attr) bool {
		field("INTACT_"+strings.ToUpper(a.Key), a.Value.String())
		return true
	})
	return b
}
