package catalog_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/testasn1"
	"github.com/intactdev/intact/internal/testpki"
	"github.com/intactdev/intact/internal/testtsa"
	"github.com/intactdev/intact/internal/testvectors"
)

// FuzzParse: no input makes Parse, or anything done with what it returns
// (the index, the signature check, the timestamps), panic; every refusal is
// ErrMalformed or ErrContentType.
//
// Its seeds are the unsigned catalogs of at most 512 bytes: real ones and
// two made here; FuzzParseSigned runs the same checks on signed catalogs.
// The seeds are small because the fuzzer minimises every input that finds
// new coverage by trying to delete each range of its bytes: that takes
// time quadratic in the input's length and nearly never succeeds with DER,
// where a deletion breaks the enclosing lengths. At about 30 µs a try,
// that is 4 s for 500 bytes, 15 s for 1 KB, and the whole
// -fuzzminimizetime (60 s) from 2 KB up. Seeded with the real catalogs of
// 7.5 to 23 KB, the fuzzer made 21 executions in 60 s, all minimising.
// splitSigned returns the frame of a signed catalog and its SignerInfos,
// the contents of the SignedData's signerInfos SET.
func splitSigned(t testing.TB, der []byte) (frame, []byte) {
	t.Helper()
	var ci, contentType, explicit, sd asn1.RawValue
	rest, err := asn1.Unmarshal(der, &ci)
	if err == nil && len(rest) == 0 {
		if rest, err = asn1.Unmarshal(ci.Bytes, &contentType); err == nil {
			if _, err = asn1.Unmarshal(rest, &explicit); err == nil {
				_, err = asn1.Unmarshal(explicit.Bytes, &sd)
			}
		}
	}
	var elems []asn1.RawValue
	for rest = sd.Bytes; err == nil && len(rest) > 0; {
		var e asn1.RawValue
		rest, err = asn1.Unmarshal(rest, &e)
		elems = append(elems, e)
	}
	if err != nil || len(elems) != 5 || elems[4].Tag != asn1.TagSet {
		t.Fatalf("signed catalog: %v, %d SignedData elements", err, len(elems))
	}
	f := frame{contentType: contentType.FullBytes}
	for _, e := range elems[:4] {
		f.signedData = append(f.signedData, e.FullBytes)
	}
	return f, elems[4].Bytes
}

// elements returns the encodings of the elements of a SEQUENCE.
func elements(t testing.TB, der []byte) [][]byte {
	t.Helper()
	var seq asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &seq); err != nil || len(rest) != 0 {
		t.Fatalf("not one element: %v", err)
	}
	var elems [][]byte
	for rest := seq.Bytes; len(rest) > 0; {
		var e asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &e); err != nil {
			t.Fatal(err)
		}
		elems = append(elems, e.FullBytes)
	}
	return elems
}

// TestFuzzParseVectors runs the same checks over every real catalog.
func FuzzParse(f *testing.F) {
	for _, der := range unsignedSeeds(f) {
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) { fuzzParse(t, der) })
}

// FuzzParseSigned runs FuzzParse's checks on a signed catalog whose
// SignerInfos are the input: the catalog around them, its CTL and its
// certificates (one ECDSA, one RSA), stays the same. Seeded with an ECDSA
// signer and an RSA one countersigned by ECDSA, 251 and 564 bytes: whole
// signed catalogs, 1 KB at least, would take 15 s each to minimise.
func FuzzParseSigned(f *testing.F) {
	frame, signers := signedFrame(f)
	for _, si := range signers {
		f.Add(si)
	}
	f.Fuzz(func(t *testing.T, signerInfos []byte) {
		fuzzParse(t, frame.with(signerInfos))
	})
}

// maxFuzzSeedSize is the largest real catalog FuzzParse is seeded with.
const maxFuzzSeedSize = 512

// unsignedSeeds returns FuzzParse's seeds: the real catalogs of at most
// maxFuzzSeedSize bytes, when the vectors are here (three version 1
// catalogs, from signify, osslsigncode and Wine), and a version 1 catalog
// of a PE file and a version 2 one of a flat file, each with an empty file
// (a catalog attribute): 457 and 518 bytes.
func unsignedSeeds(t testing.TB) [][]byte {
	t.Helper()
	var seeds [][]byte
	if _, err := testvectors.Lookup(); err == nil {
		for _, path := range vectorCatalogs(t) {
			der, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(der) <= maxFuzzSeedSize {
				seeds = append(seeds, der)
			}
		}
	}
	empty := fakeFile("c", "", catalog.KindFlat)
	for _, s := range []struct {
		version int
		file    catalog.File
	}{
		{1, fakeFile("b", "b", catalog.KindPE)},
		{2, fakeFile("a", "a", catalog.KindFlat)},
	} {
		der, err := catalog.Build([]catalog.File{s.file, empty}, catalog.BuildOptions{Version: s.version, Time: time.Unix(1700000000, 0)})
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, der)
	}
	return seeds
}

// A frame is a signed catalog without its SignerInfos: the ContentInfo's
// content type and the SignedData's version, digest algorithms, content
// (the CTL) and certificates, each encoded.
type frame struct {
	contentType []byte
	signedData  [][]byte
}

// with returns the catalog of the frame whose SignerInfos, the contents of
// the SignedData's signerInfos SET, are signerInfos.
func (f frame) with(signerInfos []byte) []byte {
	sd := append(slices.Clone(f.signedData), testasn1.Set(signerInfos))
	return testasn1.Sequence(f.contentType, testasn1.Constructed(asn1.ClassContextSpecific, 0, testasn1.Sequence(sd...)))
}

// signedFrame returns the frame of a version 2 catalog of one file with a
// self-signed ECDSA certificate and a self-signed 1024-bit RSA one, both
// for code signing and timestamping, and two SignerInfos for it: one by the
// ECDSA key, and one by the RSA key countersigned by the ECDSA key.
func signedFrame(t testing.TB) (frame, [][]byte) {
	t.Helper()
	unsigned, err := catalog.Build([]catalog.File{fakeFile("a", "a", catalog.KindFlat)}, catalog.BuildOptions{Time: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	usage := testpki.EKU(x509.ExtKeyUsageCodeSigning, x509.ExtKeyUsageTimeStamping)
	ec := testpki.SelfSigned(t, "e", usage)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	rs := testpki.SelfSigned(t, "r", usage, testpki.Key(rsaKey))
	signed, err := catalog.Sign(unsigned, ec.Key, []*x509.Certificate{ec.Cert, rs.Cert}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, ecSigner := splitSigned(t, signed)
	signed, err = catalog.Sign(unsigned, rs.Key, []*x509.Certificate{rs.Cert}, &catalog.SignOptions{
		UnauthenticatedAttributes: func(sig []byte) ([][]byte, error) {
			return [][]byte{counterSignature(t, sig, ec.Key, ec.Cert, testasn1.Marshal(time.Unix(1700000000, 0).UTC()), false)}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, rsaSigner := splitSigned(t, signed)
	return f, [][]byte{ecSigner, rsaSigner}
}

// TestFuzzParseVectors runs FuzzParse's checks over every real catalog,
// the large ones the fuzz targets are not seeded with included, and over
// the seeds made here, which must parse, and when signed verify (and the
// countersigned one carry a good timestamp).
func TestFuzzParseVectors(t *testing.T) {
	t.Run("seeds", func(t *testing.T) {
		for i, der := range unsignedSeeds(t) {
			fuzzParse(t, der)
			if _, err := catalog.Parse(der); err != nil {
				t.Errorf("unsigned seed %d: %v", i, err)
			}
		}
		frame, signers := signedFrame(t)
		for i, si := range signers {
			fuzzParse(t, frame.with(si))
			c, err := catalog.Parse(frame.with(si))
			if err != nil {
				t.Fatalf("signed seed %d: %v", i, err)
			}
			if err := c.CheckSignature(); err != nil {
				t.Errorf("signed seed %d: %v", i, err)
			}
			if ts := c.Timestamps(); len(ts) != 1 || len(ts[0]) != i || i == 1 && ts[0][0].Err != nil {
				t.Errorf("signed seed %d: timestamps %+v, want %d good ones", i, ts, i)
			}
		}
		both := frame.with(slices.Concat(signers...))
		if c, err := catalog.Parse(both); err != nil || len(c.Signers) != 2 || c.CheckSignature() != nil {
			t.Errorf("both signers: %v", err)
		}
	})
	for name, path := range vectorCatalogs(t) {
		t.Run(name, func(t *testing.T) {
			der, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fuzzParse(t, der)
		})
	}
}

// fuzzParse is the check of FuzzParse and FuzzParseSigned.
func fuzzParse(t testing.TB, der []byte) {
	c, err := catalog.Parse(der)
	if err != nil {
		if !errors.Is(err, catalog.ErrMalformed) && !errors.Is(err, catalog.ErrContentType) {
			t.Fatalf("Parse error %v wraps neither ErrMalformed nor ErrContentType", err)
		}
		return
	}
	x := c.Index()
	for i := range c.Members {
		m := &c.Members[i]
		_ = m.TagString()
		for _, a := range m.Attributes {
			_ = a.Text()
		}
		if m.Digest != nil {
			x.Lookup(m.DigestAlgorithm, m.Digest)
		}
	}
	for _, a := range c.Attributes {
		_ = a.Text()
	}
	for _, ts := range c.Timestamps() {
		for _, t := range ts {
			_ = t.Err
		}
	}
	// CheckSignature runs everything of Verify but crypto/x509's chain
	// building, which would slow the fuzzer down tenfold.
	_ = c.CheckSignature()
	_, _ = catalog.Compare(c, []catalog.File{{Path: "a", Size: 1, Kind: catalog.KindFlat, SHA256: make([]byte, 32), SHA1: make([]byte, 20)}})
	x.Lookup(crypto.SHA256, make([]byte, 32))
}

// FuzzBuild: whatever paths and contents a caller passes, Build refuses
// them or writes a catalog that parses back to one member per file and
// digest, each with its path, and the empty files as attributes.
func FuzzBuild(f *testing.F) {
	f.Add(byte(2), "a.js\nlib/b.js\nünï/😀.js\nempty", []byte("abc"))
	f.Add(byte(1), "x\n\xff\xfe/\xed\xa0\x80\nA\na", []byte{})
	f.Add(byte(2), "../x\n/abs\na//b\nc\\d", []byte("MZ"))
	f.Fuzz(func(t *testing.T, version byte, paths string, content []byte) {
		var files []catalog.File
		for i, p := range strings.Split(paths, "\n") {
			data := append(slices.Clone(content), byte(i))
			if i%3 == 2 {
				data = nil // some empty files
			}
			kind := catalog.KindFlat
			if i%2 == 1 {
				kind = catalog.KindPE
			}
			files = append(files, fakeFile(p, string(data), kind))
		}
		der, err := catalog.Build(files, catalog.BuildOptions{Version: int(version % 3), Time: time.Unix(1700000000, 0)})
		if err != nil {
			return
		}
		c, err := catalog.Parse(der)
		if err != nil {
			t.Fatalf("Build wrote a catalog Parse refuses: %v", err)
		}
		perFile := 2
		if version%3 == 1 {
			perFile = 1
		}
		members := map[string]int{}
		for _, m := range c.Members {
			fp, _ := m.Attribute("FilePath")
			members[string(fp.Value)]++
		}
		empty := map[string]bool{}
		for _, a := range c.Attributes {
			empty[string(a.Value)] = true
		}
		for _, f := range files {
			value := string(catalog.NewAttribute("FilePath", strings.ReplaceAll(f.Path, "/", `\`)).Value)
			if f.Size == 0 && !empty[value] || f.Size != 0 && members[value] != perFile {
				t.Errorf("%q (size %d): %d members, empty %v", f.Path, f.Size, members[value], empty[value])
			}
		}
	})
}

// FuzzTimestamps: no unauthenticated attribute value, RFC 3161 token or
// legacy countersignature, makes Catalog.Timestamps panic; each becomes
// one Timestamp or more, or none. Seeded with a good token from the test
// authority and a good countersignature over the catalog's signature
// (which is the same every time: the key is ECDSA, signing per RFC 6979).
func FuzzTimestamps(f *testing.F) {
	p, tp := getPKI(f), testtsa.SharedPKI(f)
	unsigned := unsignedCatalog(f)
	certs := []*x509.Certificate{p.ecLeaf, tp.RSA.Cert, tp.ECDSA.Cert}
	signWith := func(attrs func(sig []byte) [][]byte) []byte {
		der, err := catalog.Sign(unsigned, p.ecLeafKey, certs, &catalog.SignOptions{
			UnauthenticatedAttributes: func(sig []byte) ([][]byte, error) { return attrs(sig), nil },
		})
		if err != nil {
			f.Fatal(err)
		}
		return der
	}
	// The token is the ECDSA TSA's, without certificates (the catalog has
	// the TSA's), and the countersignature the RSA TSA's: both values are
	// 0.4 KB. The fuzzer minimises inputs in time quadratic in their
	// length, and spent the whole of a 30 s run minimising the first input
	// it found from the RSA TSA's token with its certificate (1.2 KB).
	tsa := testtsa.New(tp.ECDSA, testtsa.Config{NoCerts: true})
	var token, counter []byte
	signWith(func(sig []byte) [][]byte {
		token = tsa.Token(sig)
		counter = counterSignature(f, sig, tp.RSA.Key, tp.RSA.Cert, testasn1.Marshal(time.Now().UTC()), false)
		return nil
	})
	// The attributes' values: what follows the OID and the SET header.
	value := func(attr []byte) []byte {
		var a struct {
			Type   asn1.ObjectIdentifier
			Values asn1.RawValue
		}
		if _, err := asn1.Unmarshal(attr, &a); err != nil {
			f.Fatal(err)
		}
		return a.Values.Bytes
	}
	f.Add(true, value(token))
	f.Add(false, value(counter))
	// The unauthenticated attributes are outside the signature: the
	// catalog is signed once, and each input goes into a copy of its
	// SignerInfo. Signing each input (with ECDSA) took longer than the
	// rest, and the fuzzer runs each input many times when it minimises.
	fr, si := splitSigned(f, signWith(func([]byte) [][]byte { return nil }))
	signer := elements(f, si)
	withAttribute := func(rfc3161 bool, v []byte) []byte {
		oid := oidCounterSign
		if rfc3161 {
			oid = oidRFC3161
		}
		unauth := testasn1.Constructed(asn1.ClassContextSpecific, 1, testasn1.Sequence(testasn1.Marshal(oid), testasn1.Set(v)))
		return fr.with(testasn1.Sequence(append(slices.Clone(signer), unauth)...))
	}
	if want := signWith(func([]byte) [][]byte { return [][]byte{token} }); !bytes.Equal(withAttribute(true, value(token)), want) {
		f.Fatal("the catalog with the token differs from the one Sign writes")
	}
	f.Fuzz(func(t *testing.T, rfc3161 bool, v []byte) {
		der := withAttribute(rfc3161, v)
		c, err := catalog.Parse(der)
		if err != nil {
			return // a value that breaks the SET's encoding
		}
		for _, ts := range c.Timestamps()[0] {
			if ts.Err == nil && (ts.Certificate == nil || ts.Time.IsZero()) {
				t.Fatalf("a timestamp that checks out without a certificate or a time: %+v", ts)
			}
		}
	})
}

// BenchmarkFuzzParseVectors times FuzzParse's checks on each real catalog
// (-cpuprofile shows where the time goes): 4 to 1,000 µs, most of it in
// RSA verification of signatures and timestamps. That is not what made
// FuzzParse slow when they were its seeds: minimising inputs of their size
// was (see FuzzParse).
func BenchmarkFuzzParseVectors(b *testing.B) {
	for name, path := range vectorCatalogs(b) {
		der, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.ReplaceAll(name, "/", "_"), func(b *testing.B) {
			for b.Loop() {
				fuzzParse(b, der)
			}
		})
	}
}

// FuzzTimestampResponse: no response makes TimestampRequest.ParseResponse
// panic, and each refusal wraps one of the timestamp errors. Seeded with the
// test authority's answers to the fuzzed request, granted (ECDSA, DER and
// BER) and rejected, 1 KB at most. The real tokens of the vectors, 5 to
// 6 KB, would be minimised for the whole -fuzzminimizetime (see FuzzParse):
// TestFuzzTimestampResponseVectors runs the check on them instead.
func FuzzTimestampResponse(f *testing.F) {
	req, err := catalog.NewTimestampRequest([]byte("a signature"))
	if err != nil {
		f.Fatal(err)
	}
	tp := testtsa.SharedPKI(f)
	for _, cfg := range []testtsa.Config{{}, {BER: true}, {Status: 2, FailInfo: 5, StatusString: "no"}} {
		resp, err := testtsa.New(tp.ECDSA, cfg).Respond(req.Bytes())
		if err != nil {
			f.Fatal(err)
		}
		if _, err := req.ParseResponse(resp); (err == nil) != (cfg.Status == 0) {
			f.Fatalf("seed %+v: %v", cfg, err)
		}
		f.Add(resp)
	}
	f.Fuzz(func(t *testing.T, resp []byte) { fuzzTimestampResponse(t, req, resp) })
}

// TestFuzzTimestampResponseVectors runs FuzzTimestampResponse's check on a
// response around each real RFC 3161 token: each is refused for its imprint,
// being over another signature than the request's.
func TestFuzzTimestampResponseVectors(t *testing.T) {
	req, err := catalog.NewTimestampRequest([]byte("a signature"))
	if err != nil {
		t.Fatal(err)
	}
	tokens := vectorTokens(t)
	if len(tokens) != 4 {
		t.Fatalf("%d RFC 3161 tokens in the vectors, want 4", len(tokens))
	}
	for _, token := range tokens {
		fuzzTimestampResponse(t, req, grantedResponse(token))
		if _, err := req.ParseResponse(grantedResponse(token)); !errors.Is(err, catalog.ErrTimestampMismatch) {
			t.Errorf("a real token over another signature: %v, want ErrTimestampMismatch", err)
		}
	}
}

// fuzzTimestampResponse is the check of FuzzTimestampResponse.
func fuzzTimestampResponse(t testing.TB, req *catalog.TimestampRequest, resp []byte) {
	attr, err := req.ParseResponse(resp)
	if err == nil {
		if len(attr) == 0 {
			t.Fatal("no attribute and no error")
		}
		return
	}
	for _, known := range []error{catalog.ErrTimestampMalformed, catalog.ErrTimestampRejected, catalog.ErrTimestampMismatch,
		catalog.ErrTimestampNonce, catalog.ErrTimestampSignature, catalog.ErrTimestampCertificate, catalog.ErrTimestampUsage} {
		if errors.Is(err, known) {
			return
		}
	}
	t.Fatalf("ParseResponse error %v wraps none of the timestamp errors", err)
}

// grantedResponse returns TimeStampResp{status granted, token}.
func grantedResponse(token []byte) []byte {
	return testasn1.Sequence(testasn1.Sequence(testasn1.Marshal(0)), token)
}

// vectorTokens returns the RFC 3161 tokens of the real catalogs'
// signers, found in their unauthenticated attributes.
func vectorTokens(t testing.TB) [][]byte {
	t.Helper()
	var tokens [][]byte
	for _, path := range vectorCatalogs(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := catalog.Parse(data)
		if err != nil || !c.Signed() {
			continue
		}
		_, signerInfos := splitSigned(t, data)
		fields := elements(t, signerInfos)
		var unauth asn1.RawValue
		if _, err := asn1.Unmarshal(fields[len(fields)-1], &unauth); err != nil || unauth.Class != asn1.ClassContextSpecific || unauth.Tag != 1 {
			continue // no unauthenticated attributes
		}
		for rest := unauth.Bytes; len(rest) > 0; {
			var attr struct {
				Type   asn1.ObjectIdentifier
				Values asn1.RawValue
			}
			if rest, err = asn1.Unmarshal(rest, &attr); err != nil {
				t.Fatal(err)
			}
			if attr.Type.Equal(oidRFC3161) {
				var token asn1.RawValue
				if _, err := asn1.Unmarshal(attr.Values.Bytes, &token); err != nil {
					t.Fatal(err)
				}
				tokens = append(tokens, token.FullBytes)
			}
		}
	}
	return tokens
}
