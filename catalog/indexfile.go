package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// An IndexCache holds indexes of catalogs for ReadIndexCache, each under
// the SHA-256 of the certificate trust list it indexes: the messageDigest
// that a catalog's signature covers (Catalog.CTLSHA256). What fills it is
// the caller's business; store only the index of a catalog that a policy
// trusts, so that nobody fills it with catalogs of their own.
//
// Whoever can put an index in a cache decides which digests the catalogs
// of that certificate trust list are taken to list: a cache must be one
// that nobody but those trusted to sign catalogs can change (on Linux, a
// folder only root can write; see package intact).
type IndexCache interface {
	// LoadIndex looks up the index kept under key: it returns nil when
	// there is none, and otherwise a function that reads it, or returns
	// nil if what is kept is not an index. ReadIndexCache calls that
	// function once, on another goroutine, while it hashes the catalog.
	LoadIndex(key [sha256.Size]byte) func() *Index
}

// indexMagic begins an index's binary form; its last byte is the format's
// version, which must change whenever the encoding does, and whenever a
// scan would index the same members otherwise (another digest, kind or
// member kept): indexes stored by an older intact then go unused.
const indexMagic = "intact catalog index\x00\x01"

const (
	sha1EntrySize   = 20 + 1 + 4 // digest, kind, member
	sha256EntrySize = 32 + 1 + 4
	indexHeaderSize = len(indexMagic) + 4 + 4 + 4
)

// MarshalBinary encodes the index as UnmarshalBinary reads it:
//
//	"intact catalog index" 0x00 0x01
//	files, SHA-1 entries, SHA-256 entries: uint32 little-endian each
//	each SHA-1 entry: digest (20 bytes), kind (1), member (uint32 LE)
//	each SHA-256 entry: digest (32 bytes), kind (1), member (uint32 LE)
//
// The entries are sorted by digest and kind, one for each digest and kind.
func (x *Index) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, indexHeaderSize+len(x.entries[0])*sha1EntrySize+len(x.entries[1])*sha256EntrySize)
	b = append(b, indexMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(x.files))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(x.entries[0])))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(x.entries[1])))
	for slot, size := range [2]int{20, 32} {
		for _, e := range x.entries[slot] {
			b = append(b, e.digest[:size]...)
			b = append(b, e.kind)
			b = binary.LittleEndian.AppendUint32(b, uint32(e.member))
		}
	}
	return b, nil
}

// UnmarshalBinary decodes an index MarshalBinary encoded, as DecodeIndex
// does.
func (x *Index) UnmarshalBinary(data []byte) error {
	y, err := DecodeIndex(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	*x = *y
	return nil
}

// DecodeIndex reads an index that MarshalBinary encoded, size bytes long,
// from r. It refuses anything else: another format, a size that does not
// match the counts, entries out of order or repeated, a kind or a member
// position that no catalog has. Lookups in what it accepts find what they
// would in the index that was encoded. It reads r in pieces, and allocates
// no more than the entries that size can hold.
func DecodeIndex(r io.Reader, size int64) (*Index, error) {
	var h [indexHeaderSize]byte
	if size < int64(indexHeaderSize) {
		return nil, errors.New("catalog index: not an index of this format")
	}
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, fmt.Errorf("catalog index: %w", err)
	}
	if !bytes.HasPrefix(h[:], []byte(indexMagic)) {
		return nil, errors.New("catalog index: not an index of this format")
	}
	c := h[len(indexMagic):]
	files := binary.LittleEndian.Uint32(c)
	counts := [2]int64{int64(binary.LittleEndian.Uint32(c[4:])), int64(binary.LittleEndian.Uint32(c[8:]))}
	if files > MaxMembers || counts[0] > MaxMembers || counts[1] > MaxMembers {
		return nil, errors.New("catalog index: more entries than a catalog has members")
	}
	if size != int64(indexHeaderSize)+counts[0]*sha1EntrySize+counts[1]*sha256EntrySize {
		return nil, errors.New("catalog index: its size does not match its counts")
	}
	x := &Index{files: int(files)}
	buf := make([]byte, 64<<10)
	for slot, digestSize := range [2]int{20, 32} {
		entrySize := digestSize + 5
		es := make([]indexEntry, counts[slot])
		for i := 0; i < len(es); {
			n := min(len(es)-i, len(buf)/entrySize)
			b := buf[:n*entrySize]
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, fmt.Errorf("catalog index: %w", err)
			}
			for ; len(b) > 0; i, b = i+1, b[entrySize:] {
				e := &es[i]
				if digestSize == 32 {
					e.digest = [32]byte(b[:32])
				} else {
					*(*[20]byte)(e.digest[:20]) = [20]byte(b[:20])
				}
				e.kind = b[digestSize]
				member := binary.LittleEndian.Uint32(b[digestSize+1:])
				if Kind(e.kind) > KindCAB {
					return nil, fmt.Errorf("catalog index: entry %d: kind %d", i, e.kind)
				}
				if member >= MaxMembers {
					return nil, fmt.Errorf("catalog index: entry %d: member %d", i, member)
				}
				e.member = int32(member)
				// In order, one entry for each digest and kind: mostly told
				// by the digests' first eight bytes.
				if i > 0 && !entryAfter(&es[i-1], e) {
					return nil, fmt.Errorf("catalog index: entry %d: out of order or repeated", i)
				}
				x.kinds |= 1 << e.kind
			}
		}
		x.entries[slot] = es
	}
	// Nothing after the entries.
	if n, _ := r.Read(buf[:1]); n != 0 {
		return nil, errors.New("catalog index: data after its entries")
	}
	return x, nil
}

// entryAfter reports whether b comes after a in an index: a greater digest,
// or the same digest and a greater kind.
func entryAfter(a, b *indexEntry) bool {
	x, y := binary.BigEndian.Uint64(a.digest[:]), binary.BigEndian.Uint64(b.digest[:])
	if x != y {
		return x < y
	}
	if c := bytes.Compare(a.digest[8:], b.digest[8:]); c != 0 {
		return c < 0
	}
	return a.kind < b.kind
}
