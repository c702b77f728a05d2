package der

import (
	"errors"
	"fmt"
)

// maxBERDepth bounds the nesting that BER is followed to.
const maxBERDepth = 32

// NextBER reads the next element, whose length may be indefinite at any
// depth (BER), and returns it re-encoded with definite lengths. The contents
// of primitive elements are kept as they are. On error nothing is read.
func (r *Reader) NextBER() ([]byte, error) {
	out, rest, err := berElement(r.b, 0)
	if err != nil {
		return nil, err
	}
	r.b = rest
	return out, nil
}

// DefiniteLengths re-encodes b, one BER element and nothing after it, with
// definite lengths, as DER requires: some time-stamping authorities send
// indefinite ones.
func DefiniteLengths(b []byte) ([]byte, error) {
	r := NewReader(b)
	out, err := r.NextBER()
	if err != nil {
		return nil, err
	}
	if !r.Empty() {
		return nil, errors.New("trailing data")
	}
	return out, nil
}

// berElement reads the element at the start of b and returns it with
// definite lengths, and what follows it.
func berElement(b []byte, depth int) (out, rest []byte, err error) {
	if depth > maxBERDepth {
		return nil, nil, errors.New("nested too deeply")
	}
	if len(b) < 2 {
		return nil, nil, ErrTruncated
	}
	tag := Tag(b[0])
	if tag&numberMask == numberMask {
		return nil, nil, errLongTag
	}
	if b[1] == 0x80 { // indefinite length: the contents end with two zero bytes
		if !tag.IsConstructed() {
			return nil, nil, errors.New("indefinite length on a primitive element")
		}
		var contents []byte
		rest = b[2:]
		for {
			if len(rest) >= 2 && rest[0] == 0 && rest[1] == 0 {
				return Encode(tag, contents), rest[2:], nil
			}
			var child []byte
			if child, rest, err = berElement(rest, depth+1); err != nil {
				return nil, nil, err
			}
			contents = append(contents, child...)
		}
	}
	r := NewReader(b)
	_, body, element, err := r.Next()
	if err != nil {
		return nil, nil, err
	}
	if !tag.IsConstructed() {
		return element, r.b, nil
	}
	var contents []byte
	for cr := body; len(cr) > 0; {
		var child []byte
		if child, cr, err = berElement(cr, depth+1); err != nil {
			return nil, nil, err
		}
		contents = append(contents, child...)
	}
	return Encode(tag, contents), r.b, nil
}

// maxOctetStringDepth bounds the nesting of a constructed OCTET STRING.
const maxOctetStringDepth = 8

// ReadOctetString reads an OCTET STRING, primitive or, as BER allows,
// constructed from segments, and returns its octets.
func (r *Reader) ReadOctetString() ([]byte, error) {
	return r.readOctets(0)
}

func (r *Reader) readOctets(depth int) ([]byte, error) {
	tag, body, _, err := r.Next()
	if err != nil {
		return nil, err
	}
	switch tag {
	case OctetString:
		return body, nil
	case OctetString.Constructed():
		if depth > maxOctetStringDepth {
			return nil, errors.New("OCTET STRING nested too deeply")
		}
		var out []byte
		for cr := NewReader(body); !cr.Empty(); {
			seg, err := cr.readOctets(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, seg...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected tag 0x%02x, want an OCTET STRING", tag)
}
