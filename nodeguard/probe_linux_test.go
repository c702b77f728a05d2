//go:build linux

package nodeguard_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact/nodeguard"
)

// TestProbeConfined: the broker's probe of node, which it runs when the
// user's probe cache has no answer (and node's tree can empty that cache),
// runs inside node's confinement, under its seccomp filter and
// no_new_privs, as node does. Outside it, a process node's tree left
// behind opened the probe's inspector with SIGUSR1 and ran code there,
// outside the confinement (outside review rt84).
func TestProbeConfined(t *testing.T) {
	skipUnlessConfinable(t)
	n := nodes(t)[0]
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": "console.log('ran')\n"})
	s := sign(t, dir)
	// The probe lives for node's start-up alone: the test looks for it
	// in /proc while intact node runs, on a few runs if need be.
	var seen []string
	for attempt := 0; attempt < 5 && len(seen) == 0; attempt++ {
		if err := os.RemoveAll(filepath.Join(cache, "intact")); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		done := make(chan struct{})
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			for {
				select {
				case <-done:
					return
				default:
				}
				for _, status := range probeStatuses() {
					mu.Lock()
					seen = append(seen, status)
					mu.Unlock()
				}
			}
		}()
		res := s.run(t, n, "enforce", runOpts{}, "main.js")
		close(done)
		<-watched
		if res.Err != nil || res.Stdout != "ran\n" {
			t.Fatalf("%v, exit %+v, stdout %q, stderr %q", res.Err, res.Exit, res.Stdout, res.Stderr)
		}
	}
	if len(seen) == 0 {
		t.Fatal("no probe of node seen in 5 runs with an empty probe cache")
	}
	for _, status := range seen {
		if !strings.Contains(status, "NoNewPrivs:\t1\n") || !strings.Contains(status, "Seccomp:\t2\n") {
			t.Errorf("a probe outside node's confinement:\n%s", status)
		}
	}
}

// probeStatuses returns the NoNewPrivs and Seccomp lines of
// /proc/<pid>/status of each running probe of node.
func probeStatuses() []string {
	procs, _ := os.ReadDir("/proc")
	var statuses []string
	for _, p := range procs {
		cmdline, err := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte("allowedNodeEnvironmentFlags")) {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", p.Name(), "status"))
		if err != nil || !bytes.Contains(status, []byte("Seccomp:")) {
			continue // gone, or a zombie
		}
		var lines []string
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "NoNewPrivs:") || strings.HasPrefix(line, "Seccomp:") {
				lines = append(lines, line+"\n")
			}
		}
		statuses = append(statuses, strings.Join(lines, ""))
	}
	return statuses
}

// TestProbeOutputBounded: a probe that answers with more than node's probe
// ever writes is refused once it has written some hundreds of kilobytes;
// the broker kept 1 GiB of one before (outside review rt84).
func TestProbeOutputBounded(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	fake := filepath.Join(t.TempDir(), "node")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexec head -c 200000000 /dev/zero\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := nodeguard.ProbeNode(fake)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "node wrote more than") {
		t.Errorf("ProbeNode = %v, want an error saying node wrote too much", err)
	}
	if grew := int64(after.TotalAlloc) - int64(before.TotalAlloc); grew > 16<<20 {
		t.Errorf("probing allocated %d MiB", grew>>20)
	}
	if took > 10*time.Second {
		t.Errorf("probing took %v", took)
	}
}
