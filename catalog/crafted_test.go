package catalog_test

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/intactdev/intact/catalog"
)

// craftedCatalog encodes an unsigned version 2 catalog whose member list is
// members, a concatenation of encoded members, as an attacker would write
// one by hand.
func craftedCatalog(t testing.TB, members []byte) []byte {
	t.Helper()
	enc := func(v any) []byte {
		b, err := asn1.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	seq := func(class, tag int, parts ...[]byte) []byte {
		return enc(asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: bytes.Join(parts, nil)})
	}
	oid := func(o ...int) []byte { return enc(asn1.ObjectIdentifier(o)) }
	ctl := seq(0, 16,
		seq(0, 16, oid(1, 3, 6, 1, 4, 1, 311, 12, 1, 1)),
		enc(make([]byte, 16)),
		enc(asn1.RawValue{Tag: asn1.TagUTCTime, Bytes: []byte("240101000000Z")}),
		seq(0, 16, oid(1, 3, 6, 1, 4, 1, 311, 12, 1, 3), []byte{5, 0}),
		seq(0, 16, members))
	signedData := seq(0, 16, enc(1), seq(0, 17), seq(0, 16, oid(1, 3, 6, 1, 4, 1, 311, 10, 1), seq(2, 0, ctl)), seq(0, 17))
	return seq(0, 16, oid(1, 2, 840, 113549, 1, 7, 2), seq(2, 0, signedData))
}

// TestCraftedMembers: a member without a tag is malformed, a catalog with
// more than MaxMembers members is refused before they are parsed, and
// members without digests cost the index nothing.
func TestCraftedMembers(t *testing.T) {
	_, err := catalog.Parse(craftedCatalog(t, []byte{0x30, 0x02, 0x04, 0x00}))
	if !errors.Is(err, catalog.ErrMalformed) || !strings.Contains(err.Error(), "member 0: ") || !strings.HasSuffix(err.Error(), "empty tag") {
		t.Errorf("member with an empty tag: %v, want ErrMalformed", err)
	}

	tooMany := craftedCatalog(t, bytes.Repeat([]byte{0x30, 0x03, 0x04, 0x01, 'x'}, catalog.MaxMembers+1))
	if _, err := catalog.Parse(tooMany); !errors.Is(err, catalog.ErrMalformed) || !strings.Contains(err.Error(), "members: ") {
		t.Errorf("%d members: %v, want ErrMalformed", catalog.MaxMembers+1, err)
	}

	const n = 200_000
	c, err := catalog.Parse(craftedCatalog(t, bytes.Repeat([]byte{0x30, 0x03, 0x04, 0x01, 'x'}, n)))
	if err != nil || len(c.Members) != n {
		t.Fatalf("Parse: %v", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	x := c.Index()
	runtime.ReadMemStats(&after)
	if x.Len() != 0 {
		t.Errorf("index of digestless members has %d digests", x.Len())
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<10 {
		t.Errorf("indexing %d digestless members allocated %d bytes", n, grew)
	}
}
