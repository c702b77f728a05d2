package catalog_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/internal/testvectors"
)

// ctlOf returns the complete CTL encoding inside a catalog, located with
// encoding/asn1 independently of the package's own parser.
func ctlOf(t *testing.T, der []byte) []byte {
	t.Helper()
	// ContentInfo{type, [0]{SignedData{version, algs, {type, [0]{CTL}}, ...}}}
	inner := func(b []byte) []byte {
		var v asn1.RawValue
		if _, err := asn1.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v.Bytes
	}
	nth := func(b []byte, n int) []byte {
		var v asn1.RawValue
		var err error
		for range n + 1 {
			if b, err = asn1.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
		}
		return v.FullBytes
	}
	ci := inner(der)
	sd := inner(inner(nth(ci, 1)))
	eci := inner(nth(sd, 2))
	return inner(nth(eci, 1)) // the [0] wrapper's contents: the CTL TLV
}

// withListID returns der with the 16-byte list identifier of c replaced.
func withListID(t *testing.T, der []byte, from, to []byte) []byte {
	t.Helper()
	if len(from) != 16 || bytes.Count(der, from) != 1 {
		t.Fatalf("list identifier %X not found exactly once", from)
	}
	return bytes.Replace(der, from, to, 1)
}

func mustParse(t testing.TB, der []byte) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBuildMatchesNewFileCatalog builds a catalog of the files that
// New-FileCatalog catalogued in deployer/catalog.cat, at the same time, and
// expects the same bytes except for the (random there, derived here) list
// identifier: member order, tags, attribute order, FilePath encoding,
// indirect data and the envelope all match field for field.
func TestBuildMatchesNewFileCatalog(t *testing.T) {
	want := readVector(t, "deployer/catalog.cat")
	files, err := tree.Hash(context.Background(), testvectors.Path(t, "cat", "deployer", "Scripts", "Deploy-Bootstrap"), nil)
	if err != nil {
		t.Fatal(err)
	}
	wc := mustParse(t, want)
	got, err := catalog.Build(files, catalog.BuildOptions{Version: 2, Time: wc.ThisUpdate})
	if err != nil {
		t.Fatal(err)
	}
	got = withListID(t, got, mustParse(t, got).ListIdentifier, wc.ListIdentifier)
	if !bytes.Equal(got, want) {
		t.Errorf("built catalog differs from New-FileCatalog's\n got %X\nwant %X", got, want)
	}
}

// TestBuildMatchesNewFileCatalogPE does the same for PE members with the
// signed pester catalog (New-FileCatalog v2 over four DLLs): the CTL we
// build from the same DLLs equals the one Microsoft's tool signed.
func TestBuildMatchesNewFileCatalogPE(t *testing.T) {
	want := readVector(t, "pester/lib/catalog.cat")
	wc := mustParse(t, want)
	files, err := tree.Hash(context.Background(), testvectors.Path(t, "cat", "pester", "lib"),
		&tree.Options{Exclude: []string{"*.cat"}})
	if err != nil {
		t.Fatal(err)
	}
	// The catalog was made on Windows from legacy\Gherkin.dll; the
	// repository's copy is named gherkin.dll. Take the catalog's spelling.
	for i, f := range files {
		if f.Path == "legacy/gherkin.dll" {
			files[i].Path = "legacy/Gherkin.dll"
		}
		if f.Kind != catalog.KindPE {
			t.Errorf("%s: kind %v, want PE", f.Path, f.Kind)
		}
	}
	got, err := catalog.Build(files, catalog.BuildOptions{Time: wc.ThisUpdate})
	if err != nil {
		t.Fatal(err)
	}
	got = withListID(t, got, mustParse(t, got).ListIdentifier, wc.ListIdentifier)
	g, w := ctlOf(t, got), ctlOf(t, want)
	if len(w) < 1000 || w[0] != 0x30 {
		t.Fatalf("CTL not found: %X", w)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("built CTL differs from New-FileCatalog's\n got %X\nwant %X", g, w)
	}
}

func fakeFile(path, content string, kind catalog.Kind) catalog.File {
	s256, s1 := sha256.Sum256([]byte(content)), sha1.Sum([]byte(content))
	f := catalog.File{Path: path, Size: int64(len(content)), Kind: kind}
	if content != "" {
		f.SHA256, f.SHA1 = s256[:], s1[:]
	}
	return f
}

func TestBuildRoundTrip(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	files := []catalog.File{
		fakeFile("b/script.js", "console.log(1)\n", catalog.KindFlat),
		fakeFile("a.dll", "pretend this is a PE image", catalog.KindPE),
		fakeFile("empty.txt", "", 0),
		fakeFile("z/ünïcode name.json", "{}", catalog.KindFlat),
	}
	osAttr := catalog.NewAttribute("OSAttr", "2:10.0")
	for _, version := range []int{1, 2} {
		t.Run("v"+string(rune('0'+version)), func(t *testing.T) {
			der, err := catalog.Build(files, catalog.BuildOptions{Version: version, Time: when, Attributes: []catalog.Attribute{osAttr}})
			if err != nil {
				t.Fatal(err)
			}
			c := mustParse(t, der)
			if c.Version != version || !c.ThisUpdate.Equal(when) || len(c.ListIdentifier) != 16 || c.Signed() {
				t.Errorf("header: version %d, time %v, list id %X, signed %v", c.Version, c.ThisUpdate, c.ListIdentifier, c.Signed())
			}
			// Catalog attributes: OSAttr, then the empty file.
			if len(c.Attributes) != 2 || c.Attributes[0].Name != "OSAttr" || c.Attributes[0].Text() != "2:10.0" ||
				c.Attributes[1].Name != "FilePath" || c.Attributes[1].Text() != "empty.txt" ||
				c.Attributes[1].Flags != 0x10010001 {
				t.Errorf("catalog attributes = %+v", c.Attributes)
			}
			perFile := 1
			if version == 2 {
				perFile = 2
			}
			if len(c.Members) != 3*perFile {
				t.Fatalf("%d members, want %d", len(c.Members), 3*perFile)
			}
			if !slices.IsSortedFunc(c.Members, func(a, b catalog.Member) int { return bytes.Compare(a.Tag, b.Tag) }) {
				t.Error("members not sorted by tag")
			}
			byPath := map[string][]*catalog.Member{}
			for i := range c.Members {
				m := &c.Members[i]
				fp, ok := m.Attribute("FilePath")
				if !ok || fp.Flags != catalog.DefaultFlags {
					t.Fatalf("member %s: FilePath %+v", m.TagString(), fp)
				}
				if !bytes.HasSuffix(fp.Value, []byte{0, 0}) {
					t.Errorf("FilePath %q is not NUL-terminated UTF-16", fp.Value)
				}
				byPath[fp.Text()] = append(byPath[fp.Text()], m)
			}
			for _, f := range files {
				if f.Size == 0 {
					continue
				}
				ms := byPath[strings.ReplaceAll(f.Path, "/", `\`)]
				if len(ms) != perFile {
					t.Fatalf("%s: %d members", f.Path, len(ms))
				}
				for _, m := range ms {
					if m.Kind != f.Kind {
						t.Errorf("%s: kind %v, want %v", f.Path, m.Kind, f.Kind)
					}
					switch {
					case version == 1:
						wantTag := strings.ToUpper(hex.EncodeToString(f.SHA1))
						if m.TagString() != wantTag || len(m.Tag) != 82 || m.DigestAlgorithm != crypto.SHA1 ||
							!bytes.Equal(m.Digest, f.SHA1) || m.MemberInfoVersion != 512 || m.Compat {
							t.Errorf("%s: v1 member %+v", f.Path, m)
						}
					case m.Compat:
						if !bytes.Equal(m.Tag, f.SHA1) || m.Digest != nil || m.MemberInfo2 < 0 {
							t.Errorf("%s: compat member %+v", f.Path, m)
						}
					default:
						if !bytes.Equal(m.Tag, f.SHA256) || !bytes.Equal(m.Digest, f.SHA256) || m.DigestAlgorithm != crypto.SHA256 {
							t.Errorf("%s: v2 member %+v", f.Path, m)
						}
					}
				}
			}
			// Deterministic: same input, same bytes; another time, another list id.
			again, _ := catalog.Build(files, catalog.BuildOptions{Version: version, Time: when, Attributes: []catalog.Attribute{osAttr}})
			if !bytes.Equal(der, again) {
				t.Error("two builds of the same input differ")
			}
			later, _ := catalog.Build(files, catalog.BuildOptions{Version: version, Time: when.Add(time.Second), Attributes: []catalog.Attribute{osAttr}})
			if bytes.Equal(mustParse(t, later).ListIdentifier, c.ListIdentifier) {
				t.Error("list identifier does not depend on the time")
			}
			// Input order does not matter.
			rev := slices.Clone(files)
			slices.Reverse(rev)
			if r, _ := catalog.Build(rev, catalog.BuildOptions{Version: version, Time: when, Attributes: []catalog.Attribute{osAttr}}); !bytes.Equal(r, der) {
				t.Error("build depends on the order of files")
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	when := time.Unix(1700000000, 0)
	good := fakeFile("a.js", "x", catalog.KindFlat)
	tests := []struct {
		name  string
		files []catalog.File
		opts  catalog.BuildOptions
		want  string
	}{
		{"version 3", []catalog.File{good}, catalog.BuildOptions{Version: 3, Time: when}, "version 3"},
		{"no time", []catalog.File{good}, catalog.BuildOptions{}, "no time"},
		{"duplicate path", []catalog.File{good, good}, catalog.BuildOptions{Time: when}, "a.js: listed twice"},
		{"case duplicate", []catalog.File{good, fakeFile("A.js", "y", catalog.KindFlat)}, catalog.BuildOptions{Time: when}, "differ only in case"},
		{"absolute path", []catalog.File{fakeFile("/etc/passwd", "x", catalog.KindFlat)}, catalog.BuildOptions{Time: when}, "not a clean relative path"},
		{"dot-dot path", []catalog.File{fakeFile("../x", "x", catalog.KindFlat)}, catalog.BuildOptions{Time: when}, "not a clean relative path"},
		{"backslash path", []catalog.File{fakeFile(`a\b`, "x", catalog.KindFlat)}, catalog.BuildOptions{Time: when}, "not a clean relative path"},
		{"unclean path", []catalog.File{fakeFile("a//b", "x", catalog.KindFlat)}, catalog.BuildOptions{Time: when}, "not a clean relative path"},
		{"no kind", []catalog.File{fakeFile("a", "x", 0)}, catalog.BuildOptions{Time: when}, "neither PE nor flat"},
		{"missing digest", []catalog.File{{Path: "a", Size: 1, Kind: catalog.KindFlat}}, catalog.BuildOptions{Time: when}, "a: missing digest"},
		{"empty file, bad path", []catalog.File{{Path: "../e"}}, catalog.BuildOptions{Time: when}, "not a clean relative path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Build(tt.files, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "catalog: build: ") {
				t.Fatalf("Build = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestBuildTo: BuildTo writes Build's bytes, each exactly once, to a
// WriterAt and to a file, for catalogs with no members, one, and thousands
// (PE and flat, v1 and v2, with empty files and attributes).
func TestBuildTo(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var many []catalog.File
	for i := range 3000 {
		kind := catalog.KindFlat
		if i%7 == 0 {
			kind = catalog.KindPE
		}
		many = append(many, fakeFile(fmt.Sprintf("pkg%d/lib/index-%d.js", i%40, i), fmt.Sprint(i%2900), kind))
	}
	sets := map[string][]catalog.File{
		"empty files only": {fakeFile("a/empty.js", "", catalog.KindFlat), fakeFile("b", "", catalog.KindFlat)},
		"one file":         {fakeFile("a.js", "x", catalog.KindFlat)},
		"many":             append(slices.Clone(many), fakeFile("z/empty.js", "", catalog.KindFlat)),
	}
	for name, files := range sets {
		for _, version := range []int{1, 2} {
			opts := catalog.BuildOptions{Version: version, Time: when, Attributes: []catalog.Attribute{catalog.NewAttribute("OSAttr", "2:10.0")}}
			t.Run(fmt.Sprintf("%s/v%d", name, version), func(t *testing.T) {
				want, err := catalog.Build(files, opts)
				if err != nil {
					t.Fatal(err)
				}
				w := &recordingWriterAt{}
				n, err := catalog.BuildTo(w, files, opts)
				if err != nil || n != int64(len(want)) {
					t.Fatalf("BuildTo = %d, %v; want %d, nil", n, err, len(want))
				}
				if !bytes.Equal(w.b, want) {
					t.Fatal("BuildTo wrote other bytes than Build returned")
				}
				for i, c := range w.writes {
					if c != 1 {
						t.Fatalf("byte %d written %d times", i, c)
					}
				}
				f, err := os.Create(filepath.Join(t.TempDir(), "out.cat"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if _, err := catalog.BuildTo(f, files, opts); err != nil {
					t.Fatal(err)
				}
				if got, err := os.ReadFile(f.Name()); err != nil || !bytes.Equal(got, want) {
					t.Fatalf("the file holds other bytes than Build returned (%v)", err)
				}
			})
		}
	}
}

// TestBuildToFails: a write that fails, of the members, the tail or the
// head (which BuildTo writes last), is BuildTo's error, and Build's checks
// come before any write.
func TestBuildToFails(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var files []catalog.File
	for i := range 2000 {
		files = append(files, fakeFile(fmt.Sprintf("lib/f%d.js", i), fmt.Sprint(i), catalog.KindFlat))
	}
	files = append(files, fakeFile("z/empty.js", "", catalog.KindFlat))
	full := &recordingWriterAt{}
	if _, err := catalog.BuildTo(full, files, catalog.BuildOptions{Time: when}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	for _, at := range []struct {
		name string
		off  int64
	}{{"head", 0}, {"first members", slices.Min(slices.DeleteFunc(slices.Clone(full.offsets), func(off int64) bool { return off == 0 }))}, {"tail", slices.Max(full.offsets)}} {
		t.Run(at.name, func(t *testing.T) {
			w := &recordingWriterAt{failAt: at.off, err: boom}
			n, err := catalog.BuildTo(w, files, catalog.BuildOptions{Time: when})
			if !errors.Is(err, boom) || n != 0 || !strings.HasPrefix(err.Error(), "catalog: build: ") {
				t.Fatalf("BuildTo = %d, %v; want 0 and an error wrapping %v", n, err, boom)
			}
		})
	}
	w := &recordingWriterAt{}
	if _, err := catalog.BuildTo(w, append(slices.Clone(files), files[0]), catalog.BuildOptions{Time: when}); err == nil || len(w.writes) != 0 {
		t.Fatalf("BuildTo of a duplicate: %v, after %d bytes written", err, len(w.writes))
	}
}

// A recordingWriterAt keeps what is written to it and counts the writes of
// each byte; with err set, the write that starts at failAt fails.
type recordingWriterAt struct {
	mu      sync.Mutex
	b       []byte
	writes  []int
	offsets []int64 // of each write but a failed one, in their order
	failAt  int64
	err     error
}

func (w *recordingWriterAt) WriteAt(p []byte, off int64) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil && off == w.failAt {
		return 0, w.err
	}
	w.offsets = append(w.offsets, off)
	if end := int(off) + len(p); end > len(w.b) {
		w.b = append(w.b, make([]byte, end-len(w.b))...)
		w.writes = append(w.writes, make([]int, end-len(w.writes))...)
	}
	copy(w.b[off:], p)
	for i := range p {
		w.writes[int(off)+i]++
	}
	return len(p), nil
}

// TestBuildDuplicates: Build names the first file that repeats an earlier
// path, exactly or in lower case (ASCII or not), and the path it repeats,
// among thousands of files; and decides alike when every path's hash
// collides with others', which sends it to comparing the paths.
func TestBuildDuplicates(t *testing.T) {
	when := time.Unix(1700000000, 0)
	var many []catalog.File
	for i := range 3000 {
		many = append(many, fakeFile(fmt.Sprintf("pkg%d/Lib/index.js", i), "x", catalog.KindFlat))
	}
	with := func(extra ...catalog.File) []catalog.File { return append(slices.Clone(many), extra...) }
	tests := []struct {
		name  string
		files []catalog.File
		want  string // "" for no error
	}{
		{"none", many, ""},
		{"twice", with(fakeFile("pkg7/Lib/index.js", "y", catalog.KindFlat)), "pkg7/Lib/index.js: listed twice"},
		{"case", with(fakeFile("PKG7/lib/index.js", "y", catalog.KindFlat)), "pkg7/Lib/index.js and PKG7/lib/index.js differ only in case"},
		{"first repeat wins", with(
			fakeFile("pkg9/lib/index.js", "y", catalog.KindFlat),
			fakeFile("pkg8/lib/index.js", "y", catalog.KindFlat),
			fakeFile("pkg8/LIB/index.js", "y", catalog.KindFlat)),
			"pkg9/Lib/index.js and pkg9/lib/index.js differ only in case"},
		{"non-ASCII", with(fakeFile("Ä/x.js", "y", catalog.KindFlat), fakeFile("ä/X.js", "y", catalog.KindFlat)), "Ä/x.js and ä/X.js differ only in case"},
		{"Kelvin sign", with(fakeFile("k.js", "y", catalog.KindFlat), fakeFile("\u212a.js", "y", catalog.KindFlat)), "k.js and \u212a.js differ only in case"},
		{"non-ASCII, different", with(fakeFile("Ä/x.js", "y", catalog.KindFlat), fakeFile("Å/x.js", "y", catalog.KindFlat)), ""},
	}
	hashes := map[string]func(string) uint64{
		"real":      nil,
		"collide":   func(string) uint64 { return 0 },
		"by length": func(p string) uint64 { return uint64(len(p)) },
	}
	for hashName, hash := range hashes {
		for _, tt := range tests {
			t.Run(hashName+"/"+tt.name, func(t *testing.T) {
				if hash != nil {
					defer catalog.SetPathHash(hash)()
				}
				_, err := catalog.Build(tt.files, catalog.BuildOptions{Time: when})
				switch {
				case tt.want == "" && err != nil:
					t.Fatalf("Build: %v", err)
				case tt.want != "" && (err == nil || err.Error() != "catalog: build: "+tt.want):
					t.Fatalf("Build = %v, want catalog: build: %s", err, tt.want)
				}
			})
		}
	}
}

// TestBuildPathEncodings: FilePath values are the path with backslashes in
// UTF-16LE with a NUL, for every kind of name: non-ASCII, outside the BMP,
// and invalid UTF-8 (each bad byte becomes U+FFFD, as in NewAttribute).
func TestBuildPathEncodings(t *testing.T) {
	paths := []string{"plain/a.js", "ünï/cödé.js", "emoji/😀.js", "bad/\xff\xfe.js", "surrogate/\xed\xa0\x80.js", "中文/文件.js"}
	var files []catalog.File
	for i, p := range paths {
		files = append(files, fakeFile(p, strings.Repeat("x", i+1), catalog.KindFlat))
	}
	for _, version := range []int{1, 2} {
		der, err := catalog.Build(files, catalog.BuildOptions{Version: version, Time: time.Unix(1700000000, 0)})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, m := range mustParse(t, der).Members {
			fp, _ := m.Attribute("FilePath")
			got[string(fp.Value)] = true
		}
		for _, p := range paths {
			want := catalog.NewAttribute("FilePath", strings.ReplaceAll(p, "/", `\`))
			if !got[string(want.Value)] {
				t.Errorf("v%d: no member with FilePath %q (% x)", version, p, want.Value)
			}
		}
	}
}

// TestBuildReportsFirstError: with several bad files, the error names the
// first, however the work is split among cores.
func TestBuildReportsFirstError(t *testing.T) {
	files := make([]catalog.File, 5000)
	for i := range files {
		files[i] = fakeFile(fmt.Sprintf("f%05d.js", i), fmt.Sprint(i), catalog.KindFlat)
	}
	for _, bad := range [][]int{{10, 4900}, {2600, 4900}, {4999}} {
		broken := slices.Clone(files)
		for _, i := range bad {
			broken[i].SHA1 = nil
		}
		_, err := catalog.Build(broken, catalog.BuildOptions{Time: time.Unix(1700000000, 0)})
		if want := fmt.Sprintf("catalog: build: f%05d.js: missing digest", bad[0]); err == nil || err.Error() != want {
			t.Errorf("bad files %v: %v, want %q", bad, err, want)
		}
	}
}

// TestBuildManyMembers: thousands of members, among them equal tags
// (files with equal contents) and tags that share their first 8 bytes,
// come out sorted by tag, equal tags in the order of their files, each
// file with its members, in both versions.
func TestBuildManyMembers(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const n = 3001
	var files []catalog.File
	for i := range n {
		f := fakeFile(fmt.Sprintf("p%04d/f.js", i), fmt.Sprint("content ", i), catalog.KindFlat)
		switch {
		case i%7 == 0:
			f = fakeFile(f.Path, "the same", catalog.KindFlat)
		case i%11 == 0:
			// Same first 8 bytes, different digests.
			f.SHA256 = append(bytes.Repeat([]byte{0x5a}, 8), f.SHA256[8:]...)
			f.SHA1 = append(bytes.Repeat([]byte{0xa5}, 8), f.SHA1[8:]...)
		}
		files = append(files, f)
	}
	for _, version := range []int{1, 2} {
		der, err := catalog.Build(files, catalog.BuildOptions{Version: version, Time: when})
		if err != nil {
			t.Fatal(err)
		}
		c := mustParse(t, der)
		if len(c.Members) != n*version {
			t.Fatalf("v%d: %d members, want %d", version, len(c.Members), n*version)
		}
		for i := 1; i < len(c.Members); i++ {
			a, b := &c.Members[i-1], &c.Members[i]
			switch cmp := bytes.Compare(a.Tag, b.Tag); {
			case cmp > 0:
				t.Fatalf("v%d: member %d (%s) sorts after member %d (%s)", version, i-1, a.TagString(), i, b.TagString())
			case cmp == 0:
				pa, _ := a.Attribute("FilePath")
				pb, _ := b.Attribute("FilePath")
				if pa.Text() >= pb.Text() { // paths grow with the file's index
					t.Fatalf("v%d: equal tags %s: %s before %s, not in the order of files", version, a.TagString(), pa.Text(), pb.Text())
				}
			}
		}
		perPath := map[string]int{}
		for i := range c.Members {
			fp, _ := c.Members[i].Attribute("FilePath")
			perPath[fp.Text()]++
		}
		for _, f := range files {
			if got := perPath[strings.ReplaceAll(f.Path, "/", `\`)]; got != version {
				t.Fatalf("v%d: %s has %d members, want %d", version, f.Path, got, version)
			}
		}
	}
}
