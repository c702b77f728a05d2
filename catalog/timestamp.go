package catalog

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha512" // SHA-384 and SHA-512 tokens
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/intactdev/intact/internal/der"
)

// Errors of timestamps: a Timestamp's Err and the errors of
// TimestampRequest.ParseResponse wrap them. Test with errors.Is.
var (
	// ErrTimestampMalformed means a timestamp, or an authority's
	// response, cannot be read.
	ErrTimestampMalformed = errors.New("malformed timestamp")
	// ErrTimestampMismatch means a timestamp is not over the signature it
	// should countersign: its message imprint (RFC 3161) or messageDigest
	// (legacy countersignature) is not the digest of the signature value.
	ErrTimestampMismatch = errors.New("timestamp is not over the signature")
	// ErrTimestampNonce means an authority's token does not carry the
	// request's nonce.
	ErrTimestampNonce = errors.New("timestamp nonce does not match the request")
	// ErrTimestampSignature means a timestamp's own signature, or the
	// digest of the TSTInfo it signs, does not verify.
	ErrTimestampSignature = errors.New("timestamp signature does not verify")
	// ErrTimestampCertificate means the time-stamping certificate is in
	// neither the token nor the catalog.
	ErrTimestampCertificate = errors.New("time-stamping certificate is not embedded")
	// ErrTimestampUsage means the time-stamping certificate lacks the
	// time-stamping extended key usage, or has a key usage extension
	// with neither digitalSignature nor contentCommitment.
	ErrTimestampUsage = errors.New("certificate is not for time stamping")
	// ErrTimestampRejected means the authority did not grant the request:
	// its response has a PKIStatus other than granted or grantedWithMods.
	// Package tsa also wraps it around an HTTP error.
	ErrTimestampRejected = errors.New("time-stamping authority refused the request")
)

// maxTimestamps bounds the timestamps Parse reads in one catalog, so that a
// crafted catalog cannot make it check millions of signatures. Real
// catalogs have one or two.
const maxTimestamps = 16

// maxUnauthenticated bounds the unauthenticated attributes Timestamps
// reads in a signer: real timestamps are a few kilobytes.
const maxUnauthenticated = 1 << 20

// A Timestamp is a countersignature of a catalog signer's signature.
type Timestamp struct {
	// Time is the TSTInfo genTime (RFC 3161) or the countersigner's signingTime (legacy).
	Time time.Time
	// RFC3161 is true for an RFC 3161 token, false for a legacy PKCS #9 countersignature.
	RFC3161 bool
	// Certificate is the time-stamping certificate, if the catalog or token embeds it.
	Certificate *x509.Certificate
	// Err says why the timestamp does not check out, nil when it does: its message imprint
	// (RFC 3161) or messageDigest (legacy) must be the digest of the signer's signature value,
	// and its own signature must verify with Certificate. Whether Certificate is trusted is
	// not judged.
	Err error
}

// Timestamps returns the countersignatures of each signer (in the order
// of c.Signers) found among its unauthenticated attributes, in their
// order: RFC 3161 tokens (1.3.6.1.4.1.311.3.3.1) and legacy PKCS #9
// countersignatures (1.2.840.113549.1.9.6); other unauthenticated
// attributes are ignored. A timestamp that cannot be read or does not
// check out has its Err set. At most 16 timestamps are read in a catalog;
// a last one with Err stands for the rest.
//
// Parse does not read timestamps and Verify does not use them: they are
// read here, on request, for display.
func (c *Catalog) Timestamps() [][]Timestamp {
	budget := maxTimestamps
	out := make([][]Timestamp, len(c.Signers))
	for i := range c.Signers {
		out[i] = c.signerTimestamps(&c.Signers[i], &budget)
	}
	return out
}

func (c *Catalog) signerTimestamps(s *Signer, budget *int) []Timestamp {
	if s.unauth == nil {
		return nil
	}
	if len(s.unauth) > maxUnauthenticated {
		// Real ones are a few kilobytes; re-encoding BER costs a copy
		// per level of nesting.
		return []Timestamp{{Err: fmt.Errorf("%w: %d bytes of unauthenticated attributes, more than %d", ErrTimestampMalformed, len(s.unauth), maxUnauthenticated)}}
	}
	_, attrs, _, err := der.NewReader(s.unauth).Next()
	if err != nil {
		return nil
	}
	var out []Timestamp
	// next reserves a place for one more timestamp, or records that the
	// catalog has too many to read.
	next := func(isRFC3161 bool) bool {
		if *budget == 0 {
			out = append(out, Timestamp{RFC3161: isRFC3161, Err: errTooManyTimestamps})
			return false
		}
		*budget--
		return true
	}
	for ar := der.NewReader(attrs); !ar.Empty(); {
		attr, err := ar.Read(der.Sequence)
		if err != nil {
			break // not an attribute, let alone a timestamp
		}
		r := der.NewReader(attr)
		oid, err := r.ReadOID()
		if err != nil {
			continue
		}
		isRFC3161 := oid.Equal(oidRFC3161)
		if !isRFC3161 && !oid.Equal(oidCounterSignature) {
			continue
		}
		values, err := r.Read(der.Set)
		if err == nil && len(values) == 0 {
			err = errors.New("no value")
		}
		if err != nil {
			if !next(isRFC3161) {
				return out
			}
			out = append(out, Timestamp{RFC3161: isRFC3161, Err: fmt.Errorf("%w: attribute %v: %w", ErrTimestampMalformed, oid, err)})
			continue
		}
		for vr := der.NewReader(values); !vr.Empty(); {
			if !next(isRFC3161) {
				return out
			}
			tag, body, value, err := vr.Next()
			if errors.Is(err, der.ErrIndefinite) { // BER, as some authorities send
				if value, err = vr.NextBER(); err == nil {
					tag, body, _, err = der.NewReader(value).Next()
				}
			}
			if err == nil && !isRFC3161 && tag != der.Sequence {
				err = fmt.Errorf("unexpected tag 0x%02x, want a SignerInfo", tag)
			}
			if err != nil {
				out = append(out, Timestamp{RFC3161: isRFC3161, Err: fmt.Errorf("%w: attribute %v: %w", ErrTimestampMalformed, oid, err)})
				break
			}
			var ts Timestamp
			if isRFC3161 {
				ts, _ = parseRFC3161(value, s.signature, c.Certificates)
			} else {
				ts = parseCounterSignature(body, s.signature, c.Certificates)
			}
			out = append(out, ts)
		}
	}
	return out
}

// errTooManyTimestamps is the Err of a last Timestamp that stands for the
// ones Parse did not read.
var errTooManyTimestamps = fmt.Errorf("more than %d timestamps in the catalog: the rest are not read", maxTimestamps)

// tstInfo is what parseRFC3161 learns from a token besides the Timestamp.
type tstInfo struct {
	token  []byte // the token, with definite lengths
	hash   crypto.Hash
	nonce  *big.Int
	certs  []*x509.Certificate
	digest []byte
}

// parseRFC3161 reads an RFC 3161 TimeStampToken that should countersign
// signature. Certificates are looked for in the token, then in catalogCerts.
func parseRFC3161(token, signature []byte, catalogCerts []*x509.Certificate) (Timestamp, *tstInfo) {
	ts := Timestamp{RFC3161: true}
	tst, si, econtent, err := parseToken(token)
	if errors.Is(err, der.ErrIndefinite) {
		// BER: some authorities use indefinite lengths.
		if der, derr := der.DefiniteLengths(token); derr == nil {
			tst, si, econtent, err = parseToken(der)
		}
	}
	if err != nil {
		ts.Err = err
		return ts, &tstInfo{}
	}
	ts.Time = tst.time
	signer, err := parseSignerInfo(si, append(tst.certs, catalogCerts...))
	if err != nil {
		ts.Err = fmt.Errorf("%w: signer info: %w", ErrTimestampMalformed, err)
		return ts, &tst.tstInfo
	}
	ts.Certificate = signer.Certificate
	if !acceptableTimestampHash(tst.hash) {
		ts.Err = fmt.Errorf("%w: unsupported message imprint algorithm %v", ErrTimestampMalformed, tst.hash)
		return ts, &tst.tstInfo
	}
	h := tst.hash.New()
	h.Write(signature)
	if !bytes.Equal(h.Sum(nil), tst.digest) {
		ts.Err = fmt.Errorf("%w: the token's message imprint is %X, the signature's %v digest %X",
			ErrTimestampMismatch, tst.digest, tst.hash, h.Sum(nil))
		return ts, &tst.tstInfo
	}
	ts.Err = checkCounterSigner(&signer, oidTSTInfo, econtent)
	return ts, &tst.tstInfo
}

// tsToken is a parsed TimeStampToken.
type tsToken struct {
	tstInfo
	time time.Time
}

// parseToken reads ContentInfo{signedData, SignedData{version,
// digestAlgorithms, {id-ct-TSTInfo, [0] OCTET STRING TSTInfo},
// certificates [0] OPTIONAL, crls [1] OPTIONAL, signerInfos}} and returns
// the TSTInfo, the first SignerInfo and the eContent octets.
func parseToken(b []byte) (t tsToken, si, econtent []byte, err error) {
	malformed := func(what string, err error) error {
		return fmt.Errorf("%w: %s: %w", ErrTimestampMalformed, what, err)
	}
	t.token = b
	r := der.NewReader(b)
	ci, err := r.Read(der.Sequence)
	if err != nil {
		return t, nil, nil, malformed("ContentInfo", err)
	}
	if !r.Empty() {
		return t, nil, nil, malformed("ContentInfo", errors.New("trailing data"))
	}
	cr := der.NewReader(ci)
	ctype, err := cr.ReadOID()
	if err != nil {
		return t, nil, nil, malformed("content type", err)
	}
	if !ctype.Equal(oidSignedData) {
		return t, nil, nil, malformed("content type", fmt.Errorf("%v, want signedData", ctype))
	}
	explicit, err := cr.Read(der.Context(0).Constructed())
	if err != nil {
		return t, nil, nil, malformed("content", err)
	}
	sd, err := der.NewReader(explicit).Read(der.Sequence)
	if err != nil {
		return t, nil, nil, malformed("SignedData", err)
	}
	sr := der.NewReader(sd)
	if _, err := sr.Read(der.Integer); err != nil {
		return t, nil, nil, malformed("SignedData version", err)
	}
	if _, err := sr.Read(der.Set); err != nil {
		return t, nil, nil, malformed("SignedData digestAlgorithms", err)
	}
	eci, err := sr.Read(der.Sequence)
	if err != nil {
		return t, nil, nil, malformed("encapContentInfo", err)
	}
	er := der.NewReader(eci)
	etype, err := er.ReadOID()
	if err != nil {
		return t, nil, nil, malformed("eContentType", err)
	}
	if !etype.Equal(oidTSTInfo) {
		return t, nil, nil, malformed("eContentType", fmt.Errorf("%v, want id-ct-TSTInfo", etype))
	}
	ex, err := er.Read(der.Context(0).Constructed())
	if err != nil {
		return t, nil, nil, malformed("eContent", err)
	}
	if econtent, err = der.NewReader(ex).ReadOctetString(); err != nil {
		return t, nil, nil, malformed("eContent", err)
	}
	if certs, ok, err := sr.ReadOptional(der.Context(0).Constructed()); err != nil {
		return t, nil, nil, malformed("certificates", err)
	} else if ok {
		for cr := der.NewReader(certs); !cr.Empty(); {
			tag, _, full, err := cr.Next()
			if err != nil {
				return t, nil, nil, malformed("certificates", err)
			}
			if tag != der.Sequence {
				continue // other CertificateChoices
			}
			if cert, err := x509.ParseCertificate(full); err == nil {
				t.certs = append(t.certs, cert)
			}
		}
	}
	if _, _, err := sr.ReadOptional(der.Context(1).Constructed()); err != nil {
		return t, nil, nil, malformed("crls", err)
	}
	signers, err := sr.Read(der.Set)
	if err != nil {
		return t, nil, nil, malformed("signerInfos", err)
	}
	if si, err = der.NewReader(signers).Read(der.Sequence); err != nil {
		return t, nil, nil, malformed("signerInfo", err)
	}
	if err := t.parseTSTInfo(econtent); err != nil {
		return t, nil, nil, malformed("TSTInfo", err)
	}
	return t, si, econtent, nil
}

// parseTSTInfo reads TSTInfo ::= SEQUENCE { version, policy,
// messageImprint, serialNumber, genTime, accuracy OPTIONAL, ordering
// OPTIONAL, nonce OPTIONAL, tsa [0] OPTIONAL, extensions [1] OPTIONAL }.
func (t *tsToken) parseTSTInfo(b []byte) error {
	body, err := der.NewReader(b).Read(der.Sequence)
	if err != nil {
		return err
	}
	r := der.NewReader(body)
	if _, err := r.Read(der.Integer); err != nil {
		return fmt.Errorf("version: %w", err)
	}
	if _, err := r.Read(der.OID); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	mi, err := r.Read(der.Sequence)
	if err != nil {
		return fmt.Errorf("messageImprint: %w", err)
	}
	mr := der.NewReader(mi)
	alg, err := mr.Read(der.Sequence)
	if err != nil {
		return fmt.Errorf("messageImprint algorithm: %w", err)
	}
	algOID, err := der.NewReader(alg).Read(der.OID)
	if err != nil {
		return fmt.Errorf("messageImprint algorithm: %w", err)
	}
	t.hash = hashForRawOID(algOID)
	if t.digest, err = mr.Read(der.OctetString); err != nil {
		return fmt.Errorf("messageImprint: %w", err)
	}
	if _, err := r.Read(der.Integer); err != nil {
		return fmt.Errorf("serialNumber: %w", err)
	}
	gt, err := r.Read(der.GeneralizedTime)
	if err == nil {
		t.time, err = der.ParseTime(der.GeneralizedTime, gt)
	}
	if err != nil {
		return fmt.Errorf("genTime: %w", err)
	}
	if _, _, err := r.ReadOptional(der.Sequence); err != nil {
		return fmt.Errorf("accuracy: %w", err)
	}
	if _, _, err := r.ReadOptional(der.Boolean); err != nil {
		return fmt.Errorf("ordering: %w", err)
	}
	if n, ok, err := r.ReadOptional(der.Integer); err != nil {
		return fmt.Errorf("nonce: %w", err)
	} else if ok {
		t.nonce = der.ParseBigInt(n)
	}
	return nil
}

// parseSignerInfo reads a SignerInfo, PKCS #7 or CMS, and finds its
// certificate among certs.
func parseSignerInfo(si []byte, certs []*x509.Certificate) (Signer, error) {
	tmp := Catalog{Certificates: certs}
	if err := tmp.parseSigner(si); err != nil {
		return Signer{}, err
	}
	return tmp.Signers[0], nil
}

// parseCounterSignature reads a PKCS #9 countersignature: a SignerInfo whose
// authenticated attributes hold signingTime and the messageDigest of
// signature. Its certificate is among the catalog's.
func parseCounterSignature(si, signature []byte, certs []*x509.Certificate) Timestamp {
	var ts Timestamp
	s, err := parseSignerInfo(si, certs)
	if err != nil {
		ts.Err = fmt.Errorf("%w: countersignature: %w", ErrTimestampMalformed, err)
		return ts
	}
	ts.Time, ts.Certificate = s.SigningTime, s.Certificate
	if ts.Time.IsZero() {
		ts.Err = fmt.Errorf("%w: countersignature has no signingTime", ErrTimestampMalformed)
		return ts
	}
	ts.Err = checkCounterSigner(&s, nil, signature)
	return ts
}

// checkCounterSigner checks that s's authenticated attributes hold the
// messageDigest of content (and, unless contentType is nil, that content
// type) and that s's signature over them verifies with s.Certificate.
func checkCounterSigner(s *Signer, contentType asn1.ObjectIdentifier, content []byte) error {
	if s.authAttrs == nil {
		return fmt.Errorf("%w: no signed attributes", ErrTimestampMalformed)
	}
	h := s.DigestAlgorithm
	if !acceptableTimestampHash(h) {
		return fmt.Errorf("%w: unsupported digest algorithm %v", ErrTimestampMalformed, h)
	}
	ctype, digest, err := readSignedAttributes(s.authAttrs)
	if err == nil && digest == nil {
		err = errors.New("no messageDigest")
	}
	if err != nil {
		return fmt.Errorf("%w: signed attributes: %w", ErrTimestampMalformed, err)
	}
	if contentType != nil && !ctype.Equal(contentType) {
		return fmt.Errorf("%w: contentType attribute %v, want %v", ErrTimestampMalformed, ctype, contentType)
	}
	hh := h.New()
	hh.Write(content)
	if !bytes.Equal(hh.Sum(nil), digest) {
		if contentType == nil { // a legacy countersignature: content is the signature
			return fmt.Errorf("%w: the countersignature's messageDigest is %X, the signature's %v digest %X",
				ErrTimestampMismatch, digest, h, hh.Sum(nil))
		}
		return fmt.Errorf("%w: messageDigest does not match the TSTInfo", ErrTimestampSignature)
	}
	if s.Certificate == nil {
		return ErrTimestampCertificate
	}
	if !slices.Contains(s.Certificate.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
		// RFC 3161 §2.3: a TSA's certificate has the timeStamping
		// extended key usage; Authenticode's legacy countersigners too.
		return fmt.Errorf("%w: %q", ErrTimestampUsage, s.Certificate.Subject)
	}
	// A key usage extension must let the key sign: RFC 5280 §4.2.1.3
	// allows digitalSignature or nonRepudiation (contentCommitment) for
	// a TSA's signatures.
	if why := keyUsageForbids(s.Certificate, x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment); why != "" {
		return fmt.Errorf("%w: %q %s", ErrTimestampUsage, s.Certificate.Subject, why)
	}
	alg, known := signatureAlgorithmOf(s.sigAlg)
	if known && alg.hash != 0 && alg.hash != h {
		// The signature must be over the digest the SignerInfo names.
		return fmt.Errorf("%w: signature algorithm %v with digest algorithm %v", ErrTimestampSignature, s.sigAlg, h)
	}
	switch s.Certificate.PublicKey.(type) {
	case *rsa.PublicKey:
		if !known || !alg.rsa {
			return fmt.Errorf("%w: signature algorithm %v with an RSA key", ErrTimestampSignature, s.sigAlg)
		}
	case *ecdsa.PublicKey:
		if !known || alg.rsa {
			return fmt.Errorf("%w: signature algorithm %v with an ECDSA key", ErrTimestampSignature, s.sigAlg)
		}
	}
	// RSA over the bare digest: Symantec's legacy countersignatures
	// (pester/lib/catalog.cat), which Windows accepts; never RFC 3161.
	if err := s.verifyAttributes(h, contentType == nil); err != nil {
		return fmt.Errorf("%w: %w", ErrTimestampSignature, err)
	}
	return nil
}

// acceptableTimestampHash reports whether a timestamp may use h for its
// imprint or digests: SHA-1 (which older Authenticode timestamps use) or
// the SHA-2 family; never MD5 or an unknown algorithm.
func acceptableTimestampHash(h crypto.Hash) bool {
	switch h {
	case crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512:
		return h.Available()
	}
	return false
}

// A signatureAlgorithm is a SignerInfo signature algorithm a timestamp may
// use: its key type, and the hash it names, or 0 for rsaEncryption and
// id-ecPublicKey, which leave the hash to the SignerInfo's
// digestAlgorithm.
type signatureAlgorithm struct {
	oid  asn1.ObjectIdentifier
	rsa  bool // else ECDSA
	hash crypto.Hash
}

var signatureAlgorithms = []signatureAlgorithm{
	{oidRSA, true, 0},
	{oidRSASHA1, true, crypto.SHA1},
	{oidRSASHA256, true, crypto.SHA256},
	{oidRSASHA384, true, crypto.SHA384},
	{oidRSASHA512, true, crypto.SHA512},
	{oidECPublicKey, false, 0},
	{oidECDSASHA1, false, crypto.SHA1},
	{oidECDSASHA256, false, crypto.SHA256},
	{oidECDSASHA384, false, crypto.SHA384},
	{oidECDSASHA512, false, crypto.SHA512},
}

// signatureAlgorithmOf looks oid up in signatureAlgorithms.
func signatureAlgorithmOf(oid asn1.ObjectIdentifier) (signatureAlgorithm, bool) {
	for _, a := range signatureAlgorithms {
		if oid.Equal(a.oid) {
			return a, true
		}
	}
	return signatureAlgorithm{}, false
}
