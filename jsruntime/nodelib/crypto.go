package nodelib

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding"
	"hash"
	"strings"

	"github.com/dop251/goja"
)

// hashes are the digest algorithms createHash and createHmac accept, under
// the names OpenSSL (and so Node) gives them.
var hashes = map[string]func() hash.Hash{
	"md5":        md5.New,
	"sha1":       sha1.New,
	"sha224":     sha256.New224,
	"sha256":     sha256.New,
	"sha384":     sha512.New384,
	"sha512":     sha512.New,
	"sha512-224": sha512.New512_224,
	"sha512-256": sha512.New512_256,
}

func init() {
	natives["internal/crypto"] = func(s *libState, module *goja.Object) {
		rt := s.rt
		o := module.Get("exports").(*goja.Object)
		o.Set("hashes", func() []string {
			names := make([]string, 0, len(hashes))
			for n := range hashes {
				names = append(names, n)
			}
			return names
		})
		// newHash returns {update(bytes), digest() ArrayBuffer, copy()} for
		// alg, keyed (HMAC) when key is not undefined; null for an unknown
		// algorithm.
		var newHash func(h hash.Hash) *goja.Object
		newHash = func(h hash.Hash) *goja.Object {
			obj := rt.NewObject()
			obj.Set("update", func(v goja.Value) { h.Write(bytesArg(rt, v)) })
			obj.Set("digest", func() goja.ArrayBuffer { return rt.NewArrayBuffer(h.Sum(nil)) })
			obj.Set("copy", func() goja.Value {
				m, ok := h.(encoding.BinaryMarshaler)
				if !ok {
					return goja.Null()
				}
				state, err := m.MarshalBinary()
				if err != nil {
					return goja.Null()
				}
				for _, mk := range hashes {
					c := mk()
					if u, ok := c.(encoding.BinaryUnmarshaler); ok && u.UnmarshalBinary(state) == nil {
						return newHash(c)
					}
				}
				return goja.Null()
			})
			return obj
		}
		o.Set("createHash", func(alg string, key goja.Value) goja.Value {
			mk, ok := hashes[strings.ToLower(alg)]
			if !ok {
				return goja.Null()
			}
			if goja.IsUndefined(key) {
				return newHash(mk())
			}
			return newHash(hmac.New(mk, bytesArg(rt, key)))
		})
		o.Set("randomFill", func(v goja.Value) {
			if _, err := rand.Read(bytesArg(rt, v)); err != nil {
				panic(rt.NewGoError(err))
			}
		})
		o.Set("randomUUID", func() string { return uuid4() })
		o.Set("timingSafeEqual", func(a, b goja.Value) bool {
			return subtle.ConstantTimeCompare(bytesArg(rt, a), bytesArg(rt, b)) == 1
		})
	}
}

// uuid4 returns a random (version 4, RFC 9562) UUID.
func uuid4() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexdigits[c>>4], hexdigits[c&0xf])
	}
	return string(out)
}
