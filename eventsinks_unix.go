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
	"sync"
	"time"

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

// syslogSockets are where local syslog daemons listen, in the order
// log/syslog tries them (a variable for tests).
var syslogSockets = []string{"/dev/log", "/var/run/syslog", "/var/run/log"}

// syslogSink sends each event to the local syslog daemon as its JSON
// line, tagged intact, facility user: denials and blocks at LOG_ERR,
// audit events at LOG_WARNING. It writes datagrams itself rather than
// through log/syslog, whose writes have no deadline (datagramSink).
func syslogSink() (slog.Handler, error) {
	d := &datagramSink{name: "syslog", dial: func() (*net.UnixConn, error) {
		var first error
		for _, path := range syslogSockets {
			c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
			if err == nil {
				return c, nil
			}
			if first == nil {
				first = err
			}
		}
		return nil, first
	}}
	if err := d.connect(); err != nil {
		return nil, fmt.Errorf("syslog: %w", err)
	}
	tag := "intact[" + strconv.Itoa(os.Getpid()) + "]"
	return &sinkHandler{send: func(r slog.Record, json []byte) error {
		priority := syslog.LOG_USER | syslog.LOG_WARNING
		if r.Level >= slog.LevelError {
			priority = syslog.LOG_USER | syslog.LOG_ERR
		}
		line := strings.TrimSuffix(string(json), "\n")
		// The local format of log/syslog: no host name.
		return d.send([]byte(fmt.Sprintf("<%d>%s %s: %s\n", priority, r.Time.Format(time.Stamp), tag, line)))
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
	d := &datagramSink{name: "journald", dial: func() (*net.UnixConn, error) {
		return net.DialUnix("unixgram", nil, &net.UnixAddr{Name: journalSocket, Net: "unixgram"})
	}}
	if err := d.connect(); err != nil {
		return nil, fmt.Errorf("journald: %w", err)
	}
	return &sinkHandler{send: func(r slog.Record, _ []byte) error {
		return d.send(journalMessage(r))
	}}, nil
}

// sinkWriteTimeout bounds how long an event may wait for a system sink's
// socket: events are sent on the enforcement path, and a stalled or
// flooded daemon (a datagram queue holds a handful of messages, and anyone
// may fill it) must not hang every process that refuses a file.
const sinkWriteTimeout = 50 * time.Millisecond

// datagramSink sends messages to a local daemon's datagram socket, each
// with a short write deadline. A message that cannot be sent in time, or
// at all, is dropped, the first drop said on stderr and all of them
// counted; the socket is dialled again at the next message, so a
// restarted daemon gets the events that follow.
type datagramSink struct {
	name string
	dial func() (*net.UnixConn, error)

	mu      sync.Mutex
	conn    *net.UnixConn
	dropped uint64
}

// connect dials the daemon; it is called with mu held or before the sink
// is shared.
func (d *datagramSink) connect() error {
	c, err := d.dial()
	if err != nil {
		return err
	}
	d.conn = c
	return nil
}

func (d *datagramSink) send(msg []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	err := func() error {
		if d.conn == nil {
			if err := d.connect(); err != nil {
				return err
			}
		}
		if err := d.conn.SetWriteDeadline(time.Now().Add(sinkWriteTimeout)); err != nil {
			return err
		}
		_, err := d.conn.Write(msg)
		return err
	}()
	if err == nil {
		return nil
	}
	if d.conn != nil {
		d.conn.Close()
		d.conn = nil
	}
	d.dropped++
	if d.dropped == 1 {
		fmt.Fprintf(os.Stderr, "intact: %s: dropping events it cannot take now (the refusals stand): %v\n", d.name, err)
	}
	return fmt.Errorf("%s: event dropped (%d so far): %w", d.name, d.dropped, err)
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
