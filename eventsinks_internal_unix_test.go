//go:build unix

package intact

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestJournaldSink: events reach a journald socket as native-protocol
// datagrams, every field as INTACT_<FIELD>, a value with a newline in the
// binary form, and MESSAGE one escaped line.
func TestJournaldSink(t *testing.T) {
	ln, sock := listenDatagrams(t, "journal.socket")
	saved := journalSocket
	journalSocket = sock
	defer func() { journalSocket = saved }()

	h, err := journaldSink()
	if err != nil {
		t.Fatal(err)
	}
	r := slog.NewRecord(time.Now(), slog.LevelWarn, eventMessage, 0)
	r.AddAttrs(slog.String("event", EventAudit), slog.String("path", "/app/evil\nname.js"), slog.String("reason", "not-in-catalog"))
	got := parseJournal(t, handleOne(t, h, r, ln))
	want := map[string]string{
		"MESSAGE":           `intact: audit: /app/evil\nname.js would be refused: not-in-catalog`,
		"PRIORITY":          "4",
		"SYSLOG_IDENTIFIER": "intact",
		"INTACT_EVENT":      "audit",
		"INTACT_PATH":       "/app/evil\nname.js",
		"INTACT_REASON":     "not-in-catalog",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

// parseJournal decodes journald's native protocol, as journald does.
func parseJournal(t *testing.T, b []byte) map[string]string {
	fields := map[string]string{}
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte("\n"))
		if k, v, ok := bytes.Cut(line, []byte("=")); ok {
			fields[string(k)] = string(v)
			b = rest
			continue
		}
		if len(rest) < 8 {
			t.Fatalf("truncated binary field %q", line)
		}
		n := binary.LittleEndian.Uint64(rest)
		rest = rest[8:]
		if uint64(len(rest)) < n+1 || rest[n] != '\n' {
			t.Fatalf("bad binary field %q", line)
		}
		fields[string(line)] = string(rest[:n])
		b = rest[n+1:]
	}
	return fields
}

// TestJournaldSinkFullQueue: a journal socket whose queue is full (a
// stalled journald, or anyone flooding it) makes events be dropped, each
// after a short deadline, instead of hanging the process that refuses a
// file; once the journal is back (a new socket at the same path, as after
// a restart) the events that follow reach it.
func TestJournaldSinkFullQueue(t *testing.T) {
	ln, sock := listenDatagrams(t, "journal.socket")
	saved := journalSocket
	journalSocket = sock
	defer func() { journalSocket = saved }()
	h, err := journaldSink()
	if err != nil {
		t.Fatal(err)
	}
	event := func(path string) slog.Record {
		r := slog.NewRecord(time.Now(), slog.LevelError, eventMessage, 0)
		r.AddAttrs(slog.String("event", EventDenied), slog.String("path", path), slog.String("reason", "not-in-catalog"))
		return r
	}

	// More events than the datagram queue holds
	// (net.unix.max_dgram_qlen, 10 by default): nobody reads them.
	qlen := 10
	if b, err := os.ReadFile("/proc/sys/net/unix/max_dgram_qlen"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			qlen = n
		}
	}
	done := make(chan error, 1)
	go func() {
		var last error
		for i := 0; i < qlen+3; i++ {
			last = h.Handle(context.Background(), event("/app/evil.js"))
		}
		done <- last
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "journald: event dropped") {
			t.Fatalf("the last event into a full queue: %v, want it dropped", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("events into a full journal queue hang their sender")
	}

	// The journal restarts: a new socket at the same path.
	ln.Close()
	if err := os.Remove(sock); err != nil {
		t.Fatal(err)
	}
	ln2, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln2.Close()
	if got := parseJournal(t, handleOne(t, h, event("/app/after-restart.js"), ln2))["INTACT_PATH"]; got != "/app/after-restart.js" {
		t.Fatalf("the restarted journal got %q", got)
	}
}

// TestSyslogSink: events reach the syslog socket as the JSON line, tagged
// intact, facility user at LOG_ERR for denials; into a full queue they are
// dropped rather than waited for.
func TestSyslogSink(t *testing.T) {
	ln, sock := listenDatagrams(t, "log")
	saved := syslogSockets
	syslogSockets = []string{filepath.Join(t.TempDir(), "absent"), sock}
	defer func() { syslogSockets = saved }()
	h, err := syslogSink()
	if err != nil {
		t.Fatal(err)
	}
	r := slog.NewRecord(time.Now(), slog.LevelError, eventMessage, 0)
	r.AddAttrs(slog.String("event", EventDenied), slog.String("path", "/app/evil.js"), slog.String("reason", "not-in-catalog"))
	got := string(handleOne(t, h, r, ln))
	if !strings.HasPrefix(got, "<11>") || !strings.Contains(got, " intact["+strconv.Itoa(os.Getpid())+"]: {") || !strings.Contains(got, `"path":"/app/evil.js"`) {
		t.Fatalf("syslog got %q", got)
	}
	var last error
	for i := 0; i < 64 && last == nil; i++ {
		last = h.Handle(context.Background(), r)
	}
	if last == nil || !strings.Contains(last.Error(), "syslog: event dropped") {
		t.Fatalf("events into a full syslog queue: %v, want them dropped", last)
	}
}

// listenDatagrams listens on a unix datagram socket called name in a new
// folder, as journald or a syslog daemon does, reading nothing unless
// told.
func listenDatagrams(t *testing.T, name string) (*net.UnixConn, string) {
	sock := filepath.Join(t.TempDir(), name)
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, sock
}

// handleOne has h handle r and returns the datagram ln receives.
func handleOne(t *testing.T, h slog.Handler, r slog.Record, ln *net.UnixConn) []byte {
	t.Helper()
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := ln.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf[:n]
}
