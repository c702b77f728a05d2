package catalog_test

import (
	"crypto"
	"errors"
	"os"
	"testing"

	"github.com/intactdev/intact/catalog"
)

// FuzzParse: no input makes Parse, or anything done with what it returns,
// panic; every refusal is ErrMalformed or ErrContentType.
func FuzzParse(f *testing.F) {
	for _, path := range vectorCatalogs(f) {
		der, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := catalog.Parse(der)
		if err != nil {
			if !errors.Is(err, catalog.ErrMalformed) && !errors.Is(err, catalog.ErrContentType) {
				t.Fatalf("Parse error %v wraps neither ErrMalformed nor ErrContentType", err)
			}
			return
		}
		x := c.Index()
		for i := range c.Members {
			m := &c.Members[i]
			_ = m.TagString()
			for _, a := range m.Attributes {
				_ = a.Text()
			}
			if m.Digest != nil {
				x.Lookup(m.DigestAlgorithm, m.Digest)
			}
		}
		for _, a := range c.Attributes {
			_ = a.Text()
		}
		// CheckSignature runs everything of Verify but crypto/x509's chain
		// building, which would slow the fuzzer down tenfold.
		_ = c.CheckSignature()
		_, _ = catalog.Compare(c, []catalog.File{{Path: "a", Size: 1, Kind: catalog.KindFlat, SHA256: make([]byte, 32), SHA1: make([]byte, 20)}})
		x.Lookup(crypto.SHA256, make([]byte, 32))
	})
}
