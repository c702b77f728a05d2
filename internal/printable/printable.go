// Package printable makes text from file systems and catalogs safe to print
// for people. A file name or a catalog's FilePath may hold a newline, which
// would start a line of its own in `intact check` and forge a verdict, or
// terminal escape sequences, which would erase or recolour the line that
// tells the truth. JSON output and the event log are escaped by their
// encoders; every human-facing printer passes names through Escape.
package printable

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every character that is not graphic (control
// characters such as newline, carriage return and ESC, format characters
// such as the bidirectional overrides, line and paragraph separators)
// written as a Go escape (\n, \x1b, \u202e), and every byte that is not
// UTF-8 as \xNN. Letters, marks, digits, punctuation, symbols and spaces of
// any script are left as they are, so ordinary non-ASCII names stay
// readable. Backslashes are left alone too, so that Windows paths stay
// readable: a name that itself contains the two characters \n prints as one
// with a newline would, which is why JSON output, exact by construction,
// is the one to parse.
func Escape(s string) string {
	if isPrintable(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])>>4, 16))
			b.WriteString(strconv.FormatUint(uint64(s[i])&0xf, 16))
		case unicode.IsGraphic(r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRuneToASCII(r) // '\n', '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// isPrintable reports whether Escape would return s unchanged.
func isPrintable(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		if !unicode.IsGraphic(r) {
			return false
		}
	}
	return true
}
