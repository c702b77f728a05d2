package testpe_test

import (
	"bytes"
	"crypto"
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
