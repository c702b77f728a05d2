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
