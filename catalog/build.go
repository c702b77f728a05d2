package catalog

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/intactdev/intact/internal/der"
)

// A File is one file to list in a catalog, as HashTree and HashFiles
// return it.
type File struct {
	// Path is the file's path relative to the hashed root, with forward
	// slashes. Catalogs store it with backslashes, as Windows does.
	Path string
	// Size is the file's size in bytes. Empty files have no digests and
	// are recorded as catalog attributes, as New-FileCatalog does.
	Size int64
	// Kind is KindPE when the digests are Authenticode image digests and
	// KindFlat when they cover the file's exact bytes.
	Kind Kind
	// SHA256 and SHA1 are the file's digests.
	SHA256 []byte
	SHA1   []byte
}

// BuildOptions control Build.
type BuildOptions struct {
	// Version is 2 (SHA-256 members plus SHA-1 compatibility entries, the
	// default) or 1 (SHA-1 members, for Windows 7 and older).
	Version int
	// Time is the catalog's effective date (ctlThisUpdate). It is required:
	// the same files and the same time give the same bytes.
	Time time.Time
	// Attributes are catalog-level attributes such as OSAttr, written before
	// the FilePath attributes of empty files.
	Attributes []Attribute
}

// The SIP-specific values that MakeCat writes, copied from the vectors:
// SpcPeImageData's flags are a 3-bit BIT STRING {includeResources,
// includeDebugInfo, includeImportAddressTable} = 0b101, and v1 catalogs
// carry wintrust's "<<<Obsolete>>>" file link where v2 ones have an empty
// string.
var (
	peImageFlags = []byte{byte(der.BitString), 2, 0x05, 0xa0}
	obsolete     = "<<<Obsolete>>>"
)

// Build writes an unsigned catalog listing files, with the structure that
// New-FileCatalog gives it: members sorted by tag, each with a FilePath
// name-value (flags 0x10010001, the path with backslashes), member info and
// SPC_INDIRECT_DATA (SPC_PE_IMAGE_DATA for PE images, SPC_CAB_DATA with an
// empty file link for other files). Version 2 adds a SHA-1 compatibility
// member per file. Empty files become catalog attributes
// FilePath=<path>. Paths that differ only in case are refused, since
// Windows, where the catalog is checked, cannot hold both.
//
// The list identifier is derived from the rest of the catalog, so the
// output depends only on files and opts.
func Build(files []File, opts BuildOptions) ([]byte, error) {
	c, err := newUnsignedCatalog(files, opts)
	if err != nil {
		return nil, err
	}
	out := &bufferSink{b: make([]byte, c.size())}
	if err := c.writeTo(out); err != nil {
		return nil, err // bufferSink does not fail
	}
	return out.b, nil
}

// BuildTo writes the catalog that Build returns to w, from offset 0, and
// returns its size. The members, most of a catalog, go to w in chunks as
// they are encoded, on all cores at once, so the catalog is never whole in
// memory (a catalog of 500,000 files is over 200 MB); the first bytes go
// last. The first error of w stops it.
func BuildTo(w io.WriterAt, files []File, opts BuildOptions) (int64, error) {
	c, err := newUnsignedCatalog(files, opts)
	if err != nil {
		return 0, err
	}
	if err := c.writeTo(writerSink{w}); err != nil {
		return 0, fmt.Errorf("catalog: build: %w", err)
	}
	return int64(c.size()), nil
}

// An unsignedCatalog is what Build writes: the CTL's parts but its list
// identifier, which writing works out.
type unsignedCatalog struct {
	thisUpdate, algorithm []byte
	members               *memberList
	extensions            []byte
}

func newUnsignedCatalog(files []File, opts BuildOptions) (*unsignedCatalog, error) {
	version := opts.Version
	if version == 0 {
		version = 2
	}
	if version != 1 && version != 2 {
		return nil, fmt.Errorf("catalog: build: version %d is not 1 or 2", opts.Version)
	}
	if opts.Time.IsZero() {
		return nil, errors.New("catalog: build: no time given")
	}
	if err := checkUnique(files); err != nil {
		return nil, fmt.Errorf("catalog: build: %w", err)
	}
	var empty []string
	for _, f := range files {
		if f.Size == 0 {
			empty = append(empty, f.Path)
		}
	}
	members, err := newMemberList(files, version)
	if err != nil {
		return nil, err
	}

	var exts [][]byte
	slices.Sort(empty)
	attrs := slices.Clone(opts.Attributes)
	for _, p := range empty {
		attrs = append(attrs, NewAttribute("FilePath", windowsPath(p)))
	}
	for _, a := range attrs {
		exts = append(exts, der.Encode(der.Sequence, der.EncodeOID(oidNameValue), der.EncodeOctetString(nameValue(a))))
	}

	alg := oidCatalogMember2
	if version == 1 {
		alg = oidCatalogMember1
	}
	var extensions []byte
	if len(exts) > 0 {
		extensions = der.Encode(der.Context(0).Constructed(), der.Encode(der.Sequence, exts...))
	}
	return &unsignedCatalog{der.EncodeTime(opts.Time), algorithmIdentifier(alg), members, extensions}, nil
}

// The unsigned catalog is encodeSignedData(ctl, nil, nil, nil) for the CTL
//
//	{{catalogList}, listID, thisUpdate, algorithm, {members}, [0] extensions}
//
// with the members SEQUENCE left out when there are none: a head (every
// header before the members, with the headers of what encloses them), the
// members and a tail (the extensions and the empty signer infos). Each
// header is written before its contents and the members once, straight to
// their place: the members can be megabytes, which nested tlv calls would
// copy once per level.
//
// The list identifier is the first 16 bytes of a SHA-256 over what follows
// it in the CTL, so equal inputs give equal catalogs and different ones
// different identifiers: over the bytes before the members, the SHA-256 of
// each chunk of members (memberList.writeTo) and the extensions. Hashing
// the members chunk by chunk lets every core hash what it encoded, where
// one SHA-256 of megabytes of members was a chain that no core could share.
const listIDLen = 16

// head returns the catalog's bytes before its members, with a zero list
// identifier at listID, and the catalog's size.
func (c *unsignedCatalog) head() (b []byte, listID, size int) {
	var (
		list       = der.Encode(der.Sequence, der.EncodeOID(oidCatalogList))
		ctlType    = der.EncodeOID(oidCTL)
		sdType     = der.EncodeOID(oidSignedData)
		sdVersion  = der.EncodeInt(1)
		membersLen = 0
	)
	if c.members.size > 0 {
		membersLen = der.Size(c.members.size)
	}
	ctl := len(list) + der.Size(listIDLen) + len(c.thisUpdate) + len(c.algorithm) + membersLen + len(c.extensions)
	content := len(ctlType) + der.Size(der.Size(ctl))
	sd := len(sdVersion) + der.Size(0) + der.Size(content) + der.Size(0)
	contentInfo := len(sdType) + der.Size(der.Size(sd))

	// ContentInfo{signedData, [0] SignedData{1, {} digest algorithms,
	// {CTL, [0] ctl}, {} signer infos}}.
	b = der.AppendHeader(b, der.Sequence, contentInfo)
	b = append(b, sdType...)
	b = der.AppendHeader(b, der.Context(0).Constructed(), der.Size(sd))
	b = der.AppendHeader(b, der.Sequence, sd)
	b = append(b, sdVersion...)
	b = der.AppendHeader(b, der.Set, 0)
	b = der.AppendHeader(b, der.Sequence, content)
	b = append(b, ctlType...)
	b = der.AppendHeader(b, der.Context(0).Constructed(), der.Size(ctl))
	b = der.AppendHeader(b, der.Sequence, ctl)
	b = append(b, list...)
	b = der.AppendHeader(b, der.OctetString, listIDLen)
	listID = len(b)
	b = append(b, make([]byte, listIDLen)...)
	b = append(b, c.thisUpdate...)
	b = append(b, c.algorithm...)
	if c.members.size > 0 {
		b = der.AppendHeader(b, der.Sequence, c.members.size)
	}
	return b, listID, der.Size(contentInfo)
}

func (c *unsignedCatalog) size() int {
	_, _, size := c.head()
	return size
}

// writeTo writes the catalog to s: the members, then the tail, then the
// head with the list identifier.
func (c *unsignedCatalog) writeTo(s sink) error {
	head, listID, _ := c.head()
	sums, err := c.members.writeTo(s, len(head))
	if err != nil {
		return err
	}
	tail := der.AppendHeader(slices.Clip(c.extensions), der.Set, 0)
	if err := s.put(len(head)+c.members.size, tail); err != nil {
		return err
	}
	h := sha256.New()
	h.Write(head[listID+listIDLen:])
	for _, sum := range sums {
		h.Write(sum[:])
	}
	h.Write(c.extensions)
	copy(head[listID:], h.Sum(nil)[:listIDLen])
	return s.put(0, head)
}

// A sink takes a catalog's bytes at their offsets, from several goroutines
// at once.
type sink interface {
	// buffer returns where to encode n bytes that go to off, empty and
	// with room for exactly n; *scratch is the caller's own memory,
	// which it may use and grow.
	buffer(off, n int, scratch *[]byte) []byte
	// put stores b, which may come from buffer, at off.
	put(off int, b []byte) error
}

// A bufferSink holds the whole catalog: members are encoded in place.
type bufferSink struct{ b []byte }

func (s *bufferSink) buffer(off, n int, _ *[]byte) []byte { return s.b[off : off : off+n] }

func (s *bufferSink) put(off int, b []byte) error {
	if len(b) > 0 && &s.b[off] != &b[0] { // not from buffer
		copy(s.b[off:], b)
	}
	return nil
}

// A writerSink writes to an io.WriterAt.
type writerSink struct{ w io.WriterAt }

func (writerSink) buffer(_, n int, scratch *[]byte) []byte {
	*scratch = slices.Grow((*scratch)[:0], n)
	return (*scratch)[:0:n]
}

func (s writerSink) put(off int, b []byte) error {
	_, err := s.w.WriteAt(b, int64(off))
	return err
}

// checkUnique refuses two files with the same path, or with paths equal in
// lower case, as Windows compares them. It names the first file of files
// that repeats an earlier path, and that path.
//
// Each path's lower case is hashed on all cores, and the hashes sorted:
// equal paths become neighbours, without a string, often allocated, and a
// map entry per file. Different paths whose hashes collide send the check
// to duplicatePath, which compares the paths themselves.
func checkUnique(files []File) error {
	if len(files) < 2 {
		return nil
	}
	keys := make([]memberKey, len(files))
	inParts(len(files), func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			keys[i] = memberKey{pathHash(files[i].Path), i}
		}
		return nil
	})
	radixSortByPrefix(keys) // stable: each run of equal hashes in file order
	first, prev := -1, -1   // the first repeat in files, and what it repeats
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi].prefix == keys[lo].prefix {
			hi++
		}
		if hi-lo > 1 {
			key := strings.ToLower(files[keys[lo].i].Path)
			for _, k := range keys[lo+1 : hi] {
				if strings.ToLower(files[k.i].Path) != key {
					return duplicatePath(files) // a collision
				}
			}
			if first < 0 || keys[lo+1].i < first {
				first, prev = keys[lo+1].i, keys[lo].i
			}
		}
		lo = hi
	}
	if first < 0 {
		return nil
	}
	return duplicateError(files[prev].Path, files[first].Path)
}

// duplicatePath is checkUnique by a map of the lower-case paths.
func duplicatePath(files []File) error {
	seen := make(map[string]string, len(files))
	for _, f := range files {
		key := strings.ToLower(f.Path)
		if prev, dup := seen[key]; dup {
			return duplicateError(prev, f.Path)
		}
		seen[key] = f.Path
	}
	return nil
}

func duplicateError(prev, p string) error {
	if prev == p {
		return fmt.Errorf("%s: listed twice", p)
	}
	return fmt.Errorf("%s and %s differ only in case", prev, p)
}

// pathHash is lowerHash; tests make it collide.
var pathHash = lowerHash

// lowerHash returns the 64-bit FNV-1a hash of strings.ToLower(p), without
// building that string when p is ASCII.
func lowerHash(p string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= utf8.RuneSelf {
			h = offset
			for _, c := range []byte(strings.ToLower(p)) {
				h = (h ^ uint64(c)) * prime
			}
			return h
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * prime
	}
	return h
}

// checkPath refuses paths that are not clean relative slash paths: paths
// that path.Clean leaves alone, neither absolute nor ".", without ".."
// and without backslashes or NULs.
func checkPath(p string) error {
	if !cleanRelative(p) {
		return fmt.Errorf("%q is not a clean relative path with forward slashes", p)
	}
	return nil
}

// cleanRelative reports whether p is a clean relative slash path: one or
// more components separated by single slashes, none empty, "." or "..",
// and no backslash or NUL. It is checkPath's test in one pass over p,
// without path.Clean's, since Build runs it on every file.
func cleanRelative(p string) bool {
	start := 0
	for i := 0; i <= len(p); i++ {
		if i < len(p) && p[i] != '/' {
			if p[i] == '\\' || p[i] == 0 {
				return false
			}
			continue
		}
		if c := p[start:i]; c == "" || c == "." || c == ".." {
			return false
		}
		start = i + 1
	}
	return true
}

func windowsPath(p string) string { return strings.ReplaceAll(p, "/", `\`) }

// checkDigests refuses a file that cannot be a member: unknown kind or
// missing digests.
func checkDigests(f File, version int) error {
	if f.Kind != KindPE && f.Kind != KindFlat {
		return fmt.Errorf("kind %v is neither PE nor flat", f.Kind)
	}
	if len(f.SHA1) != sha1.Size || (version == 2 && len(f.SHA256) != sha256.Size) {
		return errors.New("missing digest")
	}
	return nil
}

// A memberList is the members of a catalog's files, sorted by tag as
// MakeCat sorts them; members with equal tags (files with equal contents)
// keep the order of files. Each file but an empty one gives one member in
// v1, a SHA-256 member and a SHA-1 compatibility member in v2.
//
// A node_modules tree has tens of thousands of members. What is known per
// file (its checks, its FilePath attribute, its v1 tag) is worked out on
// all cores, once per file; the members are sorted before they are
// encoded; then each is written once, straight into the catalog, on all
// cores again. What all members of a kind share is encoded once per
// catalog.
type memberList struct {
	enc       *memberEncoder
	files     []File
	filePaths [][]byte // each file's FilePath attribute
	version   int
	// members[version*i+k] is file i's member k: its main member, then
	// in v2 its SHA-1 compatibility member.
	members []member
	order   []memberKey // the members sorted by tag
	size    int         // of the encoded members
}

type member struct {
	tag    []byte
	offset int // of the encoded member in the encoded list
	size   int // encoded
}

// A memberKey is a member's index in memberList.members and its tag's
// first 8 bytes, which end most comparisons.
type memberKey struct {
	prefix uint64
	i      int
}

// newMemberList checks files and sorts their members. The error, if any,
// is that of the first file in files that has one.
func newMemberList(files []File, version int) (*memberList, error) {
	l := &memberList{
		enc:       newMemberEncoder(version),
		files:     files,
		filePaths: make([][]byte, len(files)),
		version:   version,
		members:   make([]member, len(files)*version),
	}
	if err := inParts(len(files), l.prepare); err != nil {
		return nil, fmt.Errorf("catalog: build: %w", err)
	}
	l.sort()
	return l, nil
}

// prepare checks files[lo:hi] and sets their FilePath attributes and
// members: everything but the members' offsets.
func (l *memberList) prepare(lo, hi int) error {
	// One buffer holds the encodings of these files, sliced once it has
	// stopped growing.
	// A FilePath attribute is the path in UTF-16 and at most 54 bytes of
	// headers (paths below 32K characters): growing the buffer past an
	// estimate too small copied and wasted a megabyte on a node_modules
	// tree, whose paths are long.
	n := 0
	for _, f := range l.files[lo:hi] {
		n += 2*len(f.Path) + 56
	}
	buf := make([]byte, 0, n)
	ends := make([]int, hi-lo)
	for i := lo; i < hi; i++ {
		f := l.files[i]
		if err := checkPath(f.Path); err != nil {
			return err
		}
		if f.Size != 0 {
			if err := checkDigests(f, l.version); err != nil {
				return fmt.Errorf("%s: %w", f.Path, err)
			}
			buf = l.enc.appendFilePath(buf, f.Path)
			if l.version == 1 {
				buf = appendHexZ(buf, f.SHA1)
			}
		}
		ends[i-lo] = len(buf)
	}
	start := 0
	for i := lo; i < hi; i++ {
		f, enc := l.files[i], buf[start:ends[i-lo]:ends[i-lo]]
		start = ends[i-lo]
		if f.Size == 0 {
			continue
		}
		info, indirect := len(l.enc.info[f.Kind]), len(l.enc.indirect[f.Kind])
		if l.version == 1 {
			filePath, tag := enc[:len(enc)-hexZLen], enc[len(enc)-hexZLen:]
			l.filePaths[i] = filePath
			l.members[i] = member{tag: tag, size: memberLen(len(tag), info+len(filePath)+indirect)}
			continue
		}
		l.filePaths[i] = enc
		l.members[2*i] = member{tag: f.SHA256, size: memberLen(len(f.SHA256), info+len(enc)+indirect)}
		l.members[2*i+1] = member{tag: f.SHA1, size: memberLen(len(f.SHA1), info+len(enc))}
	}
	return nil
}

// sort sets l.order to the members sorted by tag, and each member's
// offset. Ties keep the order of files. (A file's own members never tie:
// their tags differ in length.)
func (l *memberList) sort() {
	l.order = make([]memberKey, 0, len(l.members))
	for i, m := range l.members {
		if m.tag != nil { // not an empty file's
			l.order = append(l.order, memberKey{binary.BigEndian.Uint64(m.tag), i})
		}
	}
	byTag := func(a, b memberKey) int {
		if c := cmp.Compare(a.prefix, b.prefix); c != 0 {
			return c
		}
		if c := bytes.Compare(l.members[a.i].tag, l.members[b.i].tag); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	}
	if len(l.order) < 256 {
		slices.SortFunc(l.order, byTag)
	} else {
		// Tags are digests: their prefixes are uniform and nearly always
		// differ. A radix sort by prefix, stable so that ties keep the
		// order of files, costs a few passes over the keys where a
		// comparison sort costs log2(n); runs of equal prefixes (files
		// with equal contents) are then sorted whole.
		radixSortByPrefix(l.order)
		for lo := 0; lo < len(l.order); {
			hi := lo + 1
			for hi < len(l.order) && l.order[hi].prefix == l.order[lo].prefix {
				hi++
			}
			if hi-lo > 1 {
				slices.SortFunc(l.order[lo:hi], byTag)
			}
			lo = hi
		}
	}
	for _, k := range l.order {
		l.members[k.i].offset = l.size
		l.size += l.members[k.i].size
	}
}

// radixSortByPrefix sorts keys by prefix, keeping the order of keys with
// equal prefixes: least significant byte first, skipping the bytes that
// all keys share.
func radixSortByPrefix(keys []memberKey) {
	src, dst := keys, make([]memberKey, len(keys))
	for shift := 0; shift < 64; shift += 8 {
		var start [256]int
		for _, k := range src {
			start[byte(k.prefix>>shift)]++
		}
		if start[byte(src[0].prefix>>shift)] == len(src) {
			continue
		}
		sum := 0
		for b, n := range start {
			start[b] = sum
			sum += n
		}
		for _, k := range src {
			b := byte(k.prefix >> shift)
			dst[start[b]] = k
			start[b]++
		}
		src, dst = dst, src
	}
	copy(keys, src) // a no-op after an even number of passes
}

// inParts calls fn on consecutive parts of [0, n), one part per core when
// n is large enough to be worth it. It returns when all calls have, with
// the error of the first part that failed.
func inParts(n int, fn func(lo, hi int) error) error {
	parts := min(runtime.GOMAXPROCS(0), n/1024+1)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for part := range parts {
		wg.Go(func() { errs[part] = fn(n*part/parts, n*(part+1)/parts) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// writeTo writes the members, l.size bytes, to s at offset base, and
// returns the SHA-256 of each chunk of chunkMembers members, in order.
// Each chunk is encoded, hashed while in the cache of the goroutine that
// encoded it, and put, on all cores. The first error of s stops it.
func (l *memberList) writeTo(s sink, base int) ([][sha256.Size]byte, error) {
	chunks := (len(l.order) + chunkMembers - 1) / chunkMembers
	sums := make([][sha256.Size]byte, chunks)
	var (
		next   atomic.Int64 // the next chunk to encode
		failed atomic.Bool
		errs   = make([]error, min(runtime.GOMAXPROCS(0), chunks)) // each goroutine's first
		wg     sync.WaitGroup
	)
	for g := range errs {
		wg.Go(func() {
			e := l.enc.clone()
			var scratch []byte
			for c := int(next.Add(1) - 1); c < chunks && !failed.Load(); c = int(next.Add(1) - 1) {
				lo, hi := c*chunkMembers, min((c+1)*chunkMembers, len(l.order))
				first, last := l.members[l.order[lo].i], l.members[l.order[hi-1].i]
				off, n := base+first.offset, last.offset+last.size-first.offset
				dst := s.buffer(off, n, &scratch)
				// dst has room for exactly these members: writing more would move it.
				if dst = l.encode(e, dst, l.order[lo:hi]); len(dst) != n || cap(dst) != n {
					panic("catalog: member sizes computed wrongly") // a bug, whatever the input
				}
				sums[c] = sha256.Sum256(dst)
				if err := s.put(off, dst); err != nil {
					errs[g] = err
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return sums, nil
}

// chunkMembers is how many members writeTo encodes and hashes at a time:
// about 60 KB of a node_modules catalog. The list identifier depends on
// it, so changing it changes every catalog's identifier.
const chunkMembers = 256

// encode appends the members that keys name, encoded, to b, with e's
// scratch space.
func (l *memberList) encode(e *memberEncoder, b []byte, keys []memberKey) []byte {
	for _, k := range keys {
		m, file := l.members[k.i], k.i/l.version
		f := l.files[file]
		info, filePath := e.info[f.Kind], l.filePaths[file]
		if k.i%l.version == 1 { // v2's compatibility member
			b = e.appendMember(b, m.tag, info, filePath)
			continue
		}
		digest := f.SHA256
		if l.version == 1 {
			digest = f.SHA1
		}
		b = e.appendMember(b, m.tag, info, filePath, e.indirectData(f.Kind, digest))
	}
	return b
}

// memberLen returns the size of a member with the given tag and attributes
// sizes.
func memberLen(tag, attrs int) int {
	return der.Size(der.Size(tag) + der.Size(attrs))
}

// A memberEncoder encodes the members of one catalog version.
type memberEncoder struct {
	// info is the member info attribute of each kind; indirect the
	// SPC_INDIRECT_DATA attribute with a zero digest, which is its last
	// bytes.
	info, indirect map[Kind][]byte
	// nameValueOID is the encoded name-value attribute type, and
	// filePathName the first two fields of a FilePath name-value: its
	// name and its flags.
	nameValueOID, filePathName []byte
	// Scratch space reused from member to member.
	attrs       [][]byte
	indirectBuf []byte
}

// clone returns an encoder that shares e's encodings and has its own
// scratch space.
func (e *memberEncoder) clone() *memberEncoder {
	return &memberEncoder{info: e.info, indirect: e.indirect, nameValueOID: e.nameValueOID, filePathName: e.filePathName}
}

func newMemberEncoder(version int) *memberEncoder {
	e := &memberEncoder{
		info:         map[Kind][]byte{},
		indirect:     map[Kind][]byte{},
		nameValueOID: der.EncodeOID(oidNameValue),
		filePathName: slices.Concat(derBMP("FilePath"), der.EncodeInt(int64(DefaultFlags))),
	}
	for _, k := range []Kind{KindPE, KindFlat} {
		if version == 1 {
			guid := guidFlat
			if k == KindPE {
				guid = guidPE
			}
			e.info[k] = attribute(oidMemberInfo, der.Encode(der.Sequence, derBMP(guid), der.EncodeInt(512)))
		} else {
			n := 2
			if k == KindPE {
				n = 0
			}
			e.info[k] = attribute(oidMemberInfo2, []byte{byte(der.Context(n)), 0})
		}
		e.indirect[k] = indirectData(File{Kind: k, SHA256: make([]byte, sha256.Size), SHA1: make([]byte, sha1.Size)}, version)
	}
	return e
}

// appendFilePath appends the FilePath attribute of the file at p to b, as
// attribute(oidNameValue, nameValue(NewAttribute("FilePath",
// windowsPath(p)))) encodes it. It only reads e, so parts of a list can
// share it.
func (e *memberEncoder) appendFilePath(b []byte, p string) []byte {
	value := windowsPathZLen(p)
	nv := len(e.filePathName) + der.Size(value) // NameValue contents
	b = der.AppendHeader(b, der.Sequence, len(e.nameValueOID)+der.Size(der.Size(nv)))
	b = append(b, e.nameValueOID...)
	b = der.AppendHeader(b, der.Set, der.Size(nv))
	b = der.AppendHeader(b, der.Sequence, nv)
	b = append(b, e.filePathName...)
	b = der.AppendHeader(b, der.OctetString, value)
	return appendWindowsPathZ(b, p)
}

// windowsPathZLen returns len(appendWindowsPathZ(nil, p)).
func windowsPathZLen(p string) int {
	n := 2 * len(p)
	for i := 0; i < len(p); i++ {
		if p[i] >= utf8.RuneSelf {
			n = 0
			for _, r := range p { // U+FFFD for invalid UTF-8, as in utf16z
				n += 2 * utf16.RuneLen(r)
			}
			break
		}
	}
	return n + 2
}

// appendWindowsPathZ appends utf16z(windowsPath(p)) to b: p with
// backslashes for slashes, in UTF-16LE with a terminating NUL.
func appendWindowsPathZ(b []byte, p string) []byte {
	b = slices.Grow(b, 2*len(p)+2)
	for i := 0; i < len(p); {
		if c := p[i]; c < utf8.RuneSelf { // most paths are ASCII
			if c == '/' {
				c = '\\'
			}
			b = append(b, c, 0)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(p[i:]) // U+FFFD for invalid UTF-8, as in utf16z
		i += n
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = append(b, byte(r1), byte(r1>>8), byte(r2), byte(r2>>8))
			continue
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return append(b, 0, 0)
}

// hexZLen is the length of a v1 member tag: utf16z of the 40 upper-case
// hex digits of a SHA-1 digest.
const hexZLen = 4*sha1.Size + 2

// appendHexZ appends utf16z(strings.ToUpper(hex.EncodeToString(digest)))
// to b: a v1 member tag.
func appendHexZ(b []byte, digest []byte) []byte {
	const digits = "0123456789ABCDEF"
	for _, c := range digest {
		b = append(b, digits[c>>4], 0, digits[c&0xf], 0)
	}
	return append(b, 0, 0)
}

// indirectData returns the SPC_INDIRECT_DATA attribute of a file of the
// given kind and main digest, as the package function indirectData
// encodes it. It is valid until the next call.
func (e *memberEncoder) indirectData(k Kind, digest []byte) []byte {
	b := append(e.indirectBuf[:0], e.indirect[k]...)
	copy(b[len(b)-len(digest):], digest)
	e.indirectBuf = b
	return b
}

// appendMember appends TrustedSubject{tag, SET OF attrs} to b.
func (e *memberEncoder) appendMember(b, tag []byte, attrs ...[]byte) []byte {
	// DER SET OF order, as derSet; an insertion sort, since members have
	// two or three attributes.
	e.attrs = append(e.attrs[:0], attrs...)
	for i := 1; i < len(e.attrs); i++ {
		for j := i; j > 0 && attrAfter(e.attrs[j-1], e.attrs[j]); j-- {
			e.attrs[j-1], e.attrs[j] = e.attrs[j], e.attrs[j-1]
		}
	}
	n := 0
	for _, a := range e.attrs {
		n += len(a)
	}
	b = der.AppendHeader(b, der.Sequence, der.Size(len(tag))+der.Size(n))
	b = der.AppendHeader(b, der.OctetString, len(tag))
	b = append(b, tag...)
	b = der.AppendHeader(b, der.Set, n)
	for _, a := range e.attrs {
		b = append(b, a...)
	}
	return b
}

// attrAfter reports whether the encoded attribute a sorts after b, as
// bytes.Compare(a, b) > 0. Attributes differ within their first few bytes
// (length, then type), where a plain loop costs less than bytes.Compare's
// call, which was 1% of catalog new's CPU on a node_modules tree.
func attrAfter(a, b []byte) bool {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return len(a) > len(b)
}

// attribute encodes Attribute{type, SET{value}}.
func attribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	return der.Encode(der.Sequence, der.EncodeOID(oid), der.Encode(der.Set, value))
}

// nameValue encodes NameValue{name, flags, value}.
func nameValue(a Attribute) []byte {
	return der.Encode(der.Sequence, derBMP(a.Name), der.EncodeInt(int64(a.Flags)), der.EncodeOctetString(a.Value))
}

// indirectData encodes the SPC_INDIRECT_DATA attribute of f's main member.
func indirectData(f File, version int) []byte {
	link := ""
	digestOID, digest := oidSHA256, f.SHA256
	if version == 1 {
		link = obsolete
		digestOID, digest = oidSHA1, f.SHA1
	}
	// SpcLink.file [2] EXPLICIT SpcString.unicode [0] IMPLICIT BMPString.
	file := der.Encode(der.Context(2).Constructed(), der.Encode(der.Context(0), utf16be(link)))
	var data []byte
	if f.Kind == KindPE {
		peData := der.Encode(der.Sequence, peImageFlags, der.Encode(der.Context(0).Constructed(), file))
		data = der.Encode(der.Sequence, der.EncodeOID(oidPEImageData), peData)
	} else {
		data = der.Encode(der.Sequence, der.EncodeOID(oidCABData), file)
	}
	digestInfo := der.Encode(der.Sequence, algorithmIdentifier(digestOID), der.EncodeOctetString(digest))
	return attribute(oidIndirectData, der.Encode(der.Sequence, data, digestInfo))
}
