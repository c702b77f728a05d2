package linediff_test

import (
	"testing"

	"github.com/intactdev/intact/internal/linediff"
)

func TestFirst(t *testing.T) {
	for _, tc := range []struct{ want, got, diff string }{
		{"a\nb\n", "a\nb\n", ""},
		{"", "", ""},
		{"a\nb\nc", "a\nB\nc", "first difference at line 2:\nnode:   \"b\"\nintact: \"B\""},
		{"a\nb", "a", "first difference at line 2:\nnode:   \"b\"\nintact: \"\""},
		{"a", "a\n", "first difference at line 2:\nnode:   \"\"\nintact: \"\""},
	} {
		if got := linediff.First(tc.want, tc.got, "node", "intact"); got != tc.diff {
			t.Errorf("First(%q, %q) = %q, want %q", tc.want, tc.got, got, tc.diff)
		}
	}
}
