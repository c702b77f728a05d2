package catalog_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"
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

var (
	pkiOnce sync.Once
	pki     *testPKI
)

// rsaKeys caches the few RSA keys the tests need: generating them is the
// slowest part of the suite.
func newRSAKey(t testing.TB) crypto.Signer {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newECKey(t testing.TB) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var serial int64

func issue(t testing.TB, tmpl *x509.Certificate, key crypto.Signer, parent *x509.Certificate, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serial++
	tmpl.SerialNumber = big.NewInt(1000 + serial)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func getPKI(t testing.TB) *testPKI {
	t.Helper()
	pkiOnce.Do(func() {
		p := &testPKI{now: time.Now()}
		year := 365 * 24 * time.Hour
		ca := func(cn string) *x509.Certificate {
			return &x509.Certificate{
				Subject: pkix.Name{CommonName: cn}, NotBefore: p.now.Add(-5 * year), NotAfter: p.now.Add(10 * year),
				IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
			}
		}
		leaf := func(cn string, eku ...x509.ExtKeyUsage) *x509.Certificate {
			return &x509.Certificate{
				Subject: pkix.Name{CommonName: cn}, NotBefore: p.now.Add(-year), NotAfter: p.now.Add(year),
				KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: eku,
			}
		}
		codeSigning := x509.ExtKeyUsageCodeSigning
		p.rootKey, p.interKey = newRSAKey(t), newECKey(t)
		p.root = issue(t, ca("intact test root"), p.rootKey, nil, nil)
		p.inter = issue(t, ca("intact test intermediate"), p.interKey, p.root, p.rootKey)
		p.leafKey = newRSAKey(t)
		p.leaf = issue(t, leaf("intact test signer", codeSigning), p.leafKey, p.inter, p.interKey)
		p.ecLeafKey = newECKey(t)
		p.ecLeaf = issue(t, leaf("intact test ECDSA signer", codeSigning), p.ecLeafKey, p.inter, p.interKey)
		p.expiredKey = p.leafKey
		exp := leaf("intact expired signer", codeSigning)
		exp.NotBefore, exp.NotAfter = p.now.Add(-2*year), p.now.Add(-year)
		p.expired = issue(t, exp, p.expiredKey, p.inter, p.interKey)
		p.noEKUKey = p.leafKey
		p.noEKU = issue(t, leaf("intact signer without EKU"), p.noEKUKey, p.inter, p.interKey)
		p.serverAuthKey = p.leafKey
		p.serverAuth = issue(t, leaf("intact TLS server", x509.ExtKeyUsageServerAuth), p.serverAuthKey, p.inter, p.interKey)
		p.otherRootKey = newECKey(t)
		p.otherRoot = issue(t, ca("unrelated root"), p.otherRootKey, nil, nil)
		p.selfSignedKey = newECKey(t)
		self := leaf("self-signed code signer", codeSigning)
		p.selfSigned = issue(t, self, p.selfSignedKey, nil, nil)
		pki = p
	})
	if pki == nil {
		t.Fatal("test PKI setup failed")
	}
	return pki
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}
