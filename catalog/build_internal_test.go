package catalog

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
)

// TestMembersWriteToHashesChunks: the members' chunk hashes, taken while
// they are encoded on several cores, are those of consecutive runs of
// chunkMembers members as written, which together are all the members,
// for lists that end at, before and after a chunk's end.
func TestMembersWriteToHashesChunks(t *testing.T) {
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
		out := &bufferSink{b: append(bytes.Clone(prefix), make([]byte, l.size)...)}
		sums, err := l.writeTo(out, len(prefix))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.b[:len(prefix)], prefix) {
			t.Fatalf("%d files: writeTo wrote over the prefix", n)
		}
		members := out.b[len(prefix):]
		if want := (2*n + chunkMembers - 1) / chunkMembers; len(sums) != want {
			t.Fatalf("%d files: %d chunk hashes, want %d", n, len(sums), want)
		}
		for c, sum := range sums {
			lo, hi := c*chunkMembers, min((c+1)*chunkMembers, 2*n)
			from, to := l.members[l.order[lo].i].offset, len(members)
			if hi < 2*n {
				to = l.members[l.order[hi].i].offset
			}
			if lo == 0 && from != 0 {
				t.Fatalf("%d files: the first member is at %d", n, from)
			}
			if want := sha256.Sum256(members[from:to]); sum != want {
				t.Errorf("%d files: chunk %d (members %d to %d) has the wrong hash", n, c, lo, hi)
			}
		}
	}
}
