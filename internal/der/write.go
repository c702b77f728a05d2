package der

import (
	"bytes"
	"encoding/asn1"
	"math/big"
	"slices"
	"time"
)

// Encode returns the element with the given tag whose contents are the
// concatenation of contents.
func Encode(tag Tag, contents ...[]byte) []byte {
	n := 0
	for _, c := range contents {
		n += len(c)
	}
	out := AppendHeader(make([]byte, 0, Size(n)), tag, n)
	for _, c := range contents {
		out = append(out, c...)
	}
	return out
}

// AppendHeader appends the tag and the length of an element with n bytes of
// contents. A writer that knows the sizes of a structure in advance (Size)
// writes each header before its contents, and the contents once.
func AppendHeader(b []byte, tag Tag, n int) []byte {
	return appendLength(append(b, byte(tag)), n)
}

// appendLength appends n in the shortest form, as DER requires.
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

// Size returns the size of an element with n bytes of contents.
func Size(n int) int {
	var length [5]byte
	return 1 + len(appendLength(length[:0], n)) + n
}

// EncodeSetOf returns the SET OF the given elements in DER order.
func EncodeSetOf(elems ...[]byte) []byte {
	return Encode(Set, SortSetOf(elems)...)
}

// SortSetOf returns the elements of a SET OF in the order DER requires
// (X.690 §11.6): by their encodings compared as octet strings. It does not
// modify elems.
func SortSetOf(elems [][]byte) [][]byte {
	s := slices.Clone(elems)
	slices.SortStableFunc(s, bytes.Compare)
	return s
}

// EncodeOID encodes an OBJECT IDENTIFIER. It is meant for the constants of
// a program, and panics if oid cannot be encoded (fewer than two arcs, or a
// first arc above 2).
func EncodeOID(oid asn1.ObjectIdentifier) []byte {
	b, err := asn1.Marshal(oid)
	if err != nil {
		panic("der: cannot encode object identifier " + oid.String())
	}
	return b
}

// EncodeInt encodes an INTEGER.
func EncodeInt(v int64) []byte {
	b, _ := asn1.Marshal(v) // cannot fail for int64
	return b
}

// EncodeBigInt encodes an INTEGER; it fails only for a nil v.
func EncodeBigInt(v *big.Int) ([]byte, error) {
	return asn1.Marshal(v)
}

// EncodeOctetString encodes an OCTET STRING.
func EncodeOctetString(b []byte) []byte { return Encode(OctetString, b) }

// EncodeTime encodes t as a UTCTime for the years 1950 to 2049 and as a
// GeneralizedTime otherwise, in whole seconds (RFC 5280 §4.1.2.5).
func EncodeTime(t time.Time) []byte {
	t = t.UTC()
	if y := t.Year(); y >= 1950 && y < 2050 {
		return Encode(UTCTime, []byte(t.Format("060102150405Z")))
	}
	return Encode(GeneralizedTime, []byte(t.Format("20060102150405Z")))
}
