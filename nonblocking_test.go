//go:build unix

package intact_test

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// within fails the test if f does not return in time: the point of these
// tests is that nothing blocks.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("blocked")
	}
}

// TestCatalogSwappedForFIFO: a catalog replaced by a FIFO after Load is
// refused when catalogs are first read, instead of hanging the check.
func TestCatalogSwappedForFIFO(t *testing.T) {
	e := newEnv(t)
	cat := e.write("app.cat", e.trustedCatalog(trustedCode))
	p, _ := e.load([]string{e.policy("policy.xml", e.trusting())}, []string{cat})
	if err := os.Remove(cat); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(cat, 0o644); err != nil {
		t.Fatal(err)
	}
	within(t, func() {
		_, err := p.ReadCode(e.write("main.js", trustedCode))
		if !hasReason(err, enforcer.ReasonPolicyUnavailable) {
			t.Errorf("ReadCode = %v, want policy-unavailable", err)
		}
	})
}

// TestEventLogFIFO: INTACT_EVENT_LOG naming a FIFO makes Load fail at once
// (fail closed) instead of waiting for a reader.
func TestEventLogFIFO(t *testing.T) {
	e := newEnv(t)
	fifo := e.path("events")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(intact.EnvEventLog, fifo)
	within(t, func() {
		if _, err := intact.Load(intact.LoadOptions{SystemDir: e.path("no-system")}); err == nil {
			t.Error("Load succeeded with a FIFO as the event log")
		}
	})
}
