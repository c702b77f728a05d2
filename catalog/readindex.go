package catalog

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/intactdev/intact/internal/der"
)

// ReadIndex reads the catalog of size bytes that r holds, for enforcement:
// it returns the catalog without its members, and the index of their
// digests. It accepts and refuses what Parse accepts and refuses, with
// Parse's errors, and its index is the one Parse(data).Index() builds.
//
// It reads the catalog once, in chunks, and keeps no copy of it: while it
// reads the member list it indexes each member's digest and, on another
// goroutine, hashes the certificate trust list with the digest algorithms
// that the SignedData lists, for Verify and CheckSignature to check the
// signers' message digests against. Both see the same bytes, copied once
// from r: the signature covers exactly what is indexed, even if r changes
// meanwhile. What else Parse would keep (version, attributes,
// certificates, signers) is parsed by Parse from the catalog's bytes
// without its members.
//
// The Catalog's Members is empty and its Bytes nil. A signer whose digest
// algorithm the SignedData's digestAlgorithms does not list, as RFC 2315
// requires it to, fails Verify with ErrDigestMismatch (Parse's catalog
// hashes the CTL again at Verify time instead).
func ReadIndex(r io.ReaderAt, size int64) (*Catalog, *Index, error) {
	return readIndexOrExplain(r, size, nil)
}

// ReadIndexCache is ReadIndex with a cache of indexes. When the catalog's
// one signer signed a SHA-256 messageDigest, it looks the index up under
// that digest first, and on a hit reads the member list only to hash it,
// without scanning its members; the index is used only if the certificate
// trust list read hashes to that digest, and the list is scanned as
// ReadIndex does otherwise. What it accepts, refuses and returns is what
// ReadIndex does, provided the cache holds under a key only the index of a
// certificate trust list with that SHA-256. It adds nothing to the cache.
func ReadIndexCache(r io.ReaderAt, size int64, cache IndexCache) (*Catalog, *Index, error) {
	return readIndexOrExplain(r, size, cache)
}

// readIndexOrExplain is ReadIndex and ReadIndexCache, with cache nil or
// not.
func readIndexOrExplain(r io.ReaderAt, size int64, cache IndexCache) (*Catalog, *Index, error) {
	if size > MaxFileSize {
		return nil, nil, fmt.Errorf("catalog: %d bytes, more than the %d-byte limit", size, int64(MaxFileSize))
	}
	c, x, err := readIndex(r, size, cache)
	if err == nil {
		return c, x, nil
	}
	var rerr *readError
	if errors.As(err, &rerr) {
		return nil, nil, rerr.err
	}
	// The catalog is refused either way; read it whole to say why as
	// Parse does. Its bytes may have changed since: only Parse's error is
	// used, never its catalog.
	data := make([]byte, size)
	if _, rerr := io.ReadFull(io.NewSectionReader(r, 0, size), data); rerr == nil {
		if _, perr := Parse(data); perr != nil {
			return nil, nil, perr
		}
	}
	return nil, nil, err
}

// readError is an error of the ReaderAt, as opposed to the catalog's.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }

// A chunk is a part of the catalog, read once and then both scanned and
// hashed from memory.
type chunk struct {
	buf  []byte
	data []byte // what was read: buf[:n]
	off  int64  // offset of data in the catalog
	refs atomic.Int32
}

// chunkSize is the size of the chunks ReadIndex reads: small enough to
// stay in cache while they are scanned and hashed. A variable for tests.
var chunkSize = 256 << 10

const (
	// maxChunks bounds the chunks in use once hashing has started: one
	// being scanned, the others being hashed or waiting for the hasher.
	maxChunks = 4
)

// A stream reads a catalog element by element, in chunks, and keeps the
// catalog's skeleton: its bytes without the member list.
type stream struct {
	r     io.ReaderAt
	size  int64
	pos   int64  // offset of the next byte to read
	cur   *chunk // the chunk that holds pos, nil before the first read
	carry []byte // an element that spans chunks, copied whole

	free   chan *chunk
	chunks int // allocated
	early  []*chunk

	ctlStart, ctlEnd int64
	hasher           *ctlHasher

	frames []*frame
}

// A frame is one of the nested elements that lead to the member list:
// ContentInfo, its [0], SignedData, its contentInfo and [0], the CTL and
// its trustedSubjects. Their other contents are kept, to be parsed by
// Parse with the member list left out.
type frame struct {
	tag       der.Tag
	end       int64  // offset of the end of the contents
	pre, post []byte // the contents before and after the child frame
	child     *frame
}

// appendBytes keeps bytes read in the innermost frame.
func (s *stream) appendBytes(b []byte) []byte {
	f := s.frames[len(s.frames)-1]
	if f.child == nil {
		f.pre = append(f.pre, b...)
		return f.pre[len(f.pre)-len(b):]
	}
	f.post = append(f.post, b...)
	return f.post[len(f.post)-len(b):]
}

// limit is the end of the innermost frame.
func (s *stream) limit() int64 {
	if len(s.frames) == 0 {
		return s.size
	}
	return s.frames[len(s.frames)-1].end
}

var errShape = errors.New("unexpected element")

// next makes the chunk that holds pos current.
func (s *stream) next() error {
	if s.cur != nil {
		s.release(s.cur)
	}
	c := s.newChunk()
	n := min(int64(len(c.buf)), s.size-s.pos)
	c.data, c.off = c.buf[:n], s.pos
	s.cur = nil
	if _, err := s.r.ReadAt(c.data, c.off); err != nil {
		return &readError{err}
	}
	// One reference for the scanner, one until the chunk is hashed.
	c.refs.Store(2)
	s.cur = c
	if s.hasher == nil {
		s.early = append(s.early, c)
	} else {
		s.hash(c)
	}
	return nil
}

func (s *stream) newChunk() *chunk {
	select {
	case c := <-s.free:
		return c
	default:
	}
	// Before hashing starts, chunks wait in early: they cannot be reused
	// yet, and are few (the CTL starts within a few hundred bytes).
	if s.chunks < maxChunks || s.hasher == nil {
		s.chunks++
		// A small catalog, as most Windows ones are, needs one small chunk.
		return &chunk{buf: make([]byte, min(int64(chunkSize), s.size))}
	}
	return <-s.free // hashed soon
}

func (s *stream) release(c *chunk) { release(s.free, c) }

// release drops a reference to c, from the scanner or the hasher, and
// puts c in free when it was the last.
func release(free chan<- *chunk, c *chunk) {
	if c.refs.Add(-1) == 0 {
		select {
		case free <- c:
		default: // one of the early chunks: leave it to the collector
		}
	}
}

// hash hands the part of c that the CTL covers to the hasher, or
// releases it.
func (s *stream) hash(c *chunk) {
	lo, hi := max(s.ctlStart, c.off), min(s.ctlEnd, c.off+int64(len(c.data)))
	if lo >= hi {
		s.release(c)
		return
	}
	s.hasher.jobs <- hashJob{c, c.data[lo-c.off : hi-c.off]} // with the hashing reference
}

// take reads the next n bytes, which must lie within the innermost
// frame. What it returns is valid until the next call.
func (s *stream) take(n int64) ([]byte, error) {
	if n > s.limit()-s.pos {
		return nil, der.ErrTruncated
	}
	if c := s.cur; c != nil && s.pos >= c.off {
		if i := s.pos - c.off; i+n <= int64(len(c.data)) {
			s.pos += n
			return c.data[i : i+n], nil
		}
	}
	s.carry = s.carry[:0]
	for int64(len(s.carry)) < n {
		if s.cur == nil || s.pos >= s.cur.off+int64(len(s.cur.data)) {
			if err := s.next(); err != nil {
				return nil, err
			}
		}
		i := s.pos - s.cur.off
		k := min(n-int64(len(s.carry)), int64(len(s.cur.data))-i)
		s.carry = append(s.carry, s.cur.data[i:i+k]...)
		s.pos += k
	}
	return s.carry, nil
}

// peek returns the tag of the next element of the innermost frame, or 0
// at its end.
func (s *stream) peek() (der.Tag, error) {
	if s.pos >= s.limit() {
		return 0, nil
	}
	b, err := s.take(1)
	if err != nil {
		return 0, err
	}
	s.pos--
	return der.Tag(b[0]), nil
}

// An elementHeader is an element's tag and length octets.
type elementHeader struct {
	b [der.MaxHeaderLen]byte
	n int
}

func (h *elementHeader) bytes() []byte { return h.b[:h.n] }

// header reads the next element's header and returns it, with its tag and
// the length of its contents, which must lie within the innermost frame.
func (s *stream) header() (h elementHeader, tag der.Tag, n int64, err error) {
	if c := s.cur; c != nil && s.pos+der.MaxHeaderLen <= min(s.limit(), c.off+int64(len(c.data))) {
		// The whole header is in this chunk: most are.
		i := s.pos - c.off
		tag, hn, cn, err := der.ParseHeader(c.data[i : i+der.MaxHeaderLen])
		if err != nil {
			return h, 0, 0, err
		}
		h.n = copy(h.b[:], c.data[i:i+int64(hn)])
		s.pos += int64(hn)
		if int64(cn) > s.limit()-s.pos {
			return h, 0, 0, der.ErrTruncated
		}
		return h, tag, int64(cn), nil
	}
	b, err := s.take(min(2, s.limit()-s.pos))
	if err != nil {
		return h, 0, 0, err
	}
	h.n = copy(h.b[:], b)
	if h.n == 2 && h.b[1]&0x80 != 0 && h.b[1]&0x7f <= 4 {
		b, err := s.take(min(int64(h.b[1]&0x7f), s.limit()-s.pos))
		if err != nil {
			return h, 0, 0, err
		}
		h.n += copy(h.b[h.n:], b)
	}
	tag, _, cn, err := der.ParseHeader(h.bytes())
	if err != nil {
		return h, 0, 0, err
	}
	if int64(cn) > s.limit()-s.pos {
		return h, 0, 0, der.ErrTruncated
	}
	return h, tag, int64(cn), nil
}

// enter reads the header of the next element, which must have the given
// tag, and makes it the innermost frame.
func (s *stream) enter(want der.Tag) (*frame, error) {
	_, tag, n, err := s.header()
	if err != nil {
		return nil, err
	}
	if tag != want {
		return nil, errShape
	}
	f := &frame{tag: tag, end: s.pos + n}
	if len(s.frames) > 0 {
		s.frames[len(s.frames)-1].child = f
	}
	s.frames = append(s.frames, f)
	return f, nil
}

// element reads the next element, keeps it in the skeleton and returns
// its tag and contents.
func (s *stream) element() (der.Tag, []byte, error) {
	h, tag, n, err := s.header()
	if err != nil {
		return 0, nil, err
	}
	s.appendBytes(h.bytes())
	contents, err := s.take(n)
	if err != nil {
		return 0, nil, err
	}
	return tag, s.appendBytes(contents), nil
}

// leave keeps the rest of the innermost frame's contents in the skeleton,
// unread, and leaves it: Parse reads them.
func (s *stream) leave() error {
	for s.pos < s.limit() {
		if s.cur == nil || s.pos == s.cur.off+int64(len(s.cur.data)) {
			if err := s.next(); err != nil {
				return err
			}
		}
		b, err := s.take(min(s.limit(), s.cur.off+int64(len(s.cur.data))) - s.pos)
		if err != nil {
			return err
		}
		s.appendBytes(b)
	}
	s.frames = s.frames[:len(s.frames)-1]
	return nil
}

// skeleton encodes frame f with its child, down to the member list,
// whose contents members left out.
func skeleton(f *frame) []byte {
	var inner []byte
	if f.child != nil {
		inner = skeleton(f.child)
	}
	n := len(f.pre) + len(inner) + len(f.post)
	b := der.AppendHeader(make([]byte, 0, der.MaxHeaderLen+n), f.tag, n)
	return append(append(append(b, f.pre...), inner...), f.post...)
}

// readIndex reads and indexes the catalog; see ReadIndex and
// ReadIndexCache.
func readIndex(r io.ReaderAt, size int64, cache IndexCache) (*Catalog, *Index, error) {
	s := &stream{r: r, size: size, free: make(chan *chunk, maxChunks)}
	c, x, key, hit, err := s.read(cache)
	var sums map[crypto.Hash][]byte
	if s.hasher != nil {
		sums = s.hasher.finish()
	}
	if err != nil {
		return nil, nil, err
	}
	c.ctlSums = sums
	if hit && (x == nil || !bytes.Equal(sums[crypto.SHA256], key[:])) {
		// The signer's digest is not the CTL's (the catalog fails
		// Verify, and the index stored under that digest is not this
		// CTL's), or the cache held no index: index what is there.
		return readIndex(r, size, nil)
	}
	return c, x, nil
}

// CTLSHA256 returns the SHA-256 of the catalog's certificate trust list,
// which its signer's messageDigest must be, when ReadIndex or
// ReadIndexCache hashed it with SHA-256 (the SignedData lists SHA-256 among
// its digest algorithms); it is the key of an IndexCache.
func (c *Catalog) CTLSHA256() (sum [sha256.Size]byte, ok bool) {
	s, ok := c.ctlSums[crypto.SHA256]
	if !ok || len(s) != sha256.Size {
		return sum, false
	}
	return [sha256.Size]byte(s), true
}

// read reads and indexes the catalog for readIndex. With a cache, it also
// returns the SHA-256 messageDigest of the catalog's signer, if it found
// one (key), and whether the cache had an entry under it (hit), which is
// then x: nil if it was not an index.
func (s *stream) read(cache IndexCache) (c *Catalog, x *Index, key *[sha256.Size]byte, hit bool, err error) {
	// ContentInfo { contentType, [0] { SignedData { version,
	// digestAlgorithms, contentInfo { contentType, [0] { CTL } } ...
	top, err := s.enter(der.Sequence)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if top.end != s.size {
		return nil, nil, nil, false, errors.New("trailing data")
	}
	if _, _, err := s.element(); err != nil {
		return nil, nil, nil, false, err
	}
	if _, err := s.enter(der.Context(0).Constructed()); err != nil {
		return nil, nil, nil, false, err
	}
	signedData, err := s.enter(der.Sequence)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if _, _, err := s.element(); err != nil {
		return nil, nil, nil, false, err
	}
	_, algs, err := s.element()
	if err != nil {
		return nil, nil, nil, false, err
	}
	hashes := listedHashes(algs)
	contentInfo, err := s.enter(der.Sequence)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if _, _, err := s.element(); err != nil {
		return nil, nil, nil, false, err
	}
	if _, err := s.enter(der.Context(0).Constructed()); err != nil {
		return nil, nil, nil, false, err
	}
	ctl, err := s.enter(der.Sequence)
	if err != nil {
		return nil, nil, nil, false, err
	}
	s.ctlStart, s.ctlEnd = s.pos, ctl.end
	s.hasher = newCTLHasher(hashes, s.free)
	early := s.early
	s.early = nil
	for _, ch := range early {
		s.hash(ch)
	}
	// The CTL up to its trustedSubjects, read as parseCTL reads it.
	version, err := s.ctlHead()
	if err != nil {
		return nil, nil, nil, false, err
	}
	// With the key, the cached index is read while the member list is
	// hashed.
	var cached chan *Index
	if cache != nil && slices.Contains(hashes, crypto.SHA256) {
		if k, ok := s.signedDigest(contentInfo.end, signedData.end); ok {
			key = &k
			if load := cache.LoadIndex(k); load != nil {
				hit, cached = true, make(chan *Index, 1)
				go func() { cached <- load() }()
			}
		}
	}
	var b indexBuilder
	if t, err := s.peek(); err != nil {
		return nil, nil, nil, false, err
	} else if t == der.Sequence {
		if _, err := s.enter(der.Sequence); err != nil {
			return nil, nil, nil, false, err
		}
		if hit {
			err = s.skip()
		} else {
			err = s.members(&b, version)
		}
		if err != nil {
			return nil, nil, nil, false, err
		}
	}
	for len(s.frames) > 0 {
		if err := s.leave(); err != nil {
			return nil, nil, nil, false, err
		}
	}
	if s.cur != nil {
		s.release(s.cur)
	}
	c, err = Parse(skeleton(top))
	if err != nil {
		return nil, nil, nil, false, err
	}
	if len(c.Members) != 0 || c.Version != version {
		return nil, nil, nil, false, errors.New("skeleton disagrees")
	}
	c.raw, c.ctl = nil, nil
	if hit {
		x = <-cached // nil if what was kept is not an index
	} else {
		x = b.index()
	}
	return c, x, key, hit, nil
}

// maxSignerInfos bounds what signedDigest reads: the certificates and
// signer infos after the CTL, a few kilobytes in a catalog.
const maxSignerInfos = 1 << 20

// signedDigest returns the SHA-256 messageDigest of the SignedData's only
// signer, which follows its contentInfo, from start to end, or false when
// there is none: no signer or more than one, another digest algorithm, or
// anything that does not parse (which Parse then reports). It reads those
// bytes by themselves, ahead of the stream. What it returns is a key to
// look an index up under, which readIndex checks against the CTL's SHA-256
// once it has hashed it.
func (s *stream) signedDigest(start, end int64) (key [sha256.Size]byte, ok bool) {
	if end-start > maxSignerInfos || end < start {
		return key, false
	}
	tail := make([]byte, end-start)
	if _, err := s.r.ReadAt(tail, start); err != nil {
		return key, false
	}
	r := der.NewReader(tail)
	if _, _, err := r.ReadOptional(der.Context(0).Constructed()); err != nil {
		return key, false
	}
	if _, _, err := r.ReadOptional(der.Context(1).Constructed()); err != nil {
		return key, false
	}
	signers, err := r.Read(der.Set)
	if err != nil || !r.Empty() {
		return key, false
	}
	sr := der.NewReader(signers)
	si, err := sr.Read(der.Sequence)
	if err != nil || !sr.Empty() {
		return key, false
	}
	var scratch Catalog
	if scratch.parseSigner(si) != nil || scratch.Signers[0].DigestAlgorithm != crypto.SHA256 || scratch.Signers[0].authAttrs == nil {
		return key, false
	}
	_, digest, err := readSignedAttributes(scratch.Signers[0].authAttrs)
	if err != nil || len(digest) != sha256.Size {
		return key, false
	}
	return [sha256.Size]byte(digest), true
}

// ctlHead reads the CTL's elements before its trustedSubjects, with
// parseCTL's choices, and returns the catalog version its subject
// algorithm says.
func (s *stream) ctlHead() (int, error) {
	optional := func(tags ...der.Tag) error {
		t, err := s.peek()
		if err == nil && slices.Contains(tags, t) {
			_, _, err = s.element()
		}
		return err
	}
	if err := optional(der.Integer); err != nil { // version
		return 0, err
	}
	if _, _, err := s.element(); err != nil { // subjectUsage
		return 0, err
	}
	if err := optional(der.OctetString); err != nil { // listIdentifier
		return 0, err
	}
	if err := optional(der.Integer); err != nil { // sequenceNumber
		return 0, err
	}
	if _, _, err := s.element(); err != nil { // thisUpdate
		return 0, err
	}
	if err := optional(der.UTCTime, der.GeneralizedTime); err != nil { // nextUpdate
		return 0, err
	}
	tag, alg, err := s.element() // subjectAlgorithm
	if err != nil {
		return 0, err
	}
	if tag != der.Sequence {
		return 0, errShape
	}
	oid, err := der.NewReader(alg).ReadOID()
	switch {
	case err != nil:
		return 0, err
	case oid.Equal(oidCatalogMember1):
		return 1, nil
	case oid.Equal(oidCatalogMember2):
		return 2, nil
	}
	return 0, errShape
}

// members indexes the member list, the innermost frame, which it leaves
// out of the skeleton.
func (s *stream) members(b *indexBuilder, version int) error {
	f := s.frames[len(s.frames)-1]
	start := s.pos
	var layouts memberLayouts
	for i := 0; s.pos < f.end; i++ {
		if i == MaxMembers {
			return fmt.Errorf("more than %d members", MaxMembers)
		}
		if i == sampleMembers {
			// Members of a catalog are alike: size the index by those
			// read so far, as the slices would otherwise be copied a
			// dozen times.
			b.reserve(float64(f.end-start) / float64(s.pos-start))
		}
		body, err := s.member(f.end)
		if err != nil {
			return err
		}
		if l, d := layouts.match(body); l != nil {
			b.add(i, d, l.alg, l.kind, l.compat)
			continue
		}
		m := memberScan{info2: -1, record: layouts.learning(len(body))}
		if err := m.scan(body); err != nil {
			return fmt.Errorf("member %d: %w", i, err)
		}
		d, h := m.indexed(version)
		b.add(i, d, h, m.digestKind(), version == 2 && m.digest == nil)
		if m.record {
			layouts.learn(body, &m, version)
		}
	}
	s.frames = s.frames[:len(s.frames)-1]
	return nil
}

// member reads the next member, a SEQUENCE that ends by end, and returns
// its contents.
func (s *stream) member(end int64) ([]byte, error) {
	if c := s.cur; c != nil && s.pos >= c.off {
		// Most members lie in the current chunk, with a short header or
		// one of a length octet: read them here.
		d, i := c.data, s.pos-c.off
		if i+3 <= int64(len(d)) && d[i] == byte(der.Sequence) {
			hn, n := int64(2), int64(d[i+1])
			if n == 0x81 {
				hn, n = 3, int64(d[i+2])
			}
			if n < 0x80 || hn == 3 {
				if j := i + hn + n; j <= int64(len(d)) && s.pos+hn+n <= end {
					s.pos += hn + n
					return d[i+hn : j], nil
				}
			}
		}
	}
	_, tag, n, err := s.header()
	if err != nil {
		return nil, err
	}
	if tag != der.Sequence {
		return nil, errShape
	}
	return s.take(n)
}

// skip passes over the rest of the innermost frame, the member list,
// which the skeleton leaves out: it reads it for the hasher only.
func (s *stream) skip() error {
	f := s.frames[len(s.frames)-1]
	for s.pos < f.end {
		if s.cur == nil || s.pos >= s.cur.off+int64(len(s.cur.data)) {
			if err := s.next(); err != nil {
				return err
			}
		}
		s.pos = min(f.end, s.cur.off+int64(len(s.cur.data)))
	}
	s.frames = s.frames[:len(s.frames)-1]
	return nil
}

// sampleMembers is the number of members whose size predicts the others'.
const sampleMembers = 256

// listedHashes returns the hash functions of SignedData's
// digestAlgorithms contents that a signer may use (Verify refuses MD5).
func listedHashes(algs []byte) []crypto.Hash {
	var hs []crypto.Hash
	for r := der.NewReader(algs); !r.Empty(); {
		alg, err := r.Read(der.Sequence)
		if err != nil {
			break // Parse refuses the catalog
		}
		oid, err := der.NewReader(alg).Read(der.OID)
		if err != nil {
			continue
		}
		switch h := hashForRawOID(oid); h {
		case crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512:
			if !slices.Contains(hs, h) {
				hs = append(hs, h)
			}
		}
	}
	return hs
}

// A ctlHasher hashes the CTL's contents, chunk by chunk, on its own
// goroutine.
type ctlHasher struct {
	jobs chan hashJob
	done sync.WaitGroup
	sums map[crypto.Hash][]byte
}

type hashJob struct {
	c    *chunk
	part []byte
}

func newCTLHasher(hs []crypto.Hash, free chan<- *chunk) *ctlHasher {
	h := &ctlHasher{jobs: make(chan hashJob, maxChunks), sums: make(map[crypto.Hash][]byte, len(hs))}
	fs := make([]hash.Hash, len(hs))
	for i, alg := range hs {
		fs[i] = alg.New()
	}
	h.done.Go(func() {
		for j := range h.jobs {
			for _, f := range fs {
				f.Write(j.part)
			}
			release(free, j.c)
		}
		for i, f := range fs {
			h.sums[hs[i]] = f.Sum(nil)
		}
	})
	return h
}

// finish waits for the hasher and returns the digests of the CTL.
func (h *ctlHasher) finish() map[crypto.Hash][]byte {
	close(h.jobs)
	h.done.Wait()
	return h.sums
}
