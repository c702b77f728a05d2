//go:build unix

package intact

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"
)

// TestJournaldSink: events reach a journald socket as native-protocol
// datagrams, every field as INTACT_<FIELD>, a value with a newline in the
// binary form, and MESSAGE one escaped line.
func TestJournaldSink(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "journal.socket")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	saved := journalSocket
	journalSocket = sock
	defer func() { journalSocket = saved }()

	h, err := journaldSink()
	if err != nil {
		t.Fatal(err)
	}
	r := slog.NewRecord(time.Now(), slog.LevelWarn, eventMessage, 0)
	r.AddAttrs(slog.String("event", EventAudit), slog.String("path", "/app/evil\nname.js"), slog.String("reason", "not-in-catalog"))
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := ln.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	got := parseJournal(t, buf[:n])
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
