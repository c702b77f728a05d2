// Package testasn1 builds DER for tests with encoding/asn1, independently of
// the codec under test (internal/der): catalogs, timestamps and
// countersignatures crafted element by element.
package testasn1

import (
	"bytes"
	"encoding/asn1"
)

// Marshal is asn1.Marshal for values that must encode: it panics if v
// cannot.
func Marshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// Constructed encodes a constructed element of the given class and tag
// from already encoded elements.
func Constructed(class, tag int, elems ...[]byte) []byte {
	return Marshal(asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: bytes.Join(elems, nil)})
}

// Sequence encodes a SEQUENCE of already encoded elements.
func Sequence(elems ...[]byte) []byte {
	return Constructed(asn1.ClassUniversal, asn1.TagSequence, elems...)
}

// Set encodes a SET of already encoded elements, in the order given: not
// necessarily DER's.
func Set(elems ...[]byte) []byte {
	return Constructed(asn1.ClassUniversal, asn1.TagSet, elems...)
}

// Attribute encodes Attribute{type, SET OF values}.
func Attribute(oid asn1.ObjectIdentifier, values ...[]byte) []byte {
	return Sequence(Marshal(oid), Set(values...))
}
