package catalog_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/testpki"
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

// tsaPKI is a root and two time-stamping authorities under it, made once
// per test binary.
type tsaPKI struct {
	root, otherRoot *testpki.Cert
	rsa, ecdsa      *testpki.Cert // timeStamping EKU
}

var getTSAPKI = testpki.Shared(func(t testing.TB) *tsaPKI {
	now := time.Now()
	year := 365 * 24 * time.Hour
	root := testpki.SelfSigned(t, "intact test TSA root", testpki.CA(), testpki.Valid(now.Add(-5*year), now.Add(10*year)))
	valid := testpki.Valid(now.Add(-year), now.Add(year))
	tsEKU := testpki.EKU(x509.ExtKeyUsageTimeStamping)
	return &tsaPKI{
		root:      root,
		otherRoot: testpki.SelfSigned(t, "unrelated TSA root", testpki.CA()),
		rsa:       root.Issue(t, "intact test RSA TSA", testpki.RSA(), tsEKU, valid),
		ecdsa:     root.Issue(t, "intact test ECDSA TSA", tsEKU, valid),
	}
})

// tsaConfig is how a test TSA behaves; the zero value is a correct TSA.
type tsaConfig struct {
	httpStatus       int // answer with this HTTP error instead
	status           int // PKIStatus
	failInfo         int // with status >= 2: a PKIFailureInfo bit
	statusString     string
	wrongImprint     bool // timestamp another digest
	wrongNonce       bool
	noNonce          bool
	noCerts          bool          // ignore certReq
	corruptSignature bool          // flip a bit of the token's signature
	badMessageDigest bool          // signed messageDigest not of the TSTInfo
	ber              bool          // indefinite lengths throughout the response
	berToken         bool          // indefinite lengths in the token only
	garbage          bool          // a body that is not a TimeStampResp
	bareDigest       bool          // RSA over the bare digest, without DigestInfo
	sha1SigAlg       bool          // name sha1WithRSA while signing a SHA-256 digest
	md5Imprint       bool          // label the imprint's algorithm MD5
	tsaLeaf          *testpki.Cert // sign with this certificate instead
}

// testTSA is an RFC 3161 time-stamping authority over HTTP.
type testTSA struct {
	*httptest.Server
	signer *testpki.Cert
	cfg    tsaConfig
	time   time.Time // genTime, with milliseconds

	mu      sync.Mutex
	lastReq timeStampReq
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type messageImprint struct {
	HashAlgorithm algorithmIdentifier
	HashedMessage []byte
}

type timeStampReq struct {
	Version        int
	MessageImprint messageImprint
	ReqPolicy      asn1.ObjectIdentifier `asn1:"optional"`
	Nonce          *big.Int              `asn1:"optional"`
	CertReq        bool                  `asn1:"optional"`
	Extensions     asn1.RawValue         `asn1:"optional,tag:0"`
}

type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint messageImprint
	SerialNumber   *big.Int
	GenTime        asn1.RawValue
	Nonce          *big.Int `asn1:"optional"`
}

var (
	oidTSTInfo       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidCounterSign   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}
	oidSigningCertV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidRFC3161       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
	oidSHA256        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidRSASHA256     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidECDSASHA256   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	asn1NULL         = asn1.RawValue{Tag: asn1.TagNull}
)

func newTSA(t testing.TB, signer *testpki.Cert, cfg tsaConfig) *testTSA {
	t.Helper()
	tsa := &testTSA{
		signer: signer,
		cfg:    cfg,
		time:   time.Now().UTC().Truncate(time.Second).Add(-time.Minute + 250*time.Millisecond),
	}
	tsa.Server = httptest.NewServer(tsa)
	t.Cleanup(tsa.Close)
	return tsa
}

func (tsa *testTSA) authority() *catalog.TimestampAuthority {
	return &catalog.TimestampAuthority{URL: tsa.URL, Client: tsa.Client()}
}

func (tsa *testTSA) request() timeStampReq {
	tsa.mu.Lock()
	defer tsa.mu.Unlock()
	return tsa.lastReq
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// constructed encodes a constructed element from already encoded elements.
func constructed(class, tag int, elems ...[]byte) []byte {
	return mustMarshal(asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: bytes.Join(elems, nil)})
}

func sequence(elems ...[]byte) []byte {
	return constructed(asn1.ClassUniversal, asn1.TagSequence, elems...)
}

// attribute encodes Attribute{type, SET OF values}.
func attribute(oid asn1.ObjectIdentifier, values ...[]byte) []byte {
	return sequence(mustMarshal(oid), constructed(asn1.ClassUniversal, asn1.TagSet, values...))
}

func (tsa *testTSA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cfg := tsa.cfg
	body, _ := io.ReadAll(r.Body)
	var req timeStampReq
	if rest, err := asn1.Unmarshal(body, &req); err != nil || len(rest) > 0 || r.Method != http.MethodPost ||
		r.Header.Get("Content-Type") != "application/timestamp-query" {
		http.Error(w, fmt.Sprintf("bad request: %v", err), http.StatusBadRequest)
		return
	}
	tsa.mu.Lock()
	tsa.lastReq = req
	tsa.mu.Unlock()
	if cfg.httpStatus != 0 {
		http.Error(w, "the TSA is down", cfg.httpStatus)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	if cfg.garbage {
		w.Write([]byte("<html>not a TimeStampResp</html>"))
		return
	}
	status := [][]byte{mustMarshal(cfg.status)}
	if cfg.statusString != "" {
		status = append(status, sequence(mustMarshal(asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(cfg.statusString)})))
	}
	if cfg.status >= 2 {
		bits := make([]byte, cfg.failInfo/8+1)
		bits[cfg.failInfo/8] = 0x80 >> (cfg.failInfo % 8)
		status = append(status, mustMarshal(asn1.BitString{Bytes: bits, BitLength: cfg.failInfo + 1}))
		w.Write(sequence(sequence(status...)))
		return
	}
	token := tsa.token(req, cfg)
	if cfg.berToken {
		token = indefinite(token)
	}
	resp := sequence(sequence(status...), token)
	if cfg.ber {
		resp = indefinite(resp)
	}
	w.Write(resp)
}

// token makes a TimeStampToken for req.
func (tsa *testTSA) token(req timeStampReq, cfg tsaConfig) []byte {
	info := tstInfo{
		Version:        1,
		Policy:         asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
		MessageImprint: req.MessageImprint,
		SerialNumber:   big.NewInt(time.Now().UnixNano()),
		GenTime:        asn1.RawValue{Tag: asn1.TagGeneralizedTime, Bytes: []byte(tsa.time.Format("20060102150405.999Z"))},
		Nonce:          req.Nonce,
	}
	if cfg.wrongImprint {
		other := sha256.Sum256([]byte("some other signature"))
		info.MessageImprint.HashedMessage = other[:]
	}
	if cfg.wrongNonce {
		info.Nonce = new(big.Int).Add(req.Nonce, big.NewInt(1))
	}
	if cfg.md5Imprint {
		info.MessageImprint.HashAlgorithm = algorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}, Parameters: asn1NULL}
	}
	if cfg.noNonce {
		info.Nonce = nil
	}
	tst := mustMarshal(info)
	signer := tsa.signer
	if cfg.tsaLeaf != nil {
		signer = cfg.tsaLeaf
	}
	cert := signer.Cert
	digest := sha256.Sum256(tst)
	if cfg.badMessageDigest {
		digest[0] ^= 1
	}
	certHash := sha256.Sum256(cert.Raw)
	attrs := [][]byte{
		attribute(oidContentType, mustMarshal(oidTSTInfo)),
		attribute(oidMessageDigest, mustMarshal(digest[:])),
		// SigningCertificateV2{certs SEQUENCE OF ESSCertIDv2{certHash}}
		attribute(oidSigningCertV2, sequence(sequence(sequence(mustMarshal(certHash[:]))))),
	}
	slices.SortFunc(attrs, bytes.Compare)
	signed := sha256.Sum256(constructed(asn1.ClassUniversal, asn1.TagSet, attrs...))
	sig, err := signer.Key.Sign(rand.Reader, signed[:], crypto.SHA256)
	if cfg.bareDigest {
		sig, err = rsa.SignPKCS1v15(rand.Reader, signer.Key.(*rsa.PrivateKey), 0, signed[:])
	}
	if err != nil {
		panic(err)
	}
	if cfg.corruptSignature {
		sig[len(sig)-1] ^= 1
	}
	sigAlg := algorithmIdentifier{Algorithm: oidRSASHA256, Parameters: asn1NULL}
	if cfg.sha1SigAlg {
		sigAlg.Algorithm = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	}
	if _, ok := signer.Key.(*ecdsa.PrivateKey); ok {
		sigAlg = algorithmIdentifier{Algorithm: oidECDSASHA256}
	}
	signerInfo := sequence(
		mustMarshal(1),
		sequence(cert.RawIssuer, mustMarshal(cert.SerialNumber)),
		mustMarshal(algorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1NULL}),
		constructed(asn1.ClassContextSpecific, 0, attrs...),
		mustMarshal(sigAlg),
		mustMarshal(sig),
	)
	sd := [][]byte{
		mustMarshal(3),
		constructed(asn1.ClassUniversal, asn1.TagSet, mustMarshal(algorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1NULL})),
		sequence(mustMarshal(oidTSTInfo), constructed(asn1.ClassContextSpecific, 0, mustMarshal(tst))),
	}
	if req.CertReq && !cfg.noCerts {
		sd = append(sd, constructed(asn1.ClassContextSpecific, 0, cert.Raw))
	}
	sd = append(sd, constructed(asn1.ClassUniversal, asn1.TagSet, signerInfo))
	return sequence(mustMarshal(oidSignedData), constructed(asn1.ClassContextSpecific, 0, sequence(sd...)))
}

// indefinite re-encodes every constructed element of DER with an
// indefinite length: valid BER that some TSAs send.
func indefinite(der []byte) []byte {
	var out []byte
	for rest := der; len(rest) > 0; {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			panic(err)
		}
		if !v.IsCompound {
			out = append(out, v.FullBytes...)
			continue
		}
		hdr := len(v.FullBytes) - len(v.Bytes)
		out = append(out, v.FullBytes[0], 0x80)
		out = append(out, indefinite(v.FullBytes[hdr:])...)
		out = append(out, 0, 0)
	}
	return out
}

// signTimestamped signs the test catalog with key and certs, timestamped
// by tsa, and returns the catalog and the signature value that was
// timestamped.
func signTimestamped(t *testing.T, tsa *catalog.TimestampAuthority, key crypto.Signer, certs ...*x509.Certificate) (der, sig []byte) {
	t.Helper()
	der, err := catalog.Sign(unsignedCatalog(t), key, certs, &catalog.SignOptions{
		UnauthenticatedAttributes: func(s []byte) ([][]byte, error) {
			sig = bytes.Clone(s)
			attr, err := tsa.Timestamp(context.Background(), s)
			return [][]byte{attr}, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return der, sig
}

// TestTimestampAuthority: a catalog signed with an RFC 3161 timestamp from
// a test TSA (RSA and ECDSA, DER and BER responses) parses back with one
// timestamp at the TSA's time, by the TSA's certificate, without error,
// and still verifies. The request had a SHA-256 imprint of the signature,
// a nonce and certReq.
func TestTimestampAuthority(t *testing.T) {
	p, tp := getPKI(t), getTSAPKI(t)
	for _, tt := range []struct {
		name   string
		tsa    *testpki.Cert
		cfg    tsaConfig
		key    crypto.Signer
		signer *x509.Certificate
	}{
		{"RSA TSA, RSA signer", tp.rsa, tsaConfig{}, p.leafKey, p.leaf},
		{"ECDSA TSA, ECDSA signer", tp.ecdsa, tsaConfig{}, p.ecLeafKey, p.ecLeaf},
		{"ECDSA TSA, RSA signer", tp.ecdsa, tsaConfig{}, p.leafKey, p.leaf},
		{"BER response", tp.rsa, tsaConfig{ber: true}, p.ecLeafKey, p.ecLeaf},
		{"grantedWithMods", tp.ecdsa, tsaConfig{status: 1, statusString: "policy changed"}, p.leafKey, p.leaf},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tsa := newTSA(t, tt.tsa, tt.cfg)
			der, sig := signTimestamped(t, tsa.authority(), tt.key, tt.signer, p.inter)
			req := tsa.request()
			imprint := sha256.Sum256(sig)
			if req.Version != 1 || !req.MessageImprint.HashAlgorithm.Algorithm.Equal(oidSHA256) ||
				!bytes.Equal(req.MessageImprint.HashedMessage, imprint[:]) || req.Nonce == nil || req.Nonce.Sign() <= 0 || !req.CertReq {
				t.Errorf("request: version %d, imprint %v %x (signature's %x), nonce %v, certReq %v",
					req.Version, req.MessageImprint.HashAlgorithm.Algorithm, req.MessageImprint.HashedMessage, imprint, req.Nonce, req.CertReq)
			}
			c := mustParse(t, der)
			if len(c.Signers) != 1 || len(c.Timestamps()[0]) != 1 {
				t.Fatalf("%d signers, want one with one timestamp", len(c.Signers))
			}
			ts := c.Timestamps()[0][0]
			if ts.Err != nil || !ts.RFC3161 || !ts.Time.Equal(tsa.time) || ts.Time.Nanosecond() != 250e6 ||
				ts.Certificate == nil || !ts.Certificate.Equal(tt.tsa.Cert) {
				t.Fatalf("timestamp %+v, want RFC 3161 at %v by %q", ts, tsa.time, tt.tsa.Cert.Subject)
			}
			if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.root)}); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(der, []byte{0x80, 0, 0}) && tt.cfg.ber {
				// The token is stored with definite lengths (a loose
				// check: these bytes could occur by chance).
				t.Log("catalog contains 80 00 00")
			}
		})
	}
}

// TestTimestampAuthorityErrors: every way a TSA can fail or lie is an
// error naming the URL and the reason.
func TestTimestampAuthorityErrors(t *testing.T) {
	tp := getTSAPKI(t)
	for _, tt := range []struct {
		name string
		cfg  tsaConfig
		want error
		msg  string
	}{
		{"rejection", tsaConfig{status: 2, failInfo: 0, statusString: "SHA-256 is not supported"}, catalog.ErrTimestampRejected,
			`status rejection (2), "SHA-256 is not supported", failInfo badAlg`},
		{"waiting", tsaConfig{status: 3, failInfo: 14}, catalog.ErrTimestampRejected, "status waiting (3), failInfo timeNotAvailable"},
		{"system failure", tsaConfig{status: 2, failInfo: 25}, catalog.ErrTimestampRejected, "failInfo systemFailure"},
		{"HTTP 500", tsaConfig{httpStatus: http.StatusInternalServerError}, catalog.ErrTimestampRejected, "HTTP status 500"},
		{"not a response", tsaConfig{garbage: true}, catalog.ErrTimestampMalformed, "TimeStampResp"},
		{"other imprint", tsaConfig{wrongImprint: true}, catalog.ErrTimestampMismatch, "message imprint"},
		{"wrong nonce", tsaConfig{wrongNonce: true}, catalog.ErrTimestampNonce, "token nonce"},
		{"no nonce", tsaConfig{noNonce: true}, catalog.ErrTimestampNonce, "no nonce"},
		{"corrupt signature", tsaConfig{corruptSignature: true}, catalog.ErrTimestampSignature, "verification error"},
		{"messageDigest not of the TSTInfo", tsaConfig{badMessageDigest: true}, catalog.ErrTimestampSignature, "TSTInfo"},
		{"no certificate", tsaConfig{noCerts: true}, catalog.ErrTimestampCertificate, "not embedded"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tsa := newTSA(t, tp.rsa, tt.cfg)
			attr, err := tsa.authority().Timestamp(context.Background(), []byte("a signature"))
			if attr != nil || !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), tsa.URL) {
				t.Fatalf("Timestamp = %x, %v; want %v naming %s with %q", attr, err, tt.want, tsa.URL, tt.msg)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		tsa := newTSA(t, tp.rsa, tsaConfig{})
		tsa.Close()
		_, err := tsa.authority().Timestamp(context.Background(), []byte("a signature"))
		if err == nil || !strings.Contains(err.Error(), tsa.URL) {
			t.Fatalf("Timestamp from a closed server = %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		tsa := newTSA(t, tp.rsa, tsaConfig{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := tsa.authority().Timestamp(ctx, []byte("a signature")); !errors.Is(err, context.Canceled) {
			t.Fatalf("Timestamp with a cancelled context = %v", err)
		}
	})
}

// rawToken asks tsa for a token over sig without any of Timestamp's
// checks, and returns it as an unauthenticated attribute.
func rawToken(t testing.TB, tsa *testTSA, sig []byte) []byte {
	t.Helper()
	digest := sha256.Sum256(sig)
	req := mustMarshal(timeStampReq{
		Version:        1,
		MessageImprint: messageImprint{algorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1NULL}, digest[:]},
		Nonce:          big.NewInt(7),
		CertReq:        true,
	})
	resp, err := tsa.Client().Post(tsa.URL, "application/timestamp-query", bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	// TimeStampResp{status, token}, split by hand: the token may be BER.
	var tsr, status asn1.RawValue
	if _, err := asn1.Unmarshal(body, &tsr); err != nil {
		t.Fatal(err)
	}
	token, err := asn1.Unmarshal(tsr.Bytes, &status)
	if err != nil {
		t.Fatal(err)
	}
	return attribute(oidRFC3161, token)
}

// TestTimestampParseChecks: Parse checks timestamps it reads. A catalog
// whose signature value changed after timestamping keeps its timestamp,
// now with an imprint mismatch; tokens that do not verify or do not match
// carry the reason. None of this makes Parse fail.
func TestTimestampParseChecks(t *testing.T) {
	p, tp := getPKI(t), getTSAPKI(t)
	t.Run("tampered signature", func(t *testing.T) {
		tsa := newTSA(t, tp.ecdsa, tsaConfig{})
		der, sig := signTimestamped(t, tsa.authority(), p.leafKey, p.leaf)
		i := bytes.Index(der, sig)
		if i < 0 || bytes.Count(der, sig) != 1 {
			t.Fatal("signature value not found once in the catalog")
		}
		der[i+len(sig)/2] ^= 0x01
		c := mustParse(t, der)
		ts := c.Timestamps()[0]
		if len(ts) != 1 || !errors.Is(ts[0].Err, catalog.ErrTimestampMismatch) || !ts[0].Time.Equal(tsa.time) || ts[0].Certificate == nil {
			t.Fatalf("timestamps %+v, want one at %v with an imprint mismatch", ts, tsa.time)
		}
		if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.root)}); !errors.Is(err, catalog.ErrSignature) {
			t.Fatalf("Verify of the tampered catalog = %v", err)
		}
	})
	for _, tt := range []struct {
		name string
		cfg  tsaConfig
		want error
	}{
		{"good", tsaConfig{}, nil},
		{"corrupt token signature", tsaConfig{corruptSignature: true}, catalog.ErrTimestampSignature},
		{"other imprint", tsaConfig{wrongImprint: true}, catalog.ErrTimestampMismatch},
		{"messageDigest not of the TSTInfo", tsaConfig{badMessageDigest: true}, catalog.ErrTimestampSignature},
		{"no certificate", tsaConfig{noCerts: true}, catalog.ErrTimestampCertificate},
		{"BER token", tsaConfig{berToken: true}, nil},
		// RSA over the bare digest is accepted from legacy Symantec
		// countersigners only, never in an RFC 3161 token.
		{"bare-digest RSA signature", tsaConfig{bareDigest: true}, catalog.ErrTimestampSignature},
		{"signature algorithm naming another digest", tsaConfig{sha1SigAlg: true}, catalog.ErrTimestampSignature},
		{"MD5 imprint", tsaConfig{md5Imprint: true}, catalog.ErrTimestampMalformed},
		{"TSA certificate without the time-stamping EKU", tsaConfig{tsaLeaf: &testpki.Cert{Cert: p.leaf, Key: p.leafKey}}, catalog.ErrTimestampUsage},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tsa := newTSA(t, tp.rsa, tt.cfg)
			der, err := catalog.Sign(unsignedCatalog(t), p.ecLeafKey, []*x509.Certificate{p.ecLeaf}, &catalog.SignOptions{
				UnauthenticatedAttributes: func(sig []byte) ([][]byte, error) {
					return [][]byte{rawToken(t, tsa, sig)}, nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			c := mustParse(t, der)
			ts := c.Timestamps()[0]
			if len(ts) != 1 || !errors.Is(ts[0].Err, tt.want) || (tt.want == nil) != (ts[0].Err == nil) || !ts[0].Time.Equal(tsa.time) {
				t.Fatalf("timestamps %+v, want one at %v with Err %v", ts, tsa.time, tt.want)
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
		attribute(oidContentType, mustMarshal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1})),
		attribute(oidMessageDigest, mustMarshal(digest[:])),
	}
	if signingTime != nil {
		attrs = append(attrs, attribute(oidSigningTime, signingTime))
	}
	slices.SortFunc(attrs, bytes.Compare)
	signed := sha256.Sum256(constructed(asn1.ClassUniversal, asn1.TagSet, attrs...))
	s, err := key.Sign(rand.Reader, signed[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	sigAlg := algorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}, Parameters: asn1NULL}
	if _, ok := key.(*rsa.PrivateKey); !ok {
		sigAlg = algorithmIdentifier{Algorithm: oidECDSASHA256}
	}
	return attribute(oidCounterSign, sequence(
		mustMarshal(1),
		sequence(cert.RawIssuer, mustMarshal(cert.SerialNumber)),
		mustMarshal(algorithmIdentifier{Algorithm: oidSHA256}),
		constructed(asn1.ClassContextSpecific, 0, attrs...),
		mustMarshal(sigAlg),
		mustMarshal(s),
	))
}

// TestTimestampMalformedAttributes: whatever the unauthenticated
// attributes hold, Parse succeeds, the signature still verifies, and each
// timestamp attribute value becomes one Timestamp: with Err when it cannot
// be read or does not check out. Other attributes are ignored.
func TestTimestampMalformedAttributes(t *testing.T) {
	p, tp := getPKI(t), getTSAPKI(t)
	utcTime := mustMarshal(asn1.RawValue{Tag: asn1.TagUTCTime, Bytes: []byte("260102030405Z")})
	genTime := mustMarshal(asn1.RawValue{Tag: asn1.TagGeneralizedTime, Bytes: []byte("20260102030405.5Z")})
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	octets := func(s string) []byte { return mustMarshal([]byte(s)) }
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
			return [][]byte{attribute(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}, octets("nested signature"))}
		}, nil},
		{"not an attribute", func([]byte) [][]byte { return [][]byte{octets("garbage")} }, nil},
		{"attribute without values", func([]byte) [][]byte { return [][]byte{sequence(mustMarshal(oidRFC3161))} }, []result{malformed(true)}},
		{"empty value set", func([]byte) [][]byte { return [][]byte{attribute(oidRFC3161)} }, []result{malformed(true)}},
		{"token not a ContentInfo", func([]byte) [][]byte { return [][]byte{attribute(oidRFC3161, octets("garbage"))} }, []result{malformed(true)}},
		{"empty token", func([]byte) [][]byte { return [][]byte{attribute(oidRFC3161, sequence())} }, []result{malformed(true)}},
		{"token of another type", func([]byte) [][]byte {
			return [][]byte{attribute(oidRFC3161, sequence(mustMarshal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}), octets("x")))}
		}, []result{malformed(true)}},
		{"truncated value", func([]byte) [][]byte {
			return [][]byte{sequence(mustMarshal(oidRFC3161), constructed(asn1.ClassUniversal, asn1.TagSet, []byte{0x30, 0x05, 0x01}))}
		}, []result{malformed(true)}},
		{"deeply nested BER", func([]byte) [][]byte { return [][]byte{attribute(oidRFC3161, deep)} }, []result{malformed(true)}},
		{"countersignature not a SignerInfo", func([]byte) [][]byte { return [][]byte{attribute(oidCounterSign, mustMarshal(5))} }, []result{malformed(false)}},
		{"empty countersignature", func([]byte) [][]byte { return [][]byte{attribute(oidCounterSign, sequence())} }, []result{malformed(false)}},
		{"countersignature without signingTime", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ecdsa.Key, tp.ecdsa.Cert, nil, false)}
		}, []result{malformed(false)}},
		{"countersignature with a bad time", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ecdsa.Key, tp.ecdsa.Cert, octets("yesterday"), false)}
		}, []result{malformed(false)}},
		{"countersignature, certificate not embedded", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.otherRoot.Key, tp.otherRoot.Cert, utcTime, false)}
		}, []result{{false, catalog.ErrTimestampCertificate, when}}},
		{"countersignature over another signature", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ecdsa.Key, p.ecLeaf, utcTime, true)}
		}, []result{{false, catalog.ErrTimestampMismatch, when}}},
		{"countersignature by another key", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ecdsa.Key, tp.rsa.Cert, genTime, false)}
		}, []result{{false, catalog.ErrTimestampSignature, when.Add(500 * time.Millisecond)}}},
		{"countersigner without the time-stamping EKU", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, p.ecLeafKey, p.ecLeaf, utcTime, false)}
		}, []result{{false, catalog.ErrTimestampUsage, when}}},
		{"good countersignature (ECDSA)", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.ecdsa.Key, tp.ecdsa.Cert, utcTime, false)}
		}, []result{{false, nil, when}}},
		{"good countersignature (RSA)", func(sig []byte) [][]byte {
			return [][]byte{counterSignature(t, sig, tp.rsa.Key, tp.rsa.Cert, genTime, false)}
		}, []result{{false, nil, when.Add(500 * time.Millisecond)}}},
		{"two values", func(sig []byte) [][]byte {
			return [][]byte{attribute(oidCounterSign, sequence(), mustMarshal(5))}
		}, []result{malformed(false), malformed(false)}},
		{"too many", func([]byte) [][]byte {
			var attrs [][]byte
			for i := range 40 {
				attrs = append(attrs, attribute(oidRFC3161, octets(fmt.Sprint(i))))
			}
			return attrs
		}, append(slices.Repeat([]result{malformed(true)}, 16), result{true, errors.New("more than 16"), time.Time{}})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The time-stamping certificates and p.leaf are embedded for
			// the countersignatures.
			der, err := catalog.Sign(unsignedCatalog(t), p.ecLeafKey, []*x509.Certificate{p.ecLeaf, p.leaf, tp.rsa.Cert, tp.ecdsa.Cert}, &catalog.SignOptions{
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
	p, tp := getPKI(t), getTSAPKI(t)
	for _, tt := range []struct {
		name string
		tsa  *testpki.Cert
	}{{"RSA TSA", tp.rsa}, {"ECDSA TSA", tp.ecdsa}} {
		t.Run(tt.name, func(t *testing.T) {
			tsa := newTSA(t, tt.tsa, tsaConfig{})
			der, _ := signTimestamped(t, tsa.authority(), p.leafKey, p.leaf, p.inter)
			path := filepath.Join(t.TempDir(), "signed.cat")
			if err := os.WriteFile(path, der, 0o644); err != nil {
				t.Fatal(err)
			}
			rootPEM := writePEM(t, "root.pem", "CERTIFICATE", p.root.Raw)
			tsaRootPEM := writePEM(t, "tsaroot.pem", "CERTIFICATE", tp.root.Cert.Raw)
			otherPEM := writePEM(t, "other.pem", "CERTIFICATE", tp.otherRoot.Cert.Raw)
			out, err := run(t, tool, "verify", "-in", path, "-CAfile", rootPEM, "-TSA-CAfile", tsaRootPEM)
			if err != nil {
				t.Fatalf("osslsigncode verify: %v\n%s", err, out)
			}
			stamp := tsa.time.Format("Jan _2 15:04:05 2006")
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
