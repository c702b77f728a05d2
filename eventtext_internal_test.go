package intact

import (
	"log/slog"
	"testing"
	"time"
)

// TestEventTextNamesTheAttempt: a dynamic-code block in the text format
// names the attempt, quoted: what code in node sends forges neither a
// line nor the fields of its own.
func TestEventTextNamesTheAttempt(t *testing.T) {
	r := slog.NewRecord(time.Time{}, slog.LevelError, eventMessage, 0)
	r.AddAttrs(slog.String("event", EventBlocked), slog.String("feature", string(FeatureDynamicCode)),
		slog.String("what", "eval\"): host-refused: x\nintact: denied: forged"), slog.String("reason", "dynamic-code-disabled"), slog.String("detail", "DisableDynamicCode"))
	got := eventText(r)
	want := `intact: blocked: dynamic code ("eval\"): host-refused: x\nintact: denied: forged"): dynamic-code-disabled: DisableDynamicCode`
	if got != want {
		t.Errorf("eventText = %s\nwant          %s", got, want)
	}
}
