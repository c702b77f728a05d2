package catalog

import (
	"crypto"
)

// An Index answers in constant time whether a digest is a member of a
// catalog, and of which kind. It is safe for concurrent use.
//
// What a digest vouches for depends on the member's kind: a flat member's
// digest covers a file's exact bytes, a PE member's the Authenticode image
// digest, which leaves out the image's checksum, its certificate-table
// entry and its certificate table. The Authenticode SHA-256 of an image is
// the plain SHA-256 of another byte string, which anyone can write to a
// file: a lookup for a file's exact bytes must ask for flat members only
// (LookupKind).
type Index struct {
	members []Member
	sha256  map[indexKey[[32]byte]]int32
	sha1    map[indexKey[[20]byte]]int32
}

// indexKey is a digest and the kind of the members listed under it.
type indexKey[D [32]byte | [20]byte] struct {
	digest D
	kind   Kind
}

// indexedKinds are the kinds an Index tells apart, in the order Lookup
// tries them.
var indexedKinds = [...]Kind{KindFlat, KindPE, KindCAB, KindOther}

// Index builds the catalog's digest index. A member is indexed under the
// digest of its indirect data (SHA-256 in v2, SHA-1 in v1) and a v2 SHA-1
// compatibility entry under its tag, each with the member's kind
// (Member.DigestKind). When several members of one kind share a digest,
// the first one wins. The index shares the catalog's members; do not
// modify them afterwards.
func (c *Catalog) Index() *Index {
	// Size the maps by the digests there are, not by the members: a crafted
	// catalog can hold millions of members without one.
	n256, n1 := 0, 0
	for i := range c.Members {
		switch _, h := c.Members[i].indexed(); h {
		case crypto.SHA256:
			n256++
		case crypto.SHA1:
			n1++
		}
	}
	x := &Index{
		members: c.Members,
		sha256:  make(map[indexKey[[32]byte]]int32, n256),
		sha1:    make(map[indexKey[[20]byte]]int32, n1),
	}
	for i := range c.Members {
		m := &c.Members[i]
		switch d, h := m.indexed(); h {
		case crypto.SHA256:
			addFirst(x.sha256, indexKey[[32]byte]{[32]byte(d), m.DigestKind()}, i)
		case crypto.SHA1:
			addFirst(x.sha1, indexKey[[20]byte]{[20]byte(d), m.DigestKind()}, i)
		}
	}
	return x
}

// addFirst indexes member i under k unless an earlier member has k.
func addFirst[K comparable](index map[K]int32, k K, i int) {
	if _, dup := index[k]; !dup {
		index[k] = int32(i)
	}
}

// Lookup returns the first member, of any kind, whose digest computed with
// h (crypto.SHA256 or crypto.SHA1) is digest. The member's Kind says how
// the digest must have been computed: KindPE members list Authenticode
// image digests, not digests of the file's bytes. To decide whether a file
// is a member, use LookupKind with the kind its digest was computed for.
func (x *Index) Lookup(h crypto.Hash, digest []byte) (*Member, bool) {
	first := int32(-1)
	for _, k := range indexedKinds {
		if i, ok := x.lookup(h, digest, k); ok && (first < 0 || i < first) {
			first = i
		}
	}
	if first < 0 {
		return nil, false
	}
	return &x.members[first], true
}

// LookupKind returns the member of kind k (by Member.DigestKind) whose
// digest, computed with h (crypto.SHA256 or crypto.SHA1), is digest: with
// KindFlat, the member that lists a file's exact bytes; with KindPE, the
// member that lists an image by its Authenticode digest.
func (x *Index) LookupKind(h crypto.Hash, digest []byte, k Kind) (*Member, bool) {
	i, ok := x.lookup(h, digest, k)
	if !ok {
		return nil, false
	}
	return &x.members[i], true
}

func (x *Index) lookup(h crypto.Hash, digest []byte, k Kind) (int32, bool) {
	switch {
	case h == crypto.SHA256 && len(digest) == 32:
		i, ok := x.sha256[indexKey[[32]byte]{[32]byte(digest), k}]
		return i, ok
	case h == crypto.SHA1 && len(digest) == 20:
		i, ok := x.sha1[indexKey[[20]byte]{[20]byte(digest), k}]
		return i, ok
	}
	return 0, false
}

// Len returns the number of distinct digests in the index, a digest listed
// by members of two kinds counting twice.
func (x *Index) Len() int { return len(x.sha256) + len(x.sha1) }

// DigestKind is the kind of digest the member lists, when its member info
// (Kind) and its indirect data agree on it: KindPE for an Authenticode image
// digest in SpcPeImageData, KindFlat for a digest of a file's exact bytes,
// with other indirect data. A member whose member info and indirect data
// disagree (a flat member with SpcPeImageData, or a PE member with other
// indirect data) is KindOther, which vouches for nothing: its signer did
// not say which bytes its digest covers. A v2 SHA-1 compatibility entry
// has no indirect data and takes its Kind.
func (m *Member) DigestKind() Kind {
	image := m.IndirectDataType.Equal(oidPEImageData)
	switch {
	case m.IndirectDataType == nil:
		return m.Kind
	case m.Kind == KindPE && !image, m.Kind != KindPE && image:
		return KindOther
	}
	return m.Kind
}

// indexed returns the digest a member is indexed under and its algorithm:
// that of its indirect data, or for a v2 compatibility entry its tag; 0
// when it has no SHA-256 or SHA-1 digest of the right length.
func (m *Member) indexed() ([]byte, crypto.Hash) {
	d, h := m.Digest, m.DigestAlgorithm
	if m.Compat {
		d, h = m.Tag, crypto.SHA1
	}
	if h == crypto.SHA256 && len(d) == 32 || h == crypto.SHA1 && len(d) == 20 {
		return d, h
	}
	return nil, 0
}
