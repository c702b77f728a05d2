package main

import (
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/testpki"
)

// TestCertificateWarnings: a signer without the code-signing EKU, and any
// certificate of the chain outside its validity, are each warned of; a
// good chain gets no warning.
func TestCertificateWarnings(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	year := 365 * 24 * time.Hour
	root := testpki.SelfSigned(t, "root", testpki.CA(), testpki.Valid(now.Add(-10*year), now.Add(10*year)))
	codeSigning := testpki.EKU(x509.ExtKeyUsageCodeSigning)
	good := root.Issue(t, "good", codeSigning, testpki.Valid(now.Add(-year), now.Add(year)))
	future := root.Issue(t, "future", codeSigning, testpki.Valid(now.Add(year), now.Add(2*year)))
	tls := root.Issue(t, "tls", testpki.EKU(x509.ExtKeyUsageServerAuth), testpki.Valid(now.Add(-year), now.Add(year)))
	oldRoot := testpki.SelfSigned(t, "old root", testpki.CA(), testpki.Valid(now.Add(-10*year), now.Add(-year)))

	for _, tt := range []struct {
		name  string
		certs []*x509.Certificate
		want  []string
	}{
		{"good", []*x509.Certificate{good.Cert, root.Cert}, nil},
		{"not yet valid", []*x509.Certificate{future.Cert}, []string{`the signer's certificate "CN=future" is not valid before 2031-01-01T00:00:00Z`}},
		{"no code-signing EKU", []*x509.Certificate{tls.Cert}, []string{`"CN=tls" lacks the code-signing extended key usage`}},
		{"expired chain", []*x509.Certificate{good.Cert, oldRoot.Cert}, []string{`the chain's certificate "CN=old root" expired on 2029-01-01T00:00:00Z`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := certificateWarnings(tt.certs, now)
			if len(got) != len(tt.want) {
				t.Fatalf("warnings %q, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %q does not say %q", got[i], w)
				}
			}
		})
	}
}

// TestSignerFirst: the signer's certificate goes first and duplicates go;
// of two certificates of the signing key (a renewed one given first, the
// old one after it), the first given signs (outside review rt60: the last
// did).
func TestSignerFirst(t *testing.T) {
	root := testpki.SelfSigned(t, "root", testpki.CA())
	renewed := root.Issue(t, "renewed", testpki.EKU(x509.ExtKeyUsageCodeSigning))
	old := root.Issue(t, "old", testpki.EKU(x509.ExtKeyUsageCodeSigning), testpki.Key(renewed.Key))
	got := signerFirst(renewed.Key, []*x509.Certificate{root.Cert, renewed.Cert, root.Cert, old.Cert})
	want := []*x509.Certificate{renewed.Cert, root.Cert, old.Cert}
	if len(got) != len(want) {
		t.Fatalf("got %d certificates, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("certificate %d is %q, want %q", i, got[i].Subject.CommonName, want[i].Subject.CommonName)
		}
	}
}
