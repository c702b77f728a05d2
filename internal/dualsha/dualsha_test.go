package dualsha

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// check compares both digests of data, written to a Digest in pieces of
// the given sizes (cycled), with the standard library's.
func check(t testing.TB, data []byte, pieces ...int) {
	t.Helper()
	want256, want1 := sha256.Sum256(data), sha1.Sum(data)
	got256, got1 := Sum(data)
	if got256 != want256 || got1 != want1 {
		t.Fatalf("Sum of %d bytes: %x %x, want %x %x", len(data), got256, got1, want256, want1)
	}
	if len(pieces) == 0 {
		return
	}
	d := New()
	rest := data
	for i := 0; len(rest) > 0; i++ {
		n := min(pieces[i%len(pieces)], len(rest))
		if m, err := d.Write(rest[:n]); m != n || err != nil {
			t.Fatalf("Write(%d bytes) = %d, %v", n, m, err)
		}
		rest = rest[n:]
	}
	got256, got1 = d.Sums()
	if got256 != want256 || got1 != want1 {
		t.Fatalf("%d bytes written in pieces of %v: %x %x, want %x %x", len(data), pieces, got256, got1, want256, want1)
	}
	// Sums leaves the digest as it was.
	if again256, again1 := d.Sums(); again256 != got256 || again1 != got1 {
		t.Fatalf("a second Sums differs")
	}
}

func TestKnownAnswers(t *testing.T) {
	for _, tc := range []struct{ in, s256, s1 string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
	} {
		s256, s1 := Sum([]byte(tc.in))
		if got := hexOf(s256[:]); got != tc.s256 {
			t.Errorf("SHA-256(%q) = %s, want %s", tc.in, got, tc.s256)
		}
		if got := hexOf(s1[:]); got != tc.s1 {
			t.Errorf("SHA-1(%q) = %s, want %s", tc.in, got, tc.s1)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	var s []byte
	for _, c := range b {
		s = append(s, digits[c>>4], digits[c&15])
	}
	return string(s)
}

// TestLengths covers every length up to four blocks past the point where
// the padding needs a second block, and a few large ones.
func TestLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 1<<20+77)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for n := 0; n <= 5*blockSize; n++ {
		check(t, data[:n], 1, 7, 63, 64, 65)
	}
	for _, n := range []int{1000, 4096, 65535, 1 << 20, len(data)} {
		check(t, data[:n], 13, 4096, 1<<16+1)
	}
}

// TestReset checks that a Digest can be used again.
func TestReset(t *testing.T) {
	d := New()
	d.Write(bytes.Repeat([]byte("x"), 100))
	d.Reset()
	d.Write([]byte("abc"))
	s256, s1 := d.Sums()
	if s256 != sha256.Sum256([]byte("abc")) || s1 != sha1.Sum([]byte("abc")) {
		t.Fatal("Reset left state behind")
	}
}

func FuzzSum(f *testing.F) {
	f.Add([]byte("abc"), uint8(1))
	f.Add(bytes.Repeat([]byte{0xff}, 200), uint8(64))
	f.Fuzz(func(t *testing.T, data []byte, piece uint8) {
		check(t, data, int(piece)+1)
	})
}

var benchSizes = []struct {
	name string
	n    int
}{{"64B", 64}, {"4KiB", 4 << 10}, {"128KiB", 128 << 10}}

// BenchmarkSum and BenchmarkSeparate compare one pass for both digests with
// the standard library's two passes, side by side.
func BenchmarkSum(b *testing.B) {
	for _, s := range benchSizes {
		data := make([]byte, s.n)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(s.n))
			for b.Loop() {
				Sum(data)
			}
		})
	}
}

func BenchmarkSeparate(b *testing.B) {
	for _, s := range benchSizes {
		data := make([]byte, s.n)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(s.n))
			for b.Loop() {
				sha256.Sum256(data)
				sha1.Sum(data)
			}
		})
	}
}

// TestWithoutSHANI runs the tests on the standard library's hashes, as on
// processors without the SHA extensions.
func TestWithoutSHANI(t *testing.T) {
	if !useSHANI {
		t.Skip("already without the SHA extensions")
	}
	useSHANI = false
	t.Cleanup(func() { useSHANI = true })
	TestKnownAnswers(t)
	TestLengths(t)
	TestReset(t)
}

// TestGenerated checks that block_amd64.s is what gen.go writes.
func TestGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	out := filepath.Join(t.TempDir(), "block_amd64.s")
	if msg, err := exec.Command("go", "run", "gen.go", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("go run gen.go: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("block_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("block_amd64.s differs from what gen.go writes: run go generate")
	}
}

// TestFrameHoldsAlignedStates checks that blockSHANI's frame holds its 64
// bytes of saved states wherever the 16-byte alignment of SP puts them: an
// aligned pointer can start up to 15 bytes into the frame, and a frame too
// small overwrites the caller's saved frame pointer.
func TestFrameHoldsAlignedStates(t *testing.T) {
	src, err := os.ReadFile("block_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`TEXT ·blockSHANI\(SB\), \$(\d+)-40`).FindSubmatch(src)
	if m == nil {
		t.Fatal("no TEXT line for blockSHANI")
	}
	frame, _ := strconv.Atoi(string(m[1]))
	end := 0
	for _, off := range regexp.MustCompile(`\b(\d*)\(BX\)`).FindAllSubmatch(src, -1) {
		n, _ := strconv.Atoi(string(off[1]))
		end = max(end, n+16) // each slot is one XMM register
	}
	if end != 64 {
		t.Fatalf("states end at %d(BX), want 64", end)
	}
	if need := 15 + end; frame < need {
		t.Fatalf("frame is %d bytes, need %d", frame, need)
	}
}
