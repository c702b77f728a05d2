//go:build unix

package nodeguard

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/scratch"
)

// finishes fails the test if f has not returned within a minute: what it
// guards against is a hang, which would otherwise stall the whole run.
func finishes(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s: still blocked after a minute", what)
	}
}

// TestReadAheadFIFOFolder: a folder the read-ahead visits that an
// attacker has swapped for a FIFO (between its parent's listing and its
// opening, a race made deterministic here by handing over the FIFO's path
// itself) is skipped at once, not waited on for a writer that never
// comes.
func TestReadAheadFIFOFolder(t *testing.T) {
	dir := scratch.Dir(t)
	fifo := filepath.Join(dir, "lib")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	finishes(t, "readDir of a FIFO", func() {
		if entries, complete := readDir(fifo, aheadMaxScan); len(entries) != 0 || complete {
			t.Errorf("readDir of a FIFO = %v, %v; want nothing, incomplete", entries, complete)
		}
	})
	finishes(t, "candidates of a FIFO", func() {
		if files := candidates(packageRoot{dir: fifo, deep: true, real: fifo}); len(files) != 0 {
			t.Errorf("candidates of a FIFO = %q", files)
		}
	})
}

// TestReadAheadStuck: a request does not wait for ever for the read-ahead
// of its package. Here the speculator has claimed the batch and never
// finishes it, as one blocked on a file system that does not answer: node
// still gets the file it asked for, alone, and a later request for the
// same package does not wait again.
func TestReadAheadStuck(t *testing.T) {
	app := scratch.Dir(t)
	writeTree(t, app, map[string]string{
		"package.json": `{"name": "app"}`,
		"main.js":      "// main\n",
		"other.js":     "// other\n",
	})
	counter := &countingEnforcer{judged: map[string]int{}}
	r := newReader(intact.New(intact.Config{Enforcers: []enforcer.Enforcer{counter}}), true, aheadMaxAge)
	defer r.close()
	root := r.packageOf(app)
	stuck := newBatch(root)
	stuck.claimed.Store(true) // by the speculator, which never closes ready
	r.batched[root.real] = true
	r.pending = append(r.pending, stuck)
	for _, name := range []string{"main.js", "other.js"} {
		finishes(t, "reading "+name, func() {
			data, ahead, err := r.read(filepath.Join(app, name))
			if err != nil || len(ahead) != 0 {
				t.Errorf("%s: %d files handed over, %v; want none", name, len(ahead), err)
			}
			if want, _ := os.ReadFile(filepath.Join(app, name)); string(data) != string(want) {
				t.Errorf("%s: served %q, want %q", name, data, want)
			}
		})
	}
	if !stuck.late {
		t.Error("the stuck batch is not marked late")
	}
}
