package catalog

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/intactdev/intact/internal/der"
)

// A TimestampRequest is an RFC 3161 request for a timestamp of a catalog
// signature, and the check of the authority's answer to it. It encodes and
// decodes; sending it is left to the caller, as package tsa does over
// HTTP, so that reading and signing catalogs needs no network code.
type TimestampRequest struct {
	signature []byte
	nonce     *big.Int
	der       []byte
}

// NewTimestampRequest returns a request for a timestamp of signature, the
// value of a catalog signer's signature, as SignOptions.UnauthenticatedAttributes
// receives it: a SHA-256 message imprint of signature, a random 64-bit
// nonce, and certReq, which asks the authority to include its certificate.
func NewTimestampRequest(signature []byte) (*TimestampRequest, error) {
	var nb [8]byte
	if _, err := rand.Read(nb[:]); err != nil {
		return nil, fmt.Errorf("catalog: timestamp request: %w", err)
	}
	r := &TimestampRequest{signature: bytes.Clone(signature), nonce: new(big.Int).SetBytes(nb[:])}
	nonce, err := der.EncodeBigInt(r.nonce)
	if err != nil {
		return nil, fmt.Errorf("catalog: timestamp request: %w", err)
	}
	imprint := sha256.Sum256(signature)
	// TimeStampReq ::= SEQUENCE { version 1, messageImprint, reqPolicy
	// OPTIONAL, nonce, certReq BOOLEAN DEFAULT FALSE, extensions OPTIONAL }
	r.der = der.Encode(der.Sequence,
		der.EncodeInt(1),
		der.Encode(der.Sequence, algorithmIdentifier(oidSHA256), der.EncodeOctetString(imprint[:])),
		nonce,
		[]byte{byte(der.Boolean), 1, 0xff},
	)
	return r, nil
}

// Bytes returns the DER TimeStampReq, which an authority takes over HTTP as
// a POST with Content-Type application/timestamp-query (RFC 3161 §3.4).
// The caller must not modify it.
func (r *TimestampRequest) Bytes() []byte { return r.der }

// ParseResponse reads an authority's TimeStampResp to r and returns the
// unauthenticated attribute (1.3.6.1.4.1.311.3.3.1,
// szOID_RFC3161_counterSign) that carries its token, ready for
// SignOptions.UnauthenticatedAttributes. The response may be BER.
//
// The status must be granted (0) or grantedWithMods (1), else the error
// wraps ErrTimestampRejected and names the PKIStatus, its text and its
// failInfo. The token must be a SignedData over a TSTInfo whose SHA-256
// imprint is of the request's signature (ErrTimestampMismatch) and whose
// nonce is the request's (ErrTimestampNonce), signed by the certificate the
// token includes (ErrTimestampCertificate, ErrTimestampUsage,
// ErrTimestampSignature): the integrity CheckSignature gives a catalog. The
// authority's chain is not judged here. An unreadable response is
// ErrTimestampMalformed.
func (r *TimestampRequest) ParseResponse(resp []byte) ([]byte, error) {
	token, err := r.check(resp)
	if err != nil {
		return nil, fmt.Errorf("catalog: timestamp response: %w", err)
	}
	return der.Encode(der.Sequence, der.EncodeOID(oidRFC3161), der.Encode(der.Set, token)), nil
}

func (r *TimestampRequest) check(resp []byte) ([]byte, error) {
	token, err := parseTimeStampResp(resp)
	if errors.Is(err, der.ErrIndefinite) {
		// BER: some authorities use indefinite lengths.
		var definite []byte
		if definite, err = der.DefiniteLengths(resp); err == nil {
			token, err = parseTimeStampResp(definite)
		} else {
			err = fmt.Errorf("%w: %w", ErrTimestampMalformed, err)
		}
	}
	if err != nil {
		return nil, err
	}
	ts, tst := parseRFC3161(token, r.signature, nil)
	if ts.Err != nil {
		return nil, ts.Err
	}
	if tst.hash != crypto.SHA256 {
		return nil, fmt.Errorf("%w: the token's message imprint uses %v, the request SHA-256", ErrTimestampMismatch, tst.hash)
	}
	if tst.nonce == nil {
		return nil, fmt.Errorf("%w: the token has no nonce", ErrTimestampNonce)
	}
	if tst.nonce.Cmp(r.nonce) != 0 {
		return nil, fmt.Errorf("%w: token nonce %#x, request %#x", ErrTimestampNonce, tst.nonce, r.nonce)
	}
	if len(tst.certs) == 0 {
		// certReq was true: the TSA must include its certificate (and
		// parseRFC3161, given no others, found the signer's among them).
		return nil, fmt.Errorf("%w: the token does not include it although the request asked for it", ErrTimestampCertificate)
	}
	return tst.token, nil
}

// PKIStatus values and PKIFailureInfo bits (RFC 3161 §2.4.2).
var (
	pkiStatusNames = []string{"granted", "grantedWithMods", "rejection", "waiting", "revocationWarning", "revocationNotification"}
	pkiFailureBits = map[int]string{
		0:  "badAlg",
		2:  "badRequest",
		5:  "badDataFormat",
		14: "timeNotAvailable",
		15: "unacceptedPolicy",
		16: "unacceptedExtension",
		17: "addInfoNotAvailable",
		25: "systemFailure",
	}
)

// parseTimeStampResp reads TimeStampResp ::= SEQUENCE { status
// PKIStatusInfo, timeStampToken ContentInfo OPTIONAL } and returns the
// token's encoding if the status grants it.
func parseTimeStampResp(b []byte) ([]byte, error) {
	malformed := func(what string, err error) error {
		return fmt.Errorf("%w: response %s: %w", ErrTimestampMalformed, what, err)
	}
	r := der.NewReader(b)
	resp, err := r.Read(der.Sequence)
	if err != nil {
		return nil, malformed("TimeStampResp", err)
	}
	rr := der.NewReader(resp)
	info, err := rr.Read(der.Sequence)
	if err != nil {
		return nil, malformed("PKIStatusInfo", err)
	}
	ir := der.NewReader(info)
	st, err := ir.Read(der.Integer)
	if err != nil {
		return nil, malformed("PKIStatus", err)
	}
	status, err := der.ParseInt(st)
	if err != nil {
		return nil, malformed("PKIStatus", err)
	}
	if status != 0 && status != 1 {
		name := "unknown"
		if status >= 0 && status < int64(len(pkiStatusNames)) {
			name = pkiStatusNames[status]
		}
		msg := fmt.Sprintf("status %s (%d)", name, status)
		if text, ok, _ := ir.ReadOptional(der.Sequence); ok {
			var parts []string
			for tr := der.NewReader(text); !tr.Empty() && len(parts) < 4; {
				s, err := tr.Read(der.UTF8String)
				if err != nil {
					break
				}
				if len(s) > 256 {
					s = append(s[:256:256], "..."...)
				}
				parts = append(parts, fmt.Sprintf("%q", s))
			}
			if len(parts) > 0 {
				msg += ", " + strings.Join(parts, " ")
			}
		}
		if bits, ok, _ := ir.ReadOptional(der.BitString); ok && len(bits) > 1 {
			var names []string
			for i := 0; i < 8*(len(bits)-1) && i < 64; i++ {
				if bits[1+i/8]&(0x80>>(i%8)) == 0 {
					continue
				}
				if n, ok := pkiFailureBits[i]; ok {
					names = append(names, n)
				} else {
					names = append(names, fmt.Sprintf("bit %d", i))
				}
			}
			if len(names) > 0 {
				msg += ", failInfo " + strings.Join(names, ",")
			}
		}
		return nil, fmt.Errorf("%w: %s", ErrTimestampRejected, msg)
	}
	_, _, token, err := rr.Next()
	if err != nil {
		return nil, malformed("timeStampToken", fmt.Errorf("status %s but no token: %w", pkiStatusNames[status], err))
	}
	return token, nil
}
