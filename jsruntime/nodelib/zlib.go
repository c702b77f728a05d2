package nodelib

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"

	"github.com/dop251/goja"
)

// The Go half of node:zlib: one-shot deflate and inflate of the three
// formats (zlib, gzip, raw deflate) with the standard library. The
// compressed bytes are valid for any inflater but are not byte for byte
// zlib's: Go's deflater chooses its blocks differently.
func init() {
	natives["internal/zlib"] = func(s *libState, module *goja.Object) {
		rt := s.rt
		o := module.Get("exports").(*goja.Object)
		o.Set("deflate", func(format string, data goja.Value, level int) goja.ArrayBuffer {
			var buf bytes.Buffer
			var w io.WriteCloser
			var err error
			switch format {
			case "gzip":
				var g *gzip.Writer
				if g, err = gzip.NewWriterLevel(&buf, level); err == nil {
					g.OS = 3 // Unix, as zlib writes it
					w = g
				}
			case "deflate":
				w, err = zlib.NewWriterLevel(&buf, level)
			default:
				w, err = flate.NewWriter(&buf, level)
			}
			if err != nil {
				panic(zlibError(rt, err))
			}
			if _, err := w.Write(bytesArg(rt, data)); err != nil {
				panic(zlibError(rt, err))
			}
			if err := w.Close(); err != nil {
				panic(zlibError(rt, err))
			}
			return rt.NewArrayBuffer(buf.Bytes())
		})
		o.Set("inflate", func(format string, data goja.Value) goja.ArrayBuffer {
			src := bytesArg(rt, data)
			in := bytes.NewReader(src)
			// zlib checks the gzip magic byte by byte before anything
			// else; Go's reader first wants the whole header.
			isGzip := len(src) > 0 && src[0] == 0x1f && (len(src) < 2 || src[1] == 0x8b)
			var r io.Reader
			var err error
			switch {
			case format == "gzip" && !isGzip && len(src) > 0:
				err = gzip.ErrHeader
			case format == "gzip", format == "unzip" && isGzip:
				r, err = gzip.NewReader(in)
			case format == "deflate", format == "unzip":
				r, err = zlib.NewReader(in)
			default:
				r = flate.NewReader(in)
			}
			if err != nil {
				panic(zlibError(rt, err))
			}
			out, err := io.ReadAll(r)
			if err != nil {
				panic(zlibError(rt, err))
			}
			return rt.NewArrayBuffer(out)
		})
	}
}

// zlibError is the error Node's zlib throws for err: zlib's message, code
// and errno where Go's error has a zlib counterpart.
func zlibError(rt *goja.Runtime, err error) *goja.Object {
	msg, code, errno := err.Error(), "Z_DATA_ERROR", -3
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		msg, code, errno = "unexpected end of file", "Z_BUF_ERROR", -5
	case errors.Is(err, zlib.ErrHeader), errors.Is(err, gzip.ErrHeader):
		msg = "incorrect header check"
	case errors.Is(err, zlib.ErrChecksum), errors.Is(err, gzip.ErrChecksum):
		msg = "incorrect data check"
	case errors.As(err, &corrupt):
		msg = "invalid compressed data"
	default:
		code, errno = "Z_STREAM_ERROR", -2
	}
	ctor, _ := goja.AssertConstructor(rt.Get("Error"))
	e, cerr := ctor(nil, rt.ToValue(msg))
	if cerr != nil {
		panic(cerr)
	}
	e.Set("code", code)
	e.Set("errno", errno)
	return e
}
