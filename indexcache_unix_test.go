//go:build unix

package intact_test

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/sysfolder"
	"github.com/intactdev/intact/internal/testpki"
)

// TestIndexCacheFolder: a process running as root stores the index of a
// signed catalog in the folder of cached indexes, and the next one uses
// it. An index put in its place that lists an unsigned file is used only
// while nobody but root can change it: in a folder others can write, or
// owned or writable by another user, it is ignored and the unsigned file
// refused. (That root's own forged index is taken shows that the refusals
// come from those checks: root can change the system policy as well.)
func TestIndexCacheFolder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the folder of cached indexes is written only by root: run as root")
	}
	e := newEnv(t)
	unsigned := e.write("app/unsigned.js", evilCode)
	trusted, load, entry := loadCached(t, e, e.trustedCatalog(trustedCode))
	cacheDir := filepath.Dir(entry)
	p := load()
	if _, err := p.ReadCode(trusted); err != nil {
		t.Fatalf("trusted, warm: %v", err)
	}
	if got := indexStatus(p, e.path("app.cat")); got != "cached" {
		t.Errorf("warm: status says the index was %q, want cached", got)
	}

	// The index of a catalog that also lists the unsigned file, under
	// the trusted catalog's key.
	forged, err := catalog.Parse(e.unsignedCatalog(trustedCode, evilCode))
	if err != nil {
		t.Fatal(err)
	}
	data, err := forged.Index().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	plant := func(mode os.FileMode, uid int) {
		t.Helper()
		os.Remove(entry)
		if err := os.WriteFile(entry, data, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(entry, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(entry, uid, 0); err != nil {
			t.Fatal(err)
		}
	}
	refused := func(what string) {
		t.Helper()
		code, err := load().ReadCode(unsigned)
		var v *intact.ViolationError
		if !errors.As(err, &v) || code != nil {
			t.Errorf("%s: the unsigned file: %q, %v; want a violation", what, code, err)
		}
	}

	plant(0o666, 0)
	refused("index writable by others")
	plant(0o644, 65534)
	refused("index owned by another user")
	plant(0o644, 0)
	if err := os.Chmod(cacheDir, 0o777); err != nil {
		t.Fatal(err)
	}
	refused("folder writable by others")
	if err := os.Chmod(cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := load().ReadCode(unsigned); err != nil {
		t.Fatalf("root's own index was not used (so the refusals above prove nothing): %v", err)
	}
}

// TestIndexCacheChangedCatalog: the catalog's member list changed after
// its index was cached, its signature kept (the same key): the index is not
// used, the catalog fails its signature check, and the file it listed is
// refused.
func TestIndexCacheChangedCatalog(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the folder of cached indexes is written only by root: run as root")
	}
	e := newEnv(t)
	other := []byte("module.exports = 'other'\n")
	signed := e.trustedCatalogOf([]catalog.File{fileOf("trusted.js", trustedCode), fileOf("other.js", other)}, catalog.BuildOptions{})
	trusted, load, _ := loadCached(t, e, signed)
	sum := sha256.Sum256(other)
	i := bytes.Index(signed, sum[:])
	if i < 0 {
		t.Fatal("the other file's digest is not in the catalog")
	}
	tampered := bytes.Clone(signed)
	tampered[i] ^= 1
	catPath := e.write("app.cat", tampered) // loadCached's catalog
	p := load()
	code, err := p.ReadCode(trusted)
	var v *intact.ViolationError
	if !errors.As(err, &v) || code != nil {
		t.Fatalf("a catalog changed under its cached index: %q, %v; want a violation", code, err)
	}
	// Its index was read from the folder and then not used: scanned
	// (outside review rt46: status said cached).
	if got := indexStatus(p, catPath); got != "scanned" {
		t.Errorf("status says the changed catalog's index was %q, want scanned", got)
	}
}

// TestIndexCacheUntrusted: root reads catalogs the system policy does not
// trust: one signed by a key of anyone's (outside review rt45), and one
// trusted only by a policy named on the command line, which anyone can
// write (rt46). Neither index is stored: nobody fills the folder by handing
// root catalogs of their own.
func TestIndexCacheUntrusted(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the folder of cached indexes is written only by root: run as root")
	}
	e := newEnv(t)
	_, _, entry := loadCached(t, e, e.trustedCatalog(trustedCode))
	theirs := e.write("theirs.cat", e.signedCatalog(e.pki.other, []*testpki.Cert{e.pki.otherRoot}, evilCode))
	theirPolicy := e.policy("theirs.xml", policySpec{enforce: true, allowed: []*testpki.Cert{e.pki.otherRoot}})
	unsigned := e.write("app/unsigned.js", evilCode)
	for _, policies := range [][]string{nil, {theirPolicy}} {
		p, _ := e.loadOpts(intact.LoadOptions{Policies: policies, Catalogs: []string{e.path("app.cat"), theirs}, SystemDir: e.path("system")})
		if _, err := p.ReadCode(unsigned); err == nil {
			t.Fatal("a file listed only by a catalog the system policy does not trust was allowed")
		}
		if got := indexStatus(p, theirs); got != "scanned" {
			t.Errorf("policies %v: status says the catalog's index was %q, want scanned", policies, got)
		}
		entries, _ := filepath.Glob(filepath.Join(filepath.Dir(entry), "*.index"))
		if len(entries) != 1 {
			t.Fatalf("policies %v: %d indexes stored, want only the system policy's catalog's", policies, len(entries))
		}
	}
}

// TestIndexCacheLinked: a folder of cached indexes that is a link, to a
// folder only root can change but outside the system folder (outside
// what intact node keeps a root node tree from writing), is not used.
func TestIndexCacheLinked(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the folder of cached indexes is written only by root: run as root")
	}
	e := newEnv(t)
	elsewhere := e.path("elsewhere")
	if err := os.MkdirAll(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(e.path("system"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(e.path("system"), sysfolder.IndexCache)); err != nil {
		t.Fatal(err)
	}
	trusted := e.write("app/trusted.js", trustedCode)
	cat := e.write("app.cat", e.trustedCatalog(trustedCode))
	e.write("system/policy.xml", []byte(e.trusting().xml()))
	p, _ := e.loadOpts(intact.LoadOptions{Catalogs: []string{cat}, SystemDir: e.path("system")})
	if _, err := p.ReadCode(trusted); err != nil {
		t.Fatal(err)
	}
	if got := indexStatus(p, cat); got != "" {
		t.Errorf("status says the index was %q: the linked folder was used", got)
	}
	if entries, _ := filepath.Glob(filepath.Join(elsewhere, "*")); len(entries) != 0 {
		t.Errorf("indexes stored through the link: %v", entries)
	}
}

// loadCached writes the catalog cat as app.cat, a system policy trusting
// the test root and app/trusted.js (trustedCode), and makes the folder of
// cached indexes in the system folder e.path("system"). It reads the
// trusted file once under them, which stores the catalog's index, and
// returns its path, a function that loads the policy anew, and the index
// file's path.
func loadCached(t *testing.T, e *env, cat []byte) (trusted string, load func() *intact.Policy, entry string) {
	t.Helper()
	trusted = e.write("app/trusted.js", trustedCode)
	catPath := e.write("app.cat", cat)
	e.write("system/policy.xml", []byte(e.trusting().xml()))
	dir := filepath.Join(e.path("system"), sysfolder.IndexCache)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	load = func() *intact.Policy {
		p, _ := e.loadOpts(intact.LoadOptions{Catalogs: []string{catPath}, SystemDir: e.path("system")})
		return p
	}
	p := load()
	if _, err := p.ReadCode(trusted); err != nil {
		t.Fatalf("trusted, cold: %v", err)
	}
	if got := indexStatus(p, catPath); got != "stored" {
		t.Errorf("cold: status says the index was %q, want stored", got)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*.index"))
	if len(entries) != 1 {
		t.Fatalf("%d indexes stored, want 1", len(entries))
	}
	return trusted, load, entries[0]
}

// indexStatus returns what Status says of how catalog's index was had.
func indexStatus(p *intact.Policy, catalog string) string {
	for _, e := range p.Status().Enforcers {
		for _, c := range e.Catalogs {
			if c.File == catalog {
				return c.Index
			}
		}
	}
	return "(not in status)"
}

func fileOf(name string, content []byte) catalog.File {
	s256, s1 := sha256.Sum256(content), sha1.Sum(content)
	return catalog.File{Path: name, Size: int64(len(content)), Kind: catalog.KindFlat, SHA256: s256[:], SHA1: s1[:]}
}
