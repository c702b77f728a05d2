package catalogs

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/adminpath"
	"github.com/intactdev/intact/internal/regularfile"
)

// An IndexFolder is a catalog.IndexCache in a folder that only root can
// change: the indexes of catalogs' certificate trust lists, one file each,
// named by the list's SHA-256 in hexadecimal. It spares a process that
// uses a large catalog the scan of its members (catalog.ReadIndexCache),
// not the hashing of them: every use hashes the trust list read, checks it
// against the key and the signature, and uses the index only for those
// exact bytes.
//
// An index vouches for files as the catalog would: whoever can write one
// could add trust. So the folder counts only when it, every folder above
// it and every link on the way can be changed by root alone (as the system
// policy folder, adminpath.Check), an index only when root owns it and
// nobody else can write it, and only a process running as root stores
// indexes, of the catalogs the system policy trusts (Set.CacheIndexes).
// Root can change the system policy itself: the cache gives it no power it
// does not have.
type IndexFolder struct {
	dir   string
	store bool
}

// OpenIndexFolder returns the index cache in dir, or nil when dir does not
// exist, anyone but root could change it, or it is a link: the folder in
// the system folder itself, and nowhere else, is under what guards the
// system policy (intact node's read-only /etc for a node tree running as
// root; outside review rt46).
func OpenIndexFolder(dir string) *IndexFolder {
	resolved, err := adminpath.Check(dir)
	if err != nil || resolved != filepath.Clean(dir) {
		return nil
	}
	if fi, err := os.Stat(resolved); err != nil || !fi.IsDir() {
		return nil
	}
	return &IndexFolder{dir: resolved, store: os.Geteuid() == 0}
}

func (f *IndexFolder) path(key [sha256.Size]byte) string {
	return filepath.Join(f.dir, hex.EncodeToString(key[:])+".index")
}

// LoadIndex looks up the index stored under key: nil when there is none,
// or it is not root's alone (adminpath.RootOnly, on Windows never);
// otherwise a function that reads and decodes it, and returns nil if it is
// not an index (catalog.DecodeIndex, which also bounds what it reads).
func (f *IndexFolder) LoadIndex(key [sha256.Size]byte) func() *catalog.Index {
	file, err := regularfile.Open(f.path(key))
	if err != nil {
		return nil
	}
	fi, err := file.Stat()
	if err != nil || !adminpath.RootOnly(fi) {
		file.Close()
		return nil
	}
	return func() *catalog.Index {
		defer file.Close()
		x, err := catalog.DecodeIndex(file, fi.Size())
		if err != nil {
			return nil
		}
		return x
	}
}

// indexLookup is the IndexFolder that one catalog's read looks its index
// up in: it records the index it read, which is the catalog's if
// ReadIndexCache returns that very index (it may read one and then scan,
// when the catalog's trust list is not the one the key names).
type indexLookup struct {
	folder *IndexFolder
	loaded *catalog.Index
}

func (l *indexLookup) LoadIndex(key [sha256.Size]byte) func() *catalog.Index {
	load := l.folder.LoadIndex(key)
	if load == nil {
		return nil
	}
	return func() *catalog.Index {
		l.loaded = load()
		return l.loaded
	}
}

// StoreIndex stores x, the index of a certificate trust list whose SHA-256
// is key, when this process runs as root, and reports whether it did; a
// failure leaves the cache as it was, and the next process scans again.
// The caller stores only the index of a catalog the system policy trusts
// (Enforcer.judge).
func (f *IndexFolder) StoreIndex(key [sha256.Size]byte, x *catalog.Index) bool {
	if !f.store {
		return false
	}
	data, err := x.MarshalBinary()
	if err != nil {
		return false
	}
	tmp, err := os.CreateTemp(f.dir, ".index-*")
	if err != nil {
		return false
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		// On disk before it has its name: a crash leaves the old index
		// or none, never a part of the new one.
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), f.path(key))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err == nil
}
