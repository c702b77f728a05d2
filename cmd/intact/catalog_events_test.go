package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestParseEventLine: intact's JSON events, journalctl's and syslog's
// forms of them are read alike; other lines are not events.
func TestParseEventLine(t *testing.T) {
	want := codeEvent{Event: "audit", Path: "/app/a.js", SHA256: "ab", Reason: "not-in-catalog"}
	for _, line := range []string{
		`{"time":"t","level":"WARN","msg":"code integrity","event":"audit","path":"/app/a.js","sha256":"ab","reason":"not-in-catalog"}`,
		`Dec  2 12:00:00 host intact[42]: {"msg":"code integrity","event":"audit","path":"/app/a.js","sha256":"ab","reason":"not-in-catalog"}`,
		`{"MESSAGE":"m","INTACT_EVENT":"audit","INTACT_PATH":[47,97,112,112,47,97,46,106,115],"INTACT_SHA256":"ab","INTACT_REASON":"not-in-catalog"}`,
	} {
		got, ok := parseEventLine([]byte(line))
		if !ok || got.Event != want.Event || got.Path != want.Path || got.SHA256 != want.SHA256 || got.Reason != want.Reason {
			t.Errorf("parseEventLine(%s) = %+v, %v; want %+v", line, got, ok, want)
		}
	}
	for _, line := range []string{
		``, `not json`, `{"msg":"other","event":"audit","path":"/a"}`,
		`{"msg":"code integrity","event":"allowed","path":"/a"}`,
		`{"INTACT_EVENT":"audit","INTACT_PATH":[300]}`,
	} {
		if got, ok := parseEventLine([]byte(line)); ok && got.Path != "" {
			t.Errorf("parseEventLine(%s) = %+v, want no event", line, got)
		}
	}
}

// FuzzParseEventLine: event files are read from anywhere; no line makes
// the parser panic, and what it returns is an event kind it knows.
func FuzzParseEventLine(f *testing.F) {
	f.Add([]byte(`{"msg":"code integrity","event":"audit","path":"/app/a.js","sha256":"ab","reason":"not-in-catalog"}`))
	f.Add([]byte(`host intact[1]: {"msg":"code integrity","event":"blocked","feature":"eval"}`))
	f.Add([]byte(`{"INTACT_EVENT":"denied","INTACT_PATH":[47,255,10],"INTACT_REASON":"x"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, ok := parseEventLine(line)
		if ok && ev.Event != "audit" && ev.Event != "denied" && ev.Event != "blocked" {
			t.Fatalf("event kind %q", ev.Event)
		}
	})
}

// TestFromEventsLongLine: a line longer than the limit (any user can log a
// 2 MiB journal message) is skipped with a warning naming the file and
// line; the events after it are still read.
func TestFromEventsLongLine(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.js")
	code := []byte("console.log('app');\n")
	if err := os.WriteFile(app, code, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(code)
	events := filepath.Join(dir, "events.jsonl")
	long := `{"msg":"code integrity","event":"audit","path":"/x.js","detail":"` + strings.Repeat("x", maxEventLine) + `"}`
	good := fmt.Sprintf(`{"msg":"code integrity","event":"audit","path":%q,"sha256":"%X","reason":"not-in-catalog"}`, app, sum)
	if err := os.WriteFile(events, []byte(long+"\n"+good+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if rc := run([]string{"catalog", "from-events", "--trust-files", events}, &stdout, &stderr); rc != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", rc, stderr.String())
	}
	if want := fmt.Sprintf("warning: %s:1: a line longer than %d bytes, skipped\n", events, maxEventLine); stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
	if want := fmt.Sprintf("would add: app.js (flat, SHA-256 %X)\n  from %s:2\n", sum, events); !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("stdout = %q, want it to begin with %q", stdout.String(), want)
	}
}

// FuzzEachLine: eachLine splits as bytes.Split does on newlines, passing
// lines over the limit to tooLong, whatever the input.
func FuzzEachLine(f *testing.F) {
	f.Add([]byte("a\nbb\r\n\nccc"), uint16(2))
	f.Add([]byte(strings.Repeat("x", 50)+"\ny\n"), uint16(8))
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		max := int(limit)
		var got []string
		err := eachLine(bytes.NewReader(data), max, func(n int, b []byte) {
			got = append(got, fmt.Sprintf("%d:%s", n, b))
		}, func(n int) { got = append(got, fmt.Sprintf("%d long", n)) })
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i, l := range bytes.SplitAfter(data, []byte("\n")) {
			switch {
			case len(bytes.TrimSuffix(l, []byte("\n"))) > max:
				want = append(want, fmt.Sprintf("%d long", i+1))
			case len(l) > 0:
				want = append(want, fmt.Sprintf("%d:%s", i+1, bytes.TrimRight(l, "\r\n")))
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("eachLine(%q, %d) = %q, want %q", data, max, got, want)
		}
	})
}
