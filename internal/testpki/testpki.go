// Package testpki issues the throwaway certificates that tests sign and
// verify with: roots, intermediates and leaves with chosen key types,
// key usages, extended key usages and validity periods.
//
// Every key is generated afresh, so nothing here may be trusted outside a
// test. RSA key generation is slow: tests that need many certificates build
// them once per test binary with [Shared].
package testpki

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
	"sync/atomic"
	"testing"
	"time"
)

// Cert is an issued certificate and its private key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// An Option changes the certificate [SelfSigned] or [Cert.Issue] makes.
type Option func(*request)

type request struct {
	tmpl   *x509.Certificate
	key    crypto.Signer
	newKey func() (crypto.Signer, error)
}

// CA makes the certificate a certification authority that may sign
// certificates.
func CA() Option {
	return func(r *request) {
		r.tmpl.IsCA = true
		r.tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
}

// EKU sets the certificate's extended key usages; without it the
// certificate has no extended key usage extension.
func EKU(usages ...x509.ExtKeyUsage) Option {
	return func(r *request) { r.tmpl.ExtKeyUsage = usages }
}

// KeyUsage replaces the certificate's key usage bits (digitalSignature by
// default, with keyCertSign for [CA]); 0 leaves the extension out.
func KeyUsage(usage x509.KeyUsage) Option {
	return func(r *request) { r.tmpl.KeyUsage = usage }
}

// Extension adds ext to the certificate as it is, for extensions that
// crypto/x509 will not write from a template (an empty key usage, say).
func Extension(ext pkix.Extension) Option {
	return func(r *request) { r.tmpl.ExtraExtensions = append(r.tmpl.ExtraExtensions, ext) }
}

// Valid sets the validity period (the default is from an hour ago to a day
// from now).
func Valid(notBefore, notAfter time.Time) Option {
	return func(r *request) { r.tmpl.NotBefore, r.tmpl.NotAfter = notBefore, notAfter }
}

// Organization sets the subject's organization names.
func Organization(names ...string) Option {
	return func(r *request) { r.tmpl.Subject.Organization = names }
}

// SignatureAlgorithm sets the algorithm the issuer signs the certificate
// with (the default follows the issuer's key).
func SignatureAlgorithm(alg x509.SignatureAlgorithm) Option {
	return func(r *request) { r.tmpl.SignatureAlgorithm = alg }
}

// RSA gives the certificate a new 2048-bit RSA key instead of the default
// ECDSA P-256 one.
func RSA() Option {
	return func(r *request) {
		r.newKey = func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 2048) }
	}
}

// ECDSA gives the certificate a new ECDSA key on curve.
func ECDSA(curve elliptic.Curve) Option {
	return func(r *request) {
		r.newKey = func() (crypto.Signer, error) { return ecdsa.GenerateKey(curve, rand.Reader) }
	}
}

// Key certifies key instead of a new one, for certificates that share a
// key (and to skip a slow RSA key generation).
func Key(key crypto.Signer) Option {
	return func(r *request) { r.key = key }
}

// SelfSigned returns a certificate for cn signed by its own key: a root with
// [CA], else a self-signed leaf.
func SelfSigned(t testing.TB, cn string, opts ...Option) *Cert {
	t.Helper()
	return issue(t, nil, cn, opts)
}

// Issue returns a certificate for cn signed by c.
func (c *Cert) Issue(t testing.TB, cn string, opts ...Option) *Cert {
	t.Helper()
	return issue(t, c, cn, opts)
}

// serial numbers the certificates of a test binary, so that no two share
// an issuer and serial number.
var serial atomic.Int64

func issue(t testing.TB, issuer *Cert, cn string, opts []Option) *Cert {
	t.Helper()
	now := time.Now()
	r := &request{
		tmpl: &x509.Certificate{
			SerialNumber:          big.NewInt(1000 + serial.Add(1)),
			Subject:               pkix.Name{CommonName: cn},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(24 * time.Hour),
			KeyUsage:              x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
		},
		newKey: func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) },
	}
	for _, opt := range opts {
		opt(r)
	}
	if r.key == nil {
		key, err := r.newKey()
		if err != nil {
			t.Fatalf("testpki: key for %q: %v", cn, err)
		}
		r.key = key
	}
	parent, parentKey := r.tmpl, r.key
	if issuer != nil {
		parent, parentKey = issuer.Cert, issuer.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, r.tmpl, parent, r.key.Public(), parentKey)
	if err != nil {
		t.Fatalf("testpki: issue %q: %v", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("testpki: parse %q: %v", cn, err)
	}
	return &Cert{Cert: cert, Key: r.key}
}

// Shared returns a function that calls build once per test binary and then
// hands every caller its result. If build fails the test (t.Fatal), the
// next caller tries again and fails with the same message, rather than
// getting a zero value.
func Shared[T any](build func(testing.TB) T) func(testing.TB) T {
	var (
		mu    sync.Mutex
		done  bool
		value T
	)
	return func(t testing.TB) T {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if !done {
			value = build(t)
			done = true
		}
		return value
	}
}
