package catalog

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
)

// TestAppendToHashesInOrder: the members' hash, taken chunk by chunk while
// they are encoded on several cores, is the hash of the members as
// written, for lists that end at, before and after a chunk's end.
func TestAppendToHashesInOrder(t *testing.T) {
	for _, n := range []int{1, 127, 128, 129, 1000, 2560, 3001} {
		files := make([]File, n)
		for i := range files {
			s256, s1 := sha256.Sum256([]byte(fmt.Sprint(i))), [20]byte{byte(i), byte(i >> 8)}
			files[i] = File{Path: fmt.Sprintf("d/f%d.js", i), Size: 1, Kind: KindFlat, SHA256: s256[:], SHA1: s1[:]}
		}
		l, err := newMemberList(files, 2)
		if err != nil {
			t.Fatal(err)
		}
		prefix := []byte("prefix")
		h := sha256.New()
		b := l.appendTo(bytes.Clone(prefix), h)
		if !bytes.Equal(b[:len(prefix)], prefix) || len(b) != len(prefix)+l.size {
			t.Fatalf("%d files: appendTo wrote %d bytes after the prefix, want %d", n, len(b)-len(prefix), l.size)
		}
		if want := sha256.Sum256(b[len(prefix):]); !bytes.Equal(h.Sum(nil), want[:]) {
			t.Errorf("%d files: hash of the chunks differs from the hash of the members", n)
		}
	}
}
