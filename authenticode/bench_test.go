package authenticode_test

import (
	"bytes"
	"crypto"
	"testing"

	"github.com/intactdev/intact/authenticode"
)

// BenchmarkDigest digests a 16 MiB image with the hashes that a v2 catalog
// needs together, and with SHA-256 alone.
func BenchmarkDigest(b *testing.B) {
	data := image{plus: true, sections: []int{8 << 20, 8 << 20}, overlay: 3}.build(1).data
	for _, bc := range []struct {
		name   string
		hashes []crypto.Hash
	}{
		{"SHA256", []crypto.Hash{crypto.SHA256}},
		{"SHA256+SHA1", []crypto.Hash{crypto.SHA256, crypto.SHA1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			r := bytes.NewReader(data)
			for b.Loop() {
				if _, err := authenticode.Digest(r, int64(len(data)), bc.hashes...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
