package catalog

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/intactdev/intact/internal/der"
)

// Errors returned by Verify, each wrapped with details; test with errors.Is.
// A catalog that fails with ErrUntrusted, ErrExpired or ErrUsage has a valid
// signature whose signer the caller does not trust.
var (
	ErrUnsigned       = errors.New("catalog is not signed")
	ErrSignerNotFound = errors.New("signer certificate is not embedded")
	ErrWeakDigest     = errors.New("digest algorithm not accepted")
	ErrDigestMismatch = errors.New("CTL does not match the signed message digest")
	ErrSignature      = errors.New("signature does not verify")
	ErrUntrusted      = errors.New("signer does not chain to a trusted root")
	ErrExpired        = errors.New("certificate expired or not yet valid")
	ErrUsage          = errors.New("signer certificate is not valid for code signing")
)

// VerifyOptions control Verify.
type VerifyOptions struct {
	// Roots are the trusted roots. Required: there is no default, since a
	// machine's TLS roots say nothing about code signers. A root may be one
	// of the catalog's embedded certificates (for example the signer's
	// own self-signed certificate, or a root pinned by its TBS hash).
	Roots *x509.CertPool
	// Intermediates are certificates to build chains with besides the
	// embedded ones.
	Intermediates *x509.CertPool
	// CurrentTime is the time at which certificates must be valid; now when
	// zero.
	CurrentTime time.Time
	// AllowSHA1 accepts signers that digest with SHA-1, as many older
	// catalogs do. SHA-1 signatures are refused by default.
	AllowSHA1 bool
}

// Verify checks every signer of the catalog: the messageDigest against the
// CTL, the signature over the authenticated attributes, and a certificate
// chain from the signer's embedded certificate to one of opts.Roots, valid
// at opts.CurrentTime, whose leaf has the code-signing extended key usage
// and, if it has a key usage extension, digitalSignature. It returns the
// first signer's verified chains.
func (c *Catalog) Verify(opts VerifyOptions) ([][]*x509.Certificate, error) {
	if len(c.Signers) == 0 {
		return nil, fmt.Errorf("catalog: %w", ErrUnsigned)
	}
	var chains [][]*x509.Certificate
	for i := range c.Signers {
		ch, err := c.verifySigner(&c.Signers[i], opts)
		if err != nil {
			if len(c.Signers) > 1 {
				return nil, fmt.Errorf("catalog: signer %d: %w", i, err)
			}
			return nil, fmt.Errorf("catalog: %w", err)
		}
		if chains == nil {
			chains = ch
		}
	}
	return chains, nil
}

// CheckSignature checks every signer's signature and message digest, but
// not certificate chains. It accepts SHA-1 digests. It is what a listing
// reports for catalogs whose roots are unknown.
func (c *Catalog) CheckSignature() error {
	if len(c.Signers) == 0 {
		return fmt.Errorf("catalog: %w", ErrUnsigned)
	}
	for i := range c.Signers {
		if err := c.checkSignature(&c.Signers[i], true); err != nil {
			return fmt.Errorf("catalog: signer %d: %w", i, err)
		}
	}
	return nil
}

func (c *Catalog) verifySigner(s *Signer, opts VerifyOptions) ([][]*x509.Certificate, error) {
	if err := c.checkSignature(s, opts.AllowSHA1); err != nil {
		return nil, err
	}
	if opts.Roots == nil {
		return nil, fmt.Errorf("%w: no trusted roots given", ErrUntrusted)
	}
	inter := x509.NewCertPool()
	if opts.Intermediates != nil {
		inter = opts.Intermediates.Clone()
	}
	for _, cert := range c.Certificates {
		inter.AddCert(cert)
	}
	leaf := s.Certificate
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         opts.Roots,
		Intermediates: inter,
		CurrentTime:   opts.CurrentTime,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	})
	if err != nil {
		var invalid x509.CertificateInvalidError
		if errors.As(err, &invalid) {
			switch invalid.Reason {
			case x509.Expired:
				return nil, fmt.Errorf("%w: %w", ErrExpired, err)
			case x509.IncompatibleUsage:
				return nil, fmt.Errorf("%w: %w", ErrUsage, err)
			}
		}
		return nil, fmt.Errorf("%w: %w", ErrUntrusted, err)
	}
	// crypto/x509 lets a leaf without any extended key usage sign anything;
	// Authenticode signers must say they sign code.
	if !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageCodeSigning) {
		return nil, fmt.Errorf("%w: %q lists no code-signing extended key usage", ErrUsage, leaf.Subject)
	}
	// Nor does it look at key usage bits; RFC 5280 §4.2.1.3 forbids
	// verifying signatures on anything but certificates and CRLs with a
	// key whose key usage lacks digitalSignature.
	if err := CheckSignerKeyUsage(leaf); err != nil {
		return nil, err
	}
	return chains, nil
}

// CheckSignerKeyUsage returns an error wrapping ErrUsage, which names cert
// and what its key usage allows, when cert has a key usage extension
// without digitalSignature: Verify refuses such a signer, whose key must
// not sign catalogs. A certificate without the extension passes.
func CheckSignerKeyUsage(cert *x509.Certificate) error {
	if why := keyUsageForbids(cert, x509.KeyUsageDigitalSignature); why != "" {
		return fmt.Errorf("%w: %q %s", ErrUsage, cert.Subject, why)
	}
	return nil
}

// keyUsageForbids says why cert may not sign when its key usage extension
// has none of the bits of want, and returns "" when it has one of them or
// the extension is absent (the key may then do anything). crypto/x509 reads
// an extension without bits as KeyUsage 0, as it does no extension, so the
// extension is looked for.
func keyUsageForbids(cert *x509.Certificate, want x509.KeyUsage) string {
	if cert.KeyUsage&want != 0 || !slices.ContainsFunc(cert.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidKeyUsage) }) {
		return ""
	}
	var has, wanted []string
	for bit := x509.KeyUsageDigitalSignature; bit <= x509.KeyUsageDecipherOnly; bit <<= 1 {
		if cert.KeyUsage&bit != 0 {
			has = append(has, bit.String())
		}
		if want&bit != 0 {
			wanted = append(wanted, bit.String())
		}
	}
	allows := "nothing"
	if len(has) > 0 {
		allows = strings.Join(has, ", ") + " only"
	}
	return fmt.Sprintf("may not sign: its key usage allows %s, not %s", allows, strings.Join(wanted, " or "))
}

// checkSignature checks s's message digest and signature.
func (c *Catalog) checkSignature(s *Signer, allowSHA1 bool) error {
	if s.Certificate == nil {
		return ErrSignerNotFound
	}
	h := s.DigestAlgorithm
	switch {
	case h == crypto.SHA256 || h == crypto.SHA384 || h == crypto.SHA512:
	case h == crypto.SHA1 && allowSHA1:
	case h == 0:
		return fmt.Errorf("%w: unknown digest algorithm", ErrWeakDigest)
	default:
		return fmt.Errorf("%w: %v", ErrWeakDigest, h)
	}
	if s.authAttrs == nil {
		return fmt.Errorf("%w: no authenticated attributes", ErrSignature)
	}
	contentType, digest, err := readSignedAttributes(s.authAttrs)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	if contentType == nil || digest == nil {
		return fmt.Errorf("%w: contentType or messageDigest attribute missing", ErrSignature)
	}
	if !contentType.Equal(oidCTL) {
		return fmt.Errorf("%w: contentType attribute is %v", ErrContentType, contentType)
	}
	sum, ok := c.ctlSums[h]
	if c.ctlSums == nil {
		hh := h.New()
		hh.Write(c.ctl)
		sum, ok = hh.Sum(nil), true
	}
	if !ok {
		return fmt.Errorf("%w: the CTL was read without hashing it with %v, which digestAlgorithms does not list", ErrDigestMismatch, h)
	}
	if !bytes.Equal(sum, digest) {
		return ErrDigestMismatch
	}
	err = s.verifyAttributes(h, false)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}

// readSignedAttributes returns the contentType and messageDigest
// attributes of a SignerInfo's complete [0] IMPLICIT authenticatedAttributes
// encoding. Each may be present once, with one value; a missing one is nil.
func readSignedAttributes(authAttrs []byte) (contentType asn1.ObjectIdentifier, digest []byte, err error) {
	_, body, _, err := der.NewReader(authAttrs).Next()
	if err != nil {
		return nil, nil, err
	}
	for ar := der.NewReader(body); !ar.Empty(); {
		attr, err := ar.Read(der.Sequence)
		if err != nil {
			return nil, nil, err
		}
		vr := der.NewReader(attr)
		oid, err := vr.ReadOID()
		if err != nil {
			return nil, nil, err
		}
		values, err := vr.Read(der.Set)
		if err != nil {
			return nil, nil, err
		}
		one := der.NewReader(values)
		switch {
		case oid.Equal(oidContentType):
			if contentType != nil {
				return nil, nil, errors.New("two contentType attributes")
			}
			if contentType, err = one.ReadOID(); err != nil || !one.Empty() {
				return nil, nil, errors.New("malformed contentType attribute")
			}
		case oid.Equal(oidMessageDigest):
			if digest != nil {
				return nil, nil, errors.New("two messageDigest attributes")
			}
			if digest, err = one.Read(der.OctetString); err != nil || !one.Empty() {
				return nil, nil, errors.New("malformed messageDigest attribute")
			}
		}
	}
	return contentType, digest, nil
}

// verifyAttributes checks s's signature over its authenticated attributes
// hashed with h. The signature covers them as a SET OF (RFC 2315 §9.3):
// the stored bytes with the [0] IMPLICIT tag replaced, not a re-sorted
// re-encoding. bareRSA also accepts an RSA signature over the bare digest,
// without the DigestInfo around it, as Symantec's legacy countersigners
// made them.
func (s *Signer) verifyAttributes(h crypto.Hash, bareRSA bool) error {
	signed := bytes.Clone(s.authAttrs)
	signed[0] = byte(der.Set)
	hh := h.New()
	hh.Write(signed)
	sum := hh.Sum(nil)
	switch pub := s.Certificate.PublicKey.(type) {
	case *rsa.PublicKey:
		err := rsa.VerifyPKCS1v15(pub, h, sum, s.signature)
		if err != nil && bareRSA && rsa.VerifyPKCS1v15(pub, 0, sum, s.signature) == nil {
			return nil
		}
		return err
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, sum, s.signature) {
			return errors.New("ECDSA verification failed")
		}
		return nil
	default:
		return fmt.Errorf("unsupported public key type %T", pub)
	}
}
