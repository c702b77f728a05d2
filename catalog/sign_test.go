package catalog_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"testing"

	"github.com/intactdev/intact/catalog"
)

// TestSignReproducible: signing the same catalog twice with the same key
// gives the same bytes, for ECDSA keys (RFC 6979) as for RSA, and the
// signatures verify.
func TestSignReproducible(t *testing.T) {
	p := getPKI(t)
	unsigned, err := catalog.Build(filesOf(10), buildTime)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		key   crypto.Signer
		chain []*x509.Certificate
	}{
		{"RSA", p.leafKey, []*x509.Certificate{p.leaf, p.inter}},
		{"ECDSA", p.ecLeafKey, []*x509.Certificate{p.ecLeaf, p.inter}},
	} {
		first := sign(t, unsigned, tt.key, tt.chain...)
		if _, err := mustParse(t, first).Verify(catalog.VerifyOptions{Roots: pool(p.root)}); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if second := sign(t, unsigned, tt.key, tt.chain...); !bytes.Equal(first, second) {
			t.Errorf("%s: two signatures of the same catalog differ", tt.name)
		}
	}
}
