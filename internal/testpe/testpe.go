// Package testpe builds, for tests, files that are both a PE image and a
// CommonJS script: the polyglots a name-based choice of digest would let
// run unsigned code.
package testpe

import (
	"bytes"
	"encoding/binary"
)

// Offsets of the minimal PE32 image Polyglot writes: a DOS header, the PE
// signature, a COFF header with no sections and an optional header with
// five data directories, the last of which is the certificate table entry.
const (
	peOffset       = 0x40
	optionalOffset = peOffset + 4 + 20
	optionalSize   = 96 + 5*8
	headersEnd     = optionalOffset + optionalSize
	certDirOffset  = optionalOffset + 96 + 4*8
)

// Polyglot returns a PE image that a JavaScript engine runs as script
// followed by certTable. The headers sit in a block comment opened after
// "MZ" (which the script assigns), script lies in the image's data, and
// certTable is the image's certificate table, which the Authenticode digest
// leaves out: two polyglots with the same script and different certificate
// tables have the same Authenticode digest and different bytes.
func Polyglot(script, certTable string) []byte {
	// The image ends in an open comment that the table closes.
	image := scriptImage(script, "/*")
	table := "*/\n" + certTable + "\n"
	for len(table)%8 != 0 {
		table += " "
	}
	binary.LittleEndian.PutUint32(image[certDirOffset:], uint32(len(image)))
	binary.LittleEndian.PutUint32(image[certDirOffset+4:], uint32(len(table)))
	return append(image, table...)
}

// checksumOffset is where the optional header's CheckSum field lies.
const checksumOffset = optionalOffset + 64

// HashedStream returns a PE image and the byte string its Authenticode
// digest covers: the image without its checksum and certificate-table
// entry (it has no certificate table, and its size is a multiple of 8, so
// no padding). The SHA-256 and SHA-1 of stream are the image's Authenticode
// SHA-256 and SHA-1. The stream is CommonJS that runs script; the image
// itself is not valid script, its checksum closing the comment that hides
// the headers: a catalog or Allow rule that lists the image by its
// Authenticode digest must not vouch for the stream, saved as a script.
func HashedStream(script string) (image, stream []byte) {
	image = scriptImage(script, "//")
	// As a file, the image closes the comment in its checksum and then
	// has an unbalanced ")(": a syntax error.
	copy(image[checksumOffset:], "*/)(")
	stream = append(stream, image[:checksumOffset]...)
	stream = append(stream, image[checksumOffset+4:certDirOffset]...)
	stream = append(stream, image[certDirOffset+8:]...)
	return image, stream
}

// scriptImage returns a minimal PE32 image whose bytes are CommonJS: the
// headers sit in a block comment opened after "MZ" (which the script
// assigns) and closed after them, script follows, then a line with end,
// then spaces up to a multiple of 8 bytes. It has no certificate table.
func scriptImage(script, end string) []byte {
	var b bytes.Buffer
	b.WriteString("MZ=1/*")
	b.Write(make([]byte, peOffset-b.Len()))
	binary.LittleEndian.PutUint32(b.Bytes()[0x3c:], peOffset) // e_lfanew
	b.WriteString("PE\x00\x00")
	coff := make([]byte, 20)
	binary.LittleEndian.PutUint16(coff[0:], 0x14c) // i386
	binary.LittleEndian.PutUint16(coff[16:], optionalSize)
	binary.LittleEndian.PutUint16(coff[18:], 0x2102) // executable, 32-bit, DLL
	b.Write(coff)
	optional := make([]byte, optionalSize)
	binary.LittleEndian.PutUint16(optional[0:], 0x10b) // PE32
	binary.LittleEndian.PutUint32(optional[92:], 5)    // NumberOfRvaAndSizes
	b.Write(optional)
	b.WriteString("*/\n" + script + "\n" + end)
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	image := b.Bytes()
	if bytes.Contains(image[:headersEnd], []byte("*/")) {
		panic("testpe: the headers close the comment that hides them")
	}
	return image
}
