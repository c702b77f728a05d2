// Package testtsa is an RFC 3161 time-stamping authority for tests, which
// answers correctly or in any of the ways real ones fail and lie: in
// process (Respond, Token) or over HTTP (Serve).
//
// Its encodings are made with encoding/asn1, independently of the DER codec
// under test.
package testtsa

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/testasn1"
	"github.com/intactdev/intact/internal/testpki"
)

// PKI is a root and two time-stamping authorities' certificates under it,
// and an unrelated root.
type PKI struct {
	Root, OtherRoot *testpki.Cert
	RSA, ECDSA      *testpki.Cert // with the timeStamping extended key usage
}

// SharedPKI returns the PKI, made once per test binary.
var SharedPKI = testpki.Shared(func(t testing.TB) *PKI {
	now := time.Now()
	year := 365 * 24 * time.Hour
	root := testpki.SelfSigned(t, "intact test TSA root", testpki.CA(), testpki.Valid(now.Add(-5*year), now.Add(10*year)))
	valid := testpki.Valid(now.Add(-year), now.Add(year))
	tsEKU := testpki.EKU(x509.ExtKeyUsageTimeStamping)
	return &PKI{
		Root:      root,
		OtherRoot: testpki.SelfSigned(t, "unrelated TSA root", testpki.CA()),
		RSA:       root.Issue(t, "intact test RSA TSA", testpki.RSA(), tsEKU, valid),
		ECDSA:     root.Issue(t, "intact test ECDSA TSA", tsEKU, valid),
	}
})

// Config is how a TSA behaves; the zero value is a correct TSA.
type Config struct {
	HTTPStatus       int // over HTTP, answer with this status instead
	FailFirst        int // over HTTP, answer the first FailFirst requests with 503 Service Unavailable
	Status           int // PKIStatus
	FailInfo         int // with Status >= 2: a PKIFailureInfo bit
	StatusString     string
	WrongImprint     bool // timestamp another digest
	WrongNonce       bool
	NoNonce          bool
	NoCerts          bool          // ignore certReq
	CorruptSignature bool          // flip a bit of the token's signature
	BadMessageDigest bool          // signed messageDigest not of the TSTInfo
	BER              bool          // indefinite lengths throughout the response
	BERToken         bool          // indefinite lengths in the token only
	Garbage          bool          // a body that is not a TimeStampResp
	BareDigest       bool          // RSA over the bare digest, without DigestInfo
	SHA1SigAlg       bool          // name sha1WithRSA while signing a SHA-256 digest
	MD5Imprint       bool          // label the imprint's algorithm MD5
	Signer           *testpki.Cert // sign with this certificate instead of the TSA's
}

// A TSA is a time-stamping authority.
type TSA struct {
	signer *testpki.Cert
	cfg    Config
	// Time is the genTime of its tokens: a minute ago, with milliseconds.
	Time time.Time

	mu       sync.Mutex
	last     Request
	requests int // over HTTP
}

// Requests returns how many requests the TSA got over HTTP.
func (a *TSA) Requests() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requests
}

// New returns a TSA that signs with signer's key and certificate.
func New(signer *testpki.Cert, cfg Config) *TSA {
	return &TSA{
		signer: signer,
		cfg:    cfg,
		Time:   time.Now().UTC().Truncate(time.Second).Add(-time.Minute + 250*time.Millisecond),
	}
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

// A MessageImprint is the digest a request asks to have timestamped.
type MessageImprint struct {
	HashAlgorithm algorithmIdentifier
	HashedMessage []byte
}

// Algorithm returns the imprint's hash algorithm.
func (m MessageImprint) Algorithm() asn1.ObjectIdentifier { return m.HashAlgorithm.Algorithm }

// A Request is a TimeStampReq as the TSA read it.
type Request struct {
	Version        int
	MessageImprint MessageImprint
	ReqPolicy      asn1.ObjectIdentifier `asn1:"optional"`
	Nonce          *big.Int              `asn1:"optional"`
	CertReq        bool                  `asn1:"optional"`
	Extensions     asn1.RawValue         `asn1:"optional,tag:0"`
}

type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint MessageImprint
	SerialNumber   *big.Int
	GenTime        asn1.RawValue
	Nonce          *big.Int `asn1:"optional"`
}

var (
	oidTSTInfo       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningCertV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidRFC3161       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
	oidSHA256        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidRSASHA256     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidECDSASHA256   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	asn1NULL         = asn1.RawValue{Tag: asn1.TagNull}
)

// LastRequest returns the last request the TSA read.
func (a *TSA) LastRequest() Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// Respond answers a DER TimeStampReq with a TimeStampResp, behaving as its
// Config says (but for HTTPStatus).
func (a *TSA) Respond(body []byte) ([]byte, error) {
	var req Request
	if rest, err := asn1.Unmarshal(body, &req); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("testtsa: bad request: %v, %d bytes after it", err, len(rest))
	}
	a.mu.Lock()
	a.last = req
	a.mu.Unlock()
	cfg := a.cfg
	if cfg.Garbage {
		return []byte("<html>not a TimeStampResp</html>"), nil
	}
	status := [][]byte{testasn1.Marshal(cfg.Status)}
	if cfg.StatusString != "" {
		status = append(status, testasn1.Sequence(testasn1.Marshal(asn1.RawValue{Tag: asn1.TagUTF8String, Bytes: []byte(cfg.StatusString)})))
	}
	if cfg.Status >= 2 {
		bits := make([]byte, cfg.FailInfo/8+1)
		bits[cfg.FailInfo/8] = 0x80 >> (cfg.FailInfo % 8)
		status = append(status, testasn1.Marshal(asn1.BitString{Bytes: bits, BitLength: cfg.FailInfo + 1}))
		return testasn1.Sequence(testasn1.Sequence(status...)), nil
	}
	token := a.token(req)
	if cfg.BERToken {
		token = Indefinite(token)
	}
	resp := testasn1.Sequence(testasn1.Sequence(status...), token)
	if cfg.BER {
		resp = Indefinite(resp)
	}
	return resp, nil
}

// Serve serves the TSA over HTTP until the end of the test: POST a
// TimeStampReq with Content-Type application/timestamp-query to the
// server's URL.
func (a *TSA) Serve(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.requests++
		busy := a.requests <= a.cfg.FailFirst
		a.mu.Unlock()
		if busy {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
			http.Error(w, "not a time-stamp query", http.StatusBadRequest)
			return
		}
		resp, err := a.Respond(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if a.cfg.HTTPStatus != 0 {
			http.Error(w, "the TSA is down", a.cfg.HTTPStatus)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Token returns the unauthenticated attribute (szOID_RFC3161_counterSign)
// holding a token over signature, made as the Config says, with none of
// the checks a client makes: what a catalog carries when its signer did not
// check, or its authority lied.
func (a *TSA) Token(signature []byte) []byte {
	digest := sha256.Sum256(signature)
	token := a.token(Request{
		Version:        1,
		MessageImprint: MessageImprint{algorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1NULL}, digest[:]},
		Nonce:          big.NewInt(7),
		CertReq:        true,
	})
	if a.cfg.BERToken {
		token = Indefinite(token)
	}
	return testasn1.Attribute(oidRFC3161, token)
}

// token makes a TimeStampToken for req.
func (a *TSA) token(req Request) []byte {
	cfg := a.cfg
	info := tstInfo{
		Version:        1,
		Policy:         asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
		MessageImprint: req.MessageImprint,
		SerialNumber:   big.NewInt(time.Now().UnixNano()),
		GenTime:        asn1.RawValue{Tag: asn1.TagGeneralizedTime, Bytes: []byte(a.Time.Format("20060102150405.999Z"))},
		Nonce:          req.Nonce,
	}
	if cfg.WrongImprint {
		other := sha256.Sum256([]byte("some other signature"))
		info.MessageImprint.HashedMessage = other[:]
	}
	if cfg.WrongNonce {
		info.Nonce = new(big.Int).Add(req.Nonce, big.NewInt(1))
	}
	if cfg.MD5Imprint {
		info.MessageImprint.HashAlgorithm = algorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}, Parameters: asn1NULL}
	}
	if cfg.NoNonce {
		info.Nonce = nil
	}
	tst := testasn1.Marshal(info)
	signer := a.signer
	if cfg.Signer != nil {
		signer = cfg.Signer
	}
	cert := signer.Cert
	digest := sha256.Sum256(tst)
	if cfg.BadMessageDigest {
		digest[0] ^= 1
	}
	certHash := sha256.Sum256(cert.Raw)
	attrs := [][]byte{
		testasn1.Attribute(oidContentType, testasn1.Marshal(oidTSTInfo)),
		testasn1.Attribute(oidMessageDigest, testasn1.Marshal(digest[:])),
		// SigningCertificateV2{certs SEQUENCE OF ESSCertIDv2{certHash}}
		testasn1.Attribute(oidSigningCertV2, testasn1.Sequence(testasn1.Sequence(testasn1.Sequence(testasn1.Marshal(certHash[:]))))),
	}
	slices.SortFunc(attrs, bytes.Compare)
	signed := sha256.Sum256(testasn1.Set(attrs...))
	sig, err := signer.Key.Sign(rand.Reader, signed[:], crypto.SHA256)
	if cfg.BareDigest {
		sig, err = rsa.SignPKCS1v15(rand.Reader, signer.Key.(*rsa.PrivateKey), 0, signed[:])
	}
	if err != nil {
		panic(err)
	}
	if cfg.CorruptSignature {
		sig[len(sig)-1] ^= 1
	}
	sigAlg := algorithmIdentifier{Algorithm: oidRSASHA256, Parameters: asn1NULL}
	if cfg.SHA1SigAlg {
		sigAlg.Algorithm = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	}
	if _, ok := signer.Key.(*ecdsa.PrivateKey); ok {
		sigAlg = algorithmIdentifier{Algorithm: oidECDSASHA256}
	}
	signerInfo := testasn1.Sequence(
		testasn1.Marshal(1),
		testasn1.Sequence(cert.RawIssuer, testasn1.Marshal(cert.SerialNumber)),
		testasn1.Marshal(algorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1NULL}),
		testasn1.Constructed(asn1.ClassContextSpecific, 0, attrs...),
		testasn1.Marshal(sigAlg),
		testasn1.Marshal(sig),
	)
	sd := [][]byte{
		testasn1.Marshal(3),
		testasn1.Set(testasn1.Marshal(algorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1NULL})),
		testasn1.Sequence(testasn1.Marshal(oidTSTInfo), testasn1.Constructed(asn1.ClassContextSpecific, 0, testasn1.Marshal(tst))),
	}
	if req.CertReq && !cfg.NoCerts {
		sd = append(sd, testasn1.Constructed(asn1.ClassContextSpecific, 0, cert.Raw))
	}
	sd = append(sd, testasn1.Set(signerInfo))
	return testasn1.Sequence(testasn1.Marshal(oidSignedData), testasn1.Constructed(asn1.ClassContextSpecific, 0, testasn1.Sequence(sd...)))
}

// Indefinite re-encodes every constructed element of der with an
// indefinite length: valid BER that some authorities send.
func Indefinite(der []byte) []byte {
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
		out = append(out, Indefinite(v.FullBytes[hdr:])...)
		out = append(out, 0, 0)
	}
	return out
}
