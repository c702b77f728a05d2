package catalog

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/der"
	"github.com/intactdev/intact/internal/testvectors"
)

// layoutAgrees checks what ReadIndex's fast path rests on: a member that
// the layout of template matches is one that memberScan accepts, indexed
// under the digest, kind and flag that the layout gives. It reports
// whether the layout matched.
func layoutAgrees(t testing.TB, template, member []byte, version int) bool {
	t.Helper()
	ts := memberScan{info2: -1, record: true}
	if ts.scan(template) != nil {
		return false
	}
	l := newMemberLayout(template, &ts, version)
	if l == nil {
		return false
	}
	d, ok := l.match(member)
	if !ok {
		return false
	}
	ms := memberScan{info2: -1}
	if err := ms.scan(member); err != nil {
		t.Fatalf("the layout of %X matches %X, which memberScan refuses: %v", template, member, err)
	}
	md, mh := ms.indexed(version)
	if mh != l.alg || !bytes.Equal(md, d) || ms.digestKind() != l.kind || (version == 2 && ms.digest == nil) != l.compat {
		t.Fatalf("the layout of %X reads %X as %v %X %v %v; memberScan as %v %X %v %v", template, member,
			l.alg, d, l.kind, l.compat, mh, md, ms.digestKind(), version == 2 && ms.digest == nil)
	}
	return true
}

// memberEncodings returns the contents of the members of a catalog that
// Parse accepts, and its version.
func memberEncodings(t testing.TB, cat []byte) ([][]byte, int) {
	t.Helper()
	c, err := Parse(cat)
	if err != nil {
		t.Fatal(err)
	}
	r := der.NewReader(c.ctl)
	for {
		tag, contents, _, err := r.Next()
		if err != nil {
			return nil, c.Version // no member list
		}
		// The member list is the SEQUENCE after subjectAlgorithm, whose
		// first element is an OID.
		if tag != der.Sequence || len(contents) == 0 || contents[0] != byte(der.Sequence) {
			continue
		}
		var members [][]byte
		for mr := der.NewReader(contents); !mr.Empty(); {
			m, err := mr.Read(der.Sequence)
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, m)
		}
		return members, c.Version
	}
}

// layoutFiles are files of both kinds whose paths have three lengths, one
// long enough for the lengths around it to take two octets.
func layoutFiles() []File {
	var files []File
	for i := range 300 {
		content := []byte(fmt.Sprint(i))
		s256, s1 := sha256.Sum256(content), sha1.Sum(content)
		kind := KindFlat
		if i%7 == 0 {
			kind = KindPE
		}
		path := fmt.Sprintf("node_modules/%s/f%03d.js", strings.Repeat("p", []int{1, 10, 90}[i%3]), i)
		files = append(files, File{Path: path, Size: 10, Kind: kind, SHA256: s256[:], SHA1: s1[:]})
	}
	return files
}

// layoutMembers returns the members of a catalog of the first n
// layoutFiles.
func layoutMembers(t testing.TB, n, version int) [][]byte {
	t.Helper()
	cat, err := Build(layoutFiles()[:n], BuildOptions{Version: version, Time: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	members, _ := memberEncodings(t, cat)
	return members
}

// TestMemberLayoutsBuilt: the members of a built catalog, versions 1 and
// 2, take one layout per kind of member (the fast path is taken), and the
// layouts read them as memberScan does.
func TestMemberLayoutsBuilt(t *testing.T) {
	for _, version := range []int{1, 2} {
		members := layoutMembers(t, 300, version)
		var ls memberLayouts
		missed := 0
		for _, m := range members {
			if l, _ := ls.match(m); l != nil {
				continue
			}
			missed++
			s := memberScan{info2: -1, record: true}
			if err := s.scan(m); err != nil {
				t.Fatal(err)
			}
			ls.learn(m, &s, version)
		}
		// PE and flat, in v2 each with a SHA-1 compatibility member, and
		// three lengths of paths.
		if want := 2 * version * 3; missed != want {
			t.Errorf("v%d: %d members of %d were not matched, want %d", version, missed, len(members), want)
		}
		for i := 1; i < len(members); i++ {
			layoutAgrees(t, members[i-1], members[i], version)
		}
	}
}

// TestMemberLayoutChanged: a member changed anywhere, one byte at a time,
// cut short or grown, matches its layout only when memberScan reads it
// as the layout says; a changed value or digest still matches.
func TestMemberLayoutChanged(t *testing.T) {
	for _, version := range []int{1, 2} {
		members := layoutMembers(t, 40, version)
		for i := 1; i < len(members); i++ {
			m, j := members[i], i-1
			for j >= 0 && !layoutAgrees(t, members[j], m, version) {
				j--
			}
			if j < 0 {
				continue
			}
			template, matched := members[j], 0
			for off := range m {
				for _, x := range []byte{0x01, 0x7f, 0x80, 0xff} {
					changed := bytes.Clone(m)
					changed[off] ^= x
					if layoutAgrees(t, template, changed, version) {
						matched++
					}
				}
			}
			for n := range len(m) {
				if layoutAgrees(t, template, m[:n], version) {
					t.Errorf("v%d: member %d cut to %d bytes matches", version, i, n)
				}
			}
			for off := range len(m) + 1 {
				grown := append(append(bytes.Clone(m[:off]), 0), m[off:]...)
				layoutAgrees(t, template, grown, version)
			}
			// At least the tag's bytes may change.
			if matched < 20*4 {
				t.Errorf("v%d: member %d matches with %d changed bytes", version, i, matched)
			}
		}
	}
}

// TestMemberLayoutVectors: neighbouring members of every real catalog are
// read by each other's layouts as memberScan reads them.
func TestMemberLayoutVectors(t *testing.T) {
	if _, err := testvectors.Lookup(); err != nil {
		t.Skip(err)
	}
	dir := testvectors.Path(t, "cat")
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".cat") {
			return err
		}
		cat, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(cat); err != nil {
			return nil // the refused ones have their own tests
		}
		members, version := memberEncodings(t, cat)
		matched := 0
		for i := 1; i < len(members); i++ {
			for j := max(0, i-4); j < i; j++ {
				if layoutAgrees(t, members[j], members[i], version) {
					matched++
				}
			}
		}
		t.Logf("%s: %d members, %d matched a layout of one of the four before", path, len(members), matched)
		return nil
	})
}

// FuzzMemberLayout: whatever the template and the member, a member that
// the template's layout matches is one memberScan reads as the layout
// says.
func FuzzMemberLayout(f *testing.F) {
	for _, version := range []int{1, 2} {
		members := layoutMembers(f, 40, version)
		for i := 1; i < len(members); i++ {
			for j := max(0, i-12); j < i; j++ {
				if len(members[j]) == len(members[i]) {
					f.Add(members[j], members[i], version == 2)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, template, member []byte, v2 bool) {
		version := 1
		if v2 {
			version = 2
		}
		layoutAgrees(t, template, member, version)
	})
}
