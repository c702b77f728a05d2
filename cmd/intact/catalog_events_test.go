package main

import "testing"

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
