package catalog_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/testasn1"
	"github.com/intactdev/intact/internal/testpki"
	"github.com/intactdev/intact/internal/testtsa"
)

// TestTimestampVectors: every real catalog with a timestamp yields it, with
// the time openssl shows, its kind, the embedded time-stamping certificate
// and no error, which means its imprint or messageDigest is the digest of
// the catalog's real signature and its own signature verifies. Catalogs
// without timestamps have none.
func TestTimestampVectors(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02T15:04:05.999Z", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	// From `openssl pkcs7 -print` (signingTime) and `openssl asn1parse
	// -strparse` of the TSTInfo (genTime).
	want := map[string]struct {
		time    time.Time
		rfc3161 bool
	}{
		"arduino/arduino.cat":                                 {utc("2015-11-24T20:29:27Z"), false},    // GlobalSign, SHA-1
		"arduino/CP210x_6.7.4/slabvcp.cat":                    {utc("2016-10-27T17:04:59Z"), false},    // Microsoft, SHA-1
		"arduino/FTDI USB Drivers/ftdibus.cat":                {utc("2021-07-08T14:55:22.108Z"), true}, // Microsoft
		"deployer/Scripts/Deploy-Bootstrap.cat":               {utc("2026-01-03T08:55:28Z"), false},    // DigiCert, SHA-256
		"pester/lib/catalog.cat":                              {utc("2017-09-07T02:33:53Z"), false},    // Symantec: bare-digest RSA
		"powershell-archive/Microsoft.PowerShell.Archive.cat": {utc("2020-02-11T19:40:42.196Z"), true}, // Microsoft
		"relic/hyperv.cat":                                    {utc("2010-11-20T19:35:21Z"), false},    // Microsoft, sha1 without NULL
		"signify/oem89.cat":                                   {utc("2022-06-30T07:25:13.310Z"), true}, // Microsoft, ".31Z"
		"signify/115fe8649854ad531fb7ecd1318fbee6b33c9cbd78f02ed582092a96d5eb5899.cat": {utc("2025-08-09T21:02:23.072Z"), true},
	}
	seen := 0
	for rel := range vectorCatalogs(t) {
		t.Run(rel, func(t *testing.T) {
			c := parseVector(t, rel)
			w, ok := want[rel]
			var got []catalog.Timestamp
			for _, ts := range c.Timestamps() {
				got = append(got, ts...)
			}
			if !ok {
				if len(got) != 0 {
					t.Fatalf("%d timestamps, want none", len(got))
				}
				return
			}
			seen++
			if len(c.Signers) != 1 || len(got) != 1 {
				t.Fatalf("%d signers with %d timestamps, want one with one", len(c.Signers), len(got))
			}
			ts := got[0]
			if ts.Err != nil {
				t.Errorf("Err = %v", ts.Err)
			}
			if !ts.Time.Equal(w.time) || ts.Time.Location() != time.UTC {
				t.Errorf("Time = %v, want %v", ts.Time, w.time)
			}
			if ts.RFC3161 != w.rfc3161 {
				t.Errorf("RFC3161 = %v, want %v", ts.RFC3161, w.rfc3161)
			}
			if ts.Certificate == nil {
				t.Fatal("no certificate")
			}
			if !slices.Contains(ts.Certificate.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
				t.Errorf("certificate %q lacks the timeStamping EKU", ts.Certificate.Subject)
			}
			if err := c.CheckSignature(); err != nil {
				t.Errorf("the catalog's own signature: %v", err)
			}
		})
	}
	if seen != len(want) {
		t.Errorf("checked %d catalogs with timestamps, want %d", seen, len(want))
	}
}

var (
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidCounterSign   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}
	oidRFC3161       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
	oidSHA256        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidECDSASHA256   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	asn1NULL         = asn1.RawValue{Tag: asn1.TagNull}
)

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

// timestamp has tsa timestamp signature through a TimestampRequest, in
// process, and returns what ParseResponse returns.
func timestamp(tsa *testtsa.TSA, signature []byte) ([]byte, error) {
	req, err := catalog.NewTimestampRequest(signature)
	if err != nil {
		return nil, err
	}
	resp, err := tsa.Respond(req.Bytes())
	if err != nil {
		return nil, err
	}
	return req.ParseResponse(resp)
}

// signTimestamped signs the test catalog with key and certs, timestamped
// by tsa, and returns the catalog and the signature value that was
// timestamped.
func signTimestamped(t *testing.T, tsa *testtsa.TSA, key crypto.Signer, certs ...*x509.Certificate) (der, sig []byte) {
	t.Helper()
	der, err := catalog.Sign(unsignedCatalog(t), key, certs, &catalog.SignOptions{
		UnauthenticatedAttributes: func(s []byte) ([][]byte, error) {
			sig = bytes.Clone(s)
			attr, err := timestamp(tsa, s)
			return [][]byte{attr}, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return der, sig
}

// TestTimestampRequest: a catalog signed with an RFC 3161 timestamp from
// a test TSA (RSA and ECDSA, DER and BER responses) parses back with one
// timestamp at the TSA's time, by the TSA's certificate, without error,
// and still verifies. The request had a SHA-256 imprint of the signature,
// a nonce and certReq.
func TestTimestampRequest(t *testing.T) {
	p, tp := getPKI(t), testtsa.SharedPKI(t)
	for _, tt := range []struct {
		name   string
		tsa    *testpki.Cert
		cfg    testtsa.Config
		key    crypto.Signer
		signer *x509.Certificate
	}{
		{"RSA TSA, RSA signer", tp.RSA, testtsa.Config{}, p.leafKey, p.leaf},
		{"ECDSA TSA, ECDSA signer", tp.ECDSA, testtsa.Config{}, p.ecLeafKey, p.ecLeaf},
		{"ECDSA TSA, RSA signer", tp.ECDSA, testtsa.Config{}, p.leafKey, p.leaf},
		{"BER response", tp.RSA, testtsa.Config{BER: true}, p.ecLeafKey, p.ecLeaf},
		{"grantedWithMods", tp.ECDSA, testtsa.Config{Status: 1, StatusString: "policy changed"}, p.leafKey, p.leaf},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tsa := testtsa.New(tt.tsa, tt.cfg)
			der, sig := signTimestamped(t, tsa, tt.key, tt.signer, p.inter)
			req := tsa.LastRequest()
			imprint := sha256.Sum256(sig)
			if req.Version != 1 || !req.MessageImprint.Algorithm().Equal(oidSHA256) ||
				!bytes.Equal(req.MessageImprint.HashedMessage, imprint[:]) || req.Nonce == nil || req.Nonce.Sign() <= 0 || !req.CertReq {
				t.Errorf("request: version %d, imprint %v %x (signature's %x), nonce %v, certReq %v",
					req.Version, req.MessageImprint.Algorithm(), req.MessageImprint.HashedMessage, imprint, req.Nonce, req.CertReq)
			}
			c := mustParse(t, der)
			if len(c.Signers) != 1 || len(c.Timestamps()[0]) != 1 {
				t.Fatalf("%d signers, want one with one timestamp", len(c.Signers))
			}
			ts := c.Timestamps()[0][0]
			if ts.Err != nil || !ts.RFC3161 || !ts.Time.Equal(tsa.Time) || ts.Time.Nanosecond() != 250e6 ||
				ts.Certificate == nil || !ts.Certificate.Equal(tt.tsa.Cert) {
				t.Fatalf("timestamp %+v, want RFC 3161 at %v by %q", ts, tsa.Time, tt.tsa.Cert.Subject)
			}
			if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.root)}); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("nonces differ", func(t *testing.T) {
		a, err1 := catalog.NewTimestampRequest([]byte("a signature"))
		b, err2 := catalog.NewTimestampRequest([]byte("a signature"))
		if err1 != nil || err2 != nil || bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("two requests for one signature: % x and % x, %v, %v", a.Bytes(), b.Bytes(), err1, err2)
		}
	})
}

// TestTimestampResponseErrors: every way a TSA can fail or lie in its
// response is an error with the reason.
func TestTimestampResponseErrors(t *testing.T) {
	tp := testtsa.SharedPKI(t)
	for _, tt := range []struct {
		name string
		cfg  testtsa.Config
		want error
		msg  string
	}{
		{"rejection", testtsa.Config{Status: 2, FailInfo: 0, StatusString: "SHA-256 is not supported"}, catalog.ErrTimestampRejected,
			`status rejection (2), "SHA-256 is not supported", failInfo badAlg`},
		{"waiting", testtsa.Config{Status: 3, FailInfo: 14}, catalog.ErrTimestampRejected, "status waiting (3), failInfo timeNotAvailable"},
		{"system failure", testtsa.Config{Status: 2, FailInfo: 25}, catalog.ErrTimestampRejected, "failInfo systemFailure"},
		{"not a response", testtsa.Config{Garbage: true}, catalog.ErrTimestampMalformed, "TimeStampResp"},
		{"other imprint", testtsa.Config{WrongImprint: true}, catalog.ErrTimestampMismatch, "message imprint"},
		{"MD5 imprint", testtsa.Config{MD5Imprint: true}, catalog.ErrTimestampMalformed, "message imprint algorithm"},
		{"wrong nonce", testtsa.Config{WrongNonce: true}, catalog.ErrTimestampNonce, "token nonce"},
		{"no nonce", testtsa.Config{NoNonce: true}, catalog.ErrTimestampNonce, "no nonce"},
		{"corrupt signature", testtsa.Config{CorruptSignature: true}, catalog.ErrTimestampSignature, "verification error"},
		{"messageDigest not of the TSTInfo", testtsa.Config{BadMessageDigest: true}, catalog.ErrTimestampSignature, "TSTInfo"},
		{"no certificate", testtsa.Config{NoCerts: true}, catalog.ErrTimestampCertificate, "not embedded"},
		{"key usage forbids signing", testtsa.Config{Signer: tsaWithKeyUsage(t, x509.KeyUsageKeyEncipherment)}, catalog.ErrTimestampUsage,
			`"CN=intact test TSA (keyEncipherment)" may not sign: its key usage allows keyEncipherment only, not digitalSignature or contentCommitment`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			attr, err := timestamp(testtsa.New(tp.RSA, tt.cfg), []byte("a signature"))
			if attr != nil || !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) ||
				!strings.HasPrefix(err.Error(), "catalog: timestamp response: ") {
				t.Fatalf("ParseResponse = %x, %v; want %v with %q", attr, err, tt.want, tt.msg)
			}
		})
	}
	t.Run("response to another request", func(t *testing.T) {
		tsa := testtsa.New(tp.RSA, testtsa.Config{})
		first, _ := catalog.NewTimestampRequest([]byte("a signature"))
		second, _ := catalog.NewTimestampRequest([]byte("a signature"))
		resp, err := tsa.Respond(first.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := second.ParseResponse(resp); !errors.Is(err, catalog.ErrTimestampNonce) {
			t.Fatalf("ParseResponse of the answer to another request = %v, want ErrTimestampNonce", err)
		}
	})
}

// tsaWithKeyUsage returns a time-stamping certificate of the test TSAs'
// root with the key usage bits usage (0: no key usage extension).
func tsaWithKeyUsage(t testing.TB, usage x509.KeyUsage) *testpki.Cert {
	tp := testtsa.SharedPKI(t)
	return tp.Root.Issue(t, fmt.Sprintf("intact test TSA (%v)", usage), testpki.Key(tp.ECDSA.Key),
		testpki.EKU(x509.ExtKeyUsageTimeStamping), testpki.KeyUsage(usage))
}

// TestTimestampParseChecks: Parse checks timestamps it reads. A catalog
// whose signature value changed after timestamping keeps its timestamp,
// now with an imprint mismatch; tokens that do not verify or do not match
// carry the reason. None of this makes Parse fail.
func TestTimestampParseChecks(t *testing.T) {
	p, tp := getPKI(t), testtsa.SharedPKI(t)
	t.Run("tampered signature", func(t *testing.T) {
		tsa := testtsa.New(tp.ECDSA, testtsa.Config{})
		der, sig := signTimestamped(t, tsa, p.leafKey, p.leaf)
		i := bytes.Index(der, sig)
		if i < 0 || bytes.Count(der, sig) != 1 {
			t.Fatal("signature value not found once in the catalog")
		}
		der[i+len(sig)/2] ^= 0x01
		c := mustParse(t, der)
		ts := c.Timestamps()[0]
		if len(ts) != 1 || !errors.Is(ts[0].Err, catalog.ErrTimestampMismatch) || !ts[0].Time.Equal(tsa.Time) || ts[0].Certificate == nil {
			t.Fatalf("timestamps %+v, want one at %v with an imprint mismatch", ts, tsa.Time)
		}
		if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.root)}); !errors.Is(err, catalog.ErrSignature) {
			t.Fatalf("Verify of the tampered catalog = %v", err)
		}
	})
	for _, tt := range []struct {
		name string
		cfg  testtsa.Config
		want error
	}{
		{"good", testtsa.Config{}, nil},
		{"corrupt token signature", testtsa.Config{CorruptSignature: true}, catalog.ErrTimestampSignature},
		{"other imprint", testtsa.Config{WrongImprint: true}, catalog.ErrTimestampMismatch},
		{"messageDigest not of the TSTInfo", testtsa.Config{BadMessageDigest: true}, catalog.ErrTimestampSignature},
		{"no certificate", testtsa.Config{NoCerts: true}, catalog.ErrTimestampCertificate},
		{"BER token", testtsa.Config{BERToken: true}, nil},
		// RSA over the bare digest is accepted from legacy Symantec
		// countersigners only, never in an RFC 3161 token.
		{"bare-digest RSA signature", testtsa.Config{BareDigest: true}, catalog.ErrTimestampSignature},
		{"signature algorithm naming another digest", testtsa.Config{SHA1SigAlg: true}, catalog.ErrTimestampSignature},
		{"MD5 imprint", testtsa.Config{MD5Imprint: true}, catalog.ErrTimestampMalformed},
		{"TSA certificate without the time-stamping EKU", testtsa.Config{Signer: &testpki.Cert{Cert: p.leaf, Key: p.leafKey}}, catalog.ErrTimestampUsage},
		// RFC 5280 §4.2.1.3: a TSA may sign with digitalSignature or
		// nonRepudiation (contentCommitment); no key usage allows anything.
		{"TSA key usage keyEncipherment", testtsa.Config{Signer: tsaWithKeyUsage(t, x509.KeyUsageKeyEncipherment)}, catalog.ErrTimestampUsage},
		{"TSA key usage contentCommitment", testtsa.Config{Signer: tsaWithKeyUsage(t, x509.KeyUsageContentCommitment)}, nil},
		{"TSA without key usage", testtsa.Config{Signer: tsaWithKeyUsage(t, 0)}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tsa := testtsa.New(tp.RSA, tt.cfg)
			der, err := catalog.Sign(unsignedCatalog(t), p.ecLeafKey, []*x509.Certificate{p.ecLeaf}, &catalog.SignOptions{
				UnauthenticatedAttributes: func(sig []byte) ([][]byte, error) {
					return [][]byte{tsa.Token(sig)}, nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			c := mustParse(t, der)
			ts := c.Timestamps()[0]
			if len(ts) != 1 || !errors.Is(ts[0].Err, tt.want) || (tt.want == nil) != (ts[0].Err == nil) || !ts[0].Time.Equal(tsa.Time) {
				t.Fatalf("timestamps %+v, want one at %v with Err %v", ts, tsa.Time, tt.want)
			}
			if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.ecLeaf)}); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

// counterSignature builds a legacy PKCS #9 countersignature attribute over
// sig by key and cert, with the given signing time encoding, or with a
// wrong messageDigest.
func counterSignature(t testing.TB, sig []byte, key crypto.Signer, cert *x509.Certificate, signingTime []byte, wrongDigest bool) []byte {
	t.Helper()
	digest := sha256.Sum256(sig)
	if wrongDigest {
		digest[0] ^= 1
	}
	attrs := [][]byte{
		testasn1.Attribute(oidContentType, testasn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1})),
		testasn1.Attribute(oidMessageDigest, testasn1.Marshal(digest[:])),
	}
	if signingTime != nil {
		attrs = append(attrs, testasn1.Attribute(oidSigningTime, signingTime))
	}
	slices.SortFunc(attrs, bytes.Compare)
	signed := sha256.Sum256(testasn1.Set(attrs...))
	s, err := key.Sign(rand.Reader, signed[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	sigAlg := algorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}, Parameters: asn1NULL}
	if _, ok := key.(*rsa.PrivateKey); !ok {
		sigAlg = algorithmIdentifier{Algorithm: oidECDSASHA256}
	}
	return testasn1.Attribute(oidCounterSign, testasn1.Sequence(
		testasn1.Marshal(1),
		testasn1.Sequence(cert.RawIssuer, testasn1.Marshal(cert.SerialNumber)),
		testasn1.Marshal(algorithmIdentifier{Algorithm: oidSHA256}),
		testasn1.Constructed(asn1.ClassContextSpecific, 0, attrs...),
		testasn1.Marshal(sigAlg),
		testasn1.Marshal(s),
	))
}

// TestTimestampMalformedAttributes: whatever the unauthenticated
// attributes hold, Parse succeeds, the signature still verifies, and each
// timestamp attribute value becomes one Timestamp: with Err when it cannot
// be read or does not check out. Other attributes are ignored.
func TestTimestampMalformedAttributes(t *testing.T) {
	p, tp := getPKI(t), testtsa.SharedPKI(t)
	utcTime := testasn1.Marshal(asn1.RawValue{Tag: asn1.TagUTCTime, Bytes: []byte("260102030405Z")})
	genTime := testasn1.Marshal(asn1.RawValue{Tag: asn1.TagGeneralizedTime, Bytes: []byte("20260102030405.5Z")})
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	octets := func(s string) []byte { return testasn1.Marshal([]byte(s)) }
	deep := bytes.Repeat([]byte{0x30, 0x80}, 5000)
	type result struct {
		rfc3161 bool
		err     error // nil: Err must be nil
		time    time.Time
	}
	malformed := func(rfc3161 bool) result { return result{rfc3161, catalog.ErrTimestampMalformed, time.Time{}} }
	for _, tt := range []struct {
		name  string
		attrs func(sig []byte) [][]byte
		want  []result
	}{
		{"other attribute", func([]byte) [][]byte {
			return [][]byte{testasn1.Attribute(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}, octets("nested signature"))}
		}, nil},
		{"not an attribute", func([]byte) [][]byte { return [][]byte{octets("garbage")} }, nil},
		{"attribute without values", func([]byte) [][]byte { return [][]byte{testasn1.Sequence(testasn1.Marshal(oidRFC3161))} }, []result{malformed(true)}},
		{"empty value set", func([]byte) [][]byte { return [][]byte{testasn1.Attribute(oidRFC3161)} }, []result{malformed(true)}},
		{"token not a ContentInfo", func([]byte) [][]byte { return [][]byte{testasn1.Attribute(oidRFC3161, octets("garbage"))} }, []result{malformed(true)}},
		{"empty token", func([]byte) [][]byte { return [][]byte{testasn1.Attribute(oidRFC3161, testasn1.Sequence())} }, []result{malformed(true)}},
		{"token of another type", func([]byte) [][]byte {
			return [][]byte{testasn1.Attribute(oidRFC3161, testasn1.Sequence(testasn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}), octets("x")))}
		}, []result{malformed(true)}},
		{"truncated value", func([]byte) [][]byte {
			return [][]byte{testasn1.Sequence(testasn1.Marshal(oidRFC3161), testasn1.Set([]byte{0x30, 0x05, 0x01}))}
		}, []result{malformed(true)}},
		{"deeply nested BER", func([]byte) [][]byte { return [][]byte{testasn1.Attribute(oidRFC3161, deep)} }, []result{malformed(true)}},
		{"countersignature not a SignerInfo", func([]byte) [][]byte { return [][]byte{testasn1.Attribute(oidCounterSign, testasn1.Marshal(5))} }, []result{malformed(false)}},
		{"empty countersignature", func([]byte) [][]byte { return [][]byte{testasn1.Attribute(oidCounterSign, testasn1.Sequence())} }, []result{malformed(false)}},
		{"countersignature without signingTime", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ECDSA.Key, tp.ECDSA.Cert, nil, false)}
		}, []result{malformed(false)}},
		{"countersignature with a bad time", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ECDSA.Key, tp.ECDSA.Cert, octets("yesterday"), false)}
		}, []result{malformed(false)}},
		{"countersignature, certificate not embedded", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.OtherRoot.Key, tp.OtherRoot.Cert, utcTime, false)}
		}, []result{{false, catalog.ErrTimestampCertificate, when}}},
		{"countersignature over another signature", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ECDSA.Key, p.ecLeaf, utcTime, true)}
		}, []result{{false, catalog.ErrTimestampMismatch, when}}},
		{"countersignature by another key", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ECDSA.Key, tp.RSA.Cert, genTime, false)}
		}, []result{{false, catalog.ErrTimestampSignature, when.Add(500 * time.Millisecond)}}},
		{"countersigner without the time-stamping EKU", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, p.ecLeafKey, p.ecLeaf, utcTime, false)}
		}, []result{{false, catalog.ErrTimestampUsage, when}}},
		{"good countersignature (ECDSA)", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ECDSA.Key, tp.ECDSA.Cert, utcTime, false)}
		}, []result{{false, nil, when}}},
		{"good countersignature (RSA)", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.RSA.Key, tp.RSA.Cert, genTime, false)}
		}, []result{{false, nil, when.Add(500 * time.Millisecond)}}},
		{"two values", func(sig []byte) [][]byte {
			return [][]byte{testasn1.Attribute(oidCounterSign, testasn1.Sequence(), testasn1.Marshal(5))}
		}, []result{malformed(false), malformed(false)}},
		{"too many", func([]byte) [][]byte {
			var attrs [][]byte
			for i := range 40 {
				attrs = append(attrs, testasn1.Attribute(oidRFC3161, octets(fmt.Sprint(i))))
			}
			return attrs
		}, append(slices.Repeat([]result{malformed(true)}, 16), result{true, errors.New("more than 16"), time.Time{}})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The time-stamping certificates and p.leaf are embedded for
			// the countersignatures.
			der, err := catalog.Sign(unsignedCatalog(t), p.ecLeafKey, []*x509.Certificate{p.ecLeaf, p.leaf, tp.RSA.Cert, tp.ECDSA.Cert}, &catalog.SignOptions{
				UnauthenticatedAttributes: func(sig []byte) ([][]byte, error) { return tt.attrs(sig), nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			c := mustParse(t, der)
			if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.ecLeaf)}); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			got := c.Timestamps()[0]
			if len(got) != len(tt.want) {
				t.Fatalf("%d timestamps, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				errOK := (w.err == nil) == (g.Err == nil) && (w.err == nil || errors.Is(g.Err, w.err) ||
					strings.Contains(fmt.Sprint(g.Err), w.err.Error()))
				if g.RFC3161 != w.rfc3161 || !errOK || !g.Time.Equal(w.time) {
					t.Errorf("timestamp %d: RFC3161 %v, Err %v, Time %v; want %v, %v, %v", i, g.RFC3161, g.Err, g.Time, w.rfc3161, w.err, w.time)
				}
			}
		})
	}
}

// TestTimestampOsslsigncode: osslsigncode verifies a catalog signed and
// timestamped here, reports the timestamp, and refuses it when the TSA's
// root is not the one given.
func TestTimestampOsslsigncode(t *testing.T) {
	tool := osslsigncode(t)
	p, tp := getPKI(t), testtsa.SharedPKI(t)
	for _, tt := range []struct {
		name string
		tsa  *testpki.Cert
	}{{"RSA TSA", tp.RSA}, {"ECDSA TSA", tp.ECDSA}} {
		t.Run(tt.name, func(t *testing.T) {
			tsa := testtsa.New(tt.tsa, testtsa.Config{})
			der, _ := signTimestamped(t, tsa, p.leafKey, p.leaf, p.inter)
			path := filepath.Join(t.TempDir(), "signed.cat")
			if err := os.WriteFile(path, der, 0o644); err != nil {
				t.Fatal(err)
			}
			rootPEM := writePEM(t, "root.pem", "CERTIFICATE", p.root.Raw)
			tsaRootPEM := writePEM(t, "tsaroot.pem", "CERTIFICATE", tp.Root.Cert.Raw)
			otherPEM := writePEM(t, "other.pem", "CERTIFICATE", tp.OtherRoot.Cert.Raw)
			out, err := run(t, tool, "verify", "-in", path, "-CAfile", rootPEM, "-TSA-CAfile", tsaRootPEM)
			if err != nil {
				t.Fatalf("osslsigncode verify: %v\n%s", err, out)
			}
			stamp := tsa.Time.Format("Jan _2 15:04:05 2006")
			if !strings.Contains(out, "Timestamp time: "+stamp) || !strings.Contains(out, "Timestamp Server Signature verification: ok") {
				t.Fatalf("osslsigncode does not report the timestamp at %s:\n%s", stamp, out)
			}
			// osslsigncode 2.9 reports a timestamp that does not verify but
			// still exits 0 when the signature itself verifies.
			out, _ = run(t, tool, "verify", "-in", path, "-CAfile", rootPEM, "-TSA-CAfile", otherPEM)
			if !strings.Contains(out, "Timestamp Server Signature verification: failed") {
				t.Fatalf("osslsigncode accepted the timestamp with an unrelated TSA root:\n%s", out)
			}
		})
	}
}
