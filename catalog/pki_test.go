package catalog_test

import (
	"crypto"
	"crypto/x509"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/testpki"
)

// testPKI is a root, an intermediate and leaves for signing tests, made
// once per test binary.
type testPKI struct {
	root, inter   *x509.Certificate
	rootKey       crypto.Signer
	interKey      crypto.Signer
	leaf          *x509.Certificate // RSA, code signing, issued by inter
	leafKey       crypto.Signer
	ecLeaf        *x509.Certificate // ECDSA P-256, code signing, issued by inter
	ecLeafKey     crypto.Signer
	expired       *x509.Certificate // RSA, code signing, expired
	expiredKey    crypto.Signer
	noEKU         *x509.Certificate // RSA, no extended key usage at all
	noEKUKey      crypto.Signer
	serverAuth    *x509.Certificate // RSA, TLS server only
	serverAuthKey crypto.Signer
	otherRoot     *x509.Certificate // an unrelated root
	otherRootKey  crypto.Signer
	selfSigned    *x509.Certificate // self-signed code-signing cert (libwdi style)
	selfSignedKey crypto.Signer
	now           time.Time
}

// getPKI returns the test PKI: the intermediate is ECDSA, as are some leaves,
// so that chains mix key types.
var getPKI = testpki.Shared(func(t testing.TB) *testPKI {
	t.Helper()
	p := &testPKI{now: time.Now()}
	year := 365 * 24 * time.Hour
	caValidity := testpki.Valid(p.now.Add(-5*year), p.now.Add(10*year))
	leafValidity := testpki.Valid(p.now.Add(-year), p.now.Add(year))
	codeSigning := testpki.EKU(x509.ExtKeyUsageCodeSigning)
	root := testpki.SelfSigned(t, "intact test root", testpki.CA(), testpki.RSA(), caValidity)
	inter := root.Issue(t, "intact test intermediate", testpki.CA(), caValidity)
	leaf := inter.Issue(t, "intact test signer", testpki.RSA(), codeSigning, leafValidity)
	ecLeaf := inter.Issue(t, "intact test ECDSA signer", codeSigning, leafValidity)
	// The leaves below reuse the RSA signer's key: generating RSA keys is
	// the slowest part of the suite.
	sameKey := testpki.Key(leaf.Key)
	expired := inter.Issue(t, "intact expired signer", codeSigning, sameKey, testpki.Valid(p.now.Add(-2*year), p.now.Add(-year)))
	noEKU := inter.Issue(t, "intact signer without EKU", sameKey, leafValidity)
	serverAuth := inter.Issue(t, "intact TLS server", testpki.EKU(x509.ExtKeyUsageServerAuth), sameKey, leafValidity)
	otherRoot := testpki.SelfSigned(t, "unrelated root", testpki.CA(), caValidity)
	selfSigned := testpki.SelfSigned(t, "self-signed code signer", codeSigning, leafValidity)

	p.root, p.rootKey = root.Cert, root.Key
	p.inter, p.interKey = inter.Cert, inter.Key
	p.leaf, p.leafKey = leaf.Cert, leaf.Key
	p.ecLeaf, p.ecLeafKey = ecLeaf.Cert, ecLeaf.Key
	p.expired, p.expiredKey = expired.Cert, expired.Key
	p.noEKU, p.noEKUKey = noEKU.Cert, noEKU.Key
	p.serverAuth, p.serverAuthKey = serverAuth.Cert, serverAuth.Key
	p.otherRoot, p.otherRootKey = otherRoot.Cert, otherRoot.Key
	p.selfSigned, p.selfSignedKey = selfSigned.Cert, selfSigned.Key
	return p
})

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}
