package catalog_test

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/testvectors"
)

// FuzzParse: no input makes Parse, or anything done with what it returns
// (the index, the signature check, the timestamps), panic; every refusal is
// ErrMalformed or ErrContentType.
func FuzzParse(f *testing.F) {
	// The real catalogs when the vectors are here; catalogs Build makes in
	// any case.
	if _, err := testvectors.Lookup(); err == nil {
		for _, path := range vectorCatalogs(f) {
			der, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(der)
		}
	}
	for version := 1; version <= 2; version++ {
		der, err := catalog.Build(filesOf(3), catalog.BuildOptions{Version: version, Time: time.Unix(1700000000, 0)})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
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
	})
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
	p, tp := getPKI(f), getTSAPKI(f)
	unsigned := unsignedCatalog(f)
	certs := []*x509.Certificate{p.ecLeaf, tp.rsa.Cert, tp.ecdsa.Cert}
	signWith := func(attrs func(sig []byte) [][]byte) []byte {
		der, err := catalog.Sign(unsigned, p.ecLeafKey, certs, &catalog.SignOptions{
			UnauthenticatedAttributes: func(sig []byte) ([][]byte, error) { return attrs(sig), nil },
		})
		if err != nil {
			f.Fatal(err)
		}
		return der
	}
	tsa := newTSA(f, tp.rsa, tsaConfig{})
	var token, counter []byte
	signWith(func(sig []byte) [][]byte {
		token = rawToken(f, tsa, sig)
		counter = counterSignature(f, sig, tp.ecdsa.Key, tp.ecdsa.Cert, nil, false)
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
	f.Fuzz(func(t *testing.T, rfc3161 bool, v []byte) {
		oid := oidCounterSign
		if rfc3161 {
			oid = oidRFC3161
		}
		der, err := catalog.Sign(unsigned, p.ecLeafKey, certs, &catalog.SignOptions{
			UnauthenticatedAttributes: func([]byte) ([][]byte, error) {
				return [][]byte{sequence(mustMarshal(oid), constructed(asn1.ClassUniversal, asn1.TagSet, v))}, nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
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
