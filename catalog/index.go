package catalog

import "crypto"

// An Index answers in constant time whether a digest is a member of a
// catalog. It is safe for concurrent use.
type Index struct {
	members []Member
	sha256  map[[32]byte]int32
	sha1    map[[20]byte]int32
}

// Index builds the catalog's digest index. A member is indexed under the
// digest of its indirect data (SHA-256 in v2, SHA-1 in v1) and a v2 SHA-1
// compatibility entry under its tag. When several members share a digest,
// the first one wins. The index shares the catalog's members; do not modify
// them afterwards.
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
		sha256:  make(map[[32]byte]int32, n256),
		sha1:    make(map[[20]byte]int32, n1),
	}
	for i := range c.Members {
		switch d, h := c.Members[i].indexed(); h {
		case crypto.SHA256:
			k := [32]byte(d)
			if _, dup := x.sha256[k]; !dup {
				x.sha256[k] = int32(i)
			}
		case crypto.SHA1:
			k := [20]byte(d)
			if _, dup := x.sha1[k]; !dup {
				x.sha1[k] = int32(i)
			}
		}
	}
	return x
}

// Lookup returns the member whose digest, computed with h (crypto.SHA256
// or crypto.SHA1), is digest. The member's Kind says how the digest must
// have been computed: KindPE members list Authenticode image digests, not
// digests of the file's bytes.
func (x *Index) Lookup(h crypto.Hash, digest []byte) (*Member, bool) {
	i, ok := int32(0), false
	switch {
	case h == crypto.SHA256 && len(digest) == 32:
		i, ok = x.sha256[[32]byte(digest)]
	case h == crypto.SHA1 && len(digest) == 20:
		i, ok = x.sha1[[20]byte(digest)]
	}
	if !ok {
		return nil, false
	}
	return &x.members[i], true
}

// Len returns the number of distinct digests in the index.
func (x *Index) Len() int { return len(x.sha256) + len(x.sha1) }

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
