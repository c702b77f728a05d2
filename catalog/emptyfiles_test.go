package catalog_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
	build := func(attrs ...catalog.Attribute) *catalog.Catalog { return emptyFileCatalog(t, attrs...) }
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

// TestEmptyFilesVouchesFile: VouchesFile judges the empty file opened, at
// the path asked for: a link inside the tree does not lend its target's
// path, a path through a link and ".." that opens another file is refused,
// and a tree reached through a link to its root keeps its empty files.
func TestEmptyFilesVouchesFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "releases", "7")
	for _, f := range []string{"lib/empty.js", "lib/auth.js", "elsewhere/empty.js"} {
		base := root
		if strings.HasPrefix(f, "elsewhere") {
			base = dir
		}
		p := filepath.Join(base, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
	}
	link(root, filepath.Join(dir, "current"))
	link("empty.js", filepath.Join(root, "lib", "linked.js"))
	link(filepath.Join(dir, "elsewhere", "sub"), filepath.Join(root, "lib", "L"))
	link(root, filepath.Join(root, "lib", "up"))
	if err := os.MkdirAll(filepath.Join(dir, "elsewhere", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	empty := emptyFileCatalog(t, catalog.NewAttribute(catalog.RootAttribute, root)).EmptyFiles()
	for path, want := range map[string]bool{
		filepath.Join(root, "lib", "empty.js"):                        true,
		filepath.Join(dir, "current", "lib", "empty.js"):              true,  // the tree through a link to its root
		filepath.Join(root, "lib", "linked.js"):                       false, // a link in the tree to the vouched file
		filepath.Join(root, "lib", "L") + "/../empty.js":              false, // opens elsewhere/empty.js
		filepath.Join(root, "lib", "up", "lib", "empty.js"):           false, // lib/up/lib/empty.js is not recorded
		filepath.Join(dir, "current", "lib", "linked.js"):             false,
		filepath.Join(dir, "current", "lib", "up", "lib", "empty.js"): false,
	} {
		opened, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := empty.VouchesFile(path, opened); got != want {
			t.Errorf("VouchesFile(%s) = %v, want %v", path, got, want)
		}
	}
	other, err := os.Stat(filepath.Join(root, "lib", "auth.js"))
	if err != nil {
		t.Fatal(err)
	}
	if empty.VouchesFile(filepath.Join(root, "lib", "empty.js"), other) {
		t.Error("VouchesFile vouches for another file opened by the vouched path")
	}
}

// emptyFileCatalog returns the parsed catalog of one empty file,
// lib/empty.js, with the catalog attributes attrs.
func emptyFileCatalog(t *testing.T, attrs ...catalog.Attribute) *catalog.Catalog {
	t.Helper()
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
