package testpe_test

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"testing"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/internal/testpe"
)

// TestPolyglotDigest: polyglots that differ only in their certificate
// table are different bytes with one Authenticode digest.
func TestPolyglotDigest(t *testing.T) {
	benign := testpe.Polyglot("module.exports = 1", "")
	evil := testpe.Polyglot("module.exports = 1", "console.log('CANARY')")
	if bytes.Equal(benign, evil) {
		t.Fatal("the polyglots are the same bytes")
	}
	digest := func(b []byte) []byte {
		sums, err := authenticode.Digest(bytes.NewReader(b), int64(len(b)), crypto.SHA256)
		if err != nil {
			t.Fatalf("not a PE image: %v", err)
		}
		return sums[0]
	}
	if !bytes.Equal(digest(benign), digest(evil)) {
		t.Error("the certificate table changes the Authenticode digest")
	}
}

// TestHashedStream: the stream's plain digests are the image's
// Authenticode digests.
func TestHashedStream(t *testing.T) {
	image, stream := testpe.HashedStream("console.log('CANARY')")
	sums, err := authenticode.Digest(bytes.NewReader(image), int64(len(image)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		t.Fatalf("not a PE image: %v", err)
	}
	if s := sha256.Sum256(stream); !bytes.Equal(s[:], sums[0]) {
		t.Errorf("stream SHA-256 %x, Authenticode SHA-256 %x", s, sums[0])
	}
	if s := sha1.Sum(stream); !bytes.Equal(s[:], sums[1]) {
		t.Errorf("stream SHA-1 %x, Authenticode SHA-1 %x", s, sums[1])
	}
	if bytes.Equal(image, stream) {
		t.Error("the image is its own stream")
	}
}
