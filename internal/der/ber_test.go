package der_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/der"
)

// TestDefiniteLengths: BER with indefinite lengths at any depth becomes
// the DER encoding of the same elements.
func TestDefiniteLengths(t *testing.T) {
	inner := der.Encode(der.Sequence, der.EncodeInt(1), der.EncodeOctetString([]byte("x")))
	want := der.Encode(der.Sequence, inner, der.Encode(der.Context(0).Constructed(), der.EncodeInt(2)))
	ber := slices.Concat(
		[]byte{0x30, 0x80},
		[]byte{0x30, 0x80}, der.EncodeInt(1), der.EncodeOctetString([]byte("x")), []byte{0, 0},
		[]byte{0xa0, 0x81, 0x03}, der.EncodeInt(2), // definite, in long form
		[]byte{0, 0},
	)
	got, err := der.DefiniteLengths(ber)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("DefiniteLengths = % x, %v; want % x", got, err, want)
	}
	if again, err := der.DefiniteLengths(got); err != nil || !bytes.Equal(again, got) {
		t.Errorf("DefiniteLengths of DER = % x, %v", again, err)
	}

	deep := slices.Concat(bytes.Repeat([]byte{0x30, 0x80}, 40), bytes.Repeat([]byte{0, 0}, 40))
	for _, tt := range []struct {
		name string
		in   []byte
		want string
	}{
		{"trailing data", append(bytes.Clone(ber), 0x05, 0x00), "trailing data"},
		{"no end of contents", ber[:len(ber)-2], "truncated"},
		{"indefinite primitive", []byte{0x04, 0x80, 'a', 0, 0}, "primitive"},
		{"nested too deeply", deep, "too deeply"},
		{"high tag number", []byte{0x3f, 0x80, 0, 0}, "high tag"},
		{"bad child", []byte{0x30, 0x80, 0x04, 0x05, 'a', 0, 0}, "truncated"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := der.DefiniteLengths(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("DefiniteLengths = % x, %v; want an error saying %q", got, err, tt.want)
			}
		})
	}
}

// TestNextBER: a Reader that meets an indefinite length can read the
// element as BER and go on after it; on error it stays where it was.
func TestNextBER(t *testing.T) {
	in := slices.Concat([]byte{0x30, 0x80}, der.EncodeInt(7), []byte{0, 0}, der.EncodeInt(8))
	r := der.NewReader(in)
	if _, _, _, err := r.Next(); !errors.Is(err, der.ErrIndefinite) {
		t.Fatalf("Next = %v, want ErrIndefinite", err)
	}
	el, err := r.NextBER()
	if want := der.Encode(der.Sequence, der.EncodeInt(7)); err != nil || !bytes.Equal(el, want) {
		t.Fatalf("NextBER = % x, %v; want % x", el, err, want)
	}
	if v, err := r.Read(der.Integer); err != nil || !bytes.Equal(v, []byte{8}) || !r.Empty() {
		t.Fatalf("then Read = % x, %v", v, err)
	}
	r = der.NewReader([]byte{0x30, 0x80, 0x02})
	if _, err := r.NextBER(); err == nil || r.Len() != 3 {
		t.Fatalf("NextBER of a truncated element = %v, Len %d", err, r.Len())
	}
}

// TestReadOctetString: BER's constructed OCTET STRINGs are the
// concatenation of their segments, to a bounded depth.
func TestReadOctetString(t *testing.T) {
	cons := der.OctetString.Constructed()
	for _, tt := range []struct {
		name string
		in   []byte
		want string
	}{
		{"primitive", der.EncodeOctetString([]byte("abc")), "abc"},
		{"segments", der.Encode(cons, der.EncodeOctetString([]byte("ab")), der.EncodeOctetString([]byte("c"))), "abc"},
		{"nested", der.Encode(cons, der.Encode(cons, der.EncodeOctetString([]byte("a"))), der.EncodeOctetString([]byte("bc"))), "abc"},
		{"empty", der.Encode(cons), ""},
	} {
		got, err := der.NewReader(tt.in).ReadOctetString()
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: ReadOctetString = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	deep := der.EncodeOctetString([]byte("a"))
	for range 10 {
		deep = der.Encode(cons, deep)
	}
	for _, bad := range [][]byte{deep, der.EncodeInt(1), der.Encode(cons, der.EncodeInt(1)), {0x04, 0x02}} {
		if got, err := der.NewReader(bad).ReadOctetString(); err == nil {
			t.Errorf("ReadOctetString(% x) = %q", bad, got)
		}
	}
}
