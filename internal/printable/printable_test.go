package printable_test

import (
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/printable"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"app/main.js", "app/main.js"},
		{`C:\Users\app\main.js`, `C:\Users\app\main.js`},
		{"crème brûlée/日本語.js", "crème brûlée/日本語.js"},
		{"a b\u00a0c", "a b\u00a0c"}, // spaces stay
		{"evil.js\nok.js: allowed", `evil.js\nok.js: allowed`},
		{"x\x1b[2K\rok.js: allowed", `x\x1b[2K\rok.js: allowed`},
		{"tab\there", `tab\there`},
		{"\x00\x7f", `\x00\x7f`},
		{"bidi\u202egnp.js", `bidi\u202egnp.js`},
		{"line\u2028sep", `line\u2028sep`},
		{"bad\xffutf8\xc3", `bad\xffutf8\xc3`},
		{"\U0001F600.js", "\U0001F600.js"},
		{"", ""},
	} {
		if got := printable.Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzEscape: whatever the input, the output is valid UTF-8 with no
// character a terminal would act on, and printable input is unchanged.
func FuzzEscape(f *testing.F) {
	f.Add("evil.js\n\x1b[2Kok.js: allowed\xff")
	f.Fuzz(func(t *testing.T, s string) {
		got := printable.Escape(s)
		if printable.Escape(got) != got {
			t.Fatalf("Escape(%q) = %q is not printable itself", s, got)
		}
		if strings.ContainsAny(got, "\n\r\x1b\x00\u202e\u2028") {
			t.Fatalf("Escape(%q) = %q keeps a control character", s, got)
		}
	})
}
