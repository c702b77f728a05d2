package testpki_test

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/testpki"
)

func TestChainVerifies(t *testing.T) {
	root := testpki.SelfSigned(t, "root", testpki.CA(), testpki.RSA())
	inter := root.Issue(t, "intermediate", testpki.CA())
	leaf := inter.Issue(t, "signer", testpki.EKU(x509.ExtKeyUsageCodeSigning))
	if _, ok := root.Key.(*rsa.PrivateKey); !ok {
		t.Errorf("root key is %T, want RSA", root.Key)
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root.Cert)
	inters.AddCert(inter.Cert)
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inters, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}}
	if _, err := leaf.Cert.Verify(opts); err != nil {
		t.Fatal(err)
	}
	if leaf.Cert.IsCA || !inter.Cert.IsCA {
		t.Errorf("IsCA: leaf %v, intermediate %v", leaf.Cert.IsCA, inter.Cert.IsCA)
	}

	tls := inter.Issue(t, "server", testpki.EKU(x509.ExtKeyUsageServerAuth), testpki.Key(leaf.Key))
	if tls.Key != leaf.Key {
		t.Error("Key option ignored")
	}
	if _, err := tls.Cert.Verify(opts); err == nil {
		t.Error("a TLS server certificate verified for code signing")
	}
	expired := inter.Issue(t, "expired", testpki.EKU(x509.ExtKeyUsageCodeSigning),
		testpki.Valid(time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)))
	var invalid x509.CertificateInvalidError
	if _, err := expired.Cert.Verify(opts); !errors.As(err, &invalid) || invalid.Reason != x509.Expired {
		t.Errorf("expired certificate: %v, want Expired", err)
	}
}

func TestShared(t *testing.T) {
	calls := 0
	get := testpki.Shared(func(testing.TB) int { calls++; return 42 })
	if a, b := get(t), get(t); a != 42 || b != 42 || calls != 1 {
		t.Errorf("got %d, %d after %d builds; want 42, 42 after 1", a, b, calls)
	}
}

// TestKeyUsage: KeyUsage replaces the bits, and 0 leaves the extension out;
// Extension writes one as given, here a key usage without bits.
func TestKeyUsage(t *testing.T) {
	hasKeyUsage := func(c *x509.Certificate) bool {
		return slices.ContainsFunc(c.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidKeyUsage) })
	}
	if c := testpki.SelfSigned(t, "default").Cert; c.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("default key usage %v, want digitalSignature", c.KeyUsage)
	}
	if c := testpki.SelfSigned(t, "keyEncipherment", testpki.KeyUsage(x509.KeyUsageKeyEncipherment)).Cert; c.KeyUsage != x509.KeyUsageKeyEncipherment {
		t.Errorf("key usage %v, want keyEncipherment", c.KeyUsage)
	}
	if c := testpki.SelfSigned(t, "none", testpki.KeyUsage(0)).Cert; c.KeyUsage != 0 || hasKeyUsage(c) {
		t.Errorf("key usage %v, extension present %v; want none", c.KeyUsage, hasKeyUsage(c))
	}
	empty := pkix.Extension{Id: oidKeyUsage, Critical: true, Value: []byte{0x03, 0x01, 0x00}}
	if c := testpki.SelfSigned(t, "empty", testpki.KeyUsage(0), testpki.Extension(empty)).Cert; c.KeyUsage != 0 || !hasKeyUsage(c) {
		t.Errorf("key usage %v, extension present %v; want an empty one", c.KeyUsage, hasKeyUsage(c))
	}
}

var oidKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 15}
