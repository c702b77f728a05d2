package tree

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// On Linux the walk reads each folder with getdents64 into one reused
// buffer, and keeps the folder open while its files wait to be hashed:
// workers open them relative to it (openat), so the kernel does not
// resolve every component of a deep node_modules path again for each
// file, and a folder of the path swapped for a symbolic link after the
// walk cannot redirect an open. Folders below are opened relative to their
// parent with O_NOFOLLOW, from the root down.

// maxOpenDirs bounds the folders held open at once: those on the walk's
// path from the root and those with files waiting in the queue. Past it, a
// folder is read and closed at once, and its files are opened by path, as
// on other systems. A quarter of the descriptors the process may open is
// the bound when that is less (see dirLimit).
var maxOpenDirs int32 = 256

// openDirs counts the folders open now.
var openDirs atomic.Int32

// An openDir is a folder held open for its files. The walk holds one
// reference while it lists the folder and each file waiting to be opened
// holds another; the last to let go closes it.
type openDir struct {
	fd   int
	refs atomic.Int32
}

func (d *openDir) hold() { d.refs.Add(1) }

func (d *openDir) release() {
	if d.refs.Add(-1) == 0 {
		unix.Close(d.fd)
		openDirs.Add(-1)
	}
}

// A dirRef is where a job's file lies: its folder, when open, and its name
// in it (the end of the job's path); for a symbolic link, the file the
// walk found it leads to (checkLink).
type dirRef struct {
	dir  *openDir
	name string
	link *fileID
}

// A fileID names a file on the system: its device and inode numbers.
type fileID struct{ dev, ino uint64 }

// open opens the job's file for reading and returns it with its size,
// relative to its folder when that is open, and lets go of the folder. A
// link is followed, and must still lead to the file the walk checked: a
// link retargeted after the walk (outside the tree) is refused.
func (j *hashJob) open() (*regularFile, int64, error) {
	var (
		f    *regularFile
		size int64
		err  error
	)
	if j.at.dir == nil {
		f, size, err = openRegular(j.path)
	} else {
		defer j.at.dir.release()
		flags := unix.O_RDONLY | unix.O_NONBLOCK | unix.O_CLOEXEC
		if j.at.link == nil {
			// The walk saw a regular file: a link swapped in since is refused.
			flags |= unix.O_NOFOLLOW
		}
		f, size, err = openRegularAt(j.at.dir.fd, j.at.name, j.path, flags)
	}
	if err != nil || j.at.link == nil {
		return f, size, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(f.fd, &st); err != nil {
		f.Close()
		return nil, 0, &fs.PathError{Op: "stat", Path: j.path, Err: err}
	}
	if (fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}) != *j.at.link {
		f.Close()
		return nil, 0, fmt.Errorf("%s: symbolic link changed while the tree was hashed", j.path)
	}
	return f, size, nil
}

// release lets go of the job's folder when the job will not be opened.
func (j *hashJob) release() {
	if j.at.dir != nil {
		j.at.dir.release()
		j.at.dir = nil
	}
}

// A walker lists the folders of one tree, depth first, in path order.
type walker struct {
	maxOpen  int32 // folders open at once, at most
	realRoot string
	rootLen  int
	opts     *Options
	emit     func(hashJob) error
	buf      []byte       // getdents64 output, reused for every folder
	levels   []dirEntries // one per depth, reused
}

// dirEntries is a folder's entries, their names packed in one buffer.
type dirEntries struct {
	names   []byte
	entries []dirEntry
}

// A dirEntry is one name in a folder: names[off:off+n], followed there by
// a slash when it is a folder, which makes names[off:off+n+1] its sort key.
type dirEntry struct {
	off, n uint32
	typ    uint8 // DT_*
}

// walkTree emits the selected files below dir in the order of their
// paths. Dir ends in a separator, and its first rootLen bytes are the
// root's path: the rest of a file's path is its relative path.
func walkTree(realRoot, dir string, rootLen int, opts *Options, emit func(hashJob) error) error {
	w := &walker{maxOpen: dirLimit(), realRoot: realRoot, rootLen: rootLen, opts: opts, emit: emit, buf: make([]byte, 32<<10)}
	return w.walk(nil, dir, 0)
}

// dirLimit returns how many folders a walk may hold open: maxOpenDirs, or
// a quarter of the process's descriptor limit if that is less, so that a
// low limit (ulimit -n) leaves room for the files being hashed and
// everything else.
func dirLimit() int32 {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err == nil && rl.Cur/4 < uint64(maxOpenDirs) {
		return int32(rl.Cur / 4)
	}
	return maxOpenDirs
}

// walk emits the selected files below dir, a folder path ending in a
// slash, whose parent is open as parent when not nil.
func (w *walker) walk(parent *openDir, dir string, depth int) error {
	d, err := w.openDir(parent, dir)
	if err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	if depth == len(w.levels) {
		w.levels = append(w.levels, dirEntries{})
	}
	err = w.read(d, dir, &w.levels[depth])
	if err != nil || openDirs.Load() > w.maxOpen {
		// Too many folders open: this one's files are opened by path.
		d.release()
		d = nil
	}
	if d != nil {
		defer d.release()
	}
	if err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	level := &w.levels[depth]
	for _, e := range level.entries {
		name := level.names[e.off : e.off+e.n]
		if e.typ == unix.DT_DIR {
			p := dir + string(level.names[e.off:e.off+e.n+1]) // with its slash
			if matchAny(w.opts.Exclude, p[w.rootLen:len(p)-1]) {
				continue
			}
			if err := w.walk(d, p, depth+1); err != nil {
				return err
			}
			// The slices of deeper levels may have moved.
			level = &w.levels[depth]
			continue
		}
		p := dir + string(name)
		rel := p[w.rootLen:]
		if !selected(w.opts, rel) {
			continue
		}
		job := hashJob{path: p, rel: rel}
		switch e.typ {
		case unix.DT_REG:
		case unix.DT_LNK:
			fi, err := checkLink(w.realRoot, p)
			if err != nil {
				return err
			}
			st := fi.Sys().(*syscall.Stat_t)
			job.at.link = &fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}
		default:
			return notRegular(p)
		}
		if d != nil {
			d.hold()
			job.at.dir, job.at.name = d, p[len(p)-len(name):]
		}
		if err := w.emit(job); err != nil {
			return err
		}
	}
	return nil
}

// openDir opens the folder dir, relative to its parent when that is open.
func (w *walker) openDir(parent *openDir, dir string) (*openDir, error) {
	path := filepath.Clean(dir) // errors name it without the trailing slash
	var fd int
	// A folder swapped for a link since its parent was read is refused
	// (the root's path is resolved already).
	const flags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	err := ignoringEINTR(func() (err error) {
		if parent == nil {
			fd, err = unix.Open(path, flags, 0)
		} else {
			fd, err = unix.Openat(parent.fd, filepath.Base(path), flags, 0)
		}
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	openDirs.Add(1)
	d := &openDir{fd: fd}
	d.refs.Store(1)
	return d, nil
}

// read lists the folder d, whose path is dir, into es, sorted as the paths
// below its entries are: a folder's name sorts as if followed by a slash,
// so that "lib.js" comes before "lib/a.js". A walk in this order visits
// files in the order of their relative paths, and Hash need not sort them.
func (w *walker) read(d *openDir, dir string, es *dirEntries) error {
	es.names, es.entries = es.names[:0], es.entries[:0]
	for {
		var n int
		err := ignoringEINTR(func() (err error) {
			n, err = unix.Getdents(d.fd, w.buf)
			return err
		})
		if err != nil {
			return &fs.PathError{Op: "readdirent", Path: filepath.Clean(dir), Err: err}
		}
		if n <= 0 {
			break
		}
		for b := w.buf[:n]; len(b) > 0; {
			// struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }
			const nameOff = 19
			reclen := int(binary.NativeEndian.Uint16(b[16:]))
			if reclen < nameOff || reclen > len(b) {
				return &fs.PathError{Op: "readdirent", Path: filepath.Clean(dir), Err: unix.EIO}
			}
			rec := b[:reclen]
			b = b[reclen:]
			typ := rec[18]
			name := rec[nameOff:]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			if len(name) == 0 || string(name) == "." || string(name) == ".." {
				continue
			}
			if typ == unix.DT_UNKNOWN {
				// Some file systems do not say: ask.
				var st unix.Stat_t
				if err := unix.Fstatat(d.fd, string(name), &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
					return &fs.PathError{Op: "lstat", Path: dir + string(name), Err: err}
				}
				typ = modeType(st.Mode)
			}
			e := dirEntry{off: uint32(len(es.names)), n: uint32(len(name)), typ: typ}
			es.names = append(es.names, name...)
			if typ == unix.DT_DIR {
				es.names = append(es.names, '/')
			}
			es.entries = append(es.entries, e)
		}
	}
	names := es.names
	slices.SortFunc(es.entries, func(a, b dirEntry) int {
		return bytes.Compare(names[a.off:a.off+a.key()], names[b.off:b.off+b.key()])
	})
	return nil
}

// key returns the length of e's sort key: its name, and a slash after a
// folder's.
func (e dirEntry) key() uint32 {
	if e.typ == unix.DT_DIR {
		return e.n + 1
	}
	return e.n
}

// modeType returns the DT_* type of a stat mode: the file type bits
// shifted down, as glibc's IFTODT.
func modeType(mode uint32) uint8 { return uint8(mode & unix.S_IFMT >> 12) }

// notRegular says that p, which the walk found, is not a regular file,
// and what it is. Rare: package os names the type.
func notRegular(p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	return fmt.Errorf("tree: %s: not a regular file (%v)", p, fi.Mode().Type())
}
