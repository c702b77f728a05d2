package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCatalogNew runs "intact catalog new" in-process on the tree that
// INTACT_BENCH_TREE names (bench/catalog-new.sh installs one), for
// profiling: go test -run '^$' -bench CatalogNew -cpuprofile cpu.out.
func BenchmarkCatalogNew(b *testing.B) {
	tree := os.Getenv("INTACT_BENCH_TREE")
	if tree == "" {
		b.Skip("INTACT_BENCH_TREE is not set")
	}
	out := filepath.Join(b.TempDir(), "out.cat")
	for b.Loop() {
		if status := run([]string{"catalog", "new", tree, "-o", out, "--time", "2024-01-01T00:00:00Z"}, io.Discard, io.Discard); status != 0 {
			b.Fatalf("exit status %d", status)
		}
	}
}
