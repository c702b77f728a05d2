package catalog_test

import (
	"context"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
)

// filesOf returns n files as HashTree would return them, one in ten PE.
func filesOf(n int) []catalog.File {
	files := make([]catalog.File, n)
	for i := range files {
		var seed [8]byte
		binary.LittleEndian.PutUint64(seed[:], uint64(i))
		s256, s1 := sha256.Sum256(seed[:]), sha1.Sum(seed[:])
		kind := catalog.KindFlat
		if i%10 == 0 {
			kind = catalog.KindPE
		}
		files[i] = catalog.File{Path: fmt.Sprintf("node_modules/pkg%d/lib/file%d.js", i/100, i), Size: 100,
			Kind: kind, SHA256: s256[:], SHA1: s1[:]}
	}
	return files
}

var buildTime = catalog.BuildOptions{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}

// signedCatalogOf builds and signs a v2 catalog of n files: 2n members.
func signedCatalogOf(b *testing.B, n int) ([]byte, [][]byte) {
	b.Helper()
	files := filesOf(n)
	digests := make([][]byte, n)
	for i, f := range files {
		digests[i] = f.SHA256
	}
	der, err := catalog.Build(files, buildTime)
	if err != nil {
		b.Fatal(err)
	}
	p := getPKI(b)
	return sign(b, der, p.leafKey, p.leaf, p.inter), digests
}

// BenchmarkBuild: the v2 catalog of 50,000 files (100,000 members).
func BenchmarkBuild(b *testing.B) {
	files := filesOf(50_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalog.Build(files, buildTime); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseIndex: parse a signed catalog of 100,000 members (50,000
// files in v2: a SHA-256 member and a SHA-1 compatibility member each),
// verify it and build its lookup index, as an enforcer did at start-up
// (Parse), and the same with ReadIndex reading the catalog's file, as it
// does now.
func BenchmarkParseIndex(b *testing.B) {
	der, _ := signedCatalogOf(b, 50_000)
	path := filepath.Join(b.TempDir(), "big.cat")
	if err := os.WriteFile(path, der, 0o644); err != nil {
		b.Fatal(err)
	}
	roots := pool(getPKI(b).root)
	read := map[string]func() (*catalog.Catalog, *catalog.Index, error){
		"Parse": func() (*catalog.Catalog, *catalog.Index, error) {
			c, err := catalog.Parse(der)
			if err != nil {
				return nil, nil, err
			}
			return c, c.Index(), nil
		},
		"ReadIndex": func() (*catalog.Catalog, *catalog.Index, error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, nil, err
			}
			defer f.Close()
			return catalog.ReadIndex(f, int64(len(der)))
		},
	}
	for _, name := range []string{"Parse", "ReadIndex"} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(der)))
			b.ReportAllocs()
			for b.Loop() {
				c, x, err := read[name]()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Verify(catalog.VerifyOptions{Roots: roots}); err != nil {
					b.Fatal(err)
				}
				if x.Files() != 50_000 || x.Len() != 100_000 {
					b.Fatalf("%d files, %d digests", x.Files(), x.Len())
				}
			}
		})
	}
}

// BenchmarkLookup: one membership query in the index of a 100,000-member
// catalog.
func BenchmarkLookup(b *testing.B) {
	der, digests := signedCatalogOf(b, 50_000)
	c, err := catalog.Parse(der)
	if err != nil {
		b.Fatal(err)
	}
	x := c.Index()
	i := 0
	for b.Loop() {
		if _, ok := x.Lookup(crypto.SHA256, digests[i%len(digests)]); !ok {
			b.Fatal("member not found")
		}
		i++
	}
}

// BenchmarkNewCatalog hashes the tree that INTACT_BENCH_TREE names
// (bench/catalog-new.sh installs a real npm tree) and builds its v2
// catalog, which is the work of "intact catalog new" without the CLI:
//
//	INTACT_BENCH_TREE=DIR go test -run '^$' -bench NewCatalog -cpuprofile cpu.out ./catalog
func BenchmarkNewCatalog(b *testing.B) {
	dir := os.Getenv("INTACT_BENCH_TREE")
	if dir == "" {
		b.Skip("INTACT_BENCH_TREE is not set")
	}
	opts := catalog.BuildOptions{Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		files, err := tree.Hash(context.Background(), dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := catalog.Build(files, opts); err != nil {
			b.Fatal(err)
		}
	}
}
