package intact_test

import (
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/sysfolder"
)

// BenchmarkReadCode compares reading a 10 KB file through a policy with the
// catalogs enforcer against the work no enforcement can avoid: reading the
// file and hashing its bytes. Run both in one go (bench/readcode.sh):
//
//	go test -run '^$' -bench 'ReadCode' -count 10 .
func BenchmarkReadCode(b *testing.B) {
	e := newEnv(b)
	code := make([]byte, 10<<10)
	rand.Read(code)
	path := e.write("app.js", code)
	cat := e.write("trusted.cat", e.trustedCatalog(code))
	p, err := intact.Load(intact.LoadOptions{
		Policies:  []string{e.policy("policy.xml", e.trusting())},
		Catalogs:  []string{cat},
		SystemDir: e.path("no-system"),
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.ReadCode(path); err != nil { // load the catalogs
		b.Fatal(err)
	}
	b.Run("baseline=ReadFile+SHA256", func(b *testing.B) {
		b.SetBytes(int64(len(code)))
		for b.Loop() {
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			sha256.Sum256(data)
		}
	})
	b.Run("ReadCode=catalogs", func(b *testing.B) {
		b.SetBytes(int64(len(code)))
		for b.Loop() {
			if _, err := p.ReadCode(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	// paired alternates the two in every iteration and reports the ratio
	// of their total times, which a busy machine disturbs far less than it
	// disturbs two runs made one after the other; on Linux also the ratio
	// of the CPU time the thread spent in each (user and kernel), which
	// waiting for a CPU does not inflate at all.
	b.Run("paired", func(b *testing.B) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var base, checked, baseCPU, checkedCPU time.Duration
		_, haveCPU := threadCPU()
		for b.Loop() {
			c0, _ := threadCPU()
			t0 := time.Now()
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			sha256.Sum256(data)
			t1 := time.Now()
			c1, _ := threadCPU()
			if _, err := p.ReadCode(path); err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			c2, _ := threadCPU()
			base, checked = base+t1.Sub(t0), checked+t2.Sub(t1)
			baseCPU, checkedCPU = baseCPU+c1-c0, checkedCPU+c2-c1
		}
		b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "baseline-ns/op")
		b.ReportMetric(float64(checked.Nanoseconds())/float64(b.N), "ReadCode-ns/op")
		b.ReportMetric(float64(checked)/float64(base), "ratio")
		if haveCPU {
			b.ReportMetric(float64(baseCPU.Nanoseconds())/float64(b.N), "baseline-cpu-ns/op")
			b.ReportMetric(float64(checkedCPU.Nanoseconds())/float64(b.N), "ReadCode-cpu-ns/op")
			b.ReportMetric(float64(checkedCPU)/float64(baseCPU), "cpu-ratio")
		}
	})
}

// BenchmarkCatalogLoad measures what a process pays on first use of a
// signed version 2 catalog of 10,000, 100,000 and 1,000,000 files (twice
// as many members: a SHA-256 one and a SHA-1 compatibility one each):
// reading, parsing, checking the signature, indexing and deciding trust
// (the first ReadCode after Load). Besides time it reports the process's
// CPU time, the catalog's size, the memory allocated per first use (an
// upper bound of the peak it adds) and the memory still held afterwards,
// each also as a multiple of the catalog's size. cached/files=N is the
// same with the catalog's index in the system folder's cached indexes
// (stored by a first use before the timer starts, under a system policy;
// as root only). bench/catalog-load.sh
// runs it and plots the figures.
func BenchmarkCatalogLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) { benchmarkCatalogLoad(b, n, false) })
		b.Run(fmt.Sprintf("cached/files=%d", n), func(b *testing.B) { benchmarkCatalogLoad(b, n, true) })
	}
}

func benchmarkCatalogLoad(b *testing.B, members int, cached bool) {
	if cached && os.Geteuid() != 0 {
		b.Skip("only root stores indexes in the folder of cached indexes")
	}
	e := newEnv(b)
	systemDir := e.path("no-system")
	cacheDir := filepath.Join(systemDir, sysfolder.IndexCache)
	if cached {
		systemDir = e.path("system")
		cacheDir = filepath.Join(systemDir, sysfolder.IndexCache)
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	files := make([]catalog.File, members)
	for i := range files {
		var content [8]byte
		binary.LittleEndian.PutUint64(content[:], uint64(i))
		s256, s1 := sha256.Sum256(content[:]), sha1.Sum(content[:])
		files[i] = catalog.File{Path: fmt.Sprintf("lib/file%06d.js", i), Size: 8, Kind: catalog.KindFlat, SHA256: s256[:], SHA1: s1[:]}
	}
	signed := e.trustedCatalogOf(files, catalog.BuildOptions{})
	size := float64(len(signed))
	cat := e.write("big.cat", signed)
	files, signed = nil, nil
	var last [8]byte
	binary.LittleEndian.PutUint64(last[:], uint64(members-1))
	path := e.write("file.js", last[:])
	policies := []string{e.policy("policy.xml", e.trusting())}
	if cached {
		// The system policy: only its trust stores an index.
		e.write("system/policy.xml", []byte(e.trusting().xml()))
		policies = nil
	}
	load := func() *intact.Policy {
		p, err := intact.Load(intact.LoadOptions{Policies: policies, Catalogs: []string{cat}, SystemDir: systemDir})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.ReadCode(path); err != nil {
			b.Fatal(err)
		}
		return p
	}
	if cached {
		load() // stores the index
		if entries, _ := filepath.Glob(filepath.Join(cacheDir, "*.index")); len(entries) != 1 {
			b.Fatalf("%d indexes stored, want 1", len(entries))
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0, haveCPU := processCPU()
	b.ResetTimer()
	for b.Loop() {
		load()
	}
	b.StopTimer()
	cpu1, _ := processCPU()
	runtime.ReadMemStats(&after)
	allocated := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
	// What a loaded policy keeps: the heap with one alive, after a
	// collection, less the heap without it.
	runtime.GC()
	runtime.ReadMemStats(&before)
	p := load()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(p)
	kept := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	b.ReportMetric(size/1e6, "MB/catalog")
	b.ReportMetric(allocated/1e6, "alloc-MB/op")
	b.ReportMetric(allocated/size, "alloc/catalog")
	b.ReportMetric(kept/1e6, "kept-MB")
	b.ReportMetric(kept/size, "kept/catalog")
	if haveCPU {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkReadCodeBatch reads a package of 64 files of 3 KB allowed by a
// signed catalog, as intact node reads a package ahead: with ReadCode one
// file after the other, with ReadCodeAhead one after the other (the same
// checks, nothing logged), and with ReadCodeAhead on every CPU. It reports
// the time per file.
//
//	go test -run '^$' -bench ReadCodeBatch -count 5 .
func BenchmarkReadCodeBatch(b *testing.B) {
	e := newEnv(b)
	var paths []string
	var contents [][]byte
	for i := range 64 {
		code := make([]byte, 3<<10)
		rand.Read(code)
		contents = append(contents, code)
		paths = append(paths, e.write(fmt.Sprintf("pkg/lib/m%02d.js", i), code))
	}
	cat := e.write("trusted.cat", e.trustedCatalog(contents...))
	p, err := intact.Load(intact.LoadOptions{Policies: []string{e.policy("policy.xml", e.trusting())}, Catalogs: []string{cat}, SystemDir: e.path("no-system")})
	if err != nil {
		b.Fatal(err)
	}
	p.Warm()
	perFile := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(paths)), "ns/file")
	}
	b.Run("ReadCode", func(b *testing.B) {
		for b.Loop() {
			for _, path := range paths {
				if _, err := p.ReadCode(path); err != nil {
					b.Fatal(err)
				}
			}
		}
		perFile(b)
	})
	b.Run("ReadCodeAhead", func(b *testing.B) {
		for b.Loop() {
			for _, path := range paths {
				if _, err := p.ReadCodeAhead(path, 1<<20); err != nil {
					b.Fatal(err)
				}
			}
		}
		perFile(b)
	})
	b.Run("ReadCodeAhead/parallel", func(b *testing.B) {
		for b.Loop() {
			var next atomic.Int64
			var wg sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				wg.Go(func() {
					for i := next.Add(1) - 1; i < int64(len(paths)); i = next.Add(1) - 1 {
						if _, err := p.ReadCodeAhead(paths[i], 1<<20); err != nil {
							b.Error(err)
						}
					}
				})
			}
			wg.Wait()
		}
		perFile(b)
	})
}
