package catalog

import (
	"unicode/utf16"

	"github.com/intactdev/intact/internal/der"
)

// Catalogs hold text in two encodings of UTF-16: BMPStrings (big-endian,
// attribute names and member info GUIDs) and, as wintrust writes them,
// little-endian with a terminating NUL (name-value values, v1 member tags).

// decodeUTF16 decodes UTF-16, big-endian (a BMPString: see decodeBMP) or
// little-endian, dropping one trailing NUL. It reports false for an odd
// number of bytes.
func decodeUTF16(b []byte, bigEndian bool) (string, bool) {
	if len(b)%2 != 0 {
		return "", false
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	if n := len(u); n > 0 && u[n-1] == 0 {
		u = u[:n-1]
	}
	return string(utf16.Decode(u)), true
}

// derBMP encodes s as a BMPString.
func derBMP(s string) []byte { return der.Encode(der.BMPString, utf16be(s)) }

// utf16be encodes s as UTF-16 big-endian without a terminator, the contents
// of a BMPString.
func utf16be(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return b
}

// utf16z encodes s as UTF-16LE with a terminating NUL, the way wintrust
// stores name-value values and v1 member tags.
func utf16z(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	return append(b, 0, 0)
}
