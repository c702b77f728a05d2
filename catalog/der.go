package catalog

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"
	"unicode/utf16"
)

// ASN.1 tags used by catalogs (universal class unless noted).
const (
	tagBoolean     = 0x01
	tagInteger     = 0x02
	tagBitString   = 0x03
	tagOctetString = 0x04
	tagNull        = 0x05
	tagOID         = 0x06
	tagUTF8String  = 0x0c
	tagUTCTime     = 0x17
	tagGenTime     = 0x18
	tagBMPString   = 0x1e
	tagSequence    = 0x30
	tagSet         = 0x31

	classContext = 0x80
	constructed  = 0x20
)

// ctx returns the tag byte of a context-specific [n] element.
func ctx(n int, isConstructed bool) byte {
	t := classContext | byte(n)
	if isConstructed {
		t |= constructed
	}
	return t
}

// errTruncated and friends describe malformed DER; parse errors wrap them
// with the name of the structure being read.
var (
	errTruncated  = errors.New("truncated")
	errIndefinite = errors.New("indefinite length (BER) is not supported")
	errLongTag    = errors.New("high tag numbers are not supported")
	errTooLong    = errors.New("length exceeds 2^31")
)

// reader walks a sequence of BER/DER elements. It is deliberately lenient
// about the encodings Windows tools emit (non-minimal lengths and integers)
// and strict about everything that could make it read out of bounds.
type reader struct {
	b []byte
}

// empty reports whether every element has been read.
func (r *reader) empty() bool { return len(r.b) == 0 }

// peek returns the tag of the next element, or 0 at the end.
func (r *reader) peek() byte {
	if len(r.b) == 0 {
		return 0
	}
	return r.b[0]
}

// element reads the next element and returns its tag, its contents and its
// complete encoding (tag, length and contents).
func (r *reader) element() (tag byte, body, full []byte, err error) {
	b := r.b
	if len(b) < 2 {
		return 0, nil, nil, errTruncated
	}
	tag = b[0]
	if tag&0x1f == 0x1f {
		return 0, nil, nil, errLongTag
	}
	n, hdr := int(b[1]), 2
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 {
			return 0, nil, nil, errIndefinite
		}
		if k > 4 || len(b) < 2+k {
			if k > 4 {
				return 0, nil, nil, errTooLong
			}
			return 0, nil, nil, errTruncated
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		if n < 0 || n > 1<<31-1 {
			return 0, nil, nil, errTooLong
		}
		hdr = 2 + k
	}
	if len(b)-hdr < n {
		return 0, nil, nil, errTruncated
	}
	full = b[:hdr+n]
	r.b = b[hdr+n:]
	return tag, full[hdr:], full, nil
}

// read reads the next element, which must have the given tag, and returns
// its contents.
func (r *reader) read(want byte) ([]byte, error) {
	body, _, err := r.expect(want)
	return body, err
}

// readFull is read, returning the complete encoding instead of the contents.
func (r *reader) readFull(want byte) ([]byte, error) {
	_, full, err := r.expect(want)
	return full, err
}

func (r *reader) expect(want byte) (body, full []byte, err error) {
	tag, body, full, err := r.element()
	if err == nil && tag != want {
		err = fmt.Errorf("unexpected tag 0x%02x, want 0x%02x", tag, want)
	}
	return body, full, err
}

// optional reads the next element if it has the given tag.
func (r *reader) optional(want byte) (body []byte, ok bool, err error) {
	if r.peek() != want {
		return nil, false, nil
	}
	body, err = r.read(want)
	return body, err == nil, err
}

// readOID reads an OBJECT IDENTIFIER.
func (r *reader) readOID() (asn1.ObjectIdentifier, error) {
	body, err := r.read(tagOID)
	if err != nil {
		return nil, err
	}
	return parseOID(body)
}

// parseOID decodes the contents of an OBJECT IDENTIFIER.
func parseOID(b []byte) (asn1.ObjectIdentifier, error) {
	if len(b) == 0 || b[len(b)-1]&0x80 != 0 {
		return nil, errors.New("malformed object identifier")
	}
	var oid asn1.ObjectIdentifier
	v := 0
	for _, c := range b {
		if v > 1<<24 {
			return nil, errors.New("object identifier arc too large")
		}
		v = v<<7 | int(c&0x7f)
		if c&0x80 != 0 {
			continue
		}
		if len(oid) == 0 {
			if v < 80 {
				oid = append(oid, v/40, v%40)
			} else {
				oid = append(oid, 2, v-80)
			}
		} else {
			oid = append(oid, v)
		}
		v = 0
	}
	return oid, nil
}

// parseBigInt decodes the contents of an INTEGER (two's complement).
func parseBigInt(b []byte) *big.Int {
	v := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return v
}

// parseInt decodes the contents of an INTEGER that must fit in 64 bits.
func parseInt(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 8 {
		return 0, fmt.Errorf("integer of %d bytes", len(b))
	}
	v := int64(int8(b[0]))
	for _, c := range b[1:] {
		v = v<<8 | int64(c)
	}
	return v, nil
}

// parseTime decodes a UTCTime or GeneralizedTime in the forms certificate
// trust lists use (UTC, "Z" suffix, seconds optional in UTCTime).
func parseTime(tag byte, b []byte) (time.Time, error) {
	s := string(b)
	var layouts []string
	switch tag {
	case tagUTCTime:
		layouts = []string{"060102150405Z0700", "0601021504Z0700"}
	case tagGenTime:
		layouts = []string{"20060102150405Z0700", "20060102150405.999999999Z0700"}
	default:
		return time.Time{}, fmt.Errorf("unexpected tag 0x%02x, want a time", tag)
	}
	for _, l := range layouts {
		t, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		if tag == tagUTCTime && t.Year() >= 2050 {
			t = t.AddDate(-100, 0, 0) // RFC 5280: YY >= 50 means 19YY
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("malformed time %q", s)
}

// decodeUTF16 decodes little-endian UTF-16 (BMPString is big-endian: see
// decodeBMP), dropping one trailing NUL.
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

// Encoding. Catalogs are written in DER: definite minimal lengths and sorted
// SET OF (encoding/asn1 does not sort sets, see PITFALLS.md).

// tlv encodes one element whose contents are the concatenation of parts.
func tlv(tag byte, parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n+6)
	out = append(out, tag)
	out = appendLength(out, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func appendLength(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n < 1<<8:
		return append(b, 0x81, byte(n))
	case n < 1<<16:
		return append(b, 0x82, byte(n>>8), byte(n))
	case n < 1<<24:
		return append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(b, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// derSet encodes a SET OF with its elements in DER order (X.690 §11.6).
func derSet(elems ...[]byte) []byte {
	return tlv(tagSet, sortedSet(elems)...)
}

// sortedSet returns the elements sorted as DER requires for SET OF: by
// their encodings compared as octet strings.
func sortedSet(elems [][]byte) [][]byte {
	s := slices.Clone(elems)
	slices.SortStableFunc(s, bytes.Compare)
	return s
}

func derOID(oid asn1.ObjectIdentifier) []byte {
	b, err := asn1.Marshal(oid)
	if err != nil {
		panic("catalog: bad built-in object identifier " + oid.String()) // constants only
	}
	return b
}

func derInt(v int64) []byte {
	b, _ := asn1.Marshal(v) // cannot fail for int64
	return b
}

func derBigInt(v *big.Int) ([]byte, error) {
	return asn1.Marshal(v)
}

func derOctets(b []byte) []byte { return tlv(tagOctetString, b) }

// derTime encodes t as UTCTime for the years 1950–2049 and GeneralizedTime
// otherwise (RFC 5280 §4.1.2.5).
func derTime(t time.Time) []byte {
	t = t.UTC()
	if y := t.Year(); y >= 1950 && y < 2050 {
		return tlv(tagUTCTime, []byte(t.Format("060102150405Z")))
	}
	return tlv(tagGenTime, []byte(t.Format("20060102150405Z")))
}

// derBMP encodes s as a BMPString.
func derBMP(s string) []byte { return tlv(tagBMPString, utf16be(s)) }

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

// algorithmIdentifier encodes AlgorithmIdentifier{oid, NULL}.
func algorithmIdentifier(oid asn1.ObjectIdentifier) []byte {
	return tlv(tagSequence, derOID(oid), []byte{tagNull, 0})
}
