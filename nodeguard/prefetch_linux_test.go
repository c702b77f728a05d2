package nodeguard

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/scratch"
)

// TestDependenciesTimeBounded: looking for one reply's dependencies, which
// node's next request waits for, takes a bounded time, however slow each
// lookup is: through chains of links whose targets each walk hundreds of
// folders down and up again, 1,024 names held node for 15 minutes
// (outside review rt79). The chain resolves to its real package. Linux
// only: the chains are made of Linux's links, which the kernel resolves.
func TestDependenciesTimeBounded(t *testing.T) {
	base := scratch.Dir(t)
	deep := strings.Repeat("n/", 400)
	if err := os.MkdirAll(filepath.Join(base, "c", deep), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTree(t, base, map[string]string{"real/pkg/package.json": `{"name": "pkg"}`})
	const links = 39 // the kernel follows 40
	for i := range links {
		next := fmt.Sprintf("L%d", i+1)
		if i == links-1 {
			next = "../real/pkg"
		}
		if err := os.Symlink(deep+strings.Repeat("../", 400)+next, filepath.Join(base, "c", fmt.Sprintf("L%d", i))); err != nil {
			t.Skip("cannot make symbolic links here:", err)
		}
	}
	dir := filepath.Join(base, "app", "node_modules", "dep")
	names := make([]string, aheadMaxWant)
	for i := range names {
		name := fmt.Sprintf("d%04d", i)
		names[i] = fmt.Sprintf("%q: %q", name, "1")
		if err := os.MkdirAll(filepath.Join(dir, "node_modules"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(base, "c", "L0"), filepath.Join(dir, "node_modules", name)); err != nil {
			t.Fatal(err)
		}
	}
	writeTree(t, dir, map[string]string{"package.json": `{"name": "dep", "dependencies": {` + strings.Join(names, ", ") + "}}"})

	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{&countingEnforcer{judged: map[string]int{}}}})
	r := newReader(p, true, aheadMaxAge)
	defer r.close()
	start := time.Now()
	roots := r.dependencies(dir, start.Add(aheadMaxLookupTime))
	took := time.Since(start)
	t.Logf("%d of %d dependencies looked for in %v", r.looked, len(names), took)
	if r.looked >= len(names) || took > 5*time.Second {
		t.Errorf("%d of %d dependencies looked for in %v, want fewer, within about %v", r.looked, len(names), took, aheadMaxLookupTime)
	}
	want, err := filepath.EvalSymlinks(filepath.Join(base, "real", "pkg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) == 0 || roots[0].real != want {
		t.Errorf("dependencies resolved to %v, want %s first", roots, want)
	}

	// One name, looked for in each of 50 folders up from the package,
	// each holding node_modules/@s linked to the chain, which ends where
	// no package is: the deadline holds within the walk too (rt80 took
	// 0.3 s a package so, against 50 ms).
	const levels = 50
	pkg := filepath.Join(base, "up", strings.Repeat("u/", levels))
	for d := pkg; d != base; d = filepath.Dir(d) {
		if err := os.MkdirAll(filepath.Join(d, "node_modules"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(base, "c", "L0"), filepath.Join(d, "node_modules", "@s")); err != nil {
			t.Fatal(err)
		}
	}
	writeTree(t, pkg, map[string]string{"package.json": `{"name": "p", "dependencies": {"@s/absent": "1"}}`})
	r2 := newReader(p, true, aheadMaxAge)
	defer r2.close()
	r2.dependencies(pkg, time.Now().Add(time.Millisecond))
	if r2.looked >= levels/2 {
		t.Errorf("%d folders looked at for one name after the deadline passed, want a few", r2.looked)
	}
}
