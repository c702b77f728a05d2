package sipolicy

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strings"
)

// TBS returns the value WDAC pins a certificate by (CertRoot Type="TBS"):
// the hash of the certificate's DER tbsCertificate, computed with the hash of
// the certificate's own signature algorithm (SHA-256 for sha256WithRSA and
// ecdsa-with-SHA256, SHA-384 for the SHA-384 algorithms, and so on). It
// returns that hash too. Certificates signed with MD5, MD2 or Ed25519 are
// an error.
func TBS(cert *x509.Certificate) ([]byte, crypto.Hash, error) {
	var h crypto.Hash
	switch cert.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
		h = crypto.SHA1
	case x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256, x509.DSAWithSHA256:
		h = crypto.SHA256
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		h = crypto.SHA384
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		h = crypto.SHA512
	default:
		return nil, 0, fmt.Errorf("TBS of %q: unsupported signature algorithm %v", cert.Subject.CommonName, cert.SignatureAlgorithm)
	}
	if len(cert.RawTBSCertificate) == 0 {
		return nil, 0, fmt.Errorf("TBS of %q: certificate has no raw tbsCertificate (not parsed from DER)", cert.Subject.CommonName)
	}
	d := newHash(h)
	d.Write(cert.RawTBSCertificate)
	return d.Sum(nil), h, nil
}

// newHash returns a new digest for one of the hashes TBS and HashSet use.
// Naming the packages here links them in without relying on registration.
func newHash(h crypto.Hash) hash.Hash {
	switch h {
	case crypto.SHA1:
		return sha1.New()
	case crypto.SHA256:
		return sha256.New()
	case crypto.SHA384:
		return sha512.New384()
	case crypto.SHA512:
		return sha512.New()
	}
	panic("sipolicy: unexpected hash " + h.String())
}

// Matches reports whether chain satisfies the signer's certificate
// conditions: some certificate of chain has the signer's TBS (computed with
// that certificate's own signature hash), the leaf's subject common name is
// Publisher when Publisher is set, and the leaf carries every EKU of EKUs.
//
// chain is leaf first and must already be verified by the caller (signatures
// and validity); Matches only compares. A Wellknown root never matches:
// intact cannot tell which certificates Microsoft's numbered roots are.
// Matches ignores Unevaluated conditions; AllowedSigners leaves out signers
// that have any.
func (s *Signer) Matches(chain []*x509.Certificate) bool {
	if s.RootType != RootTBS || len(chain) == 0 || s.HashAlgorithm() == 0 {
		return false
	}
	if !slices.ContainsFunc(chain, func(c *x509.Certificate) bool {
		tbs, h, err := TBS(c)
		return err == nil && h == s.HashAlgorithm() && bytes.Equal(tbs, s.Root)
	}) {
		return false
	}
	leaf := chain[0]
	if s.Publisher != "" && leaf.Subject.CommonName != s.Publisher {
		return false
	}
	if len(s.EKUs) > 0 {
		have := extKeyUsages(leaf)
		for _, e := range s.EKUs {
			if !slices.ContainsFunc(have, e.OID.Equal) {
				return false
			}
		}
	}
	return true
}

// oidExtKeyUsage is id-ce-extKeyUsage.
var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// extKeyUsages returns the EKU OIDs of cert as written in its extension.
// crypto/x509 maps the well-known ones to constants without their OIDs, so
// the extension is read directly.
func extKeyUsages(cert *x509.Certificate) []asn1.ObjectIdentifier {
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(oidExtKeyUsage) {
			var oids []asn1.ObjectIdentifier
			if rest, err := asn1.Unmarshal(ext.Value, &oids); err != nil || len(rest) > 0 {
				return nil
			}
			return oids
		}
	}
	return nil
}

// ekuValue encodes oid as an EKU Value: its DER TLV with the tag byte 0x06
// replaced by 0x01, as Microsoft's tools write it.
func ekuValue(oid asn1.ObjectIdentifier) ([]byte, error) {
	der, err := asn1.Marshal(oid)
	if err != nil {
		return nil, fmt.Errorf("EKU %v: %w", oid, err)
	}
	der[0] = 0x01
	return der, nil
}

// parseEKUValue decodes an EKU Value (see ekuValue).
func parseEKUValue(v []byte) (asn1.ObjectIdentifier, error) {
	if len(v) < 2 || v[0] != 0x01 {
		return nil, fmt.Errorf("EKU value %X does not start with 01", v)
	}
	der := bytes.Clone(v)
	der[0] = 0x06
	var oid asn1.ObjectIdentifier
	rest, err := asn1.Unmarshal(der, &oid)
	if err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("EKU value %X is not an encoded OID", v)
	}
	return oid, nil
}

// hexString formats b as uppercase hex, as Microsoft's tools write hashes.
func hexString(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// NewSigner returns a signer with the given ID that pins cert by its TBS
// hash (CertRoot Type="TBS"), named after cert's subject common name. The
// caller may narrow it with Publisher and EKUs.
func NewSigner(id string, cert *x509.Certificate) (*Signer, error) {
	tbs, _, err := TBS(cert)
	if err != nil {
		return nil, err
	}
	name := cert.Subject.CommonName
	if name == "" {
		name = cert.Subject.String()
	}
	return &Signer{ID: id, Name: name, RootType: RootTBS, Root: tbs}, nil
}
