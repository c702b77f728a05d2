package intact

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestEventTextNamesTheAttempt: a dynamic-code block in the text format
// names the attempt, escaped: what code in node sends cannot forge a line.
func TestEventTextNamesTheAttempt(t *testing.T) {
	r := slog.NewRecord(time.Time{}, slog.LevelError, eventMessage, 0)
	r.AddAttrs(slog.String("event", EventBlocked), slog.String("feature", string(FeatureDynamicCode)),
		slog.String("what", "eval\nintact: denied: forged"), slog.String("reason", "dynamic-code-disabled"), slog.String("detail", "DisableDynamicCode"))
	got := eventText(r)
	if !strings.HasPrefix(got, "intact: blocked: dynamic code (eval") || strings.Contains(got, "\n") ||
		!strings.HasSuffix(got, "): dynamic-code-disabled: DisableDynamicCode") {
		t.Errorf("eventText = %q", got)
	}
}
