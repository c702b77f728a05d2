package nodelib

import (
	"os"
	"unicode/utf8"

	"github.com/dop251/goja"
)

func init() {
	natives["internal/util"] = func(s *libState, module *goja.Object) {
		rt := s.rt
		o := module.Get("exports").(*goja.Object)
		o.Set("isPromise", func(v goja.Value) bool {
			_, ok := v.Export().(*goja.Promise)
			return ok && v.ExportType() != nil
		})
		o.Set("promiseState", func(v goja.Value) []any {
			p, ok := v.Export().(*goja.Promise)
			if !ok {
				panic(rt.NewTypeError("not a promise"))
			}
			switch p.State() {
			case goja.PromiseStateFulfilled:
				return []any{"fulfilled", p.Result()}
			case goja.PromiseStateRejected:
				return []any{"rejected", p.Result()}
			}
			return []any{"pending", goja.Undefined()}
		})
		o.Set("writeStderr", func(s string) { os.Stderr.WriteString(s) })
		o.Set("pid", os.Getpid)
		o.Set("encodeUTF8", func(s string) goja.ArrayBuffer {
			return rt.NewArrayBuffer([]byte(s))
		})
		o.Set("decodeUTF8", func(v goja.Value, fatal, stream bool) []any {
			b := bytesArg(rt, v)
			str, n, ok := decodeUTF8(b, fatal, stream)
			if !ok {
				err := rt.NewTypeError("The encoded data was not valid for encoding utf-8")
				err.Set("code", "ERR_ENCODING_INVALID_ENCODED_DATA")
				panic(err)
			}
			return []any{str, n}
		})
		// The part of Node's internal/util that the modules vendored from
		// Node's lib use.
		vendored := s.require("internal/node_util")
		for _, k := range vendored.Keys() {
			o.Set(k, vendored.Get(k))
		}
	}
}

// decodeUTF8 decodes b as the WHATWG UTF-8 decoder does: each maximal invalid
// subsequence becomes one U+FFFD (or fails when fatal). With stream, an
// incomplete sequence at the end is left undecoded; n is the number of bytes
// consumed.
func decodeUTF8(b []byte, fatal, stream bool) (s string, n int, ok bool) {
	out := make([]rune, 0, len(b))
	for n < len(b) {
		r, size := utf8.DecodeRune(b[n:])
		if r == utf8.RuneError && size <= 1 {
			if stream && !utf8.FullRune(b[n:]) {
				break
			}
			if fatal {
				return "", n, false
			}
			// Skip the maximal prefix of a valid sequence, as WHATWG does.
			size = invalidPrefixLen(b[n:])
		}
		out = append(out, r)
		n += size
	}
	return string(out), n, true
}

// invalidPrefixLen returns how many bytes of b (which starts with an invalid
// or truncated sequence) form one replacement character: the lead byte plus
// the continuation bytes that were valid for it.
func invalidPrefixLen(b []byte) int {
	lead := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		need = 1
	case lead >= 0xE0 && lead <= 0xEF:
		need = 2
		if lead == 0xE0 {
			lo = 0xA0
		} else if lead == 0xED {
			hi = 0x9F
		}
	case lead >= 0xF0 && lead <= 0xF4:
		need = 3
		if lead == 0xF0 {
			lo = 0x90
		} else if lead == 0xF4 {
			hi = 0x8F
		}
	default:
		return 1
	}
	i := 1
	for ; i <= need && i < len(b); i++ {
		if b[i] < lo || b[i] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return i
}

// bytesArg returns the bytes v views: a Buffer or any typed array, a
// DataView or an ArrayBuffer. It panics with a TypeError for other values.
func bytesArg(rt *goja.Runtime, v goja.Value) []byte {
	switch x := v.Export().(type) {
	case []byte:
		return x
	case goja.ArrayBuffer:
		return x.Bytes()
	}
	if o, ok := v.(*goja.Object); ok {
		if ab, ok := o.Get("buffer").Export().(goja.ArrayBuffer); ok {
			off := int(o.Get("byteOffset").ToInteger())
			n := int(o.Get("byteLength").ToInteger())
			b := ab.Bytes()
			if off >= 0 && n >= 0 && off+n <= len(b) {
				return b[off : off+n]
			}
		}
	}
	panic(rt.NewTypeError("argument must be a Buffer, TypedArray, DataView or ArrayBuffer"))
}
