package catalog_test

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
)

func memberPathsCatalog(t *testing.T, paths []string, attrs ...catalog.Attribute) *catalog.Catalog {
	t.Helper()
	var files []catalog.File
	for _, p := range paths {
		sum := sha256.Sum256([]byte(p))
		files = append(files, catalog.File{Path: p, Size: 1, Kind: catalog.KindFlat, SHA256: sum[:], SHA1: sum[:20]})
	}
	der, err := catalog.Build(files, catalog.BuildOptions{Time: time.Unix(0, 0), Attributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMemberPaths: a member is found by the path of its file: below the
// recorded root, or, without one, where the catalog's other files lie too.
func TestMemberPaths(t *testing.T) {
	tree := t.TempDir()
	for _, p := range []string{"main.js", "lib/a.js", "lib/b.js"} {
		full := filepath.Join(tree, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, []byte("x"), 0o644)
	}
	paths := []string{"lib/a.js", "lib/b.js", "main.js"}

	// With a recorded root, only there.
	c := memberPathsCatalog(t, paths, catalog.NewAttribute(catalog.RootAttribute, tree))
	m, rel := c.MemberPaths().Lookup(filepath.Join(tree, "lib", "a.js"))
	want := sha256.Sum256([]byte("lib/a.js"))
	if m == nil || rel != filepath.Join("lib", "a.js") || string(m.Digest) != string(want[:]) {
		t.Errorf("Lookup(lib/a.js) = %v, %q", m, rel)
	}
	if m, _ := c.MemberPaths().Lookup(filepath.Join(tree, "other", "lib", "a.js")); m != nil {
		t.Errorf("found outside the root: %v", m)
	}
	if !c.MemberPaths().Exact() {
		t.Error("a catalog with a root: not Exact")
	}

	// Without one: where the catalog's other files exist.
	c = memberPathsCatalog(t, paths)
	if c.MemberPaths().Exact() {
		t.Error("a catalog without a root: Exact, though it matches by name")
	}
	if m, rel := c.MemberPaths().Lookup(filepath.Join(tree, "main.js")); m == nil || rel != "main.js" {
		t.Errorf("Lookup(main.js) = %v, %q", m, rel)
	}
	// A main.js in a folder without lib/a.js and lib/b.js is another file.
	elsewhere := filepath.Join(tree, "lib", "main.js")
	if m, _ := c.MemberPaths().Lookup(elsewhere); m != nil {
		t.Errorf("Lookup(%s) = %v, want nil: not the catalog's tree", elsewhere, m)
	}
	if m, _ := c.MemberPaths().Lookup(filepath.Join(tree, "unlisted.js")); m != nil {
		t.Errorf("an unlisted file found: %v", m)
	}
	// A catalog without FilePath attributes finds nothing.
	var empty catalog.Catalog
	if m, _ := empty.MemberPaths().Lookup(filepath.Join(tree, "main.js")); m != nil {
		t.Error("found in an empty catalog")
	}
}
