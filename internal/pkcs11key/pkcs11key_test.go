package pkcs11key_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/pkcs11key"
	"github.com/intactdev/intact/internal/testhsm"
	"github.com/intactdev/intact/internal/testpki"
)

// TestSoftHSM signs a catalog with keys that stay in a SoftHSM token, RSA
// and ECDSA, found by label with their certificates, and verifies it; a
// wrong PIN, an unknown token and an unknown key label are errors that say
// which. It skips, saying why, where SoftHSM is not installed.
func TestSoftHSM(t *testing.T) {
	if _, err := testhsm.Module(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PKCS #11 signing not tested: %v", err)
		}
		t.Skipf("PKCS #11 signing not tested: %v", err)
	}
	dir := t.TempDir()
	tok, err := testhsm.NewToken(dir, "intact-test", "1234")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", tok.Conf)
	root := testpki.SelfSigned(t, "intact test HSM root", testpki.CA())
	signers := map[string]*testpki.Cert{
		"rsa":   root.Issue(t, "intact test HSM signer (RSA)", testpki.RSA(), testpki.EKU(x509.ExtKeyUsageCodeSigning)),
		"ecdsa": root.Issue(t, "intact test HSM signer (ECDSA)", testpki.EKU(x509.ExtKeyUsageCodeSigning)),
	}
	ids := map[string]string{"rsa": "01", "ecdsa": "02"}
	for label, c := range signers {
		der, err := x509.MarshalPKCS8PrivateKey(c.Key)
		if err != nil {
			t.Fatal(err)
		}
		keyFile := filepath.Join(dir, label+".key")
		if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := tok.ImportKey(keyFile, label, ids[label]); err != nil {
			t.Fatal(err)
		}
		if err := tok.ImportCertificate(c.Cert, label, ids[label]); err != nil {
			t.Fatal(err)
		}
	}
	unsigned, err := catalog.Build([]catalog.File{{Path: "a.js", Size: 1, Kind: catalog.KindFlat,
		SHA256: make([]byte, 32), SHA1: make([]byte, 20)}}, catalog.BuildOptions{Time: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root.Cert)

	for label, c := range signers {
		t.Run(label, func(t *testing.T) {
			key, err := pkcs11key.Open(pkcs11key.Config{Module: tok.Module, Token: tok.Label, KeyLabel: label, PIN: tok.PIN})
			if err != nil {
				t.Fatal(err)
			}
			defer key.Close()
			if key.Certificate == nil || !key.Certificate.Equal(c.Cert) {
				t.Fatalf("the token's certificate for %q is not the one imported", label)
			}
			signed, err := catalog.Sign(unsigned, key, []*x509.Certificate{key.Certificate}, nil)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := catalog.Parse(signed)
			if err != nil {
				t.Fatal(err)
			}
			chains, err := parsed.Verify(catalog.VerifyOptions{Roots: roots})
			if err != nil {
				t.Fatal(err)
			}
			if !chains[0][0].Equal(c.Cert) {
				t.Fatalf("signed by %q, want %q", chains[0][0].Subject, c.Cert.Subject)
			}
		})
	}

	for _, tt := range []struct {
		name string
		cfg  pkcs11key.Config
		want string
		is   error
	}{
		{"wrong PIN", pkcs11key.Config{Module: tok.Module, Token: tok.Label, KeyLabel: "rsa", PIN: "4321"}, "CKR_PIN_INCORRECT", nil},
		{"no such token", pkcs11key.Config{Module: tok.Module, Token: "absent", KeyLabel: "rsa", PIN: tok.PIN}, `token "absent"`, pkcs11key.ErrNotFound},
		{"no such key", pkcs11key.Config{Module: tok.Module, Token: tok.Label, KeyLabel: "absent", PIN: tok.PIN}, `key "absent" in token "intact-test"`, pkcs11key.ErrNotFound},
		{"no such module", pkcs11key.Config{Module: filepath.Join(dir, "absent.so"), Token: tok.Label, KeyLabel: "rsa", PIN: tok.PIN}, "absent.so: no such file", nil},
		{"no key label", pkcs11key.Config{Module: tok.Module, Token: tok.Label, PIN: tok.PIN}, "no key label", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			key, err := pkcs11key.Open(tt.cfg)
			if err == nil {
				key.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("Open: %v; want an error saying %q", err, tt.want)
			}
		})
	}
}
