//go:build ignore

// Command gen writes the TEST-ONLY certificates and private keys in this
// folder, which the catalog testscripts sign and verify with. The keys are
// public: never trust these certificates anywhere.
//
// Run it from the repository root to regenerate them:
//
//	go run ./cmd/intact/testdata/pki/gen.go
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

const dir = "cmd/intact/testdata/pki"

// password protects leaf-rsa.p12; password.txt holds it.
const password = "test-only-password"

var (
	notBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
	serial    int64
)

type issued struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func main() {
	root := ca("intact TEST-ONLY root", nil, rsaKey())
	inter := ca("intact TEST-ONLY intermediate", &root, ecKey())
	other := ca("intact TEST-ONLY untrusted root", nil, ecKey())

	codeSigning := []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}
	leafRSA := leaf("intact TEST-ONLY signer (RSA)", inter, rsaKey(), codeSigning, notBefore, notAfter)
	leafEC := leaf("intact TEST-ONLY signer (ECDSA)", root, ecKey(), codeSigning, notBefore, notAfter)
	tls := leaf("intact TEST-ONLY TLS server", root, ecKey(), []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, notBefore, notAfter)
	expired := leaf("intact TEST-ONLY expired signer", root, ecKey(), codeSigning,
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC))
	stranger := leaf("intact TEST-ONLY signer from an untrusted root", other, ecKey(), codeSigning, notBefore, notAfter)

	writeCerts("root.pem", root.cert)
	writeCerts("intermediate.pem", inter.cert)
	writeCerts("untrusted-root.pem", other.cert)
	writeCerts("leaf-rsa.pem", leafRSA.cert)
	writeCerts("leaf-rsa-chain.pem", leafRSA.cert, inter.cert) // for osslsigncode -certs
	writeKey("leaf-rsa.key", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(leafRSA.key.(*rsa.PrivateKey)))
	pk8, err := x509.MarshalPKCS8PrivateKey(leafRSA.key)
	check(err)
	writeKey("leaf-rsa.pk8.key", "PRIVATE KEY", pk8)
	writeCerts("leaf-ec.pem", leafEC.cert)
	sec1, err := x509.MarshalECPrivateKey(leafEC.key.(*ecdsa.PrivateKey))
	check(err)
	writeKey("leaf-ec.key", "EC PRIVATE KEY", sec1)
	for name, l := range map[string]issued{"tls": tls, "expired": expired, "stranger": stranger} {
		writeCerts(name+".pem", l.cert)
		der, err := x509.MarshalPKCS8PrivateKey(l.key)
		check(err)
		writeKey(name+".key", "PRIVATE KEY", der)
	}
	p12, err := pkcs12.Modern.Encode(leafRSA.key, leafRSA.cert, []*x509.Certificate{inter.cert}, password)
	check(err)
	write("leaf-rsa.p12", p12)
	write("password.txt", []byte(password+"\n"))
}

func rsaKey() crypto.Signer {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	check(err)
	return k
}

func ecKey() crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	return k
}

func ca(name string, parent *issued, key crypto.Signer) issued {
	tmpl := template(name, notBefore, notAfter)
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	if parent == nil {
		parent = &issued{tmpl, key}
	}
	return issue(tmpl, *parent, key)
}

func leaf(name string, parent issued, key crypto.Signer, eku []x509.ExtKeyUsage, from, to time.Time) issued {
	tmpl := template(name, from, to)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = eku
	tmpl.BasicConstraintsValid = true
	return issue(tmpl, parent, key)
}

func template(name string, from, to time.Time) *x509.Certificate {
	serial++
	return &x509.Certificate{
		SerialNumber: big.NewInt(0x1000 + serial),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"intact tests"}},
		NotBefore:    from,
		NotAfter:     to,
	}
}

func issue(tmpl *x509.Certificate, parent issued, key crypto.Signer) issued {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, key.Public(), parent.key)
	check(err)
	cert, err := x509.ParseCertificate(der)
	check(err)
	return issued{cert, key}
}

func writeCerts(name string, certs ...*x509.Certificate) {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	write(name, out)
}

func writeKey(name, typ string, der []byte) {
	write(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func write(name string, data []byte) {
	check(os.WriteFile(filepath.Join(dir, name), data, 0o644))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
