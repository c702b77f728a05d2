package catalog_test

import (
	"context"
	"crypto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/internal/testvectors"
)

// TestCompareVectors: the New-FileCatalog catalogs match their trees (the
// pester one only case-insensitively), as Test-FileCatalog reports.
func TestCompareVectors(t *testing.T) {
	tests := []struct{ cat, dir string }{
		{"deployer/catalog.cat", "deployer/Scripts/Deploy-Bootstrap"},
		{"powershell-archive/Microsoft.PowerShell.Archive.cat", "powershell-archive"},
		{"pester/lib/catalog.cat", "pester/lib"},
	}
	for _, tt := range tests {
		t.Run(tt.cat, func(t *testing.T) {
			files, err := tree.Hash(context.Background(), testvectors.Path(t, "cat", filepath.FromSlash(tt.dir)),
				&tree.Options{Exclude: []string{"*.cat"}})
			if err != nil {
				t.Fatal(err)
			}
			r, err := catalog.Compare(parseVector(t, tt.cat), files)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("report = %+v", r)
			}
		})
	}
	// Catalogs without FilePath attributes cannot be compared.
	_, err := catalog.Compare(parseVector(t, "relic/hyperv.cat"), nil)
	if err == nil || !strings.Contains(err.Error(), "no FilePath attribute") {
		t.Errorf("Compare(hyperv.cat) = %v", err)
	}
}

// TestCompareTree: a tree that drifts from its catalog is reported file by
// file, for both versions.
func TestCompareTree(t *testing.T) {
	hash := func(files fstest.MapFS) []catalog.File {
		root := t.TempDir()
		if err := os.CopyFS(root, files); err != nil {
			t.Fatal(err)
		}
		hashed, err := tree.Hash(context.Background(), root, nil)
		if err != nil {
			t.Fatal(err)
		}
		return hashed
	}
	text := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }
	original := hash(fstest.MapFS{
		"app.js": text("main"), "lib/Util.js": text("util"), "lib/gone.js": text("gone"), "empty.txt": text(""), "blank.txt": text(""),
	})
	drifted := hash(fstest.MapFS{
		"app.js":      text("main, changed"),
		"LIB/util.js": text("util"), // the same file, named in other case
		"empty.txt":   text("no longer empty"),
		"blank.txt":   text(""),
		"new.js":      text("new"),
	})
	for _, version := range []int{1, 2} {
		der, err := catalog.Build(original, catalog.BuildOptions{Version: version, Time: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		c := mustParse(t, der)
		if r, err := catalog.Compare(c, original); err != nil || !r.OK() {
			t.Fatalf("v%d: unchanged tree: %+v, %v", version, r, err)
		}
		r, err := catalog.Compare(c, drifted)
		if err != nil {
			t.Fatal(err)
		}
		want := catalog.Report{Changed: []string{"app.js", "empty.txt"}, Missing: []string{"lib/gone.js"}, Extra: []string{"new.js"}}
		if r.OK() || !slices.Equal(r.Changed, want.Changed) || !slices.Equal(r.Missing, want.Missing) || !slices.Equal(r.Extra, want.Extra) {
			t.Errorf("v%d: report = %+v, want %+v", version, r, want)
		}
	}
}

// TestIndex: every digest a real catalog lists is found with its member,
// compatibility entries by SHA-1, and nothing else.
func TestIndex(t *testing.T) {
	for rel := range vectorCatalogs(t) {
		c := parseVector(t, rel)
		x := c.Index()
		distinct := map[string]bool{}
		for i := range c.Members {
			m := &c.Members[i]
			h, d := m.DigestAlgorithm, m.Digest
			if m.Compat {
				h, d = crypto.SHA1, m.Tag
			}
			if h == crypto.SHA256 && len(d) != 32 || h == crypto.SHA1 && len(d) != 20 {
				continue // digests of other lengths are not indexed
			}
			got, ok := x.Lookup(h, d)
			if !ok || string(c.Members[got].Tag) != string(m.Tag) {
				t.Errorf("%s: member %s not found", rel, m.TagString())
			}
			distinct[h.String()+string(d)] = true
		}
		if x.Len() != len(distinct) {
			t.Errorf("%s: index has %d digests, want %d", rel, x.Len(), len(distinct))
		}
	}
	c := parseVector(t, "osslsigncode/unsigned.cat")
	x := c.Index()
	pe := []byte{0x2D, 0x2C, 0x7B, 0x38, 0x2C, 0x81, 0x63, 0xA4, 0x19, 0xB9, 0xFF, 0x21, 0x4A, 0x7B, 0x65, 0x1C,
		0x33, 0xF9, 0xEA, 0x43, 0x33, 0x59, 0x07, 0xF1, 0x13, 0x77, 0x29, 0x0C, 0x51, 0x58, 0xA7, 0xA4}
	if i, ok := x.Lookup(crypto.SHA256, pe); !ok || c.Members[i].Kind != catalog.KindPE {
		t.Errorf("PE member: %v %v", i, ok)
	}
	if i, ok := x.LookupKind(crypto.SHA256, pe, catalog.KindPE); !ok || c.Members[i].Kind != catalog.KindPE {
		t.Errorf("PE member by kind: %v %v", i, ok)
	}
	// A PE member's digest is an Authenticode digest: no file's exact
	// bytes are listed by it.
	if i, ok := x.LookupKind(crypto.SHA256, pe, catalog.KindFlat); ok {
		t.Errorf("PE member found as a flat one: %s", c.Members[i].TagString())
	}
	for _, miss := range []struct {
		h crypto.Hash
		d []byte
	}{
		{crypto.SHA256, make([]byte, 32)},
		{crypto.SHA1, pe[:20]},   // a SHA-256 prefix is not a SHA-1
		{crypto.SHA256, pe[:20]}, // wrong length
		{crypto.SHA384, pe},      // wrong algorithm
		{crypto.SHA1, nil},
	} {
		if i, ok := x.Lookup(miss.h, miss.d); ok {
			t.Errorf("Lookup(%v, %X) found %s", miss.h, miss.d, c.Members[i].TagString())
		}
	}
}
