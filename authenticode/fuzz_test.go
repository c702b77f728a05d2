package authenticode_test

import (
	"bytes"
	"crypto"
	"os"
	"path/filepath"
	"testing"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/internal/testvectors"
	relic "github.com/sassoftware/relic/v7/lib/authenticode"
)

// FuzzDigest feeds arbitrary bytes to Digest. It must never panic, and
// whenever both Digest and relic's independent DigestPE accept an input they
// must agree on its digest.
//
// It is seeded with images of about 500 bytes only: the fuzzer minimises
// each input that finds new coverage by trying to delete each range of its
// bytes, in time quadratic in its length, up to -fuzzminimizetime (60 s)
// per input; seeded with the vectors' PE files (42 to 468 KB) it made 20
// executions in 30 s. TestFuzzDigestVectors runs the same checks on them.
func FuzzDigest(f *testing.F) {
	for seed, im := range []image{
		{sections: []int{0}, overlay: 3},
		{plus: true, sections: []int{0, 0}, cert: 16},
	} {
		f.Add(im.build(uint64(seed)).data)
	}
	f.Add([]byte("MZ"))
	f.Fuzz(fuzzDigest)
}

// TestFuzzDigestVectors runs FuzzDigest's checks on the vectors' PE images
// and on larger synthesized ones.
func TestFuzzDigestVectors(t *testing.T) {
	for seed, im := range []image{
		{sections: []int{0x200}, overlay: 3},
		{plus: true, sections: []int{0x200, 0x200}, cert: 16},
	} {
		fuzzDigest(t, im.build(uint64(seed)).data)
	}
	vectors := testvectors.Path(t, "cat")
	n := 0
	for _, pattern := range []string{"*/*/*.dll", "*/*/*.sys", "*/*.sys", "*/*.exe", "*/*/*/*.dll"} {
		paths, _ := filepath.Glob(filepath.Join(vectors, pattern))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			fuzzDigest(t, data)
			n++
		}
	}
	if n < 12 {
		t.Errorf("found %d PE images in %s, want at least 12", n, vectors)
	}
}

func fuzzDigest(t *testing.T, data []byte) {
	sums, err := authenticode.Digest(bytes.NewReader(data), int64(len(data)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		return
	}
	if len(sums) != 2 || len(sums[0]) != 32 || len(sums[1]) != 20 {
		t.Fatalf("digest shapes %d: %x", len(sums), sums)
	}
	if theirs, ok := relicDigest(data); ok && !bytes.Equal(theirs, sums[0]) {
		t.Fatalf("digest %x, relic DigestPE %x", sums[0], theirs)
	}
}

// relicDigest returns relic's SHA-256 Authenticode digest of data, and
// whether relic computed one (it refuses more layouts than Digest, and may
// panic on some of them: that is not what this test is about).
func relicDigest(data []byte) (sum []byte, ok bool) {
	defer func() {
		if recover() != nil {
			sum, ok = nil, false
		}
	}()
	d, err := relic.DigestPE(bytes.NewReader(data), crypto.SHA256, false)
	if err != nil {
		return nil, false
	}
	return d.Imprint, true
}

// TestAgreesWithRelic compares Digest with relic's DigestPE on the vector
// PE files and the synthesized images, where both must succeed.
func TestAgreesWithRelic(t *testing.T) {
	var inputs [][]byte
	paths, _ := filepath.Glob(filepath.Join(testvectors.Path(t, "cat"), "*", "*", "*.dll"))
	more, _ := filepath.Glob(filepath.Join(testvectors.Path(t, "cat"), "*", "*", "*.sys"))
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	for seed, im := range []image{
		{sections: []int{0x200}, overlay: 3},
		{plus: true, sections: []int{0x200, 0x400}, overlay: 5, cert: 16},
	} {
		inputs = append(inputs, im.build(uint64(seed)).data)
	}
	if len(inputs) < 8 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	for i, data := range inputs {
		theirs, ok := relicDigest(data)
		if !ok {
			t.Fatalf("input %d: relic refused it", i)
		}
		if ours := digest(t, data, crypto.SHA256)[0]; !bytes.Equal(ours, theirs) {
			t.Errorf("input %d: digest %x, relic %x", i, ours, theirs)
		}
	}
}
