// Package der reads and writes the DER that Windows security catalogs, their
// PKCS #7 signatures and RFC 3161 timestamps are made of, and reads the BER
// that real ones also contain.
//
// It exists because neither encoding/asn1 nor cryptobyte carries catalogs as
// they are:
//
//   - encoding/asn1 does not sort SET OF, which DER requires for signed
//     attributes and catalog members (PITFALLS.md), and decodes into
//     reflected structures, far too slowly for catalogs of a million
//     members.
//   - cryptobyte is strict DER by design. It refuses what catalogs and
//     timestamps carry in the wild and what Parse has always accepted:
//     non-minimal lengths and integers, indefinite lengths and constructed
//     OCTET STRINGs from time-stamping authorities. Its Builder reserves one
//     byte for each length and moves the contents when they outgrow it,
//     which for a catalog's member list (tens of megabytes) is a copy per
//     enclosing level, and it does not sort SET OF either.
//
// So a Reader is lenient about lengths and integers and strict about
// everything that could make it read out of bounds; BER with indefinite
// lengths is read only on request (NextBER, DefiniteLengths), re-encoded with
// definite lengths. The writer is a handful of functions over byte slices:
// Encode for small structures, and AppendHeader with Size for large ones
// whose sizes are known before they are written, so that each byte is
// written once.
package der

import "errors"

// A Tag is the identifier octet of an element. Only low tag numbers (below
// 31) are supported; catalogs use no others.
type Tag uint8

// Universal tags used by catalogs and their signatures.
const (
	Boolean         Tag = 0x01
	Integer         Tag = 0x02
	BitString       Tag = 0x03
	OctetString     Tag = 0x04
	Null            Tag = 0x05
	OID             Tag = 0x06
	UTF8String      Tag = 0x0c
	UTCTime         Tag = 0x17
	GeneralizedTime Tag = 0x18
	BMPString       Tag = 0x1e
	Sequence        Tag = 0x30
	Set             Tag = 0x31
)

const (
	classMask    = 0xc0
	classContext = 0x80
	constructed  = 0x20
	numberMask   = 0x1f
)

// Context returns the tag of a primitive context-specific element [n]:
// an IMPLICIT one of a primitive type. n must be below 31.
func Context(n int) Tag { return classContext | Tag(n)&numberMask }

// Constructed returns t with the constructed bit set: Context(0).Constructed()
// is [0] EXPLICIT, or [0] IMPLICIT of a SEQUENCE or SET.
func (t Tag) Constructed() Tag { return t | constructed }

// IsConstructed reports whether t's constructed bit is set.
func (t Tag) IsConstructed() bool { return t&constructed != 0 }

// IsContext reports whether t is of the context-specific class.
func (t Tag) IsContext() bool { return t&classMask == classContext }

// Number returns t's tag number, without its class and constructed bit.
func (t Tag) Number() int { return int(t & numberMask) }

// Errors of malformed input. Readers return them wrapped or as they are;
// callers wrap them with the name of the structure being read.
var (
	// ErrTruncated means an element is longer than the bytes that hold it.
	ErrTruncated = errors.New("truncated")
	// ErrIndefinite means an element has an indefinite length (BER), which
	// only NextBER and DefiniteLengths read.
	ErrIndefinite = errors.New("indefinite length (BER) is not supported")

	errLongTag = errors.New("high tag numbers are not supported")
	errTooLong = errors.New("length exceeds 2^31")
)
