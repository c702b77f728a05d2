package catalog_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"reflect"
	"testing"

	"github.com/intactdev/intact/catalog"
)

// memCache is an IndexCache in memory that counts its lookups.
type memCache struct {
	m       map[[sha256.Size]byte]*catalog.Index
	loads   int
	lastKey [sha256.Size]byte
}

func newMemCache() *memCache { return &memCache{m: map[[sha256.Size]byte]*catalog.Index{}} }

func (c *memCache) LoadIndex(key [sha256.Size]byte) func() *catalog.Index {
	c.loads++
	c.lastKey = key
	x, ok := c.m[key]
	if !ok {
		return nil
	}
	return func() *catalog.Index { return x }
}

// keep stores x, the index of cat, under cat's key, as a caller of
// ReadIndexCache would once a policy trusts cat; it reports whether cat
// has a key.
func (c *memCache) keep(cat *catalog.Catalog, x *catalog.Index) bool {
	key, ok := cat.CTLSHA256()
	if ok {
		c.m[key] = x
	}
	return ok
}

// signedCatalog returns n files, their catalog (buildTime), and the
// catalog signed by the test PKI's leaf.
func signedCatalog(t testing.TB, n int) (files []catalog.File, unsigned, signed []byte) {
	t.Helper()
	p := getPKI(t)
	files = filesOf(n)
	unsigned = mustBuild(t, files)
	return files, unsigned, sign(t, unsigned, p.leafKey, p.leaf, p.inter)
}

func readIndexCache(t *testing.T, der []byte, cache catalog.IndexCache) (*catalog.Catalog, *catalog.Index) {
	t.Helper()
	c, x, err := catalog.ReadIndexCache(bytes.NewReader(der), int64(len(der)), cache)
	if err != nil {
		t.Fatalf("ReadIndexCache: %v", err)
	}
	return c, x
}

// TestReadIndexCache: a signed catalog is looked up under its signer's
// messageDigest, which is its CTL's SHA-256 (CTLSHA256), and its index,
// once kept there, is taken from the cache without a scan: an index put in
// the cache under that key is what comes back. A member changed under the
// same signature (the same key) is scanned: the index is that of the bytes
// read, not the one cached, and the signature check refuses it. An
// unsigned catalog has no key.
func TestReadIndexCache(t *testing.T) {
	files, unsigned, signed := signedCatalog(t, 20_000) // several chunks
	full := mustParse(t, signed)

	cache := newMemCache()
	c, x := readIndexCache(t, signed, cache)
	readIndexMatches(t, c, x, full)
	key, ok := c.CTLSHA256()
	if cache.loads != 1 || !ok || key != cache.lastKey {
		t.Fatalf("first read: %d loads, under %x; the CTL's SHA-256 %x (%v)", cache.loads, cache.lastKey, key, ok)
	}
	cache.keep(c, x)
	c, x2 := readIndexCache(t, signed, cache)
	if cache.loads != 2 || x2 != x {
		t.Fatalf("second read: %d loads; the kept index used: %v", cache.loads, x2 == x)
	}
	readIndexMatches(t, c, x2, full)
	if err := c.CheckSignature(); err != nil {
		t.Fatalf("cached read: CheckSignature: %v", err)
	}

	// What the cache holds under the key is used as it is.
	other := mustParse(t, mustBuild(t, filesOf(3))).Index()
	cache.m[key] = other
	if _, x := readIndexCache(t, signed, cache); x != other {
		t.Fatal("the index stored under the catalog's key was not the one used")
	}

	// The last member's digest changed, the signature kept: same key.
	i := bytes.LastIndex(signed, files[len(files)-1].SHA256[:16])
	tampered := bytes.Clone(signed)
	tampered[i] ^= 1
	c, x = readIndexCache(t, tampered, cache)
	if cache.lastKey != key {
		t.Fatal("the tampered catalog was looked up under another key")
	}
	if x == other {
		t.Fatal("the cached index was used for a changed certificate trust list")
	}
	if want := mustParse(t, tampered).Index(); !reflect.DeepEqual(x, want) {
		t.Error("the index is not that of the bytes read")
	}
	if err := c.CheckSignature(); !errors.Is(err, catalog.ErrDigestMismatch) {
		t.Errorf("tampered: CheckSignature = %v, want ErrDigestMismatch", err)
	}

	// No signer: nothing to look up.
	empty := newMemCache()
	c, x = readIndexCache(t, unsigned, empty)
	readIndexMatches(t, c, x, mustParse(t, unsigned))
	if empty.loads != 0 {
		t.Errorf("unsigned: %d loads, want none", empty.loads)
	}
}

// TestReadIndexCacheChangingReader: the catalog changes between the read
// of its signer (the key) and the read of its members, the index of the
// original is cached under the key: the bytes hashed are not the ones the
// key names, so the cached index is not used, and what was read is
// indexed and fails its signature check.
func TestReadIndexCacheChangingReader(t *testing.T) {
	files, _, signed := signedCatalog(t, 20_000)
	cache := newMemCache()
	c, original := readIndexCache(t, signed, cache)
	cache.keep(c, original)

	i := bytes.LastIndex(signed, files[len(files)-1].SHA256)
	swapped := bytes.Clone(signed)
	swapped[i] ^= 1
	r := &changingReader{first: signed, then: swapped}
	c, x, err := catalog.ReadIndexCache(r, int64(len(signed)), cache)
	if err != nil {
		t.Fatal(err)
	}
	if cache.loads != 2 {
		t.Fatalf("%d loads: the changed catalog was not looked up", cache.loads)
	}
	if x == original {
		t.Fatal("the cached index was used for bytes that changed")
	}
	if want := mustParse(t, swapped).Index(); !reflect.DeepEqual(x, want) {
		t.Error("the index is not that of the bytes read")
	}
	if err := c.CheckSignature(); !errors.Is(err, catalog.ErrDigestMismatch) {
		t.Errorf("CheckSignature = %v, want ErrDigestMismatch", err)
	}
}

// TestReadIndexCacheVectors: every real catalog read with a cache, cold
// and warm, as Parse reads it.
func TestReadIndexCacheVectors(t *testing.T) {
	cached := 0
	t.Cleanup(func() {
		if cached == 0 {
			t.Error("no vector was read from the cache")
		}
	})
	for rel := range vectorCatalogs(t) {
		t.Run(rel, func(t *testing.T) {
			der := readVector(t, rel)
			full, perr := catalog.Parse(der)
			cache := newMemCache()
			kept := false
			for range 2 {
				c, x, err := catalog.ReadIndexCache(bytes.NewReader(der), int64(len(der)), cache)
				if perr != nil || err != nil {
					if perr == nil || err == nil || perr.Error() != err.Error() {
						t.Fatalf("Parse: %v\nReadIndexCache: %v", perr, err)
					}
					return
				}
				readIndexMatches(t, c, x, full)
				if !kept {
					kept = cache.keep(c, x)
				}
			}
			if kept && cache.loads == 2 {
				cached++
			}
		})
	}
}

// TestIndexBinary: an index encoded and decoded answers as the original,
// and a decoder refuses every change that would make it another index or
// no index.
func TestIndexBinary(t *testing.T) {
	for _, der := range [][]byte{mustBuild(t, filesOf(100)), readVector(t, "deployer/catalog.cat")} {
		x := mustParse(t, der).Index()
		data, err := x.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var y catalog.Index
		if err := y.UnmarshalBinary(data); err != nil {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		if !reflect.DeepEqual(x, &y) {
			t.Fatal("decoded index differs")
		}
	}
	x := mustParse(t, mustBuild(t, filesOf(3))).Index()
	good, _ := x.MarshalBinary()
	header := len(good) - 3*(20+1+4) - 3*(32+1+4)
	sha256At := header + 3*(20+1+4)
	bad := map[string][]byte{
		"empty":     {},
		"magic":     append([]byte("intact catalog index\x00\x02"), good[23:]...),
		"truncated": good[:len(good)-1],
		"trailing":  append(bytes.Clone(good), 0),
		"count":     patch(good, header-4, 4),
		"kind":      patch(good, sha256At+32, 9),
		"member":    patch(good, sha256At+36, 0xff),
		"order":     swapEntries(good, sha256At, 32+1+4),
		"repeated":  repeatEntry(good, sha256At, 32+1+4),
	}
	for name, data := range bad {
		var y catalog.Index
		if err := y.UnmarshalBinary(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func mustBuild(t testing.TB, files []catalog.File) []byte {
	t.Helper()
	der, err := catalog.Build(files, buildTime)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// patch returns data with the byte at i set to b.
func patch(data []byte, i int, b byte) []byte {
	out := bytes.Clone(data)
	out[i] = b
	return out
}

// swapEntries returns data with the two entries of size n at at swapped.
func swapEntries(data []byte, at, n int) []byte {
	out := bytes.Clone(data)
	copy(out[at:at+n], data[at+n:at+2*n])
	copy(out[at+n:at+2*n], data[at:at+n])
	return out
}

// repeatEntry returns data with the entry of size n at at copied over the
// next one.
func repeatEntry(data []byte, at, n int) []byte {
	out := bytes.Clone(data)
	copy(out[at+n:at+2*n], data[at:at+n])
	return out
}

// FuzzIndexBinary: any input is decoded or refused without a panic, and
// what is accepted encodes back to the same bytes.
func FuzzIndexBinary(f *testing.F) {
	for rel := range vectorCatalogs(f) {
		if c, err := catalog.Parse(readVector(f, rel)); err == nil {
			data, _ := c.Index().MarshalBinary()
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var x catalog.Index
		if x.UnmarshalBinary(data) != nil {
			return
		}
		again, err := x.MarshalBinary()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatal("an accepted index does not encode back to its bytes")
		}
	})
}
