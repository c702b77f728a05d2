package catalog

import (
	"bytes"
	"crypto"
	"encoding/binary"

	"github.com/intactdev/intact/internal/der"
)

// A memberLayout recognises the members encoded like one that memberScan
// accepted: byte for byte the same but for the contents of their tag and
// digest, of the same lengths, and of their name-value attributes'
// values, of any length, with the lengths of the elements around them.
//
// A writer gives every member of a kind the same layout, so ReadIndex
// checks most members with a few comparisons instead of memberScan's
// twenty-odd DER reads. A member that matches is one that memberScan
// accepts, with the same kind, digest algorithm and compatibility flag:
// what differs is only what memberScan does not check but for its length
// (the tag and the digest, whose lengths the layout fixes), or does not
// check at all (the values). A member that does not match is scanned by
// memberScan, whose verdict and error stand.
type memberLayout struct {
	steps []layoutStep
	lit   []byte // the member the layout was made of: what steps compare

	kind   Kind        // its digest kind
	alg    crypto.Hash // the algorithm of the digest it is indexed under, 0 if none
	compat bool        // a version 2 SHA-1 compatibility entry
}

// A layoutStep matches, in this order: the ends of closes elements, an
// element's header, n bytes equal to lit[off:], and skip bytes of a tag or
// digest, whatever they are. One step does what a member's encoding
// usually has between two headers that vary, so that a member takes a
// handful of steps.
type layoutStep struct {
	closes uint8
	head   layoutHead
	tag    der.Tag // of the header
	index  bool    // the skipped bytes are the digest the member is indexed under
	off, n int
	skip   int
}

type layoutHead uint8

const (
	headNone  layoutHead = iota
	headOpen             // an element whose contents end at a later step's close
	headValue            // an element with any contents: a name-value value
)

// maxLayoutDepth bounds the nesting of open elements: a member's values
// lie four elements deep.
const maxLayoutDepth = 8

// match reports whether b, a member's contents, has the layout, and
// returns the digest it is indexed under (nil when l.alg is 0).
func (l *memberLayout) match(b []byte) (digest []byte, ok bool) {
	var outer [maxLayoutDepth]int
	depth, pos, end := 0, 0, len(b)
	lit := l.lit
	for i := range l.steps {
		st := &l.steps[i]
		if st.closes != 0 {
			for range st.closes {
				if pos != end || depth == 0 {
					return nil, false
				}
				depth--
				end = outer[depth]
			}
		}
		if st.head != headNone {
			// As der.Reader reads a header: the same lengths accepted.
			hn, cn := 2, 0
			if pos+2 <= end && b[pos] == byte(st.tag) && b[pos+1] < 0x80 {
				cn = int(b[pos+1]) // short form, as most are
			} else if hn, cn, ok = longHeader(b[pos:min(end, pos+der.MaxHeaderLen)], st.tag); !ok {
				return nil, false
			}
			if cn > end-pos-hn {
				return nil, false
			}
			pos += hn
			if st.head == headValue {
				pos += cn
			} else {
				if depth == maxLayoutDepth {
					return nil, false
				}
				outer[depth], end = end, pos+cn
				depth++
			}
		}
		if n := st.n; n > 0 {
			if n > end-pos || !equalShort(b[pos:pos+n], lit[st.off:st.off+n]) {
				return nil, false
			}
			pos += n
		}
		if n := st.skip; n > 0 {
			if n > end-pos {
				return nil, false
			}
			if st.index {
				digest = b[pos : pos+n]
			}
			pos += n
		}
	}
	return digest, depth == 0 && pos == len(b)
}

// longHeader reads the header at the start of b, which must have the
// given tag, as der.Reader does.
func longHeader(b []byte, want der.Tag) (headerLen, contentLen int, ok bool) {
	tag, hn, cn, err := der.ParseHeader(b)
	return hn, cn, err == nil && tag == want
}

// A layoutHole is a part of a member that may differ between members of
// one layout: the contents of an element.
type layoutHole struct {
	lo, hi int
	value  bool // a name-value value: any length
	index  bool // the digest the member is indexed under
}

// newMemberLayout returns the layout of member contents b, which s has
// scanned without error and whose name-value values it recorded, or nil
// if b is not laid out as the layout expects (which only a member with
// extra elements that memberScan skips can be).
func newMemberLayout(b []byte, s *memberScan, version int) *memberLayout {
	l := &memberLayout{kind: s.digestKind(), compat: version == 2 && s.digest == nil}
	d, h := s.indexed(version)
	l.alg = h
	var holes []layoutHole
	add := func(part []byte, value bool) bool {
		off, ok := offsetIn(b, part)
		if ok {
			holes = append(holes, layoutHole{lo: off, hi: off + len(part), value: value,
				index: h != 0 && len(d) == len(part) && len(d) > 0 && &d[0] == &part[0]})
		}
		return ok
	}
	if !add(s.tag, false) || s.digest != nil && !add(s.digest, false) {
		return nil
	}
	for _, v := range s.values {
		if !add(v, true) {
			return nil
		}
	}
	l.lit = bytes.Clone(b) // b is the reader's, reused
	c := layoutCompiler{l: l, holes: holes}
	if !c.walk(0, len(b), 0) || c.placed != len(holes) {
		return nil
	}
	c.same(len(b))
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

type layoutCompiler struct {
	l      *memberLayout
	holes  []layoutHole
	placed int
	done   int // the end of what steps cover
}

// step returns the step to add to, a new one unless the last one can
// take what comes at the given stage of a step (0 closes, 1 header,
// 2 bytes to compare, 3 bytes to skip) without reordering.
func (c *layoutCompiler) step(stage int) *layoutStep {
	if n := len(c.l.steps); n > 0 {
		st := &c.l.steps[n-1]
		last := 0
		switch {
		case st.skip > 0:
			last = 3
		case st.n > 0:
			last = 2
		case st.head != headNone:
			last = 1
		}
		if last < stage || last == 0 && stage == 0 {
			return st
		}
	}
	c.l.steps = append(c.l.steps, layoutStep{})
	return &c.l.steps[len(c.l.steps)-1]
}

// same covers lit up to end with bytes to compare.
func (c *layoutCompiler) same(end int) {
	if end > c.done {
		st := c.step(2)
		st.off, st.n = c.done, end-c.done
	}
	c.done = end
}

func (c *layoutCompiler) head(h layoutHead, tag der.Tag) {
	st := c.step(1)
	st.head, st.tag = h, tag
}

func (c *layoutCompiler) skip(n int, index bool) {
	st := c.step(3)
	st.skip, st.index = n, index
}

func (c *layoutCompiler) close() { c.step(0).closes++ }

// holesIn returns the hole whose contents are exactly lit[lo:hi], if any,
// and whether holes and value holes lie within lit[lo:hi].
func (c *layoutCompiler) holesIn(lo, hi int) (exact *layoutHole, any, values bool) {
	for i := range c.holes {
		h := &c.holes[i]
		if h.lo == lo && h.hi == hi {
			exact = h
		}
		if h.lo >= lo && h.hi <= hi {
			any = true
			values = values || h.value
		}
	}
	return exact, any, values
}

// walk lays out the elements of lit[lo:hi], at the given depth of open
// elements.
func (c *layoutCompiler) walk(lo, hi, depth int) bool {
	b := c.l.lit
	for pos := lo; pos < hi; {
		tag, hn, cn, err := der.ParseHeader(b[pos:min(hi, pos+der.MaxHeaderLen)])
		if err != nil || cn > hi-pos-hn {
			// Bytes memberScan does not read, after what it does: the
			// same in every member of the layout.
			return true
		}
		start, end := pos+hn, pos+hn+cn
		exact, any, values := c.holesIn(start, end)
		switch {
		case exact != nil && exact.value:
			c.same(pos)
			c.head(headValue, tag)
			c.done = end
			c.placed++
		case exact != nil:
			c.same(start)
			c.skip(cn, exact.index)
			c.done = end
			c.placed++
		case any && !tag.IsConstructed():
			return false
		case values:
			if depth == maxLayoutDepth {
				return false
			}
			c.same(pos)
			c.head(headOpen, tag)
			c.done = start
			if !c.walk(start, end, depth+1) {
				return false
			}
			c.same(end)
			c.close()
		case any:
			// Only holes of fixed length inside: the headers stay.
			if !c.walk(start, end, depth) {
				return false
			}
		}
		pos = end
	}
	return true
}

// memberLayouts are the layouts of a catalog's members seen so far.
type memberLayouts struct {
	layouts []*memberLayout
	made    int
}

const (
	// maxLayouts is the layouts kept: a writer's members come in a few
	// (version 2: a SHA-256 and a SHA-1 member for PE and flat files, with
	// their attributes in up to three orders, as DER sorts them by
	// length).
	maxLayouts = 16
	// maxLayoutsMade bounds the layouts made for one catalog, whose
	// members might all differ.
	maxLayoutsMade = 256
)

// match returns the layout of b, a member's contents, and the digest b is
// indexed under, or nil.
func (ls *memberLayouts) match(b []byte) (*memberLayout, []byte) {
	for i, l := range ls.layouts {
		// Most members fail all layouts but theirs at their tag's header.
		if st := &l.steps[0]; st.n >= 2 && st.off == 0 && st.closes == 0 && st.head == headNone &&
			(len(b) < 2 || b[0] != l.lit[0] || b[1] != l.lit[1]) {
			continue
		}
		if d, ok := l.match(b); ok {
			if i > 0 {
				// The layouts most members have move to the front.
				ls.layouts[i-1], ls.layouts[i] = l, ls.layouts[i-1]
			}
			return l, d
		}
	}
	return nil, nil
}

// learning reports whether layouts are still made.
func (ls *memberLayouts) learning() bool { return ls.made < maxLayoutsMade }

// learn makes the layout of member contents b, which m has scanned
// without error, recording its values, and keeps it in the place of the
// oldest layout when there are maxLayouts.
func (ls *memberLayouts) learn(b []byte, m *memberScan, version int) {
	ls.made++
	l := newMemberLayout(b, m, version)
	switch {
	case l == nil:
	case len(ls.layouts) < maxLayouts:
		ls.layouts = append(ls.layouts, l)
	default:
		ls.layouts[ls.made%maxLayouts] = l
	}
}

// equalShort reports whether a and b, of the same length, are equal. It
// is inlined and compares words: most runs of a layout are a few bytes,
// for which the call to the runtime's comparison costs more.
func equalShort(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for len(a) >= 8 {
		if binary.LittleEndian.Uint64(a) != binary.LittleEndian.Uint64(b) {
			return false
		}
		a, b = a[8:], b[8:]
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
