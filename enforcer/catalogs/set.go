package catalogs

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/regularfile"
)

// A Set is the catalogs every policy of a process shares. They are read,
// parsed and signature-checked once, on first use, in parallel; which of
// them a policy trusts is decided by each Enforcer. A Set is safe for
// concurrent use.
type Set struct {
	files    []string
	indexDir string
	storer   *Enforcer // whose trust stores an index; nil: none
	once     sync.Once
	cats     []*loaded
}

// NewSet returns a Set of the catalog files at paths. Nothing is read until
// an Enforcer first needs the catalogs.
func NewSet(paths []string) *Set {
	return &Set{files: append([]string(nil), paths...)}
}

// CacheIndexes makes the set take its catalogs' indexes from the folder dir
// (OpenIndexFolder), when only root can change it, and store there the
// index of a catalog that by trusts: the system policy's enforcer, whose
// trust nobody but root chose (a policy named on the command line or in
// the environment is anyone's, and would have root fill the folder with
// catalogs of their own: outside review rt46); nil stores none. It must be
// called before the catalogs are first used.
func (s *Set) CacheIndexes(dir string, by *Enforcer) { s.indexDir, s.storer = dir, by }

// loaded is one catalog file as read and checked, independent of policy.
type loaded struct {
	path string
	// err says why the catalog cannot be used at all: it could not be read
	// or parsed, so its members are unknown.
	err error
	cat *catalog.Catalog
	// sigErr says why the catalog's signature does not verify over its
	// content (nil when it does). An unsigned catalog has errUnsigned.
	sigErr error
	// signer is the certificate that signed the catalog, nil if unsigned.
	signer *x509.Certificate
	// index holds the members' digests. cat has no members: they are
	// indexed as they are read, and neither they nor the file's bytes are
	// kept.
	index *catalog.Index
	// empty are the empty files the catalog vouches for: catalogs record
	// them by path, since they have nothing to hash.
	empty catalog.EmptyFiles
	// paths finds members by path, to explain a refusal; made on first
	// use, which a file that runs never needs.
	pathsOnce sync.Once
	paths     catalog.MemberPaths
	// keepIndex stores the index in the folder of cached indexes, when it
	// was scanned with one in use; a policy that trusts the catalog calls
	// it (keepOnce), so that nobody fills the folder with catalogs of
	// their own.
	keepIndex func()
	keepOnce  sync.Once
	// indexFrom is how the index was had (enforcer.CatalogStatus.Index).
	indexFrom atomic.Pointer[string]
}

// How a catalog's index was had, with a folder of cached indexes in use.
var (
	indexScanned = "scanned"
	indexCached  = "cached"
	indexStored  = "stored"
)

// memberAt returns the member the catalog lists at path, and its path
// relative to the catalog's root, or nil, and whether the match is exact
// (catalog.MemberPaths.Exact) rather than by name. The members were not kept when
// the catalog was indexed: the first call reads and parses the catalog
// again, and uses it only if its signature verifies and its signer is the
// one the catalog was trusted through. What it finds vouches for nothing;
// it only explains a refusal.
func (l *loaded) memberAt(path string) (m *catalog.Member, rel string, exact bool) {
	l.pathsOnce.Do(func() {
		data, err := regularfile.Read(l.path, catalog.MaxFileSize)
		if err != nil {
			return
		}
		c, err := catalog.Parse(data)
		if err != nil || c.CheckSignature() != nil || l.signer == nil || !c.Signers[0].Certificate.Equal(l.signer) {
			return
		}
		l.paths = c.MemberPaths()
	})
	m, rel = l.paths.Lookup(path)
	return m, rel, l.paths.Exact()
}

// errUnsigned is the signature error of a catalog without signers.
var errUnsigned = errors.New("the catalog is not signed")

// load reads every catalog of the set once, in parallel.
func (s *Set) load() []*loaded {
	s.once.Do(func() {
		var cache *IndexFolder
		if s.indexDir != "" && len(s.files) > 0 {
			cache = OpenIndexFolder(s.indexDir)
		}
		s.cats = make([]*loaded, len(s.files))
		work := make(chan int)
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(s.files)) {
			wg.Go(func() {
				for i := range work {
					s.cats[i] = loadCatalog(s.files[i], cache)
				}
			})
		}
		for i := range s.files {
			work <- i
		}
		close(work)
		wg.Wait()
	})
	return s.cats
}

// loadCatalog reads, indexes and signature-checks one catalog file, with
// the index cache, if any.
func loadCatalog(path string, cache *IndexFolder) *loaded {
	l := &loaded{path: path}
	var lookup *indexLookup
	var c catalog.IndexCache
	if cache != nil {
		lookup = &indexLookup{folder: cache}
		c = lookup
	}
	cat, index, err := readCatalog(path, c)
	if err != nil {
		l.err = err
		return l
	}
	l.cat, l.index = cat, index
	switch {
	case lookup == nil:
	case lookup.loaded != nil && index == lookup.loaded:
		l.indexFrom.Store(&indexCached)
	default:
		l.indexFrom.Store(&indexScanned)
		if key, ok := cat.CTLSHA256(); ok {
			l.keepIndex = func() {
				if cache.StoreIndex(key, index) {
					l.indexFrom.Store(&indexStored)
				}
			}
		}
	}
	l.signer, l.sigErr = verifySignature(cat)
	l.empty = cat.EmptyFiles()
	return l
}

// readCatalog reads and indexes the catalog file at path
// (catalog.ReadIndex, or ReadIndexCache with a cache), without keeping its
// bytes.
func readCatalog(path string, cache catalog.IndexCache) (*catalog.Catalog, *catalog.Index, error) {
	// Load checked that this was a regular file; it may have been
	// swapped for a FIFO since, which must not hang the first check.
	f, err := regularfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if fi.Size() > catalog.MaxFileSize {
		return nil, nil, fmt.Errorf("%s: larger than the %d-byte limit", path, int64(catalog.MaxFileSize))
	}
	if cache != nil {
		return catalog.ReadIndexCache(f, fi.Size(), cache)
	}
	return catalog.ReadIndex(f, fi.Size())
}

// usable reports whether the catalog's members are known.
func (l *loaded) usable() bool { return l.err == nil }

// lists reports whether the catalog lists a file with the given digests.
// A flat member (catalog.KindFlat) lists the SHA-256 of the exact bytes, or
// their SHA-1 in a version 1 catalog, and vouches for them in any use. A PE
// member lists an image's Authenticode digest and vouches for the bytes
// only when they are a PE image with that digest that the host hands to
// the OS image loader (enforcer.Content.Image). A PE member never vouches
// for bytes by their own SHA-256 or SHA-1: an Authenticode digest is the
// plain digest of another byte string, the image without its checksum,
// certificate-table entry and certificate table, and that string, saved
// as a script, would run.
func (l *loaded) lists(d *digests) bool {
	if _, ok := l.index.LookupKind(crypto.SHA256, d.sha256[:], catalog.KindFlat); ok {
		return true
	}
	if l.cat.Version == 1 {
		if sum := d.flatSHA1(); sum != nil {
			if _, ok := l.index.LookupKind(crypto.SHA1, sum[:], catalog.KindFlat); ok {
				return true
			}
		}
	}
	if d.image && l.index.HasKind(catalog.KindPE) {
		if pe := d.pe(); pe != nil {
			if _, ok := l.index.LookupKind(crypto.SHA256, pe.sha256[:], catalog.KindPE); ok {
				return true
			}
			if _, ok := l.index.LookupKind(crypto.SHA1, pe.sha1[:], catalog.KindPE); ok && l.cat.Version == 1 {
				return true
			}
		}
	}
	return false
}

// listsEmpty reports whether the catalog vouches for an empty file at
// path (catalog.EmptyFiles.VouchesFile): its recorded root joined with the
// relative path it records is path, and the file at path is the one read,
// whose stat is opened. Empty content is allowed only this way: were any
// empty file allowed, emptying a signed module (an authorization check,
// say) would pass, and so would opening another empty file through a
// path whose clean form is vouched.
func (l *loaded) listsEmpty(path string, opened os.FileInfo) bool {
	return l.empty.VouchesFile(path, opened)
}
