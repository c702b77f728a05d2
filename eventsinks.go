package intact

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/intactdev/intact/internal/printable"
	"github.com/intactdev/intact/internal/regularfile"
	"golang.org/x/term"
)

// EventFormat values say how events on stderr are written (EnvEventFormat).
const (
	EventFormatJSON = "json" // one JSON object a line, as in the event log
	EventFormatText = "text" // one line for people
)

// systemEventsName is the system's event sinks configuration, in the
// system folder: one sink a line, "file PATH", "syslog" or "journald".
const systemEventsName = "events.conf"

// maxEventsConf bounds the sinks configuration: a few lines.
const maxEventsConf = 64 << 10

// systemSinks reads the system's event sinks configuration and opens each
// sink, failing (and so failing Load) on a line it does not understand or
// a sink it cannot reach: a system that asks for its refusals to be
// recorded must not run without the record.
//
// A "file" sink is written by the processes of its folder's owner (root
// for /var/log/intact): a log every user could write would be a log
// anyone could forge. Other users' processes skip it; syslog and journald
// receive everyone's events.
//
// It also returns each sink as its line names it ("file PATH", "syslog",
// "journald"), for Status.
func systemSinks(conf string) ([]slog.Handler, []string, error) {
	data, err := regularfile.Read(conf, maxEventsConf)
	if err != nil {
		return nil, nil, fmt.Errorf("system event sinks: %w", err)
	}
	var handlers []slog.Handler
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, arg, _ := strings.Cut(line, " ")
		arg = strings.TrimSpace(arg)
		var h slog.Handler
		switch {
		case commentAfter(arg):
			// Taken as part of the path, it would name another log.
			err = fmt.Errorf("%s %q: a comment must be on a line of its own", kind, arg)
		case kind == "file" && filepath.IsAbs(arg):
			h, err = systemFileSink(arg)
		case kind == "file":
			err = fmt.Errorf("file %q: want an absolute path", arg)
		case (kind == "syslog" || kind == "journald") && arg != "":
			err = fmt.Errorf("%s takes no argument", kind)
		case kind == "syslog":
			h, err = syslogSink()
		case kind == "journald":
			h, err = journaldSink()
		default:
			err = fmt.Errorf("unknown sink %q: want file PATH, syslog or journald", kind)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("system event sinks %s:%d: %w", conf, n, err)
		}
		if h != nil {
			handlers = append(handlers, h)
			names = append(names, strings.TrimSpace(kind+" "+arg))
		}
	}
	return handlers, names, nil
}

// commentAfter reports whether arg holds a "#" after white space: a
// trailing comment, which events.conf does not allow.
func commentAfter(arg string) bool {
	i := strings.IndexByte(arg, '#')
	return i > 0 && strings.ContainsAny(arg[i-1:i], " \t")
}

// openEventFile opens the event log at the absolute path, checked as
// INTACT_EVENT_LOG is (see eventLog.open), and returns a JSON handler that
// appends to it.
func openEventFile(path string) (slog.Handler, error) {
	log, err := openEventLogFolder(path)
	if err != nil {
		return nil, err
	}
	f, err := log.open()
	if err != nil {
		return nil, err
	}
	f.Close()
	return slog.NewJSONHandler(&appendFile{log: log}, nil), nil
}

// stderrEvents returns the handler of events on stderr: JSON lines, or
// with EnvEventFormat=text, or by default on a terminal, one line for
// people each.
func stderrEvents() (slog.Handler, error) {
	format := os.Getenv(EnvEventFormat)
	switch format {
	case "":
		if !term.IsTerminal(int(os.Stderr.Fd())) {
			format = EventFormatJSON
		}
	case EventFormatJSON, EventFormatText:
	default:
		return nil, fmt.Errorf("%s=%q: want %s or %s", EnvEventFormat, format, EventFormatJSON, EventFormatText)
	}
	if format == EventFormatJSON {
		return slog.NewJSONHandler(os.Stderr, nil), nil
	}
	return &sinkHandler{send: func(r slog.Record, _ []byte) error {
		_, err := fmt.Fprintln(os.Stderr, eventText(r))
		return err
	}}, nil
}

// eventText is an event in one line for people, its names escaped
// (printable.Escape) so that a file name cannot forge another line:
//
//	intact: audit: /app/main.js would be refused: not-in-catalog: no catalog … lists SHA-256 …
//	intact: denied: /app/evil.js: untrusted-signer: …
//	intact: blocked: eval: interactive-mode-disabled: …
func eventText(r slog.Record) string {
	f := eventFields(r)
	var b strings.Builder
	b.WriteString("intact: ")
	b.WriteString(f["event"])
	b.WriteString(": ")
	switch f["event"] {
	case EventBlocked:
		b.WriteString(f["feature"])
		if f["what"] != "" {
			// Quoted: code in node names it (outside review rt74), and
			// could name it "eval): host-refused: …".
			b.WriteString(" (" + strconv.Quote(f["what"]) + ")")
		}
	case EventAudit:
		b.WriteString(f["path"])
		b.WriteString(" would be refused")
	default:
		b.WriteString(f["path"])
	}
	b.WriteString(": ")
	b.WriteString(f["reason"])
	for _, k := range []string{"detail", "error"} {
		if f[k] != "" {
			b.WriteString(": ")
			b.WriteString(f[k])
		}
	}
	return printable.Escape(b.String())
}

// eventFields are an event's fields as text.
func eventFields(r slog.Record) map[string]string {
	f := make(map[string]string, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		f[a.Key] = a.Value.String()
		return true
	})
	return f
}

// sinkHandler hands each event to send, with its JSON line (as the JSON
// handler writes it, newline included). Groups are flattened: intact's
// events use none.
type sinkHandler struct {
	attrs []slog.Attr
	send  func(r slog.Record, json []byte) error
}

func (h *sinkHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *sinkHandler) Handle(ctx context.Context, r slog.Record) error {
	if len(h.attrs) > 0 {
		r = r.Clone()
		r.AddAttrs(h.attrs...)
	}
	var buf bytes.Buffer
	if err := slog.NewJSONHandler(&buf, nil).Handle(ctx, r); err != nil {
		return err
	}
	return h.send(r, buf.Bytes())
}

func (h *sinkHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &sinkHandler{attrs: append(slices.Clip(h.attrs), attrs...), send: h.send}
}

func (h *sinkHandler) WithGroup(string) slog.Handler { return h }
