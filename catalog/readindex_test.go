package catalog_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/intactdev/intact/catalog"
)

// readIndexAgrees checks that ReadIndex reads der as Parse does: both
// refuse it with the same error, or both accept it with the same
// catalog-level contents, the same index and the same verdict on the
// signatures; also when ReadIndex reads in chunks of a few bytes, so that
// elements span them, and ReadIndexCache with a cache, cold and warm.
func readIndexAgrees(t testing.TB, der []byte) {
	t.Helper()
	full, perr := catalog.Parse(der)
	cache := newMemCache()
	for i, chunk := range []int{0, 5, 0, 0} {
		restore := func() {}
		if chunk > 0 {
			restore = catalog.SetChunkSize(chunk)
		}
		read := catalog.ReadIndex
		if i >= 2 {
			read = func(r io.ReaderAt, size int64) (*catalog.Catalog, *catalog.Index, error) {
				return catalog.ReadIndexCache(r, size, cache)
			}
		}
		c, x, err := read(bytes.NewReader(der), int64(len(der)))
		restore()
		if perr != nil || err != nil {
			if perr == nil || err == nil || perr.Error() != err.Error() {
				t.Fatalf("Parse: %v\nReadIndex (chunks of %d, cache %v): %v", perr, chunk, i >= 2, err)
			}
			continue
		}
		readIndexMatches(t, c, x, full)
		if i == 2 {
			cache.keep(c, x) // for the next, warm read
		}
	}
}

func readIndexMatches(t testing.TB, c *catalog.Catalog, x *catalog.Index, full *catalog.Catalog) {
	t.Helper()
	if len(c.Members) != 0 || c.Bytes() != nil {
		t.Errorf("ReadIndex kept %d members, %d bytes", len(c.Members), len(c.Bytes()))
	}
	if c.Version != full.Version || !bytes.Equal(c.ListIdentifier, full.ListIdentifier) || !c.ThisUpdate.Equal(full.ThisUpdate) {
		t.Errorf("ReadIndex: version %d, list %X, %v; Parse: %d, %X, %v",
			c.Version, c.ListIdentifier, c.ThisUpdate, full.Version, full.ListIdentifier, full.ThisUpdate)
	}
	if !reflect.DeepEqual(c.Attributes, full.Attributes) {
		t.Errorf("attributes: ReadIndex %v, Parse %v", c.Attributes, full.Attributes)
	}
	if !reflect.DeepEqual(c.Signers, full.Signers) || !equalCerts(c.Certificates, full.Certificates) {
		t.Errorf("ReadIndex: %d signers, %d certificates; Parse: %d, %d",
			len(c.Signers), len(c.Certificates), len(full.Signers), len(full.Certificates))
	}
	if want := full.Index(); !reflect.DeepEqual(x, want) {
		t.Errorf("ReadIndex's index (%d digests, %d files) is not Parse's (%d digests, %d files)", x.Len(), x.Files(), want.Len(), want.Files())
	}
	got, want := c.CheckSignature(), full.CheckSignature()
	if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
		// ReadIndex hashes the CTL only with the algorithms the SignedData
		// lists: a signer using another one fails, never the other way.
		if got == nil || !strings.Contains(got.Error(), "digestAlgorithms does not list") {
			t.Errorf("CheckSignature: ReadIndex %v, Parse %v", got, want)
		}
	}
}

func equalCerts(a, b []*x509.Certificate) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// TestReadIndexVectors: every real catalog, and its truncations and
// corruptions, read by ReadIndex as by Parse.
func TestReadIndexVectors(t *testing.T) {
	for rel := range vectorCatalogs(t) {
		t.Run(rel, func(t *testing.T) { readIndexAgrees(t, readVector(t, rel)) })
	}
	good := readVector(t, "deployer/catalog.cat")
	for n := 0; n < len(good); n += 7 {
		readIndexAgrees(t, good[:n])
	}
	for off := 0; off < len(good); off += 13 {
		for _, b := range []byte{0x00, 0x80, 0xff} {
			bad := bytes.Clone(good)
			bad[off] ^= b | 1
			readIndexAgrees(t, bad)
		}
	}
}

// TestReadIndexGenerated: built and signed catalogs of up to 20,000 files
// (more than a chunk), versions 1 and 2, PE and flat members, with empty
// files, read by ReadIndex as by Parse; a changed member fails the
// signature check.
func TestReadIndexGenerated(t *testing.T) {
	p := getPKI(t)
	for _, n := range []int{1, 100, 20_000} {
		files := filesOf(n)
		files = append(files, fakeFile("empty.js", "", catalog.KindFlat))
		for _, version := range []int{1, 2} {
			opts := buildTime
			opts.Version = version
			unsigned, err := catalog.Build(files, opts)
			if err != nil {
				t.Fatal(err)
			}
			readIndexAgrees(t, unsigned)
			signed := sign(t, unsigned, p.leafKey, p.leaf, p.inter)
			readIndexAgrees(t, signed)
			c, _, err := catalog.ReadIndex(bytes.NewReader(signed), int64(len(signed)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.root)}); err != nil {
				t.Errorf("%d files, v%d: Verify: %v", n, version, err)
			}
			// A digest changed in the last member: the index has it, the
			// signature refuses it.
			i := bytes.LastIndex(signed, files[n-1].SHA256[:16])
			if version == 1 {
				i = bytes.LastIndex(signed, files[n-1].SHA1[:16])
			}
			if i < 0 {
				t.Fatal("last member's digest not found")
			}
			tampered := bytes.Clone(signed)
			tampered[i] ^= 1
			readIndexAgrees(t, tampered)
			c, _, err = catalog.ReadIndex(bytes.NewReader(tampered), int64(len(tampered)))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.CheckSignature(); !errors.Is(err, catalog.ErrDigestMismatch) {
				t.Errorf("%d files, v%d, tampered: CheckSignature = %v, want ErrDigestMismatch", n, version, err)
			}
		}
	}
}

// TestReadIndexChangingReader: ReadIndex hashes and indexes the bytes it
// read, once. A catalog rewritten while it is read, its last member's
// digest changed after the first read, has the changed digest indexed and
// fails its signature check; read twice, once to hash and once to index,
// its original bytes would pass while the changed digest was indexed.
func TestReadIndexChangingReader(t *testing.T) {
	files, _, signed := signedCatalog(t, 20_000)
	i := bytes.LastIndex(signed, files[len(files)-1].SHA256)
	swapped := bytes.Clone(signed)
	swapped[i] ^= 1
	r := &changingReader{first: signed, then: swapped}
	c, x, err := catalog.ReadIndex(r, int64(len(signed)))
	if err != nil {
		t.Fatal(err)
	}
	if r.reads < 2 {
		t.Fatalf("%d reads: the catalog fits one", r.reads)
	}
	if err := c.CheckSignature(); !errors.Is(err, catalog.ErrDigestMismatch) {
		t.Errorf("CheckSignature = %v, want ErrDigestMismatch", err)
	}
	if want := mustParse(t, swapped).Index(); !reflect.DeepEqual(x, want) {
		t.Error("the index is not that of the bytes read")
	}
}

// changingReader serves first, then, from its second read on, then.
type changingReader struct {
	first, then []byte
	reads       int
}

func (r *changingReader) ReadAt(p []byte, off int64) (int, error) {
	r.reads++
	b := r.first
	if r.reads > 1 {
		b = r.then
	}
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// FuzzReadIndex: on any input, ReadIndex and Parse agree, or both refuse
// with the same error.
func FuzzReadIndex(f *testing.F) {
	for _, der := range unsignedSeeds(f) {
		f.Add(der)
	}
	frame, signers := signedFrame(f)
	for _, si := range signers {
		f.Add(frame.with(si))
	}
	f.Fuzz(func(t *testing.T, der []byte) { readIndexAgrees(t, der) })
}
