package nodelib

import (
	"testing"
	"unicode/utf8"

	"github.com/dop251/goja"
)

func FuzzDecodeUTF8(f *testing.F) {
	for _, s := range []string{"", "hello", "h\xc3\xa9llo", "\xe2\x82", "\xe2\x82\xac", "\xf0\x9f\x98", "\xff\xfe", "\xed\xa0\x80", "\xc0\xaf", "a\xf4\x90\x80\x80b"} {
		f.Add([]byte(s), false, false)
		f.Add([]byte(s), true, true)
	}
	f.Fuzz(func(t *testing.T, b []byte, fatal, stream bool) {
		s, n, ok := decodeUTF8(b, fatal, stream)
		if n < 0 || n > len(b) {
			t.Fatalf("consumed %d of %d bytes", n, len(b))
		}
		if !ok {
			if !fatal || utf8.Valid(b) {
				t.Fatalf("failed without cause: fatal=%v n=%d input %q", fatal, n, b)
			}
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("output is not valid UTF-8: %q", s)
		}
		if fatal && !stream && !utf8.Valid(b) {
			t.Fatalf("fatal decoder accepted invalid input %q", b)
		}
		if utf8.Valid(b[:n]) && s != string(b[:n]) {
			t.Fatalf("valid input %q decoded to %q", b[:n], s)
		}
		if !stream && n != len(b) {
			t.Fatalf("non-streaming decode left %d bytes", len(b)-n)
		}
		if stream && len(b)-n > 3 {
			t.Fatalf("streaming decode kept %d bytes back", len(b)-n)
		}
	})
}

func FuzzCodec(f *testing.F) {
	for _, s := range []string{"", "aGk", "aGk=", "-_+/", "€", "x"} {
		f.Add(s, []byte(s))
	}
	rt := goja.New()
	f.Fuzz(func(t *testing.T, s string, b []byte) {
		for _, enc := range []string{"latin1", "ascii", "utf16le", "base64url"} {
			encodeString(rt.ToValue(s), enc)
			decoded := decodeBytes(rt, b, enc)
			if enc == "utf16le" || enc == "base64url" {
				back := encodeString(decoded, enc)
				want := b
				if enc == "utf16le" {
					want = b[:len(b)&^1]
				}
				if string(back) != string(want) {
					t.Fatalf("%s: %x decoded and encoded again gives %x", enc, want, back)
				}
			}
		}
	})
}

// FuzzSearchBytes checks Buffer's search against a byte-by-byte one, for
// any offsets and lengths a script can pass.
func FuzzSearchBytes(f *testing.F) {
	f.Add([]byte("yolo swag swag yolo"), []byte("swag"), 19, 0, true, 1)
	f.Add([]byte("yolo swag swag yolo"), []byte("swag"), 19, 18, false, 1)
	f.Add([]byte("a\x00b\x00a\x00"), []byte("a\x00"), 6, 5, false, 2)
	f.Add([]byte("ff"), []byte("f"), 2, 1, true, 2)
	f.Add([]byte(""), []byte(""), 0, 0, true, 1)
	f.Add([]byte("abab"), []byte("ab"), 4, int(^uint(0)>>1), false, 1)
	f.Fuzz(func(t *testing.T, haystack, needle []byte, length, start int, forward bool, step int) {
		got := searchBytes(haystack, needle, length, start, forward, step)
		want := naiveSearch(haystack, needle, length, start, forward, step)
		if got != want {
			t.Fatalf("searchBytes(%q, %q, %d, %d, %v, %d) = %d, want %d", haystack, needle, length, start, forward, step, got, want)
		}
	})
}

func naiveSearch(haystack, needle []byte, length, start int, forward bool, step int) int {
	if length < 0 {
		return -1
	}
	length = min(length, len(haystack))
	step = max(step, 1)
	n := len(needle)
	if start < 0 || n > length {
		return -1
	}
	matches := func(i int) bool { return i%step == 0 && string(haystack[i:i+n]) == string(needle) }
	if forward {
		for i := start; i+n <= length; i++ {
			if matches(i) {
				return i
			}
		}
		return -1
	}
	for i := min(start, length-n); i >= 0; i-- {
		if matches(i) {
			return i
		}
	}
	return -1
}
