package der_test

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/der"
)

// TestReaderLengths: lengths in long form where the short one would do,
// and with leading zero octets, are read as their value, as Windows tools
// write them.
func TestReaderLengths(t *testing.T) {
	for _, in := range [][]byte{
		{0x04, 0x01, 'a'},
		{0x04, 0x81, 0x01, 'a'},
		{0x04, 0x82, 0x00, 0x01, 'a'},
		{0x04, 0x84, 0x00, 0x00, 0x00, 0x01, 'a'},
	} {
		r := der.NewReader(append(in, 0x05, 0x00))
		tag, contents, element, err := r.Next()
		if err != nil || tag != der.OctetString || string(contents) != "a" || !bytes.Equal(element, in) {
			t.Errorf("% x: Next = %#x, %q, % x, %v", in, tag, contents, element, err)
		}
		if r.Peek() != der.Null || r.Len() != 2 {
			t.Errorf("% x: then Peek = %#x, Len = %d, want NULL and 2", in, r.Peek(), r.Len())
		}
	}
}

// TestReaderRefusals: no input makes a Reader read past its bytes, and a
// refused element leaves the Reader where it was.
func TestReaderRefusals(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"tag only", []byte{0x30}, "truncated"},
		{"contents missing", []byte{0x04, 0x02, 'a'}, "truncated"},
		{"length octets missing", []byte{0x04, 0x82, 0x01}, "truncated"},
		{"indefinite", []byte{0x30, 0x80, 0x00, 0x00}, "indefinite"},
		{"high tag number", []byte{0x1f, 0x81, 0x00, 0x00}, "high tag"},
		{"five length octets", []byte{0x04, 0x85, 0, 0, 0, 0, 1, 'a'}, "2^31"},
		{"2^31", []byte{0x04, 0x84, 0x80, 0, 0, 0}, "2^31"},
		{"longer than the input", []byte{0x04, 0x84, 0x7f, 0xff, 0xff, 0xff, 'a'}, "truncated"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := der.NewReader(tt.in)
			_, _, _, err := r.Next()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Next = %v, want an error saying %q", err, tt.want)
			}
			if r.Len() != len(tt.in) {
				t.Errorf("Len after the error = %d, want %d", r.Len(), len(tt.in))
			}
		})
	}
	if _, _, _, err := der.NewReader([]byte{0x30, 0x80, 0, 0}).Next(); !errors.Is(err, der.ErrIndefinite) {
		t.Errorf("indefinite length: %v, want ErrIndefinite", err)
	}
}

func TestReadTags(t *testing.T) {
	in := slices.Concat(der.EncodeInt(5), der.Encode(der.Context(0).Constructed(), der.EncodeOctetString([]byte("x"))))
	r := der.NewReader(in)
	if _, ok, err := r.ReadOptional(der.Boolean); ok || err != nil {
		t.Fatalf("ReadOptional of an absent BOOLEAN = %v, %v", ok, err)
	}
	if v, err := r.Read(der.Integer); err != nil || !bytes.Equal(v, []byte{5}) {
		t.Fatalf("Read INTEGER = % x, %v", v, err)
	}
	if _, err := r.Read(der.Sequence); err == nil || !strings.Contains(err.Error(), "unexpected tag 0xa0, want 0x30") {
		t.Fatalf("Read SEQUENCE of [0] = %v", err)
	}
	r = der.NewReader(in[3:])
	if e, err := r.ReadElement(der.Context(0).Constructed()); err != nil || !bytes.Equal(e, in[3:]) {
		t.Fatalf("ReadElement = % x, %v", e, err)
	}
	if !r.Empty() {
		t.Fatal("not empty at the end")
	}
	explicit := der.Context(0).Constructed()
	if explicit != 0xa0 || !explicit.IsConstructed() || !explicit.IsContext() || explicit.Number() != 0 {
		t.Errorf("[0] EXPLICIT = %#x", explicit)
	}
	if c := der.Context(2); c != 0x82 || c.IsConstructed() || !c.IsContext() || c.Number() != 2 {
		t.Errorf("[2] IMPLICIT = %#x", c)
	}
	if der.Sequence.IsContext() || der.Sequence.Number() != 16 {
		t.Error("SEQUENCE is not universal 16")
	}
}

func TestOID(t *testing.T) {
	for _, oid := range []asn1.ObjectIdentifier{
		{1, 3, 6, 1, 4, 1, 311, 12, 1, 1},
		{2, 16, 840, 1, 101, 3, 4, 2, 1},
		{0, 39},
		{2, 999, 1},
		{1, 2, 1 << 24},
	} {
		got, err := der.NewReader(der.EncodeOID(oid)).ReadOID()
		if err != nil || !got.Equal(oid) {
			t.Errorf("%v: ReadOID = %v, %v", oid, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {0x2b, 0x86}, {0x2b, 0xff, 0xff, 0xff, 0xff, 0x7f}} {
		if oid, err := der.ParseOID(bad); err == nil {
			t.Errorf("ParseOID(% x) = %v", bad, oid)
		}
	}
	if _, err := der.NewReader(der.EncodeInt(1)).ReadOID(); err == nil {
		t.Error("ReadOID of an INTEGER succeeded")
	}
}

func TestIntegers(t *testing.T) {
	for _, tt := range []struct {
		in   []byte
		want int64
	}{
		{[]byte{0x00}, 0},
		{[]byte{0x7f}, 127},
		{[]byte{0x00, 0x80}, 128},
		{[]byte{0x00, 0x00, 0x05}, 5}, // not minimal: accepted
		{[]byte{0xff}, -1},
		{[]byte{0x80, 0, 0, 0, 0, 0, 0, 0}, -1 << 63},
	} {
		if got, err := der.ParseInt(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseInt(% x) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
		if got := der.ParseBigInt(tt.in); got.Int64() != tt.want {
			t.Errorf("ParseBigInt(% x) = %v; want %d", tt.in, got, tt.want)
		}
		v, err := der.NewReader(der.EncodeInt(tt.want)).Read(der.Integer)
		if got, perr := der.ParseInt(v); err != nil || perr != nil || got != tt.want {
			t.Errorf("EncodeInt(%d) reads back as %d, %v, %v", tt.want, got, err, perr)
		}
	}
	for _, bad := range [][]byte{nil, make([]byte, 9)} {
		if _, err := der.ParseInt(bad); err == nil {
			t.Errorf("ParseInt(% x) succeeded", bad)
		}
	}
	big1 := new(big.Int).Lsh(big.NewInt(1), 100)
	enc, err := der.EncodeBigInt(new(big.Int).Neg(big1))
	if err != nil {
		t.Fatal(err)
	}
	v, err := der.NewReader(enc).Read(der.Integer)
	if err != nil || der.ParseBigInt(v).Cmp(new(big.Int).Neg(big1)) != 0 {
		t.Errorf("-2^100 does not round-trip: % x, %v", enc, err)
	}
	if _, err := der.EncodeBigInt(nil); err == nil {
		t.Error("EncodeBigInt(nil) succeeded")
	}
}

func TestTimes(t *testing.T) {
	for _, tt := range []struct {
		tag  der.Tag
		in   string
		want time.Time
	}{
		{der.UTCTime, "260102030405Z", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{der.UTCTime, "2601020304Z", time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)},
		{der.UTCTime, "500101000000Z", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)},
		{der.UTCTime, "491231235959Z", time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC)},
		{der.GeneralizedTime, "20260102030405Z", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{der.GeneralizedTime, "20220630072513.31Z", time.Date(2022, 6, 30, 7, 25, 13, 310e6, time.UTC)},
	} {
		got, err := der.ParseTime(tt.tag, []byte(tt.in))
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%#x, %s) = %v, %v; want %v", tt.tag, tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []struct {
		tag der.Tag
		in  string
	}{{der.UTCTime, "yesterday"}, {der.GeneralizedTime, "260102030405Z"}, {der.OctetString, "260102030405Z"}} {
		if got, err := der.ParseTime(bad.tag, []byte(bad.in)); err == nil {
			t.Errorf("ParseTime(%#x, %s) = %v", bad.tag, bad.in, got)
		}
	}
	for _, tm := range []time.Time{
		time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1949, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)),
	} {
		tag, contents, _, err := der.NewReader(der.EncodeTime(tm)).Next()
		wantTag := der.UTCTime
		if y := tm.UTC().Year(); y < 1950 || y >= 2050 {
			wantTag = der.GeneralizedTime
		}
		got, perr := der.ParseTime(tag, contents)
		if err != nil || perr != nil || tag != wantTag || !got.Equal(tm) {
			t.Errorf("EncodeTime(%v): tag %#x, %v, %v, %v", tm, tag, got, err, perr)
		}
	}
}

// TestEncode: Size is the size Encode and AppendHeader write, at every
// length form, and the encodings read back.
func TestEncode(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 65535, 65536, 1<<24 - 1, 1 << 24} {
		contents := make([]byte, n)
		enc := der.Encode(der.OctetString, contents[:n/2], contents[n/2:])
		if len(enc) != der.Size(n) {
			t.Errorf("n = %d: Encode wrote %d bytes, Size says %d", n, len(enc), der.Size(n))
		}
		if hdr := der.AppendHeader(nil, der.OctetString, n); !bytes.Equal(hdr, enc[:len(enc)-n]) {
			t.Errorf("n = %d: AppendHeader = % x, Encode's header % x", n, hdr, enc[:len(enc)-n])
		}
		var raw asn1.RawValue
		if rest, err := asn1.Unmarshal(enc, &raw); err != nil || len(rest) != 0 || len(raw.Bytes) != n {
			t.Errorf("n = %d: encoding/asn1 reads %d bytes of contents, %v", n, len(raw.Bytes), err)
		}
	}
	if got := der.EncodeOctetString([]byte("ab")); !bytes.Equal(got, []byte{0x04, 0x02, 'a', 'b'}) {
		t.Errorf("EncodeOctetString = % x", got)
	}
}

// TestEncodeSetOf: elements in DER order, whatever their order given,
// which is left alone; encoding/asn1 does not sort (PITFALLS.md).
func TestEncodeSetOf(t *testing.T) {
	a, b, c := der.EncodeInt(1), der.EncodeInt(256), der.EncodeOctetString(nil)
	elems := [][]byte{b, c, a}
	got := der.EncodeSetOf(elems...)
	want := slices.Concat([]byte{0x31, byte(len(a) + len(b) + len(c))}, a, b, c)
	if !bytes.Equal(got, want) {
		t.Errorf("EncodeSetOf = % x, want % x", got, want)
	}
	if !bytes.Equal(elems[0], b) || !bytes.Equal(elems[2], a) {
		t.Error("EncodeSetOf reordered its argument")
	}
	defer func() {
		if recover() == nil {
			t.Error("EncodeOID of an invalid identifier did not panic")
		}
	}()
	der.EncodeOID(asn1.ObjectIdentifier{3, 1})
}
