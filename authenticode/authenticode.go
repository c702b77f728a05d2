// Package authenticode computes the Authenticode digest of a PE image: the
// hash that Windows security catalogs and embedded Authenticode signatures
// record for .exe, .dll, .sys and Windows-built .node files.
//
// The digest covers every byte of the file except the three parts that
// signing itself changes:
//
//   - the 4-byte CheckSum field of the optional header,
//   - the 8-byte Certificate Table entry of the data directory,
//   - the certificate table (the signatures) at the end of the file.
//
// When the file has no certificate table and its size is not a multiple of
// 8, zero bytes are hashed after it up to the next multiple of 8, because
// signing would first pad the file so.
//
// The bytes are hashed in file order (as Wine's pe_image_hash does), which
// for any image whose sections are laid out back to back after the headers
// equals the section-by-section order of the Authenticode specification, and
// covers every byte outside the certificate table even when they are not.
//
// # Layouts refused
//
// Where Windows (modelled by Wine's pe_image_hash) and relic's DigestPE
// treat the certificate table differently, Digest refuses the image with a
// precise error rather than pick one. The table must start on an 8-byte
// boundary, after the section table and after the raw data of every
// section, and end exactly at the end of the file: bytes after it would be
// outside every signature and catalog hash (Wine ignores them, relic refuses
// them). Also refused: headers that run past the end of the file, an
// optional header without a certificate table entry, section data past the
// certificate table or the end of the file, and a PE header inside the
// 64-byte DOS header.
//
// Gaps between sections are hashed, as Wine hashes them; relic refuses such
// images, and a digest that follows the specification's section-by-section
// order would leave the gaps out, so Windows may compute another digest for
// them. Linkers do not produce them.
//
// Whether a file is a PE image is decided by its content, never its name: an
// "MZ" DOS header whose e_lfanew field points at a "PE\0\0" signature. Other
// files get an error wrapping ErrNotPE, and callers hash them flat.
package authenticode

import (
	"crypto"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	"github.com/intactdev/intact/internal/dualsha"
)

// ErrNotPE reports that the bytes are not a PE image, so the flat hash of
// the whole file applies instead of the Authenticode digest.
var ErrNotPE = errors.New("not a PE image")

// IsImage reports whether data is a PE image by the test Digest makes: an
// "MZ" DOS header whose e_lfanew field points at a "PE\0\0" signature
// within data. Such bytes are what the OS image loader maps; no script,
// JSON or WebAssembly module has them (a DOS header is 64 bytes, mostly
// binary, and the signature holds two NUL bytes).
func IsImage(data []byte) bool {
	if len(data) < dosHeaderSize || data[0] != 'M' || data[1] != 'Z' {
		return false
	}
	peOff := int64(binary.LittleEndian.Uint32(data[lfanewOffset:]))
	return peOff+4 <= int64(len(data)) && string(data[peOff:peOff+4]) == "PE\x00\x00"
}

// Offsets and sizes from the PE/COFF specification.
const (
	dosHeaderSize     = 64
	lfanewOffset      = 0x3c // e_lfanew: file offset of the PE signature
	coffHeaderSize    = 20
	sectionHeaderSize = 40

	magicPE32     = 0x10b
	magicPE32Plus = 0x20b

	checksumOffset   = 64 // CheckSum within the optional header, PE32 and PE32+
	certDirIndex     = 4  // IMAGE_DIRECTORY_ENTRY_SECURITY
	dataDirEntrySize = 8

	certAlignment = 8 // the certificate table and the padded image are 8-aligned
)

// layout is where the parts that the digest skips lie in one file.
type layout struct {
	checksum int64 // offset of the 4-byte CheckSum field
	certDir  int64 // offset of the 8-byte Certificate Table entry
	end      int64 // end of the hashed bytes: the certificate table or EOF
	pad      int64 // zero bytes hashed after end
}

// Digest returns the Authenticode digest of the PE image of the given size
// that r reads, once for each of hashes and in that order, computed in one
// pass over the file with a bounded buffer.
//
// It returns an error wrapping ErrNotPE when the bytes are not a PE image,
// and a descriptive error when they are one whose headers are truncated or
// inconsistent, or when reading fails.
func Digest(r io.ReaderAt, size int64, hashes ...crypto.Hash) ([][]byte, error) {
	if len(hashes) == 0 {
		return nil, errors.New("authenticode: no hash algorithm requested")
	}
	for _, h := range hashes {
		if !h.Available() {
			return nil, fmt.Errorf("authenticode: hash algorithm %v is not available", h)
		}
	}
	l, err := parse(r, size) // first: most files that callers try are not PE
	if err != nil {
		return nil, err
	}
	w, sums := newHashes(hashes)
	bufp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bufp)
	for _, span := range [][2]int64{
		{0, l.checksum},
		{l.checksum + 4, l.certDir},
		{l.certDir + dataDirEntrySize, l.end},
	} {
		n, err := io.CopyBuffer(w, io.NewSectionReader(r, span[0], span[1]-span[0]), *bufp)
		if err == nil && n < span[1]-span[0] {
			// A section reader reports a file shorter than size as a
			// short copy, not an error.
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, fmt.Errorf("authenticode: reading bytes %#x-%#x: %w", span[0], span[1], err)
		}
	}
	var zeros [certAlignment]byte
	w.Write(zeros[:l.pad])
	return sums(), nil
}

// newHashes returns a writer that feeds every one of hashes and a function
// that returns their digests. SHA-256 with SHA-1, which catalogs of
// version 2 list, run in one pass (internal/dualsha).
func newHashes(hashes []crypto.Hash) (io.Writer, func() [][]byte) {
	if len(hashes) == 2 && hashes[0] == crypto.SHA256 && hashes[1] == crypto.SHA1 {
		d := dualsha.New()
		return d, func() [][]byte {
			s256, s1 := d.Sums()
			return [][]byte{s256[:], s1[:]}
		}
	}
	hs := make([]hash.Hash, len(hashes))
	ws := make([]io.Writer, len(hashes))
	for i, h := range hashes {
		hs[i] = h.New()
		ws[i] = hs[i]
	}
	return io.MultiWriter(ws...), func() [][]byte {
		sums := make([][]byte, len(hs))
		for i, h := range hs {
			sums[i] = h.Sum(nil)
		}
		return sums
	}
}

// bufPool holds copy buffers: callers hash many files concurrently.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// parse locates the skipped parts of a PE image and checks that the headers
// describing them are consistent with each other and with the file size.
func parse(r io.ReaderAt, size int64) (layout, error) {
	if size < 0 {
		return layout{}, fmt.Errorf("authenticode: negative size %d", size)
	}
	if size < dosHeaderSize {
		return layout{}, fmt.Errorf("authenticode: %w: %d bytes is shorter than a DOS header", ErrNotPE, size)
	}
	var dos [dosHeaderSize]byte
	if err := readAt(r, dos[:], 0, "DOS header"); err != nil {
		return layout{}, err
	}
	if dos[0] != 'M' || dos[1] != 'Z' {
		return layout{}, fmt.Errorf("authenticode: %w: no MZ signature", ErrNotPE)
	}
	peOff := int64(binary.LittleEndian.Uint32(dos[lfanewOffset:]))
	if peOff+4 > size {
		return layout{}, fmt.Errorf("authenticode: %w: DOS header points at offset %#x, beyond the end of the file", ErrNotPE, peOff)
	}
	var sig [4]byte
	if err := readAt(r, sig[:], peOff, "PE signature"); err != nil {
		return layout{}, err
	}
	if sig != [4]byte{'P', 'E', 0, 0} {
		return layout{}, fmt.Errorf("authenticode: %w: no PE signature at offset %#x", ErrNotPE, peOff)
	}

	// From here on the file claims to be a PE image: inconsistencies are
	// errors, not a reason to fall back to the flat hash.
	if peOff < dosHeaderSize {
		// The loader accepts such "tiny" images, but digesters that read
		// the headers in order (relic) do not hash them as Wine does.
		return layout{}, fmt.Errorf("authenticode: PE header at %#x overlaps the DOS header", peOff)
	}
	coffOff := peOff + 4
	var coff [coffHeaderSize]byte
	if coffOff+coffHeaderSize > size {
		return layout{}, fmt.Errorf("authenticode: truncated PE image: COFF file header %#x-%#x ends beyond the end of the file (%d bytes)", coffOff, coffOff+coffHeaderSize, size)
	}
	if err := readAt(r, coff[:], coffOff, "COFF file header"); err != nil {
		return layout{}, err
	}
	numSections := int64(binary.LittleEndian.Uint16(coff[2:]))
	optSize := int64(binary.LittleEndian.Uint16(coff[16:]))
	optOff := coffOff + coffHeaderSize
	if optOff+optSize > size {
		return layout{}, fmt.Errorf("authenticode: truncated PE image: optional header %#x-%#x ends beyond the end of the file (%d bytes)", optOff, optOff+optSize, size)
	}
	if optSize < 2 {
		return layout{}, fmt.Errorf("authenticode: optional header of %d bytes has no magic number", optSize)
	}
	var magic [2]byte
	if err := readAt(r, magic[:], optOff, "optional header"); err != nil {
		return layout{}, err
	}
	var countOff, dirOff int64 // NumberOfRvaAndSizes and DataDirectory, relative to optOff
	switch m := binary.LittleEndian.Uint16(magic[:]); m {
	case magicPE32:
		countOff, dirOff = 92, 96
	case magicPE32Plus:
		countOff, dirOff = 108, 112
	default:
		return layout{}, fmt.Errorf("authenticode: unknown optional header magic %#x (want %#x for PE32 or %#x for PE32+)", m, magicPE32, magicPE32Plus)
	}
	certDirEnd := dirOff + (certDirIndex+1)*dataDirEntrySize
	if optSize < certDirEnd {
		return layout{}, fmt.Errorf("authenticode: optional header of %d bytes has no certificate table entry (needs %d bytes)", optSize, certDirEnd)
	}
	var opt [152]byte // covers certDirEnd for both PE32 and PE32+
	if err := readAt(r, opt[:certDirEnd], optOff, "optional header"); err != nil {
		return layout{}, err
	}
	if n := binary.LittleEndian.Uint32(opt[countOff:]); n <= certDirIndex {
		return layout{}, fmt.Errorf("authenticode: optional header declares %d data directories, so no certificate table entry", n)
	}
	certDir := optOff + dirOff + certDirIndex*dataDirEntrySize
	certOff := int64(binary.LittleEndian.Uint32(opt[certDir-optOff:]))
	certSize := int64(binary.LittleEndian.Uint32(opt[certDir-optOff+4:]))

	l := layout{checksum: optOff + checksumOffset, certDir: certDir, end: size}
	hasCerts := certOff != 0 || certSize != 0
	if hasCerts {
		l.end = certOff
	} else if rem := size % certAlignment; rem != 0 {
		l.pad = certAlignment - rem
	}

	secOff := optOff + optSize
	secEnd := secOff + numSections*sectionHeaderSize
	if secEnd > size {
		return layout{}, fmt.Errorf("authenticode: truncated PE image: section table %#x-%#x (%d sections) ends beyond the end of the file (%d bytes)", secOff, secEnd, numSections, size)
	}
	if hasCerts {
		if err := checkCertTable(certOff, certSize, secEnd, size); err != nil {
			return layout{}, err
		}
	}
	if err := checkSections(r, secOff, numSections, l.end); err != nil {
		return layout{}, err
	}
	return l, nil
}

// checkSections checks that the raw data of every section lies before end,
// the start of the certificate table or the end of the file.
func checkSections(r io.ReaderAt, off, n, end int64) error {
	var hdr [sectionHeaderSize]byte
	for i := range n {
		if err := readAt(r, hdr[:], off+i*sectionHeaderSize, "section table"); err != nil {
			return err
		}
		rawSize := int64(binary.LittleEndian.Uint32(hdr[16:]))
		rawOff := int64(binary.LittleEndian.Uint32(hdr[20:]))
		if rawSize == 0 || rawOff == 0 { // no data in the file (e.g. .bss)
			continue
		}
		if rawOff+rawSize > end {
			return fmt.Errorf("authenticode: section %d (%q) data %#x-%#x extends beyond the image data, which ends at %#x",
				i, sectionName(hdr[:8]), rawOff, rawOff+rawSize, end)
		}
	}
	return nil
}

// checkCertTable refuses certificate tables on which Windows and relic would
// disagree, or that leave bytes outside the digest and the signature alike.
func checkCertTable(off, size, headersEnd, fileSize int64) error {
	switch {
	case off < headersEnd:
		return fmt.Errorf("authenticode: certificate table at %#x overlaps the PE headers, which end at %#x", off, headersEnd)
	case off%certAlignment != 0:
		return fmt.Errorf("authenticode: certificate table at %#x is not 8-byte aligned", off)
	case off+size > fileSize:
		return fmt.Errorf("authenticode: certificate table %#x-%#x ends beyond the end of the file (%d bytes)", off, off+size, fileSize)
	case off+size < fileSize:
		return fmt.Errorf("authenticode: %d bytes follow the certificate table (%#x-%#x), outside any digest", fileSize-off-size, off, off+size)
	}
	return nil
}

// sectionName returns the NUL-padded 8-byte name of a section header.
func sectionName(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// readAt reads exactly len(p) bytes at off; a short read is an error because
// the caller has already checked the range against the declared size.
func readAt(r io.ReaderAt, p []byte, off int64, what string) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("authenticode: reading %s at %#x: %w", what, off, err)
}
