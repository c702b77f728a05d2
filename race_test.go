package intact_test

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// Two trusted versions of one file, of different sizes, as an update would
// write them.
var (
	versionA = bytes.Repeat([]byte("globalThis.canary = 'trusted A';\n"), 64)
	versionB = bytes.Repeat([]byte("globalThis.canary = 'trusted B, longer';\n"), 80)
)

// TestRewriteRace races a writer that rewrites a file in place, in two
// halves (so that every rewrite passes through untrusted states: mixes of
// both versions, wrong lengths), against readers calling ReadCode thousands of
// times. Every byte slice ReadCode returns must be exactly one of the two
// trusted versions; every refusal must be changed-while-read (the stat
// before and after the read differ) or not-in-catalog (the bytes read were
// a consistent but untrusted state).
func TestRewriteRace(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows opens code without write sharing: while the writer holds the file, ReadCode cannot open it")
	}
	// The test runs until the writer has rewritten the file this many
	// times and the readers have read it this many times.
	rewrites, reads := int64(2000), int64(4000)
	if testing.Short() {
		rewrites, reads = 200, 400
	}
	e := newEnv(t)
	path := e.write("app.js", versionA)
	cat := e.write("trusted.cat", e.trustedCatalog(versionA, versionB))
	p, _ := e.load([]string{e.policy("policy.xml", e.trusting())}, []string{cat})

	stop := make(chan struct{})
	var writes atomic.Int64
	var writer sync.WaitGroup
	writer.Go(func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			v := versionA
			if i%2 == 1 {
				v = versionB
			}
			// In place, in two halves, then cut to length: the file
			// passes through mixes of both versions and wrong lengths.
			half := len(v) / 2
			f.WriteAt(v[:half], 0)
			f.WriteAt(v[half:], int64(half))
			f.Truncate(int64(len(v)))
			writes.Add(1)
		}
	})

	var ok, changed, notInCatalog, other atomic.Int64
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for writes.Load() < rewrites || ok.Load()+changed.Load()+notInCatalog.Load()+other.Load() < reads {
				data, err := p.ReadCode(path)
				var v *intact.ViolationError
				switch {
				case err == nil:
					if !bytes.Equal(data, versionA) && !bytes.Equal(data, versionB) {
						t.Errorf("CANARY: ReadCode returned %d bytes that are neither trusted version", len(data))
					}
					ok.Add(1)
				case errors.As(err, &v) && data == nil:
					switch v.Reason() {
					case enforcer.ReasonChanged:
						changed.Add(1)
					case enforcer.ReasonNotInCatalog:
						notInCatalog.Add(1)
					default:
						other.Add(1)
						t.Errorf("refused with an unexpected reason: %s", v.Explain())
					}
				default:
					other.Add(1)
					t.Errorf("ReadCode = %d bytes, %v", len(data), err)
				}
			}
		})
	}
	readers.Wait()
	close(stop)
	writer.Wait()
	t.Logf("%d reads during %d rewrites: %d returned a trusted version, %d refused as changed-while-read, %d as not-in-catalog, %d otherwise",
		ok.Load()+changed.Load()+notInCatalog.Load()+other.Load(), writes.Load(), ok.Load(), changed.Load(), notInCatalog.Load(), other.Load())
	if changed.Load()+notInCatalog.Load() == 0 {
		t.Error("no read met a rewrite: the race was not exercised")
	}
}

// TestConcurrentReadCode calls ReadCode from many goroutines on a fresh
// policy, so that the first use (which loads the catalogs) is itself raced,
// on trusted and tampered files. Run with -race.
func TestConcurrentReadCode(t *testing.T) {
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	evil := e.write("evil.js", evilCode)
	p, log := e.load([]string{e.policy("policy.xml", spec)}, cats)
	const goroutines, reads = 32, 50
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range reads {
				if data, err := p.ReadCode(path); err != nil || !bytes.Equal(data, trustedCode) {
					t.Errorf("trusted: %q, %v", data, err)
				}
				if data, err := p.ReadCode(evil); data != nil || !hasReason(err, enforcer.ReasonNotInCatalog) {
					t.Errorf("CANARY: tampered: %q, %v", data, err)
				}
				p.Status()
			}
		})
	}
	wg.Wait()
	if n := len(log.events(t)); n != goroutines*reads {
		t.Errorf("%d events, want one per refusal (%d)", n, goroutines*reads)
	}
}
