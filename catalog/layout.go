package catalog

import (
	"bytes"
	"crypto"
	"slices"
)

// A memberLayout recognises the members encoded like one that memberScan
// accepted: of the same length, and byte for byte the same but in its
// holes, the contents of its tag, of its digest and of its name-value
// attributes' values.
//
// A writer encodes every member of a kind alike, and members whose file
// paths are as long are then alike to the byte but for these contents. So
// ReadIndex checks most members with a few comparisons of memory instead
// of memberScan's twenty-odd DER reads. A member that matches has every
// header of the layout's member, at the same place, so memberScan would
// read the same elements from it and decide alike: it looks into the
// contents of the holes only for the lengths of the tag and digest, which
// are the same. A member that matches no layout is scanned by memberScan,
// whose verdict and error stand.
type memberLayout struct {
	lit   []byte       // the member the layout was made of
	holes []layoutHole // in lit, in order

	kind   Kind        // its digest kind
	alg    crypto.Hash // the algorithm of the digest it is indexed under, 0 if none
	compat bool        // a version 2 SHA-1 compatibility entry
	digest int         // the hole of that digest, -1 if none

	next *memberLayout // another layout of members as long
}

// A layoutHole is the contents of a primitive element of a member, which
// may differ between members of one layout.
type layoutHole struct{ lo, hi int }

// match reports whether b, a member's contents, has the layout, and
// returns the digest it is indexed under (nil when l.alg is 0).
func (l *memberLayout) match(b []byte) (digest []byte, ok bool) {
	if len(b) != len(l.lit) {
		return nil, false
	}
	pos := 0
	for _, h := range l.holes {
		if string(b[pos:h.lo]) != string(l.lit[pos:h.lo]) {
			return nil, false
		}
		pos = h.hi
	}
	if string(b[pos:]) != string(l.lit[pos:]) {
		return nil, false
	}
	if l.digest >= 0 {
		h := l.holes[l.digest]
		digest = b[h.lo:h.hi]
	}
	return digest, true
}

// newMemberLayout returns the layout of member contents b, which s has
// scanned without error, recording its values, or nil if the parts of b
// that s returned are not where a layout expects them.
func newMemberLayout(b []byte, s *memberScan, version int) *memberLayout {
	l := &memberLayout{kind: s.digestKind(), compat: version == 2 && s.digest == nil, digest: -1}
	d, h := s.indexed(version)
	l.alg = h
	for _, part := range append([][]byte{s.tag, s.digest}, s.values...) {
		if part == nil {
			continue // no digest
		}
		off, ok := offsetIn(b, part)
		if !ok {
			return nil
		}
		if h != 0 && len(part) > 0 && &part[0] == &d[0] {
			l.digest = len(l.holes)
		}
		l.holes = append(l.holes, layoutHole{off, off + len(part)})
	}
	if h != 0 && l.digest < 0 {
		return nil
	}
	digest := layoutHole{-1, -1}
	if l.digest >= 0 {
		digest = l.holes[l.digest]
	}
	slices.SortFunc(l.holes, func(a, b layoutHole) int { return a.lo - b.lo })
	for i, hole := range l.holes {
		if hole == digest {
			l.digest = i
		}
		// Contents of distinct primitive elements: disjoint.
		if i > 0 && hole.lo < l.holes[i-1].hi {
			return nil
		}
	}
	l.lit = bytes.Clone(b) // b is the reader's, reused
	return l
}

// offsetIn returns where part, a slice of b, starts in b.
func offsetIn(b, part []byte) (int, bool) {
	// The slices memberScan returns are b resliced, ending where b's
	// capacity ends.
	off := cap(b) - cap(part)
	if off < 0 || off > len(b)-len(part) || len(part) > 0 && &b[off] != &part[0] {
		return 0, false
	}
	return off, true
}

// memberLayouts are the layouts of a catalog's members met so far, by
// the length of the members.
type memberLayouts struct {
	byLen []*memberLayout // the layouts of members n bytes long: byLen[n], then their next
	made  int
}

const (
	// maxLayoutLen bounds the members that layouts are made of: a
	// member of a file path of 250 characters takes about 700 bytes.
	maxLayoutLen = 2048
	// maxLayoutsMade bounds the layouts made for one catalog, whose
	// members might all differ: a writer's members come in a few kinds
	// (PE or flat, SHA-256 or SHA-1 member, attributes in an order that
	// DER sorts by length), times the lengths of the file paths.
	maxLayoutsMade = 4096
	// maxLayoutsPerLen bounds the layouts tried for one member.
	maxLayoutsPerLen = 4
)

// match returns the layout of b, a member's contents, and the digest b is
// indexed under, or nil.
func (ls *memberLayouts) match(b []byte) (*memberLayout, []byte) {
	if len(b) >= len(ls.byLen) {
		return nil, nil
	}
	for l := ls.byLen[len(b)]; l != nil; l = l.next {
		if d, ok := l.match(b); ok {
			return l, d
		}
	}
	return nil, nil
}

// learning reports whether a layout would be made of a member of n bytes
// that matched none.
func (ls *memberLayouts) learning(n int) bool { return ls.made < maxLayoutsMade && n < maxLayoutLen }

// learn makes the layout of member contents b, which m has scanned
// without error, recording its values, and keeps it first among those of
// members as long, dropping the oldest if there are maxLayoutsPerLen.
func (ls *memberLayouts) learn(b []byte, m *memberScan, version int) {
	ls.made++
	l := newMemberLayout(b, m, version)
	if l == nil {
		return
	}
	if ls.byLen == nil {
		ls.byLen = make([]*memberLayout, maxLayoutLen)
	}
	l.next = ls.byLen[len(b)]
	ls.byLen[len(b)] = l
	n := 1
	for p := l; p.next != nil; p = p.next {
		if n++; n > maxLayoutsPerLen {
			p.next = nil
			break
		}
	}
}
