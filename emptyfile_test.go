package intact_test

import (
	"os"
	"runtime"
	"testing"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
)

// TestEmptyFiles: catalogs record empty files by path, not by hash, as
// New-FileCatalog does. An empty file runs only at the whole path that a
// trusted catalog's recorded root and the empty file's relative path make;
// emptying any other file, such as a signed module that happens to end in
// the same relative path deep in node_modules, is refused, and a catalog
// that records no root vouches for no empty file.
func TestEmptyFiles(t *testing.T) {
	e := newEnv(t)
	signedCatalog := func(name string, attrs []catalog.Attribute, files ...string) string {
		var members []catalog.File
		for _, f := range files {
			members = append(members, catalog.File{Path: f})
		}
		return e.write(name, e.trustedCatalogOf(members, catalog.BuildOptions{Attributes: attrs}))
	}
	// catalog.Build refuses a relative path that leaves the tree; a
	// catalog made otherwise may hold one.
	rooted := signedCatalog("app.cat", []catalog.Attribute{
		catalog.NewAttribute(catalog.RootAttribute, e.path("app")),
		catalog.NewAttribute("FilePath", `..\escape.js`),
	}, "lib/empty.js")
	p, _ := e.load([]string{e.policy("policy.xml", e.trusting())}, []string{rooted})

	if data, err := p.ReadCode(e.write("app/lib/empty.js", nil)); err != nil || len(data) != 0 {
		t.Errorf("recorded empty file: %q, %v", data, err)
	}
	refused := []string{
		"app/node_modules/pkg/lib/empty.js", // the recorded path's suffix, elsewhere
		"app/lib/auth.js",
		"app/empty.js",
		"app/xlib/empty.js",
		"escape.js", // a relative path that leaves the root vouches for nothing
	}
	if runtime.GOOS != "windows" {
		refused = append(refused, "app/lib/Empty.js") // another file where case matters
	}
	for _, name := range refused {
		if _, err := p.ReadCode(e.write(name, nil)); !hasReason(err, enforcer.ReasonNotInCatalog) {
			t.Errorf("%s emptied: %v, want not-in-catalog", name, err)
		}
	}
	// The recorded path must not let non-empty content through.
	if _, err := p.ReadCode(e.write("app/lib/empty.js", []byte("evil()"))); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Errorf("non-empty content at the empty file's path: %v, want not-in-catalog", err)
	}

	// A catalog without a recorded root (New-FileCatalog's) vouches for
	// no empty file, not even at the end of a path it records.
	rootless := signedCatalog("rootless.cat", nil, "lib/empty.js")
	p, _ = e.load([]string{e.policy("policy.xml", e.trusting())}, []string{rootless})
	if _, err := p.ReadCode(e.write("app/lib/empty.js", nil)); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Errorf("empty file under a catalog without a root: %v, want not-in-catalog", err)
	}
}

// TestEmptyFileThroughLinks: an empty file runs only when the path asked
// for, cleaned, is the recorded one and names the file opened. A path is
// cleaned textually but opened through symbolic links, so
// app/lib/L/../empty.js, with L a link to a folder elsewhere, is judged as
// app/lib/empty.js but opens the empty.js beside that folder.
func TestEmptyFileThroughLinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	e := newEnv(t)
	cat := e.trustedCatalogOf([]catalog.File{{Path: "lib/empty.js"}}, catalog.BuildOptions{Attributes: []catalog.Attribute{
		catalog.NewAttribute(catalog.RootAttribute, e.path("app")),
	}})
	p, _ := e.load([]string{e.policy("policy.xml", e.trusting())}, []string{e.write("app.cat", cat)})
	e.write("app/lib/empty.js", nil)
	e.write("elsewhere/empty.js", nil)
	e.write("elsewhere/dir/placeholder", nil)
	if err := os.Symlink(e.path("elsewhere/dir"), e.path("app/lib/L")); err != nil {
		t.Fatal(err)
	}
	dotdot := e.path("app/lib/L") + "/../empty.js"
	if _, err := p.ReadCode(dotdot); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Errorf("ReadCode(%s), which opens elsewhere/empty.js: %v, want not-in-catalog", dotdot, err)
	}
	if _, err := p.ReadCode(e.path("app/lib/empty.js")); err != nil {
		t.Errorf("the recorded empty file: %v", err)
	}
}
