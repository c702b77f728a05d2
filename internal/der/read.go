package der

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// A Reader reads a sequence of elements. Its methods slice the input: what
// they return aliases it.
//
// A Reader accepts lengths in long form where the short form would do, and
// with leading zero octets, as some Windows tools write them; it refuses
// indefinite lengths (ErrIndefinite), high tag numbers, lengths of 2^31 or
// more, and any element longer than its input.
type Reader struct {
	b []byte
}

// NewReader returns a Reader of the elements in b.
func NewReader(b []byte) *Reader { return &Reader{b} }

// Empty reports whether every element has been read.
func (r *Reader) Empty() bool { return len(r.b) == 0 }

// Len returns the number of bytes not yet read.
func (r *Reader) Len() int { return len(r.b) }

// Peek returns the tag of the next element, or 0 at the end.
func (r *Reader) Peek() Tag {
	if len(r.b) == 0 {
		return 0
	}
	return Tag(r.b[0])
}

// Next reads the next element and returns its tag, its contents and its
// complete encoding (tag, length and contents). On error nothing is read.
func (r *Reader) Next() (tag Tag, contents, element []byte, err error) {
	b := r.b
	// Most elements of a catalog are short: read their header here.
	if len(b) >= 2 && b[1] < 0x80 && b[0]&numberMask != numberMask && int(b[1]) <= len(b)-2 {
		n := 2 + int(b[1])
		r.b = b[n:]
		return Tag(b[0]), b[2:n], b[:n], nil
	}
	tag, hdr, n, err := ParseHeader(b)
	if err != nil {
		return 0, nil, nil, err
	}
	if len(b)-hdr < n {
		return 0, nil, nil, ErrTruncated
	}
	element = b[:hdr+n]
	r.b = b[hdr+n:]
	return tag, element[hdr:], element, nil
}

// MaxHeaderLen is the longest element header a Reader accepts: a tag, a
// length octet and four octets of length.
const MaxHeaderLen = 6

// ParseHeader reads the tag and length at the start of b, the way a Reader
// does, and returns the tag, the header's length and the contents' length,
// without requiring the contents to be in b: it is for readers that
// stream an element too large to hold. b needs at most MaxHeaderLen bytes.
func ParseHeader(b []byte) (tag Tag, headerLen, contentLen int, err error) {
	if len(b) < 2 {
		return 0, 0, 0, ErrTruncated
	}
	tag = Tag(b[0])
	if tag&numberMask == numberMask {
		return 0, 0, 0, errLongTag
	}
	n, hdr := int(b[1]), 2
	if n&0x80 != 0 {
		k := n & 0x7f
		switch {
		case k == 0:
			return 0, 0, 0, ErrIndefinite
		case k > 4:
			return 0, 0, 0, errTooLong
		case len(b) < 2+k:
			return 0, 0, 0, ErrTruncated
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		if n < 0 || n > 1<<31-1 {
			return 0, 0, 0, errTooLong
		}
		hdr = 2 + k
	}
	return tag, hdr, n, nil
}

// Read reads the next element, which must have the given tag, and returns
// its contents. An element with another tag is read all the same, and is an
// error.
func (r *Reader) Read(tag Tag) ([]byte, error) {
	// Inlined for short elements, which most of a catalog's are.
	if b := r.b; len(b) >= 2 && b[0] == byte(tag) && b[1] < 0x80 && int(b[1]) <= len(b)-2 && tag&numberMask != numberMask {
		n := 2 + int(b[1])
		r.b = b[n:]
		return b[2:n], nil
	}
	contents, _, err := r.expect(tag)
	return contents, err
}

// ReadElement is Read, returning the complete encoding instead of the
// contents.
func (r *Reader) ReadElement(tag Tag) ([]byte, error) {
	_, element, err := r.expect(tag)
	return element, err
}

func (r *Reader) expect(want Tag) (contents, element []byte, err error) {
	tag, contents, element, err := r.Next()
	if err == nil && tag != want {
		err = unexpectedTag(tag, want)
	}
	return contents, element, err
}

func unexpectedTag(tag, want Tag) error {
	return fmt.Errorf("unexpected tag 0x%02x, want 0x%02x", tag, want)
}

// ReadOptional reads the next element if it has the given tag, and reports
// whether it did.
func (r *Reader) ReadOptional(tag Tag) (contents []byte, ok bool, err error) {
	if r.Peek() != tag {
		return nil, false, nil
	}
	contents, err = r.Read(tag)
	return contents, err == nil, err
}

// ReadOID reads an OBJECT IDENTIFIER.
func (r *Reader) ReadOID() (asn1.ObjectIdentifier, error) {
	contents, err := r.Read(OID)
	if err != nil {
		return nil, err
	}
	return ParseOID(contents)
}

// ParseOID decodes the contents of an OBJECT IDENTIFIER.
func ParseOID(b []byte) (asn1.ObjectIdentifier, error) {
	if len(b) == 0 || b[len(b)-1]&0x80 != 0 {
		return nil, errors.New("malformed object identifier")
	}
	// One arc ends at each octet without the continuation bit, and the
	// first octet's holds two: size the slice once, catalogs hold an OID
	// per member.
	arcs := 1
	for _, c := range b {
		arcs += int(^c >> 7)
	}
	oid := make(asn1.ObjectIdentifier, 0, arcs)
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

// ParseBigInt decodes the contents of an INTEGER (two's complement, leading
// octets that DER would drop allowed).
func ParseBigInt(b []byte) *big.Int {
	v := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return v
}

// ParseInt decodes the contents of an INTEGER that fits in 64 bits.
func ParseInt(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 8 {
		return 0, fmt.Errorf("integer of %d bytes", len(b))
	}
	v := int64(int8(b[0]))
	for _, c := range b[1:] {
		v = v<<8 | int64(c)
	}
	return v, nil
}

// ParseTime decodes the contents of a UTCTime or a GeneralizedTime, given
// its tag, in the forms certificate trust lists and timestamps use: UTC with
// a "Z" suffix, seconds optional in UTCTime, fractional seconds allowed in
// GeneralizedTime. UTCTime years 50 to 99 are 1950 to 1999 (RFC 5280).
func ParseTime(tag Tag, b []byte) (time.Time, error) {
	var layouts []string
	switch tag {
	case UTCTime:
		layouts = []string{"060102150405Z0700", "0601021504Z0700"}
	case GeneralizedTime:
		layouts = []string{"20060102150405Z0700", "20060102150405.999999999Z0700"}
	default:
		return time.Time{}, fmt.Errorf("unexpected tag 0x%02x, want a time", tag)
	}
	s := string(b)
	for _, l := range layouts {
		t, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		if tag == UTCTime && t.Year() >= 2050 {
			t = t.AddDate(-100, 0, 0)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("malformed time %q", s)
}
