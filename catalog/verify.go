package catalog

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"time"
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
// at opts.CurrentTime, whose leaf has the code-signing extended key usage.
// It returns the first signer's verified chains.
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
	return chains, nil
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
	contentType, digest, err := s.signedAttributes()
	if err != nil {
		return err
	}
	if !contentType.Equal(oidCTL) {
		return fmt.Errorf("%w: contentType attribute is %v", ErrContentType, contentType)
	}
	hh := h.New()
	hh.Write(c.ctl)
	if !bytes.Equal(hh.Sum(nil), digest) {
		return ErrDigestMismatch
	}
	// The signature covers the attributes as a SET OF: the stored bytes
	// with the [0] IMPLICIT tag replaced, not a re-sorted re-encoding.
	signed := bytes.Clone(s.authAttrs)
	signed[0] = tagSet
	hh = h.New()
	hh.Write(signed)
	sum := hh.Sum(nil)
	switch pub := s.Certificate.PublicKey.(type) {
	case *rsa.PublicKey:
		err = rsa.VerifyPKCS1v15(pub, h, sum, s.signature)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, sum, s.signature) {
			err = errors.New("ECDSA verification failed")
		}
	default:
		err = fmt.Errorf("unsupported public key type %T", pub)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return nil
}

// signedAttributes returns the contentType and messageDigest attributes,
// each of which must be present exactly once with one value.
func (s *Signer) signedAttributes() (contentType asn1.ObjectIdentifier, digest []byte, err error) {
	r := reader{s.authAttrs}
	body, err := r.read(ctx(0, true))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrSignature, err)
	}
	for ar := (reader{body}); !ar.empty(); {
		attr, err := ar.read(tagSequence)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrSignature, err)
		}
		vr := reader{attr}
		oid, err := vr.readOID()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrSignature, err)
		}
		values, err := vr.read(tagSet)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrSignature, err)
		}
		one := reader{values}
		switch {
		case oid.Equal(oidContentType):
			if contentType != nil {
				return nil, nil, fmt.Errorf("%w: two contentType attributes", ErrSignature)
			}
			if contentType, err = one.readOID(); err != nil || !one.empty() {
				return nil, nil, fmt.Errorf("%w: malformed contentType attribute", ErrSignature)
			}
		case oid.Equal(oidMessageDigest):
			if digest != nil {
				return nil, nil, fmt.Errorf("%w: two messageDigest attributes", ErrSignature)
			}
			if digest, err = one.read(tagOctetString); err != nil || !one.empty() {
				return nil, nil, fmt.Errorf("%w: malformed messageDigest attribute", ErrSignature)
			}
		}
	}
	if contentType == nil || digest == nil {
		return nil, nil, fmt.Errorf("%w: contentType or messageDigest attribute missing", ErrSignature)
	}
	return contentType, digest, nil
}
