package intact_test

import (
	"bytes"
	"crypto/sha1"
	"os"
	"runtime"
	"strconv"
	"strings"
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

// TestMaxCodeSizeCapped: a host's MaxCodeSize above MaxCodeSizeLimit
// counts as the limit: a sparse file of 5 GiB is refused unread.
func TestMaxCodeSizeCapped(t *testing.T) {
	e := newEnv(t)
	path := e.write("huge.js", nil)
	if err := os.Truncate(path, 5<<30); err != nil {
		t.Skip("no sparse files here:", err)
	}
	_, spec, cats := withTrusted(e, trustedCode)
	p, _ := e.loadOpts(intact.LoadOptions{Policies: []string{e.policy("policy.xml", spec)}, Catalogs: cats, SystemDir: e.path("none"), MaxCodeSize: 8 << 30})
	var err error
	if n := allocated(func() { _, err = p.ReadCode(path) }); n > 1<<20 {
		t.Errorf("refusing allocated %d bytes", n)
	}
	if !hasReason(err, enforcer.ReasonTooLarge) {
		t.Errorf("MaxCodeSize 8 GiB, a 5 GiB file: %v, want too-large", err)
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
	for _, bad := range []string{"lots", "8GiB"} {
		t.Setenv(intact.EnvMaxCodeSize, bad)
		_, err := intact.Load(intact.LoadOptions{Policies: policies, SystemDir: e.path("none")})
		if err == nil || !strings.Contains(err.Error(), intact.EnvMaxCodeSize) {
			t.Errorf("%s=%s: Load: %v; want an error naming the variable", intact.EnvMaxCodeSize, bad, err)
		}
	}
}

func TestParseCodeSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "4096": 4096, "2KiB": 2 << 10, "256MiB": 256 << 20, "1GiB": 1 << 30,
		"4GiB": 4 << 30, "4096MiB": 4 << 30, "4294967296": 4 << 30} {
		if got, err := intact.ParseCodeSize(in); err != nil || got != want {
			t.Errorf("ParseCodeSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	// Above MaxCodeSizeLimit (4 GiB) too: a buffer of that size is more
	// than any runtime can run.
	for _, in := range []string{"", "0", "-1", "1MB", "MiB", "1.5GiB", "9223372036854775807GiB",
		"4294967297", "4194305KiB", "4097MiB", "5GiB", "4611686018427387904"} {
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
