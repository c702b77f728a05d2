package tree_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
)

// BenchmarkHash hashes a tree shaped like a node_modules folder: many
// small files and a few large ones (2,000 files, about 24 MB). The digests
// are checked once, so that the large files' streaming path is measured
// doing the right thing.
func BenchmarkHash(b *testing.B) {
	root := b.TempDir()
	var total int64
	want := map[string][32]byte{}
	for i := range 2000 {
		size := 1 << (8 + i%8) // 256 B to 32 KiB
		if i%200 == 0 {
			size = 2<<20 + i // streams through several reads
		}
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(i + j)
		}
		rel := fmt.Sprintf("pkg%d/file%d.js", i/50, i)
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		total += int64(size)
		want[rel] = sha256.Sum256(data)
	}
	files, err := tree.Hash(context.Background(), root, nil)
	if err != nil || len(files) != len(want) {
		b.Fatal(len(files), err)
	}
	for _, f := range files {
		if w := want[f.Path]; f.Kind != catalog.KindFlat || !bytes.Equal(f.SHA256, w[:]) {
			b.Fatalf("%s: %v %x, want flat %x", f.Path, f.Kind, f.SHA256, w)
		}
	}
	for _, workers := range []int{1, 0} {
		name := fmt.Sprintf("workers=%d", workers)
		if workers == 0 {
			name = "workers=GOMAXPROCS"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				files, err := tree.Hash(context.Background(), root, &tree.Options{Workers: workers})
				if err != nil || len(files) != 2000 {
					b.Fatal(len(files), err)
				}
			}
		})
	}
}
