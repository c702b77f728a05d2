package catalog_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/testpki"
)

// unsignedCatalog builds a small v2 catalog for signing tests.
func unsignedCatalog(t testing.TB) []byte {
	t.Helper()
	der, err := catalog.Build([]catalog.File{
		fakeFile("app.js", "console.log('hello')\n", catalog.KindFlat),
		fakeFile("lib/util.js", "module.exports = 1\n", catalog.KindFlat),
	}, catalog.BuildOptions{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func sign(t testing.TB, der []byte, key crypto.Signer, certs ...*x509.Certificate) []byte {
	t.Helper()
	signed, err := catalog.Sign(der, key, certs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestSignVerify(t *testing.T) {
	p := getPKI(t)
	unsigned := unsignedCatalog(t)
	tests := []struct {
		name  string
		key   crypto.Signer
		certs []*x509.Certificate
		chain int // expected chain length
	}{
		{"RSA leaf, ECDSA intermediate", p.leafKey, []*x509.Certificate{p.leaf, p.inter}, 3},
		{"ECDSA leaf", p.ecLeafKey, []*x509.Certificate{p.ecLeaf, p.inter, p.root}, 3},
		{"self-signed", p.selfSignedKey, []*x509.Certificate{p.selfSigned}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed := sign(t, unsigned, tt.key, tt.certs...)
			c := mustParse(t, signed)
			if !c.Signed() || len(c.Certificates) != len(tt.certs) || c.Signers[0].Certificate == nil ||
				!c.Signers[0].Certificate.Equal(tt.certs[0]) || c.Signers[0].DigestAlgorithm != crypto.SHA256 {
				t.Fatalf("signed catalog: %d certs, signers %+v", len(c.Certificates), c.Signers)
			}
			// Signing keeps the CTL bytes.
			if !bytes.Equal(ctlOf(t, signed), ctlOf(t, unsigned)) {
				t.Fatal("signing changed the CTL")
			}
			root := p.root
			if tt.chain == 1 {
				root = p.selfSigned
			}
			chains, err := c.Verify(catalog.VerifyOptions{Roots: pool(root)})
			if err != nil {
				t.Fatal(err)
			}
			if len(chains) == 0 || len(chains[0]) != tt.chain || !chains[0][len(chains[0])-1].Equal(root) {
				t.Fatalf("chains = %v", chains)
			}
			if err := c.CheckSignature(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestVerifyPinnedEmbeddedRoot: the enforcer pins roots by TBS hash and so
// verifies with a pool made of an embedded certificate.
func TestVerifyPinnedEmbeddedRoot(t *testing.T) {
	p := getPKI(t)
	c := mustParse(t, sign(t, unsignedCatalog(t), p.leafKey, p.leaf, p.inter, p.root))
	var embeddedRoot *x509.Certificate
	for _, cert := range c.Certificates {
		if bytes.Equal(cert.RawTBSCertificate, p.root.RawTBSCertificate) {
			embeddedRoot = cert
		}
	}
	if embeddedRoot == nil {
		t.Fatal("root not embedded")
	}
	if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(embeddedRoot)}); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyErrors: each way a signed catalog can be bad gives its own error.
func TestVerifyErrors(t *testing.T) {
	p := getPKI(t)
	unsigned := unsignedCatalog(t)
	good := sign(t, unsigned, p.leafKey, p.leaf, p.inter)

	// A byte of a member digest inside the CTL.
	tamperedCTL := bytes.Clone(good)
	tag := mustParse(t, good).Members[0].Tag
	i := bytes.Index(tamperedCTL, tag)
	if len(tag) < 20 || i < 0 {
		t.Fatal("member tag not found")
	}
	tamperedCTL[i] ^= 1

	// The last byte of the signature value.
	tamperedSig := bytes.Clone(good)
	tamperedSig[len(tamperedSig)-1] ^= 1

	// The contentType attribute's value (the second szOID_CTL in the file;
	// the first is the SignedData content type) becomes 1.3.6.1.4.1.311.10.2.
	ctl := []byte{0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a, 0x01}
	wrongType := bytes.Clone(good)
	first := bytes.Index(wrongType, ctl)
	second := first + 1 + bytes.Index(wrongType[first+1:], ctl)
	if second <= first {
		t.Fatal("contentType attribute not found")
	}
	wrongType[second+len(ctl)-1] = 0x02

	tests := []struct {
		name string
		der  []byte
		opts catalog.VerifyOptions
		want error
		msg  string
	}{
		{"unsigned", unsigned, catalog.VerifyOptions{Roots: pool(p.root)}, catalog.ErrUnsigned, ""},
		{"tampered CTL", tamperedCTL, catalog.VerifyOptions{Roots: pool(p.root)}, catalog.ErrDigestMismatch, ""},
		{"tampered signature", tamperedSig, catalog.VerifyOptions{Roots: pool(p.root)}, catalog.ErrSignature, "verification error"},
		{"wrong content type", wrongType, catalog.VerifyOptions{Roots: pool(p.root)}, catalog.ErrContentType, "1.3.6.1.4.1.311.10.2"},
		{"untrusted root", good, catalog.VerifyOptions{Roots: pool(p.otherRoot)}, catalog.ErrUntrusted, "unknown authority"},
		{"no roots", good, catalog.VerifyOptions{}, catalog.ErrUntrusted, "no trusted roots"},
		{"intermediate missing", sign(t, unsigned, p.leafKey, p.leaf), catalog.VerifyOptions{Roots: pool(p.root)}, catalog.ErrUntrusted, ""},
		{"intermediate given by caller", sign(t, unsigned, p.leafKey, p.leaf), catalog.VerifyOptions{Roots: pool(p.root), Intermediates: pool(p.inter)}, nil, ""},
		{"expired", sign(t, unsigned, p.expiredKey, p.expired, p.inter), catalog.VerifyOptions{Roots: pool(p.root)}, catalog.ErrExpired, "expired"},
		{"valid at a past time", sign(t, unsigned, p.expiredKey, p.expired, p.inter), catalog.VerifyOptions{Roots: pool(p.root), CurrentTime: p.expired.NotBefore.Add(time.Hour)}, nil, ""},
		{"not yet valid", good, catalog.VerifyOptions{Roots: pool(p.root), CurrentTime: p.leaf.NotBefore.Add(-time.Hour)}, catalog.ErrExpired, ""},
		{"no EKU", sign(t, unsigned, p.noEKUKey, p.noEKU, p.inter), catalog.VerifyOptions{Roots: pool(p.root)}, catalog.ErrUsage, "no code-signing"},
		{"TLS server EKU", sign(t, unsigned, p.serverAuthKey, p.serverAuth, p.inter), catalog.VerifyOptions{Roots: pool(p.root)}, catalog.ErrUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := catalog.Parse(tt.der)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Verify(tt.opts)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "catalog: ") {
				t.Fatalf("Verify = %v, want %v containing %q", err, tt.want, tt.msg)
			}
			// Exactly one of the sentinel errors applies.
			for _, other := range []error{catalog.ErrUnsigned, catalog.ErrDigestMismatch, catalog.ErrSignature,
				catalog.ErrContentType, catalog.ErrUntrusted, catalog.ErrExpired, catalog.ErrUsage, catalog.ErrWeakDigest} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("Verify = %v, also matches %v", err, other)
				}
			}
		})
	}
}

// TestVerifyKeyUsage: crypto/x509 ignores key usage bits, so Verify checks
// them. A signer whose key usage extension lacks digitalSignature must not
// sign (RFC 5280 §4.2.1.3), though its chain and code-signing EKU are good:
// ErrUsage, naming it and what its key usage allows. With digitalSignature,
// or without the extension, it is trusted.
func TestVerifyKeyUsage(t *testing.T) {
	p := getPKI(t)
	unsigned := unsignedCatalog(t)
	inter := &testpki.Cert{Cert: p.inter, Key: p.interKey}
	emptyKeyUsage := pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 15}, Critical: true, Value: []byte{0x03, 0x01, 0x00}}
	for _, tt := range []struct {
		name string
		opts []testpki.Option
		msg  string // what the refusal says; "" when trusted
	}{
		{"digitalSignature", []testpki.Option{testpki.KeyUsage(x509.KeyUsageDigitalSignature)}, ""},
		{"digitalSignature and keyEncipherment", []testpki.Option{testpki.KeyUsage(x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment)}, ""},
		{"no key usage extension", []testpki.Option{testpki.KeyUsage(0)}, ""},
		{"keyEncipherment", []testpki.Option{testpki.KeyUsage(x509.KeyUsageKeyEncipherment)},
			"may not sign: its key usage allows keyEncipherment only, not digitalSignature"},
		{"contentCommitment", []testpki.Option{testpki.KeyUsage(x509.KeyUsageContentCommitment)},
			"may not sign: its key usage allows contentCommitment only, not digitalSignature"},
		{"keyEncipherment and dataEncipherment", []testpki.Option{testpki.KeyUsage(x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment)},
			"may not sign: its key usage allows keyEncipherment, dataEncipherment only, not digitalSignature"},
		// crypto/x509 reads an extension without bits as KeyUsage 0, as
		// it does no extension; it allows nothing.
		{"empty key usage extension", []testpki.Option{testpki.KeyUsage(0), testpki.Extension(emptyKeyUsage)},
			"may not sign: its key usage allows nothing, not digitalSignature"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]testpki.Option{testpki.EKU(x509.ExtKeyUsageCodeSigning), testpki.Key(p.leafKey)}, tt.opts...)
			leaf := inter.Issue(t, "intact test signer ("+tt.name+")", opts...)
			c := mustParse(t, sign(t, unsigned, p.leafKey, leaf.Cert, p.inter))
			chains, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.root)})
			if tt.msg == "" {
				if err != nil || len(chains) == 0 || !chains[0][0].Equal(leaf.Cert) {
					t.Fatalf("Verify = %v, %v; want the signer trusted", chains, err)
				}
				return
			}
			want := fmt.Sprintf("catalog: signer certificate is not valid for code signing: %q %s", leaf.Cert.Subject, tt.msg)
			if !errors.Is(err, catalog.ErrUsage) || err.Error() != want || chains != nil {
				t.Fatalf("Verify = %v\nwant %s", err, want)
			}
			for _, other := range []error{catalog.ErrUntrusted, catalog.ErrExpired, catalog.ErrSignature} {
				if errors.Is(err, other) {
					t.Errorf("Verify = %v, also matches %v", err, other)
				}
			}
		})
	}
}

// TestVerifyVectors: the signed real catalogs pass the signature check.
// micronucleus verifies fully with its embedded self-signed certificate as
// root (SHA-1, so only with AllowSHA1); the Microsoft ones fail only for
// the unknown root.
func TestVerifyVectors(t *testing.T) {
	for rel := range vectorCatalogs(t) {
		t.Run(rel, func(t *testing.T) {
			c := parseVector(t, rel)
			if !c.Signed() {
				if err := c.CheckSignature(); !errors.Is(err, catalog.ErrUnsigned) {
					t.Fatalf("CheckSignature = %v, want ErrUnsigned", err)
				}
				return
			}
			if err := c.CheckSignature(); err != nil {
				t.Fatal(err)
			}
			at := c.Signers[0].Certificate.NotBefore.Add(24 * time.Hour)
			_, err := c.Verify(catalog.VerifyOptions{Roots: x509.NewCertPool(), AllowSHA1: true, CurrentTime: at})
			if !errors.Is(err, catalog.ErrUntrusted) {
				t.Fatalf("Verify with no trusted root = %v, want ErrUntrusted", err)
			}
		})
	}
	c := parseVector(t, "micronucleus/micronucleus_bootloader.cat")
	opts := catalog.VerifyOptions{Roots: pool(c.Certificates...), CurrentTime: c.ThisUpdate.Add(24 * time.Hour)}
	if _, err := c.Verify(opts); !errors.Is(err, catalog.ErrWeakDigest) {
		t.Fatalf("Verify(SHA-1 signer) = %v, want ErrWeakDigest", err)
	}
	opts.AllowSHA1 = true
	chains, err := c.Verify(opts)
	if err != nil {
		t.Fatal(err)
	}
	if cn := chains[0][0].Subject.CommonName; cn != `USB\VID_16D0&PID_0753 (libwdi autogenerated)` {
		t.Errorf("signer %q", cn)
	}
	// Re-signing a Microsoft catalog keeps its CTL and verifies.
	p := getPKI(t)
	orig := readVector(t, "relic/hyperv.cat")
	resigned := sign(t, orig, p.ecLeafKey, p.ecLeaf, p.inter)
	if !bytes.Equal(ctlOf(t, resigned), ctlOf(t, orig)) {
		t.Fatal("re-signing changed the CTL")
	}
	if _, err := mustParse(t, resigned).Verify(catalog.VerifyOptions{Roots: pool(p.root)}); err != nil {
		t.Fatal(err)
	}
}

func TestSignErrors(t *testing.T) {
	p := getPKI(t)
	unsigned := unsignedCatalog(t)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name  string
		der   []byte
		key   crypto.Signer
		certs []*x509.Certificate
		want  string
	}{
		{"no certificate", unsigned, p.leafKey, nil, "no signer certificate"},
		{"key does not match", unsigned, p.ecLeafKey, []*x509.Certificate{p.leaf}, "does not match"},
		{"Ed25519", unsigned, edKey, []*x509.Certificate{p.leaf}, "does not match"},
		{"not a catalog", []byte("hello"), p.leafKey, []*x509.Certificate{p.leaf}, "ContentInfo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Sign(tt.der, tt.key, tt.certs, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "catalog: ") {
				t.Fatalf("Sign = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestSignOptions: the signing time is an authenticated attribute when
// asked for; the unauthenticated-attribute hook (for RFC 3161 timestamps)
// sees the signature and its attributes do not break verification; RSA
// signing is reproducible.
func TestSignOptions(t *testing.T) {
	p := getPKI(t)
	unsigned := unsignedCatalog(t)
	when := time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)
	var seen []byte
	marker := []byte("intact-test-timestamp-token")
	attr, err := asn1.Marshal(struct {
		Type   asn1.ObjectIdentifier
		Values []asn1.RawValue `asn1:"set"`
	}{asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}, []asn1.RawValue{{Tag: asn1.TagOctetString, Bytes: marker}}})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := catalog.Sign(unsigned, p.leafKey, []*x509.Certificate{p.leaf, p.inter}, &catalog.SignOptions{
		SigningTime: when,
		UnauthenticatedAttributes: func(sig []byte) ([][]byte, error) {
			seen = bytes.Clone(sig)
			return [][]byte{attr}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 256 || !bytes.Contains(signed, seen) || !bytes.Contains(signed, marker) {
		t.Fatalf("hook saw a %d-byte signature; signature embedded %v, attribute embedded %v",
			len(seen), bytes.Contains(signed, seen), bytes.Contains(signed, marker))
	}
	c := mustParse(t, signed)
	if !c.Signers[0].SigningTime.Equal(when) {
		t.Errorf("signing time %v, want %v", c.Signers[0].SigningTime, when)
	}
	if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.root)}); err != nil {
		t.Fatal(err)
	}
	if !mustParse(t, sign(t, unsigned, p.leafKey, p.leaf)).Signers[0].SigningTime.IsZero() {
		t.Error("signing time present by default")
	}
	if !bytes.Equal(sign(t, unsigned, p.leafKey, p.leaf), sign(t, unsigned, p.leafKey, p.leaf)) {
		t.Error("RSA signing is not reproducible")
	}
	_, err = catalog.Sign(unsigned, p.leafKey, []*x509.Certificate{p.leaf}, &catalog.SignOptions{
		UnauthenticatedAttributes: func([]byte) ([][]byte, error) { return nil, errors.New("TSA down") },
	})
	if err == nil || !strings.Contains(err.Error(), "TSA down") {
		t.Fatalf("Sign with failing hook = %v", err)
	}
}

// asn1Children returns the elements of a DER constructed value's contents.
func asn1Children(t testing.TB, contents []byte) []asn1.RawValue {
	t.Helper()
	var out []asn1.RawValue
	for rest := contents; len(rest) > 0; {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			t.Fatalf("splitting DER: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// asn1Constructed encodes a constructed value of class and tag whose
// contents are the concatenation of elems.
func asn1Constructed(t testing.TB, class, tag int, elems ...[]byte) []byte {
	t.Helper()
	der, err := asn1.Marshal(asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: bytes.Join(elems, nil)})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// signedDataOf splits a catalog made by catalog.Sign into the ContentInfo's
// content type and the SignedData's elements: version, digestAlgorithms,
// contentInfo (the CTL), certificates [0] and signerInfos.
func signedDataOf(t testing.TB, der []byte) (contentType asn1.RawValue, sd []asn1.RawValue) {
	t.Helper()
	var ci asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &ci); err != nil || len(rest) > 0 {
		t.Fatalf("ContentInfo: %v (%d trailing bytes)", err, len(rest))
	}
	top := asn1Children(t, ci.Bytes)
	if len(top) != 2 || top[1].Class != asn1.ClassContextSpecific || top[1].Tag != 0 {
		t.Fatalf("ContentInfo has %d elements, want a content type and [0]", len(top))
	}
	inner := asn1Children(t, top[1].Bytes)
	if len(inner) != 1 || inner[0].Tag != asn1.TagSequence {
		t.Fatal("ContentInfo [0] does not hold one SignedData")
	}
	sd = asn1Children(t, inner[0].Bytes)
	if len(sd) != 5 || sd[3].Class != asn1.ClassContextSpecific || sd[3].Tag != 0 || sd[4].Tag != asn1.TagSet {
		t.Fatalf("SignedData has %d elements, want version, digestAlgorithms, contentInfo, [0] certificates, signerInfos", len(sd))
	}
	return top[0], sd
}

// twoSigners splices two signed versions of the same catalog into one
// SignedData signed by both: first's SignerInfo first, then second's, with
// the certificates of both. catalog.Sign writes one signer only; Windows
// catalogs can carry several (dual signing), and Verify must check each.
// The signerInfos keep this order rather than DER SET OF order, so that the
// parser, which keeps the file's order, sees first as Signers[0].
func twoSigners(t testing.TB, first, second []byte) []byte {
	t.Helper()
	contentType, a := signedDataOf(t, first)
	_, b := signedDataOf(t, second)
	if !bytes.Equal(a[2].FullBytes, b[2].FullBytes) {
		t.Fatal("the two signed catalogs hold different CTLs")
	}
	sd := asn1Constructed(t, asn1.ClassUniversal, asn1.TagSequence,
		a[0].FullBytes, a[1].FullBytes, a[2].FullBytes,
		asn1Constructed(t, asn1.ClassContextSpecific, 0, a[3].Bytes, b[3].Bytes),
		asn1Constructed(t, asn1.ClassUniversal, asn1.TagSet, a[4].Bytes, b[4].Bytes))
	return asn1Constructed(t, asn1.ClassUniversal, asn1.TagSequence,
		contentType.FullBytes, asn1Constructed(t, asn1.ClassContextSpecific, 0, sd))
}

// TestVerifyEverySigner: Verify refuses a catalog when any of its signers
// fails, not only the first: a valid, trusted first signer must not carry
// an untrusted, tampered or non-code-signing second one.
func TestVerifyEverySigner(t *testing.T) {
	p := getPKI(t)
	unsigned := unsignedCatalog(t)
	trusted := sign(t, unsigned, p.leafKey, p.leaf, p.inter)
	ecTrusted := sign(t, unsigned, p.ecLeafKey, p.ecLeaf, p.inter)
	untrusted := sign(t, unsigned, p.selfSignedKey, p.selfSigned)
	// The last byte of the ECDSA signature value (catalog.Sign writes no
	// unauthenticated attributes, so the signature ends the file).
	tamperedSig := bytes.Clone(ecTrusted)
	tamperedSig[len(tamperedSig)-1] ^= 1
	noEKU := sign(t, unsigned, p.noEKUKey, p.noEKU, p.inter)
	roots := catalog.VerifyOptions{Roots: pool(p.root)}

	tests := []struct {
		name          string
		first, second []byte
		want          error
		msg           string
	}{
		{"both trusted", trusted, ecTrusted, nil, ""},
		{"second signer untrusted", trusted, untrusted, catalog.ErrUntrusted, "catalog: signer 1: "},
		{"second signature tampered", trusted, tamperedSig, catalog.ErrSignature, "catalog: signer 1: "},
		{"second signer without EKU", trusted, noEKU, catalog.ErrUsage, "catalog: signer 1: "},
		{"first signer untrusted", untrusted, trusted, catalog.ErrUntrusted, "catalog: signer 0: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, twoSigners(t, tt.first, tt.second))
			if len(c.Signers) != 2 || len(c.Certificates) < 2 || c.Signers[0].Certificate == nil || c.Signers[1].Certificate == nil ||
				!c.Signers[0].Certificate.Equal(mustParse(t, tt.first).Signers[0].Certificate) {
				t.Fatalf("spliced catalog: %d signers, %d certificates, want the first catalog's signer first", len(c.Signers), len(c.Certificates))
			}
			chains, err := c.Verify(roots)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				// The first signer's chains.
				if len(chains) == 0 || !chains[0][0].Equal(p.leaf) {
					t.Fatalf("chains = %v, want the first signer's", chains)
				}
				return
			}
			if chains != nil || !errors.Is(err, tt.want) || !strings.HasPrefix(err.Error(), tt.msg) {
				t.Fatalf("Verify = %v, %v; want %v starting %q", chains, err, tt.want, tt.msg)
			}
			for _, other := range []error{catalog.ErrUnsigned, catalog.ErrDigestMismatch, catalog.ErrSignature,
				catalog.ErrContentType, catalog.ErrUntrusted, catalog.ErrExpired, catalog.ErrUsage, catalog.ErrWeakDigest} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("Verify = %v, also matches %v", err, other)
				}
			}
			// CheckSignature checks signatures only: it refuses the
			// tampered one, and it too names the second signer.
			err = c.CheckSignature()
			if tt.want == catalog.ErrSignature {
				if !errors.Is(err, catalog.ErrSignature) || !strings.HasPrefix(err.Error(), tt.msg) {
					t.Fatalf("CheckSignature = %v, want ErrSignature starting %q", err, tt.msg)
				}
			} else if err != nil {
				t.Fatalf("CheckSignature = %v, want nil (the signatures are good)", err)
			}
		})
	}
	// The control: each of the first signers verifies alone, so the
	// refusals above come from the second.
	if _, err := mustParse(t, trusted).Verify(roots); err != nil {
		t.Fatal(err)
	}
}
