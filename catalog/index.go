package catalog

import (
	"bytes"
	"cmp"
	"crypto"
	"encoding/binary"
	"slices"
)

// An Index answers whether a digest is a member of a catalog, and of which
// kind. It is safe for concurrent use, and holds the digests only, not the
// members: about 80 bytes per file of a version 2 catalog, which spends
// about 350 bytes on it.
//
// What a digest vouches for depends on the member's kind: a flat member's
// digest covers a file's exact bytes, a PE member's the Authenticode image
// digest, which leaves out the image's checksum, its certificate-table
// entry and its certificate table. The Authenticode SHA-256 of an image is
// the plain SHA-256 of another byte string, which anyone can write to a
// file: a lookup for a file's exact bytes must ask for flat members only
// (LookupKind).
type Index struct {
	// entries holds, by algorithm (SHA-1, SHA-256), one entry for each
	// digest and kind, sorted: catalogs list members sorted by tag, which
	// is their digest, so that sorting them is a check.
	entries [2][]indexEntry
	files   int
	kinds   uint8 // bit k set when some digest has Kind k
}

// indexEntry is a digest (a SHA-1 one padded with zeros), the kind of the
// members listed under it and the position of the first of them.
type indexEntry struct {
	digest [32]byte
	kind   uint8
	member int32
}

func compareEntries(a, b indexEntry) int {
	// The first eight bytes of two digests differ but for one pair in
	// 2^64: compared as a word, without a call.
	if c := cmp.Compare(binary.BigEndian.Uint64(a.digest[:]), binary.BigEndian.Uint64(b.digest[:])); c != 0 {
		return c
	}
	if c := bytes.Compare(a.digest[8:], b.digest[8:]); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.member, b.member))
}

// algorithmSlot returns the entries slot of h, or -1 when digests of h
// are not indexed.
func algorithmSlot(h crypto.Hash, n int) int {
	switch {
	case h == crypto.SHA1 && n == 20:
		return 0
	case h == crypto.SHA256 && n == 32:
		return 1
	}
	return -1
}

// Index builds the catalog's digest index. A member is indexed under the
// digest of its indirect data (SHA-256 in v2, SHA-1 in v1) and a v2 SHA-1
// compatibility entry under its tag, each with the member's kind
// (Member.DigestKind). When several members of one kind share a digest,
// the first one is the one looked up.
func (c *Catalog) Index() *Index {
	var b indexBuilder
	for i := range c.Members {
		m := &c.Members[i]
		d, h := m.indexed()
		b.add(i, d, h, m.DigestKind(), m.Compat)
	}
	return b.index()
}

// An indexBuilder collects the digests of a catalog's members, in file
// order, for an Index.
type indexBuilder struct {
	x Index
	// unsorted and repeated say, by slot, whether a digest came before
	// the one added before it, or was the same digest and kind: only
	// then are the entries sorted or compacted.
	unsorted, repeated [2]bool
}

// add indexes member i under digest d of algorithm h (none when h is 0).
// compat marks a version 2 SHA-1 compatibility entry, which is not a file
// of its own.
func (b *indexBuilder) add(i int, d []byte, h crypto.Hash, k Kind, compat bool) {
	if !compat {
		b.x.files++
	}
	slot := algorithmSlot(h, len(d))
	if slot < 0 {
		return
	}
	e := indexEntry{kind: uint8(k), member: int32(i)}
	copy(e.digest[:], d)
	es := b.x.entries[slot]
	// Writers list members sorted by digest: a digest whose first eight
	// bytes are greater than the last one's is in order and new.
	if n := len(es); n > 0 && binary.BigEndian.Uint64(es[n-1].digest[:]) >= binary.BigEndian.Uint64(e.digest[:]) {
		last := &es[n-1]
		b.unsorted[slot] = b.unsorted[slot] || compareEntries(*last, e) > 0
		b.repeated[slot] = b.repeated[slot] || last.digest == e.digest && last.kind == e.kind
	}
	b.x.entries[slot] = append(es, e)
	b.x.kinds |= 1 << k
}

// reserve makes room for growth times the digests added so far, and a
// tenth more.
func (b *indexBuilder) reserve(growth float64) {
	for slot, es := range b.x.entries {
		n := min(float64(len(es))*growth*1.1, MaxMembers)
		b.x.entries[slot] = slices.Grow(es, max(0, int(n)-len(es)))
	}
}

// index sorts the digests and keeps the first member of each digest and
// kind.
func (b *indexBuilder) index() *Index {
	x := &b.x
	for slot, es := range x.entries {
		if b.unsorted[slot] {
			slices.SortFunc(es, compareEntries)
		}
		if b.unsorted[slot] || b.repeated[slot] {
			es = slices.CompactFunc(es, func(a, b indexEntry) bool {
				return a.digest == b.digest && a.kind == b.kind
			})
		}
		x.entries[slot] = slices.Clip(es)
	}
	return x
}

// Lookup returns the position in the catalog's members (file order) of
// the first member, of any kind, whose digest computed with h
// (crypto.SHA256 or crypto.SHA1) is digest. The member's kind says how the
// digest must have been computed: KindPE members list Authenticode image
// digests, not digests of the file's bytes. To decide whether a file is a
// member, use LookupKind with the kind its digest was computed for.
func (x *Index) Lookup(h crypto.Hash, digest []byte) (member int, ok bool) {
	first := -1
	for _, k := range [...]Kind{KindOther, KindFlat, KindPE, KindCAB} {
		if i, ok := x.LookupKind(h, digest, k); ok && (first < 0 || i < first) {
			first = i
		}
	}
	return first, first >= 0
}

// LookupKind returns the position in the catalog's members of the first
// member of kind k (by Member.DigestKind) whose digest, computed with h
// (crypto.SHA256 or crypto.SHA1), is digest: with KindFlat, the member
// that lists a file's exact bytes; with KindPE, the member that lists an
// image by its Authenticode digest.
func (x *Index) LookupKind(h crypto.Hash, digest []byte, k Kind) (member int, ok bool) {
	slot := algorithmSlot(h, len(digest))
	if slot < 0 || x.kinds&(1<<k) == 0 {
		return -1, false
	}
	key := indexEntry{kind: uint8(k)}
	copy(key.digest[:], digest)
	es := x.entries[slot]
	i, _ := slices.BinarySearchFunc(es, key, compareEntries)
	if i == len(es) || es[i].digest != key.digest || es[i].kind != key.kind {
		return -1, false
	}
	return int(es[i].member), true
}

// Len returns the number of distinct digests in the index, a digest listed
// by members of two kinds counting twice.
func (x *Index) Len() int { return len(x.entries[0]) + len(x.entries[1]) }

// Files returns the number of files the catalog lists: its members, not
// counting the SHA-1 compatibility entries of version 2 catalogs.
func (x *Index) Files() int { return x.files }

// HasKind reports whether the index holds a digest of kind k.
func (x *Index) HasKind(k Kind) bool { return x.kinds&(1<<k) != 0 }

// DigestKind is the kind of digest the member lists, when its member info
// (Kind) and its indirect data agree on it: KindPE for an Authenticode image
// digest in SpcPeImageData, KindFlat for a digest of a file's exact bytes,
// with other indirect data. A member whose member info and indirect data
// disagree (a flat member with SpcPeImageData, or a PE member with other
// indirect data) is KindOther, which vouches for nothing: its signer did
// not say which bytes its digest covers. A v2 SHA-1 compatibility entry
// has no indirect data and takes its Kind.
func (m *Member) DigestKind() Kind {
	return digestKind(m.Kind, m.IndirectDataType != nil, m.IndirectDataType.Equal(oidPEImageData))
}

// digestKind is the kind of digest a member of kind k lists, given
// whether it has indirect data and whether that is SpcPeImageData.
func digestKind(k Kind, indirect, image bool) Kind {
	switch {
	case !indirect:
		return k
	case k == KindPE && !image, k != KindPE && image:
		return KindOther
	}
	return k
}

// indexed returns the digest a member is indexed under and its algorithm:
// that of its indirect data, or for a v2 compatibility entry its tag; 0
// when it has no SHA-256 or SHA-1 digest of the right length.
func (m *Member) indexed() ([]byte, crypto.Hash) {
	d, h := m.Digest, m.DigestAlgorithm
	if m.Compat {
		d, h = m.Tag, crypto.SHA1
	}
	return indexable(d, h)
}

// indexable returns d and h when d is a digest an Index holds.
func indexable(d []byte, h crypto.Hash) ([]byte, crypto.Hash) {
	if algorithmSlot(h, len(d)) < 0 {
		return nil, 0
	}
	return d, h
}
