package nodelib

import (
	"bytes"
	"encoding/base64"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dop251/goja"
)

// The string encodings of Node's Buffer that goja_nodejs's Buffer lacks:
// latin1 (alias binary), ascii, utf16le (aliases ucs2, ucs-2, utf-16le) and
// base64url; and the decoding of base64, which goja_nodejs's stops at the
// first whitespace. Encoding and decoding follow Node: latin1 and ascii keep the
// low byte of each UTF-16 code unit, ascii decoding clears the high bit.
func init() {
	natives["internal/codec"] = func(s *libState, module *goja.Object) {
		rt := s.rt
		o := module.Get("exports").(*goja.Object)
		o.Set("encode", func(str goja.Value, enc string) goja.ArrayBuffer {
			return rt.NewArrayBuffer(encodeString(str, enc))
		})
		// Buffer.alloc allocates in Go (goja_nodejs): it asks first.
		o.Set("canAllocate", func(n float64) bool { return CanAllocate(int64(n)) })
		o.Set("decode", func(v goja.Value, enc string) goja.Value {
			return decodeBytes(rt, bytesArg(rt, v), enc)
		})
		// Buffer's indexOf and lastIndexOf: bytes.Index rather than a
		// JavaScript loop, which took minutes over megabytes.
		o.Set("search", func(h, n goja.Value, length, start int, forward bool, step int) int {
			return searchBytes(bytesArg(rt, h), bytesArg(rt, n), length, start, forward, step)
		})
		// structuredClone's transfer detaches the ArrayBuffers it moves;
		// isUtf8 and isAscii refuse detached ones.
		o.Set("detach", func(v goja.Value) bool {
			ab, ok := v.Export().(goja.ArrayBuffer)
			return ok && ab.Detach()
		})
		o.Set("isDetached", func(v goja.Value) bool {
			ab, ok := v.Export().(goja.ArrayBuffer)
			return ok && ab.Detached()
		})
		// buffer.isUtf8: UTF-8 as the WHATWG Encoding standard has it (no
		// surrogates, no overlong forms), which is utf8.Valid's.
		o.Set("isUtf8", func(v goja.Value) bool { return utf8.Valid(bytesArg(rt, v)) })
	}
}

// units returns the UTF-16 code units of a JavaScript string value, lone
// surrogates included.
func units(v goja.Value) []uint16 {
	str, ok := v.(goja.String)
	if !ok {
		return utf16.Encode([]rune(v.String()))
	}
	u := make([]uint16, str.Length())
	for i := range u {
		u[i] = str.CharAt(i)
	}
	return u
}

func encodeString(v goja.Value, enc string) []byte {
	switch enc {
	case "latin1", "ascii":
		u := units(v)
		b := make([]byte, len(u))
		for i, c := range u {
			b[i] = byte(c)
		}
		return b
	case "utf16le":
		u := units(v)
		b := make([]byte, 2*len(u))
		for i, c := range u {
			b[2*i], b[2*i+1] = byte(c), byte(c>>8)
		}
		return b
	case "base64", "base64url":
		// Node decodes both alphabets for either name, with or without
		// padding, skips what is not base64 (whitespace, line breaks) and
		// stops at the first '='.
		str := v.String()
		if i := strings.IndexByte(str, '='); i >= 0 {
			str = str[:i]
		}
		s := strings.Map(func(r rune) rune {
			switch {
			case r == '+':
				return '-'
			case r == '/':
				return '_'
			case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
				return r
			}
			return -1
		}, str)
		if len(s)%4 == 1 {
			s = s[:len(s)-1] // a lone trailing character carries no whole byte
		}
		b, _ := base64.RawURLEncoding.DecodeString(s)
		return b
	}
	return []byte(v.String())
}

func decodeBytes(rt *goja.Runtime, b []byte, enc string) goja.Value {
	switch enc {
	case "latin1", "ascii":
		u := make([]uint16, len(b))
		for i, c := range b {
			if enc == "ascii" {
				c &= 0x7f
			}
			u[i] = uint16(c)
		}
		return goja.StringFromUTF16(u)
	case "utf16le":
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return goja.StringFromUTF16(u)
	case "base64url":
		return rt.ToValue(base64.RawURLEncoding.EncodeToString(b))
	}
	return rt.ToValue(string(b))
}

// searchBytes finds needle in haystack[:length] at an offset that is a
// multiple of step (2 for UTF-16 text), from start forwards, or backwards
// from start; -1 if it is not there.
func searchBytes(haystack, needle []byte, length, start int, forward bool, step int) int {
	if length < 0 {
		return -1
	}
	if length > len(haystack) {
		length = len(haystack)
	}
	haystack = haystack[:length]
	if step < 1 {
		step = 1
	}
	n := len(needle)
	if start < 0 || n > length {
		return -1
	}
	if forward {
		for start <= length-n {
			i := bytes.Index(haystack[start:], needle)
			if i < 0 {
				return -1
			}
			if (start+i)%step == 0 {
				return start + i
			}
			start += i + 1
		}
		return -1
	}
	end := length // matches start at or before start
	if start < length-n {
		end = start + n
	}
	for end >= n {
		i := bytes.LastIndex(haystack[:end], needle)
		if i < 0 {
			return -1
		}
		if i%step == 0 {
			return i
		}
		end = i + n - 1
	}
	return -1
}
