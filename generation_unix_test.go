//go:build unix

package intact_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/internal/testpki"
)

// TestLoadSeesOneGeneration: while a goroutine keeps switching a symlinked
// system folder between two generations, every Load pairs one generation's
// policy with the same generation's catalogs. Generation a's policy trusts
// only the test root and its catalog is signed under it; generation b's
// trusts only the other root, its catalog signed under that one. Both
// catalogs list the same code, so a consistent load allows it and a mixed
// one (a's policy with b's catalogs, or b's with a's) refuses it.
func TestLoadSeesOneGeneration(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	code := e.write("app.js", trustedCode)
	gens := map[string]struct {
		root   *testpki.Cert
		signer *testpki.Cert
	}{
		"a": {e.pki.root, e.pki.signer},
		"b": {e.pki.otherRoot, e.pki.other},
	}
	for name, g := range gens {
		e.write("gens/"+name+"/policy.xml", []byte(policySpec{enforce: true, allowed: []*testpki.Cert{g.root}}.xml()))
		e.write("gens/"+name+"/catalogs/app.cat", e.signedCatalog(g.signer, []*testpki.Cert{g.root}, trustedCode))
	}
	system := e.path("intact")
	if err := os.Symlink(e.path("gens/a"), system); err != nil {
		t.Fatal(err)
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		next := e.path("intact.next")
		for i := 0; !stop.Load(); i++ {
			target := e.path("gens/a")
			if i%2 == 1 {
				target = e.path("gens/b")
			}
			if err := os.Symlink(target, next); err != nil {
				t.Error(err)
				return
			}
			if err := os.Rename(next, system); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()

	const loads = 400
	mixed := 0
	for range loads {
		p, err := intact.Load(intact.LoadOptions{SystemDir: system})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if _, err := p.ReadCode(code); err != nil {
			mixed++
		}
	}
	if mixed > 0 {
		t.Errorf("%d of %d loads paired one generation's policy with the other's catalogs", mixed, loads)
	}
}

// TestSystemLinkHolderChecked: the folder holding a link to the system
// folder (and the link itself) must be root's alone too, since whoever can
// replace the link chooses the system policy; the target's own folders are
// not enough.
func TestSystemLinkHolderChecked(t *testing.T) {
	requireRoot(t)
	cases := map[string]func(holder, link string) error{
		"holder world-writable": func(holder, link string) error { return os.Chmod(holder, 0o777) },
		"holder owned by a user": func(holder, link string) error {
			return os.Chown(holder, 1000, 1000)
		},
		"link owned by a user in a sticky folder": func(holder, link string) error {
			if err := os.Chmod(holder, 0o777|os.ModeSticky); err != nil {
				return err
			}
			return os.Lchown(link, 1000, 1000)
		},
	}
	for name, break_ := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			dir := e.system(e.trusting())
			holder := e.path("etc")
			if err := os.Mkdir(holder, 0o755); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(holder, "intact")
			if err := os.Symlink(dir, link); err != nil {
				t.Fatal(err)
			}
			if _, err := intact.Load(intact.LoadOptions{SystemDir: link}); err != nil {
				t.Fatalf("Load through a sound link: %v", err)
			}
			if err := break_(holder, link); err != nil {
				t.Fatal(err)
			}
			p, err := intact.Load(intact.LoadOptions{SystemDir: link})
			if err == nil || p != nil {
				t.Fatalf("Load = %v, %v; want it refused", p, err)
			}
			if !strings.Contains(err.Error(), "anyone but root must be unable to change it") {
				t.Fatalf("error %q does not say why", err)
			}
		})
	}
}

// TestSystemGenerationPointer: a system folder with a generation pointer
// is read from the generation it names, and a pointer that names no valid
// generation, or that anyone but root can change, fails Load.
func TestSystemGenerationPointer(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	code := e.write("app.js", trustedCode)
	dir := e.path("system")
	// The flat files would refuse the code: the pointer must win.
	e.write("system/policy.xml", []byte(e.trusting().xml()))
	e.write("system/generations/g1/policy.xml", []byte(e.trusting().xml()))
	e.write("system/generations/g1/catalogs/app.cat", e.trustedCatalog(trustedCode))
	pointer := e.write("system/generation", []byte("g1\n"))
	// What a removal in progress, or a tamperer, leaves: catalogs without
	// a policy, or nothing at all. Neither means "no system policy".
	e.write("system/generations/nopolicy/catalogs/app.cat", e.trustedCatalog(trustedCode))
	if err := os.Mkdir(e.path("system/generations/empty"), 0o755); err != nil {
		t.Fatal(err)
	}

	p, err := intact.Load(intact.LoadOptions{SystemDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadCode(code); err != nil {
		t.Fatalf("ReadCode through generation g1: %v", err)
	}

	for name, c := range map[string]struct {
		content string
		mode    os.FileMode
		want    string
	}{
		"missing generation": {"g2\n", 0o644, "names generation g2, which does not exist"},
		"no policy":          {"nopolicy\n", 0o644, "holds no policy.xml"},
		"empty generation":   {"empty\n", 0o644, "holds no policy.xml"},
		"parent folder":      {"..\n", 0o644, "not a generation name"},
		"path":               {"../g1\n", 0o644, "not a generation name"},
		"empty":              {"", 0o644, "not a generation name"},
		"pointer writable":   {"g1\n", 0o666, "anyone but root must be unable to change it"},
		"two lines":          {"g1\ng1\n", 0o644, "not a generation name"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(pointer, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(pointer, c.mode); err != nil {
				t.Fatal(err)
			}
			p, err := intact.Load(intact.LoadOptions{SystemDir: dir})
			if err == nil || p != nil {
				t.Fatalf("Load = %v, %v; want it refused", p, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want it to say %q", err, c.want)
			}
		})
	}
}
