package catalog_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
)

// TestEmptyFiles: a catalog vouches for an empty file only at its recorded
// root joined with the file's relative path, written with either
// separator; never without a root, with a root that is not absolute here,
// or for a relative path that leaves the root.
func TestEmptyFiles(t *testing.T) {
	root := t.TempDir()
	build := func(attrs ...catalog.Attribute) *catalog.Catalog {
		der, err := catalog.Build([]catalog.File{{Path: "lib/empty.js"}}, catalog.BuildOptions{Time: time.Unix(0, 0), Attributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		c, err := catalog.Parse(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := build(catalog.NewAttribute(catalog.RootAttribute, root), catalog.NewAttribute("FilePath", "../outside.js"))
	if c.Root() != root {
		t.Errorf("Root() = %q, want %q", c.Root(), root)
	}
	empty := c.EmptyFiles()
	for path, want := range map[string]bool{
		filepath.Join(root, "lib", "empty.js"):                   true,
		filepath.Join(root, "lib", ".", "empty.js"):              true,
		filepath.Join(root, "x", "..", "lib", "empty.js"):        true,
		filepath.Join(root, "node_modules", "lib", "empty.js"):   false,
		filepath.Join(root, "empty.js"):                          false,
		filepath.Join(filepath.Dir(root), "outside.js"):          false,
		filepath.Join(root, "lib", "empty.js", "..", "other.js"): false,
	} {
		if got := empty.Vouches(path); got != want {
			t.Errorf("Vouches(%s) = %v, want %v", path, got, want)
		}
	}
	for name, c := range map[string]*catalog.Catalog{
		"no root":       build(),
		"relative root": build(catalog.NewAttribute(catalog.RootAttribute, "app")),
	} {
		if c.EmptyFiles().Vouches(filepath.Join(root, "lib", "empty.js")) {
			t.Errorf("%s: vouches for an empty file", name)
		}
	}
}
