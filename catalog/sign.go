package catalog

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/intactdev/intact/internal/der"
)

// SignOptions control Sign. The zero value is valid.
type SignOptions struct {
	// SigningTime, when not zero, adds a PKCS #9 signingTime authenticated
	// attribute. It is omitted by default, as signtool and
	// Set-AuthenticodeSignature omit it: it is the signer's own unverifiable
	// claim, and the time that Windows honours comes from a timestamp
	// countersignature. Leaving it out also keeps RSA signatures
	// reproducible.
	SigningTime time.Time
	// UnauthenticatedAttributes, when set, is called with the signature
	// value and returns complete DER Attribute encodings to store as the
	// signer's unauthenticated attributes. This is where an RFC 3161
	// timestamp token (1.3.6.1.4.1.311.3.3.1) goes.
	UnauthenticatedAttributes func(signature []byte) ([][]byte, error)
	// Rand is the randomness for signing. When nil, an *ecdsa.PrivateKey
	// signs deterministically (RFC 6979), so that a catalog signed twice
	// with the same key has the same bytes, as with RSA; other keys get
	// crypto/rand (RSA uses it only for blinding).
	Rand io.Reader
}

// Sign signs a catalog with key and returns the signed catalog. certs[0] is
// the signer's certificate, whose public key must be key's; the rest of
// certs is the chain to embed (intermediates and, for verifiers that pin a
// root, the root). Any existing signature is replaced.
//
// The signature is PKCS #7 SignedData over the CTL with SHA-256: the
// messageDigest covers the CTL's contents octets, and the authenticated
// attributes are contentType (szOID_CTL), messageDigest, SPC_SP_OPUS_INFO
// (empty) and SPC_STATEMENT_TYPE (individual code signing), as
// Authenticode signers write them, in DER SET OF order. RSA keys sign with
// PKCS #1 v1.5, ECDSA keys with ecdsa-with-SHA256.
func Sign(catalog []byte, key crypto.Signer, certs []*x509.Certificate, opts *SignOptions) ([]byte, error) {
	if opts == nil {
		opts = &SignOptions{}
	}
	c, err := Parse(catalog)
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, errors.New("catalog: sign: no signer certificate")
	}
	leaf := certs[0]
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return nil, fmt.Errorf("catalog: sign: the key does not match the certificate of %q", leaf.Subject)
	}
	var sigAlg []byte
	switch key.Public().(type) {
	case *rsa.PublicKey:
		sigAlg = algorithmIdentifier(oidRSA)
	case *ecdsa.PublicKey:
		sigAlg = der.Encode(der.Sequence, der.EncodeOID(oidECDSASHA256)) // RFC 5758: no parameters
	default:
		return nil, fmt.Errorf("catalog: sign: unsupported key type %T (want RSA or ECDSA)", key.Public())
	}

	ctlDigest := sha256.Sum256(c.ctl)
	attrs := [][]byte{
		attribute(oidContentType, der.EncodeOID(oidCTL)),
		attribute(oidMessageDigest, der.EncodeOctetString(ctlDigest[:])),
		attribute(oidOpusInfo, der.Encode(der.Sequence)),
		attribute(oidStatementType, der.Encode(der.Sequence, der.EncodeOID(oidIndividualSign))),
	}
	if !opts.SigningTime.IsZero() {
		attrs = append(attrs, attribute(oidSigningTime, der.EncodeTime(opts.SigningTime)))
	}
	attrs = der.SortSetOf(attrs)
	// The signature covers the attributes' DER encoding as a SET OF
	// (RFC 2315 §9.3); the SignerInfo stores them as [0] IMPLICIT.
	signed := sha256.Sum256(der.Encode(der.Set, attrs...))
	rnd := opts.Rand
	if _, ok := key.(*ecdsa.PrivateKey); rnd == nil && !ok {
		rnd = rand.Reader
	}
	sig, err := key.Sign(rnd, signed[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("catalog: sign: %w", err)
	}
	serial, err := der.EncodeBigInt(leaf.SerialNumber)
	if err != nil {
		return nil, fmt.Errorf("catalog: sign: serial number: %w", err)
	}
	si := [][]byte{
		der.EncodeInt(1),
		der.Encode(der.Sequence, leaf.RawIssuer, serial),
		algorithmIdentifier(oidSHA256),
		der.Encode(der.Context(0).Constructed(), attrs...),
		sigAlg,
		der.EncodeOctetString(sig),
	}
	if opts.UnauthenticatedAttributes != nil {
		unauth, err := opts.UnauthenticatedAttributes(sig)
		if err != nil {
			return nil, fmt.Errorf("catalog: sign: unauthenticated attributes: %w", err)
		}
		if len(unauth) > 0 {
			si = append(si, der.Encode(der.Context(1).Constructed(), der.SortSetOf(unauth)...))
		}
	}
	raw := make([][]byte, len(certs))
	for i, cert := range certs {
		raw[i] = cert.Raw
	}
	return encodeSignedData(der.Encode(der.Sequence, c.ctl), [][]byte{algorithmIdentifier(oidSHA256)}, raw,
		[][]byte{der.Encode(der.Sequence, si...)}), nil
}

// encodeSignedData encodes ContentInfo{signedData, SignedData{1,
// digestAlgs, {szOID_CTL, ctl}, certs, signerInfos}}. ctl is the complete
// CTL encoding; certs keep their order (signer first).
func encodeSignedData(ctl []byte, digestAlgs, certs, signerInfos [][]byte) []byte {
	sd := [][]byte{
		der.EncodeInt(1),
		der.EncodeSetOf(digestAlgs...),
		der.Encode(der.Sequence, der.EncodeOID(oidCTL), der.Encode(der.Context(0).Constructed(), ctl)),
	}
	if len(certs) > 0 {
		sd = append(sd, der.Encode(der.Context(0).Constructed(), certs...))
	}
	sd = append(sd, der.EncodeSetOf(signerInfos...))
	return der.Encode(der.Sequence, der.EncodeOID(oidSignedData), der.Encode(der.Context(0).Constructed(), der.Encode(der.Sequence, sd...)))
}
