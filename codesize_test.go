package intact_test

import (
	"bytes"
	"crypto/sha1"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
)

// allocated returns the bytes f allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestTooLarge: a file larger than the maximum code size (a sparse file of
// 3 GiB here, which once took minutes and gigabytes to judge) is refused
// with too-large before a byte of it is read, in audit mode too.
func TestTooLarge(t *testing.T) {
	e := newEnv(t)
	path := e.write("huge.js", nil)
	if err := os.Truncate(path, 3<<30); err != nil {
		t.Skip("no sparse files here:", err)
	}
	defer watchHeap(64 << 20)()
	for _, audit := range []bool{false, true} {
		_, spec, cats := withTrusted(e, trustedCode)
		spec.audit = audit
		p, _ := e.load([]string{e.policy("policy.xml", spec)}, cats)
		var err error
		if n := allocated(func() { _, err = p.ReadCode(path) }); n > 1<<20 {
			t.Errorf("audit %v: refusing allocated %d bytes", audit, n)
		}
		if !hasReason(err, enforcer.ReasonTooLarge) {
			t.Errorf("audit %v: ReadCode = %v, want too-large", audit, err)
		}
	}
}

// TestMaxCodeSizeConfigured: hosts set the maximum with
// LoadOptions.MaxCodeSize (Config.MaxCodeSize), operators with
// INTACT_MAX_CODE_SIZE; a file of exactly the maximum passes.
func TestMaxCodeSizeConfigured(t *testing.T) {
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	policies := []string{e.policy("policy.xml", spec)}
	size := int64(len(trustedCode))
	load := func(max int64) *intact.Policy {
		p, _ := e.loadOpts(intact.LoadOptions{Policies: policies, Catalogs: cats, SystemDir: e.path("none"), MaxCodeSize: max})
		return p
	}
	if _, err := load(size - 1).ReadCode(path); !hasReason(err, enforcer.ReasonTooLarge) {
		t.Errorf("MaxCodeSize %d: %v, want too-large", size-1, err)
	}
	if _, err := load(size).ReadCode(path); err != nil {
		t.Errorf("MaxCodeSize %d, the file's size: %v", size, err)
	}
	t.Setenv(intact.EnvMaxCodeSize, strconv.FormatInt(size-1, 10))
	if _, err := load(0).ReadCode(path); !hasReason(err, enforcer.ReasonTooLarge) {
		t.Errorf("%s=%d: %v, want too-large", intact.EnvMaxCodeSize, size-1, err)
	}
	if _, err := load(size).ReadCode(path); err != nil {
		t.Errorf("LoadOptions.MaxCodeSize wins over %s: %v", intact.EnvMaxCodeSize, err)
	}
	t.Setenv(intact.EnvMaxCodeSize, "lots")
	if _, err := intact.Load(intact.LoadOptions{Policies: policies, SystemDir: e.path("none")}); err == nil {
		t.Errorf("%s=lots: Load succeeded; want an error", intact.EnvMaxCodeSize)
	}
}

func TestParseCodeSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "4096": 4096, "2KiB": 2 << 10, "256MiB": 256 << 20, "1GiB": 1 << 30} {
		if got, err := intact.ParseCodeSize(in); err != nil || got != want {
			t.Errorf("ParseCodeSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "1MB", "MiB", "1.5GiB", "9223372036854775807GiB"} {
		if got, err := intact.ParseCodeSize(in); err == nil {
			t.Errorf("ParseCodeSize(%q) = %d; want an error", in, got)
		}
	}
}

// TestLargeFileStreamed: a large file that no catalog lists is refused by
// its digest, hashed from the descriptor without its bytes being held; one
// a catalog lists still runs, its exact bytes returned; and in audit mode
// the would-be denial of an unlisted one is logged once.
func TestLargeFileStreamed(t *testing.T) {
	e := newEnv(t)
	const size = 32 << 20
	unlisted := e.write("unlisted.js", nil)
	if err := os.Truncate(unlisted, size); err != nil {
		t.Fatal(err)
	}
	listedCode := bytes.Repeat([]byte("// signed\n"), (2<<20)/10)
	listed := e.write("listed.js", listedCode)
	spec := e.trusting()
	cats := []string{e.write("trusted.cat", e.trustedCatalog(listedCode))}
	p, _ := e.load([]string{e.policy("policy.xml", spec)}, cats)
	if _, err := p.ReadCode(listed); err != nil { // the catalogs are loaded
		t.Fatal(err)
	}

	defer watchHeap(256 << 20)()
	var err error
	if n := allocated(func() { _, err = p.ReadCode(unlisted) }); n > 1<<20 {
		t.Errorf("refusing a %d MiB file allocated %d bytes", size>>20, n)
	}
	if !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Errorf("unlisted: %v, want not-in-catalog", err)
	}
	if data, err := p.ReadCode(listed); err != nil || !bytes.Equal(data, listedCode) {
		t.Errorf("listed: %d bytes, %v; want the file", len(data), err)
	}

	spec.audit = true
	p, log := e.load([]string{e.policy("audit.xml", spec)}, cats)
	if data, err := p.ReadCode(unlisted); err != nil || len(data) != size {
		t.Errorf("audit mode: %d bytes, %v; want the file", len(data), err)
	}
	if evs := log.events(t); len(evs) != 1 || evs[0]["event"] != intact.EventAudit {
		t.Errorf("audit mode: events %v, want one audit event", evs)
	}
}

// TestLargeFileInVersion1Catalog: a version 1 catalog lists files by SHA-1,
// which a digest-only check cannot see: a large file it lists still runs.
func TestLargeFileInVersion1Catalog(t *testing.T) {
	e := newEnv(t)
	code := bytes.Repeat([]byte("// signed\n"), (2<<20)/10)
	path := e.write("large.js", code)
	s1 := sha1.Sum(code)
	v1 := e.trustedCatalogOf([]catalog.File{{Path: "large.js", Size: int64(len(code)), Kind: catalog.KindFlat, SHA1: s1[:]}},
		catalog.BuildOptions{Version: 1})
	p, _ := e.load([]string{e.policy("policy.xml", e.trusting())}, []string{e.write("v1.cat", v1)})
	if data, err := p.ReadCode(path); err != nil || !bytes.Equal(data, code) {
		t.Errorf("%d bytes, %v; want the file", len(data), err)
	}
}
