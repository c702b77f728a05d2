package der_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/der"
	"github.com/intactdev/intact/internal/testvectors"
)

// maxSeedSize bounds the real catalogs FuzzReader is seeded with: the
// fuzzer minimises each new input in time quadratic in its length (see
// catalog.FuzzParse).
const maxSeedSize = 1 << 10

// FuzzReader: no input makes a Reader, NextBER, DefiniteLengths or the
// parsers of contents panic or read out of bounds; every element read is
// its header and its contents, and encodes back to itself with minimal
// lengths; DefiniteLengths gives DER that it leaves as it is.
//
// Seeded with the real catalogs of at most 1 KB when the vectors are here
// (four), a BER structure with indefinite lengths and a constructed OCTET
// STRING.
func FuzzReader(f *testing.F) {
	for _, b := range seeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		walk(t, b, 0)
		out, err := der.DefiniteLengths(b)
		if err != nil {
			return
		}
		if again, err := der.DefiniteLengths(out); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("DefiniteLengths is not idempotent: % x, then % x, %v", out, again, err)
		}
		walk(t, out, 0)
	})
}

// walk reads every element of b, and of the constructed ones' contents.
func walk(t *testing.T, b []byte, depth int) {
	for r := der.NewReader(b); !r.Empty(); {
		before := r.Len()
		tag, contents, element, err := r.Next()
		if err != nil {
			if r.Len() != before {
				t.Fatalf("Next moved on after %v", err)
			}
			if errors.Is(err, der.ErrIndefinite) {
				if _, err := r.NextBER(); err == nil {
					continue
				}
			}
			return
		}
		if r.Len() != before-len(element) || !bytes.HasSuffix(element, contents) || der.Tag(element[0]) != tag {
			t.Fatalf("element % x: tag %#x, contents % x, %d bytes left of %d", element, tag, contents, r.Len(), before)
		}
		re := der.NewReader(der.Encode(tag, contents))
		if tag2, contents2, _, err := re.Next(); err != nil || tag2 != tag || !bytes.Equal(contents2, contents) || !re.Empty() {
			t.Fatalf("% x does not encode back: %#x % x %v", element, tag2, contents2, err)
		}
		parseContents(t, tag, contents)
		if tag.IsConstructed() && depth < 64 {
			walk(t, contents, depth+1)
		}
	}
}

// parseContents runs the parser of tag's type over contents; an object
// identifier that parses encodes back to one that parses the same.
func parseContents(t *testing.T, tag der.Tag, contents []byte) {
	switch tag {
	case der.Integer:
		der.ParseInt(contents)
		der.ParseBigInt(contents)
	case der.UTCTime, der.GeneralizedTime:
		der.ParseTime(tag, contents)
	case der.OID:
		oid, err := der.ParseOID(contents)
		if err != nil {
			return
		}
		if got, err := der.NewReader(der.EncodeOID(oid)).ReadOID(); err != nil || !got.Equal(oid) {
			t.Fatalf("object identifier %v encodes to one that reads as %v, %v", oid, got, err)
		}
	case der.OctetString.Constructed():
		der.NewReader(der.Encode(tag, contents)).ReadOctetString()
	}
}

// seeds returns FuzzReader's seeds.
func seeds(t testing.TB) [][]byte {
	cons := der.OctetString.Constructed()
	seeds := [][]byte{
		der.Encode(cons, der.EncodeOctetString([]byte("ab")), der.Encode(cons, der.EncodeOctetString([]byte("c")))),
		{0x30, 0x80, 0x02, 0x01, 0x05, 0xa0, 0x80, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00},
	}
	dir, err := testvectors.Lookup()
	if err != nil {
		return seeds
	}
	err = filepath.WalkDir(filepath.Join(dir, "cat"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".cat") {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && len(b) <= maxSeedSize {
			seeds = append(seeds, b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seeds
}
