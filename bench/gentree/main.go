// Command gentree writes a tree of files shaped like a node_modules folder,
// for benchmarks that need more files than a real one holds
// (bench/catalog-new.sh with INTACT_BENCH_FILES): packages of 20 to 400
// files in nested folders, 100 B to 16 KiB each (about 4 KB on average),
// their contents pseudo-random and the same for the same arguments.
//
//	go run ./bench/gentree -files 65000 DIR
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
)

func main() {
	files := flag.Int("files", 65000, "number of files")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: gentree [-files N] DIR")
	}
	root := flag.Arg(0)
	rng := rand.New(rand.NewPCG(1, uint64(*files)))
	buf := make([]byte, 16<<10)
	for i, pkg := 0, 0; i < *files; pkg++ {
		n := min(20+rng.IntN(380), *files-i)
		for j := range n {
			dir := filepath.Join(root, "node_modules", fmt.Sprintf("pkg%05d", pkg), "lib", fmt.Sprintf("d%02d", j/50))
			if j%50 == 0 {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					log.Fatal(err)
				}
			}
			// Sizes skewed small, as in npm trees.
			size := 100 + int(float64(len(buf)-100)*rng.Float64()*rng.Float64())
			for k := range size {
				buf[k] = byte(rng.Uint32())
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.js", j)), buf[:size], 0o644); err != nil {
				log.Fatal(err)
			}
		}
		i += n
	}
}
