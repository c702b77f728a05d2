package authenticode_test

import (
	"bytes"
	"crypto"
	_ "crypto/sha1"
	_ "crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/internal/testvectors"
)

// expectedCatalog is the part of a vectors/cat/expected/*.json file that
// these tests read.
type expectedCatalog struct {
	Members []struct {
		TagRawHex string `json:"tag_raw_hex"`
		TagUTF16  string `json:"tag_utf16"`
		Digest    string `json:"digest"`
	} `json:"members"`
	CoveredFiles map[string]string `json:"covered_files_verified"`
}

// digestNote matches the digest prefixes that covered_files_verified notes
// give, e.g. "PE SHA256 D8C0312E... / PE SHA1 FC7D5CF6...".
var digestNote = regexp.MustCompile(`SHA(1|256)\b[^.]*?\b([0-9A-F]{8})\.\.\.`)

// TestVectorCatalogs hashes every PE file that a real catalog in the vectors
// covers and requires the result to be that catalog's member digest.
func TestVectorCatalogs(t *testing.T) {
	dir := testvectors.Path(t, "cat")
	jsons, err := filepath.Glob(filepath.Join(dir, "expected", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, j := range jsons {
		var cat expectedCatalog
		data, err := os.ReadFile(j)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &cat); err != nil {
			t.Fatalf("%s: %v", j, err)
		}
		members := map[string]bool{}
		for _, m := range cat.Members {
			members[m.TagRawHex], members[m.TagUTF16], members[m.Digest] = true, true, true
		}
		for rel, note := range cat.CoveredFiles {
			if !strings.HasPrefix(note, "PE ") {
				continue
			}
			path := filepath.Join(dir, filepath.FromSlash(rel))
			if _, err := os.Stat(path); err != nil {
				continue // a third-party binary left out of the vectors
			}
			sums := digestFile(t, path, crypto.SHA1, crypto.SHA256)
			for _, m := range digestNote.FindAllStringSubmatch(note, -1) {
				got := strings.ToUpper(hex.EncodeToString(sums[0]))
				if m[1] == "256" {
					got = strings.ToUpper(hex.EncodeToString(sums[1]))
				}
				if !strings.HasPrefix(got, m[2]) || !members[got] {
					t.Errorf("%s: SHA%s digest %s, want the member %s... of %s", rel, m[1], got, m[2], filepath.Base(j))
				}
				checked++
			}
		}
	}
	// 6 micronucleus + 1 generate-cat-file (in 2 catalogs) + 2 unsigned.exe + 8 pester.
	if checked < 18 {
		t.Errorf("checked %d digests of vector files, want at least 18", checked)
	}
}

func digestFile(t *testing.T, path string, hashes ...crypto.Hash) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	sums, err := authenticode.Digest(f, fi.Size(), hashes...)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return sums
}

// TestVectorNonPE checks that the flat-hashed files of the vectors (scripts,
// INF, MSI, CAB, ZIP, catalogs) are recognised as not PE.
func TestVectorNonPE(t *testing.T) {
	dir := testvectors.Path(t, "cat")
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".dll", ".sys", ".exe":
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := authenticode.Digest(bytes.NewReader(data), int64(len(data)), crypto.SHA256); !errors.Is(err, authenticode.ErrNotPE) {
			t.Errorf("%s: got %v, want ErrNotPE", path, err)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Errorf("checked %d non-PE files, want at least 20", n)
	}
}

// image describes a synthesized PE image.
type image struct {
	plus     bool  // PE32+ instead of PE32
	sections []int // raw data sizes, each a multiple of fileAlign
	overlay  int   // bytes after the last section (e.g. an installer payload)
	cert     int   // certificate table size; 0 for none
}

const fileAlign = 0x200

// built is a synthesized image with the offsets of the parts the digest
// skips, computed by the builder independently of the package.
type built struct {
	data              []byte
	checksum, certDir int
	certOff           int // 0 when there is no certificate table
}

func (im image) build(seed uint64) built {
	rng := rand.New(rand.NewPCG(seed, 1))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	le := binary.LittleEndian
	const peOff = 0x80
	optSize, dirOff, countOff, machine := 224, 96, 92, uint16(0x14c)
	if im.plus {
		optSize, dirOff, countOff, machine = 240, 112, 108, 0x8664
	}
	optOff := peOff + 24
	secOff := optOff + optSize
	headers := (secOff + 40*len(im.sections) + fileAlign - 1) / fileAlign * fileAlign

	b := random(headers) // stub, slack and unused fields stay random
	copy(b, "MZ")
	le.PutUint32(b[0x3c:], peOff)
	copy(b[peOff:], "PE\x00\x00")
	le.PutUint16(b[peOff+4:], machine)
	le.PutUint16(b[peOff+6:], uint16(len(im.sections)))
	le.PutUint16(b[peOff+20:], uint16(optSize))
	if im.plus {
		le.PutUint16(b[optOff:], 0x20b)
	} else {
		le.PutUint16(b[optOff:], 0x10b)
	}
	le.PutUint32(b[optOff+36:], fileAlign) // FileAlignment
	le.PutUint32(b[optOff+60:], uint32(headers))
	le.PutUint32(b[optOff+countOff:], 16)
	pos := headers
	for i, size := range im.sections {
		h := b[secOff+40*i:]
		copy(h[:8], []byte{'.', 's', byte('0' + i), 0, 0, 0, 0, 0})
		le.PutUint32(h[16:], uint32(size))
		le.PutUint32(h[20:], uint32(pos))
		pos += size
	}
	b = append(b, random(pos-headers+im.overlay)...)
	out := built{checksum: optOff + 64, certDir: optOff + dirOff + 4*8}
	le.PutUint32(b[out.checksum:], rng.Uint32())
	le.PutUint64(b[out.certDir:], 0)
	if im.cert > 0 {
		for len(b)%8 != 0 { // signers pad the image before the table
			b = append(b, 0)
		}
		out.certOff = len(b)
		le.PutUint32(b[out.certDir:], uint32(out.certOff))
		le.PutUint32(b[out.certDir+4:], uint32(im.cert))
		b = append(b, random(im.cert)...)
	}
	out.data = b
	return out
}

// stripped is the definition of the digested bytes written as plainly as
// possible: the file minus the CheckSum, the certificate table entry and the
// certificate table, zero-padded to a multiple of 8 when unsigned.
func (b built) stripped() []byte {
	end := len(b.data)
	if b.certOff != 0 {
		end = b.certOff
	}
	var s []byte
	s = append(s, b.data[:b.checksum]...)
	s = append(s, b.data[b.checksum+4:b.certDir]...)
	s = append(s, b.data[b.certDir+8:end]...)
	if b.certOff == 0 && len(b.data)%8 != 0 {
		s = append(s, make([]byte, 8-len(b.data)%8)...)
	}
	return s
}

func digest(t *testing.T, data []byte, hashes ...crypto.Hash) [][]byte {
	t.Helper()
	sums, err := authenticode.Digest(bytes.NewReader(data), int64(len(data)), hashes...)
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func TestSynthesized(t *testing.T) {
	for _, tc := range []struct {
		name string
		im   image
	}{
		{"PE32 unsigned aligned", image{sections: []int{0x400, 0x200}}},
		{"PE32 unsigned overlay 3", image{sections: []int{0x400}, overlay: 3}},
		{"PE32+ unsigned overlay 7", image{plus: true, sections: []int{0x200, 0x600, 0x200}, overlay: 7}},
		{"PE32+ unsigned overlay 8", image{plus: true, sections: []int{0x200}, overlay: 8}},
		{"PE32 signed", image{sections: []int{0x400}, cert: 0x318}},
		{"PE32+ signed overlay 5", image{plus: true, sections: []int{0x200}, overlay: 5, cert: 0x100}},
		{"PE32+ no sections", image{plus: true, overlay: 1}},
		{"PE32 large", image{sections: []int{300 << 10, 200 << 10}, overlay: 1, cert: 64}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.im.build(1)
			s := b.stripped()
			sums := digest(t, b.data, crypto.SHA256, crypto.SHA1)
			want256, want1 := crypto.SHA256.New(), crypto.SHA1.New()
			want256.Write(s)
			want1.Write(s)
			if !bytes.Equal(sums[0], want256.Sum(nil)) || !bytes.Equal(sums[1], want1.Sum(nil)) {
				t.Errorf("digest = %x, %x; want %x, %x", sums[0], sums[1], want256.Sum(nil), want1.Sum(nil))
			}
			// One pass with two hashes equals two passes with one.
			if one := digest(t, b.data, crypto.SHA1); !bytes.Equal(one[0], sums[1]) {
				t.Errorf("SHA-1 alone = %x, with SHA-256 = %x", one[0], sums[1])
			}
		})
	}
}

// TestPadding checks that an unsigned image whose size is not a multiple of
// 8 is digested with the zero padding.
func TestPadding(t *testing.T) {
	b := image{sections: []int{0x200}, overlay: 3}.build(2)
	got := digest(t, b.data, crypto.SHA256)[0]
	unpadded := crypto.SHA256.New()
	unpadded.Write(b.data[:b.checksum])
	unpadded.Write(b.data[b.checksum+4 : b.certDir])
	unpadded.Write(b.data[b.certDir+8:])
	if bytes.Equal(got, unpadded.Sum(nil)) {
		t.Fatal("digest of a 3-byte-overlay image does not include the zero padding")
	}
	// Padding the file itself with zeros to a multiple of 8 changes
	// nothing: that is what signing does before appending the table.
	padded := append(bytes.Clone(b.data), make([]byte, 8-len(b.data)%8)...)
	if again := digest(t, padded, crypto.SHA256)[0]; !bytes.Equal(got, again) {
		t.Errorf("zero-padded file digest %x, want %x", again, got)
	}
}

// TestSkippedAndCoveredBytes flips every byte of a signed image, one at a
// time, and requires the digest to change exactly when the byte lies outside
// the CheckSum, the certificate table entry and the certificate table.
func TestSkippedAndCoveredBytes(t *testing.T) {
	for _, plus := range []bool{false, true} {
		b := image{plus: plus, sections: []int{0x200}, overlay: 4, cert: 16}.build(3)
		want := digest(t, b.data, crypto.SHA1)[0]
		for i := range b.data {
			skipped := i >= b.checksum && i < b.checksum+4 ||
				i >= b.certDir && i < b.certDir+8 ||
				i >= b.certOff
			mod := bytes.Clone(b.data)
			mod[i] ^= 0x01
			sums, err := authenticode.Digest(bytes.NewReader(mod), int64(len(mod)), crypto.SHA1)
			if i >= b.certDir && i < b.certDir+8 {
				// Moving the certificate table entry makes the image
				// inconsistent; it must then be refused, not digested.
				if err == nil {
					t.Errorf("PE32+=%v: byte %#x of the certificate table entry changed, still digested", plus, i)
				}
				continue
			}
			if err != nil {
				if skipped {
					t.Errorf("PE32+=%v: byte %#x: %v", plus, i, err)
				}
				continue // a signature or header field now invalid: refused
			}
			if changed := !bytes.Equal(sums[0], want); changed == skipped {
				t.Errorf("PE32+=%v: flipping byte %#x (skipped=%v) changed the digest: %v", plus, i, skipped, changed)
			}
		}
	}
}

func TestNotPE(t *testing.T) {
	le := binary.LittleEndian
	mz := func(lfanew uint32, tail string) []byte {
		b := make([]byte, 64)
		copy(b, "MZ")
		le.PutUint32(b[0x3c:], lfanew)
		return append(b, tail...)
	}
	for name, data := range map[string][]byte{
		"empty":              nil,
		"text":               []byte("#!/bin/sh\necho hello, this is a script of some length to pass 64 bytes\n"),
		"short MZ":           []byte("MZ\x90\x00"),
		"MZ without PE":      mz(0x40, "This program cannot be run in DOS mode.\r\n"),
		"e_lfanew past EOF":  mz(0x1000, "PE\x00\x00"),
		"e_lfanew huge":      mz(0xffffffff, ""),
		"NE executable":      mz(0x40, "NE\x00\x00"),
		"PE signature cut":   mz(0x40, "PE"),
		"lowercase mz":       append([]byte("mz"), make([]byte, 100)...),
		"ELF":                append([]byte("\x7fELF"), make([]byte, 100)...),
		"MZ lfanew into DOS": mz(0x3e, ""), // points at the e_lfanew bytes, not "PE"
	} {
		t.Run(name, func(t *testing.T) {
			_, err := authenticode.Digest(bytes.NewReader(data), int64(len(data)), crypto.SHA256)
			if !errors.Is(err, authenticode.ErrNotPE) {
				t.Fatalf("got %v, want ErrNotPE", err)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	le := binary.LittleEndian
	signed := image{plus: true, sections: []int{0x200, 0x200}, cert: 24}.build(4)
	const optOff = 0x80 + 24
	const certDir = optOff + 112 + 32
	for _, tc := range []struct {
		name string
		edit func(b []byte) []byte
		want string
	}{
		{"truncated COFF header", func(b []byte) []byte { return b[:0x80+10] }, "COFF file header"},
		{"truncated optional header", func(b []byte) []byte { return b[:optOff+100] }, "optional header"},
		{"unknown magic", func(b []byte) []byte { le.PutUint16(b[optOff:], 0x107); return b }, "unknown optional header magic 0x107"},
		{"tiny optional header", func(b []byte) []byte { le.PutUint16(b[0x80+20:], 100); return b }, "no certificate table entry"},
		{"four data directories", func(b []byte) []byte { le.PutUint32(b[optOff+108:], 4); return b }, "declares 4 data directories"},
		{"section table past EOF", func(b []byte) []byte { le.PutUint16(b[0x80+6:], 0xffff); return b }, "section table"},
		{"section data past cert table", func(b []byte) []byte {
			le.PutUint32(b[optOff+240+40+16:], 0x10000) // second section's SizeOfRawData
			return b
		}, `section 1 (".s1") data`},
		{"cert table overlaps headers", func(b []byte) []byte { le.PutUint32(b[certDir:], 0x100); return b }, "overlaps the PE headers"},
		{"cert table unaligned", func(b []byte) []byte {
			le.PutUint32(b[certDir:], le.Uint32(b[certDir:])+4)
			le.PutUint32(b[certDir+4:], le.Uint32(b[certDir+4:])-4)
			return b
		}, "not 8-byte aligned"},
		{"cert table past EOF", func(b []byte) []byte { le.PutUint32(b[certDir+4:], 0xffffffff); return b }, "ends beyond the end of the file"},
		{"data after cert table", func(b []byte) []byte { return append(b, "appended payload"...) }, "16 bytes follow the certificate table"},
		{"cert size zero in the middle", func(b []byte) []byte { le.PutUint32(b[certDir+4:], 0); return b }, "follow the certificate table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.edit(bytes.Clone(signed.data))
			_, err := authenticode.Digest(bytes.NewReader(data), int64(len(data)), crypto.SHA256)
			if err == nil || errors.Is(err, authenticode.ErrNotPE) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestEveryPrefix digests every truncation of a signed and an unsigned
// image: none may panic, and a truncated image is never digested as though
// it were whole.
func TestEveryPrefix(t *testing.T) {
	for _, im := range []image{
		{sections: []int{0x200}, cert: 16},
		{plus: true, sections: []int{0x200}, overlay: 9},
	} {
		b := im.build(5)
		whole := digest(t, b.data, crypto.SHA1)[0]
		for n := range len(b.data) {
			sums, err := authenticode.Digest(bytes.NewReader(b.data[:n]), int64(n), crypto.SHA1)
			if err == nil && bytes.Equal(sums[0], whole) {
				t.Fatalf("prefix of %d bytes has the digest of the whole image", n)
			}
		}
	}
}

// shortReader reads fewer bytes than the size its caller declares.
type shortReader struct{ r io.ReaderAt }

func (s shortReader) ReadAt(p []byte, off int64) (int, error) { return s.r.ReadAt(p, off) }

// failingReader fails every read past an offset.
type failingReader struct {
	r     io.ReaderAt
	after int64
}

var errDisk = errors.New("disk on fire")

func (f failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.after {
		return 0, errDisk
	}
	return f.r.ReadAt(p, off)
}

func TestReadErrors(t *testing.T) {
	b := image{sections: []int{0x200}, overlay: 1}.build(6)
	if _, err := authenticode.Digest(shortReader{bytes.NewReader(b.data)}, int64(len(b.data))+100, crypto.SHA256); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("size beyond the data: got %v, want io.ErrUnexpectedEOF", err)
	}
	for _, after := range []int64{10, 0x90, 0x300, int64(len(b.data)) - 1} {
		if _, err := authenticode.Digest(failingReader{bytes.NewReader(b.data), after}, int64(len(b.data)), crypto.SHA256); !errors.Is(err, errDisk) {
			t.Errorf("read failing after %#x: got %v, want %v", after, err, errDisk)
		}
	}
	if _, err := authenticode.Digest(bytes.NewReader(b.data), -1, crypto.SHA256); err == nil {
		t.Error("negative size: no error")
	}
}

func TestHashArguments(t *testing.T) {
	b := image{sections: []int{0x200}}.build(7)
	if _, err := authenticode.Digest(bytes.NewReader(b.data), int64(len(b.data))); err == nil {
		t.Error("no hash: no error")
	}
	if _, err := authenticode.Digest(bytes.NewReader(b.data), int64(len(b.data)), crypto.MD4); err == nil {
		t.Error("unlinked MD4: no error")
	}
}

// TestIsImage: IsImage agrees with Digest on what is a PE image, and a
// header pointing past the end or at other bytes is not one.
func TestIsImage(t *testing.T) {
	image := make([]byte, 0x80)
	copy(image, "MZ")
	binary.LittleEndian.PutUint32(image[0x3c:], 0x40)
	copy(image[0x40:], "PE\x00\x00")
	pastEnd := bytes.Clone(image)
	binary.LittleEndian.PutUint32(pastEnd[0x3c:], 0x7e)
	for name, tt := range map[string]struct {
		data []byte
		want bool
	}{
		"MZ and PE signatures":       {image, true},
		"signature past the end":     {pastEnd, false},
		"no PE signature":            {append([]byte("MZ"), make([]byte, 0x80)...), false},
		"script that starts with MZ": {[]byte("MZ = 1;" + strings.Repeat(" ", 100)), false},
		"shorter than a DOS header":  {[]byte("MZ"), false},
		"empty":                      {nil, false},
	} {
		if got := authenticode.IsImage(tt.data); got != tt.want {
			t.Errorf("%s: IsImage = %v, want %v", name, got, tt.want)
		}
		_, err := authenticode.Digest(bytes.NewReader(tt.data), int64(len(tt.data)), crypto.SHA256)
		if !tt.want && !errors.Is(err, authenticode.ErrNotPE) {
			t.Errorf("%s: Digest does not say ErrNotPE: %v", name, err)
		}
	}
}
