//go:build unix

package intact_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// TestNotRegular: FIFOs, folders and devices are refused at once, without
// blocking on a FIFO that has no writer.
func TestNotRegular(t *testing.T) {
	e := newEnv(t)
	_, spec, cats := withTrusted(e, trustedCode)
	p, _ := e.load([]string{e.policy("policy.xml", spec)}, cats)
	fifo := e.path("fifo.js")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, path := range []string{fifo, e.dir, os.DevNull} {
		done := make(chan error, 1)
		go func() {
			_, err := p.ReadCode(path)
			done <- err
		}()
		select {
		case err := <-done:
			if !hasReason(err, enforcer.ReasonNotRegular) {
				t.Errorf("%s: ReadCode = %v, want not-regular-file", path, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: ReadCode blocked", path)
		}
	}
}

// TestCatalogNotRegular: a catalog that is a FIFO is refused by Load rather
// than hanging the first check.
func TestCatalogNotRegular(t *testing.T) {
	e := newEnv(t)
	_, spec, _ := withTrusted(e, trustedCode)
	fifo := e.path("cats/fifo.cat")
	os.Mkdir(e.path("cats"), 0o755)
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, c := range []string{fifo, e.path("cats")} {
		_, err := intact.Load(intact.LoadOptions{Policies: []string{e.policy("policy.xml", spec)}, Catalogs: []string{c}, SystemDir: e.path("none")})
		if err == nil || !strings.Contains(err.Error(), "fifo.cat is a named pipe, not a regular file") {
			t.Errorf("Load with %s = %v, want a refusal", c, err)
		}
	}
}

// TestNotRegularAudit: in audit mode too, a FIFO, a device and a folder are
// never read: /dev/zero never ends and a FIFO whose writer is idle blocks
// forever. The would-be denial is logged and the file refused, since there
// are no bytes to let through.
func TestNotRegularAudit(t *testing.T) {
	e := newEnv(t)
	_, spec, cats := withTrusted(e, trustedCode)
	spec.audit = true
	p, log := e.load([]string{e.policy("policy.xml", spec)}, cats)
	fifo := e.path("fifo.js")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	// A writer that never writes: a reader would wait for it forever.
	writer, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	defer watchHeap(64 << 20)()
	paths := []string{fifo, "/dev/zero", e.dir}
	for _, path := range paths {
		within(t, func() {
			if data, err := p.ReadCode(path); !hasReason(err, enforcer.ReasonNotRegular) {
				t.Errorf("%s: ReadCode = %d bytes, %v; want not-regular-file", path, len(data), err)
			}
		})
	}
	evs := log.events(t)
	if len(evs) != len(paths) {
		t.Fatalf("%d events, want one per file: %v", len(evs), evs)
	}
	for i, ev := range evs {
		if ev["path"] != paths[i] || ev["reason"] != string(enforcer.ReasonNotRegular) {
			t.Errorf("event %d = %v, want the not-regular-file denial of %s", i, ev, paths[i])
		}
	}
}

// TestNoPolicyReadBounded: with no policy in force ReadCode reads a file
// as it is, but never more than the maximum code size: a device without
// end (/dev/zero) named as code fails instead of filling the memory.
func TestNoPolicyReadBounded(t *testing.T) {
	e := newEnv(t)
	p, err := intact.Load(intact.LoadOptions{SystemDir: e.path("no-system"), MaxCodeSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if p.ChecksCode() {
		t.Fatal("a policy checks code")
	}
	if data, err := p.ReadCode(e.write("small.js", []byte("ok\n"))); err != nil || string(data) != "ok\n" {
		t.Fatalf("ReadCode of a small file = %q, %v", data, err)
	}
	data, err := p.ReadCode("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "/dev/zero: larger than the 1048576-byte limit") {
		t.Fatalf("ReadCode(/dev/zero) = %d bytes, %v; want the size limit", len(data), err)
	}
}
