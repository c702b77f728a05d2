package catalog

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/intactdev/intact/authenticode"
)

// HashOptions control HashTree and HashFiles. The zero value hashes every
// file on every core.
type HashOptions struct {
	// Include, when not empty, keeps only the files that match one of its
	// patterns; Exclude drops the files (and, in HashTree, the directories)
	// that match one of its patterns. Patterns use path.Match syntax: a
	// pattern with a slash matches the whole relative path ("lib/*.js"),
	// one without matches the base name at any depth ("*.map").
	Include, Exclude []string
	// Workers is the number of files hashed at once; GOMAXPROCS when 0.
	Workers int
	// Progress, when set, is called after each file is hashed, from one
	// goroutine at a time.
	Progress func(Progress)
}

// Progress reports how far hashing has got.
type Progress struct {
	Files, TotalFiles int
	Bytes, TotalBytes int64
}

// HashTree hashes every regular file below root for a catalog, in parallel.
// File paths are relative to root with forward slashes, sorted. A symbolic
// link to a regular file inside root is hashed under the link's path; a
// link that leaves root, a link to a directory, and any file that is not
// regular (FIFO, device, socket) is an error naming it.
//
// Each file is read once, streaming: PE images (recognised by content, not
// name) get their Authenticode SHA-256 and SHA-1 digests, other files the
// digests of their bytes. Empty files get no digests.
func HashTree(ctx context.Context, root string, opts *HashOptions) ([]File, error) {
	opts, realRoot, err := prepare(root, opts)
	if err != nil {
		return nil, err
	}
	return hashAll(ctx, opts, func(emit func(hashJob) error) error {
		// Walk the resolved root, so that a root that is itself a symbolic
		// link is followed.
		prefix := realRoot
		if !os.IsPathSeparator(prefix[len(prefix)-1]) {
			prefix += string(filepath.Separator)
		}
		return walkTree(realRoot, prefix, len(prefix), opts, emit)
	})
}

// walkTree emits the selected files below dir in the order of their
// paths. Dir ends in a separator, and its first rootLen bytes are the
// root's path: the rest of a file's path is its relative path, which on
// Unix, where the separator is a slash, is then a part of the same string.
// Paths are joined by hand: directory entry names hold no separator, and
// filepath.Join and filepath.Rel would clean every path again.
func walkTree(realRoot, dir string, rootLen int, opts *HashOptions, emit func(hashJob) error) error {
	entries, err := readDirInPathOrder(dir)
	if err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	for _, d := range entries {
		p := dir + d.Name()
		rel := filepath.ToSlash(p[rootLen:])
		if d.IsDir() {
			if matchAny(opts.Exclude, rel) {
				continue
			}
			if err := walkTree(realRoot, p+string(filepath.Separator), rootLen, opts, emit); err != nil {
				return err
			}
			continue
		}
		if !selected(opts, rel) {
			continue
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if err := checkLink(realRoot, p); err != nil {
				return err
			}
		} else if !d.Type().IsRegular() {
			return fmt.Errorf("catalog: %s: not a regular file (%v)", p, d.Type())
		}
		if err := emit(hashJob{path: p, rel: rel}); err != nil {
			return err
		}
	}
	return nil
}

// readDirInPathOrder returns the entries of dir sorted as the paths below
// them are: a directory's name sorts as if followed by a slash, so that
// "lib.js" comes before "lib/a.js". A walk in this order visits files in
// the order of their relative paths, and HashTree need not sort them.
func readDirInPathOrder(dir string) ([]fs.DirEntry, error) {
	f, err := os.Open(filepath.Clean(dir)) // errors name it without the separator walkTree adds
	if err != nil {
		return nil, err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	type entry struct {
		key string
		d   fs.DirEntry
	}
	keyed := make([]entry, len(entries))
	for i, d := range entries {
		key := d.Name()
		if d.IsDir() {
			key += "/"
		}
		keyed[i] = entry{key, d}
	}
	slices.SortFunc(keyed, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	for i, e := range keyed {
		entries[i] = e.d
	}
	return entries, nil
}

// checkLink refuses a symbolic link unless it resolves to a regular file
// inside realRoot.
func checkLink(realRoot, p string) error {
	if err := checkInside(realRoot, p); err != nil {
		return err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("catalog: %s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("catalog: %s: symbolic link to a non-regular file (%v)", p, fi.Mode().Type())
	}
	return nil
}

// checkInside refuses p when symbolic links in it resolve outside realRoot.
func checkInside(realRoot, p string) error {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		// The error names the component that failed, which for a dangling
		// link is its target: name the file too.
		return fmt.Errorf("catalog: %s: %w", p, err)
	}
	rel, err := filepath.Rel(realRoot, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("catalog: %s: symbolic link leaves the tree (to %s)", p, target)
	}
	return nil
}

// HashFiles hashes the named files for a catalog, in parallel. Names are
// relative to root (with either separator) and become the File paths,
// cleaned and with forward slashes; the result is sorted. Names that leave
// root (also through symbolic links), name the same file twice, or name
// anything but a regular file (directories, FIFOs and devices included) are
// errors naming the file. Include and Exclude apply as in HashTree.
func HashFiles(ctx context.Context, root string, names []string, opts *HashOptions) ([]File, error) {
	opts, realRoot, err := prepare(root, opts)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var jobs []hashJob
	for _, name := range names {
		rel := path.Clean(filepath.ToSlash(name))
		if err := checkPath(rel); err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", name, err)
		}
		if seen[rel] {
			return nil, fmt.Errorf("catalog: %s: listed twice", rel)
		}
		seen[rel] = true
		if !selected(opts, rel) {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := checkInside(realRoot, p); err != nil {
			return nil, err
		}
		jobs = append(jobs, hashJob{path: p, rel: rel})
	}
	slices.SortFunc(jobs, func(a, b hashJob) int { return strings.Compare(a.rel, b.rel) })
	return hashAll(ctx, opts, jobList(jobs))
}

// prepare checks the options and resolves root, which must be a directory.
func prepare(root string, opts *HashOptions) (*HashOptions, string, error) {
	if opts == nil {
		opts = &HashOptions{}
	}
	for _, p := range slices.Concat(opts.Include, opts.Exclude) {
		if _, err := path.Match(p, ""); err != nil {
			return nil, "", fmt.Errorf("catalog: pattern %q: %w", p, err)
		}
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, "", fmt.Errorf("catalog: %w", err)
	}
	if fi, err := os.Stat(realRoot); err != nil {
		return nil, "", fmt.Errorf("catalog: %w", err)
	} else if !fi.IsDir() {
		return nil, "", fmt.Errorf("catalog: %s is not a directory", root)
	}
	return opts, realRoot, nil
}

// selected applies the include and exclude patterns to a relative path.
func selected(opts *HashOptions, rel string) bool {
	if len(opts.Include) > 0 && !matchAny(opts.Include, rel) {
		return false
	}
	return !matchAny(opts.Exclude, rel)
}

func matchAny(patterns []string, rel string) bool {
	for _, p := range patterns {
		subject := rel
		if !strings.Contains(p, "/") {
			subject = path.Base(rel)
		}
		if ok, _ := path.Match(p, subject); ok {
			return true
		}
	}
	return false
}

type hashJob struct {
	path, rel string
}

// jobList returns a walk function for hashAll that emits jobs.
func jobList(jobs []hashJob) func(emit func(hashJob) error) error {
	return func(emit func(hashJob) error) error {
		for _, j := range jobs {
			if err := emit(j); err != nil {
				return err
			}
		}
		return nil
	}
}

// hashAll hashes the files that walk emits on a pool of workers and returns
// them in the order walk emitted them. The workers start on the first file
// walk finds, while it looks for the rest; only a Progress callback, which
// wants the totals, makes the walk finish first. The first error, walk's
// or a file's, cancels the rest.
func hashAll(ctx context.Context, opts *HashOptions, walk func(emit func(hashJob) error) error) ([]File, error) {
	var progress Progress
	if opts.Progress != nil {
		var jobs []hashJob
		if err := walk(func(j hashJob) error { jobs = append(jobs, j); return nil }); err != nil {
			return nil, err
		}
		progress.TotalFiles = len(jobs)
		for _, j := range jobs {
			if fi, err := os.Stat(j.path); err == nil && fi.Mode().IsRegular() {
				progress.TotalBytes += fi.Size()
			}
		}
		walk = jobList(jobs)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		queue = make(chan *hashBatch, workers)
		wg    sync.WaitGroup
		mu    sync.Mutex // guards progress, serialises Progress calls
	)
	for range workers {
		wg.Go(func() {
			buf := make([]byte, readSize)
			for b := range queue {
				for i, j := range b.jobs {
					if ctx.Err() != nil {
						break // drain: the walk stops at its next send
					}
					f, err := hashFile(j.path, buf)
					if err != nil {
						cancel(err)
						break
					}
					f.Path = j.rel
					b.files[i] = f
					if opts.Progress != nil {
						mu.Lock()
						progress.Files++
						progress.Bytes += f.Size
						opts.Progress(progress)
						mu.Unlock()
					}
				}
			}
		})
	}
	// Jobs travel in batches: most files take microseconds to hash, and a
	// channel operation per file would cost as much in scheduling. Each
	// batch has room for its results, so that they need neither a lock
	// nor sorting.
	var (
		batches []*hashBatch
		b       = newHashBatch()
	)
	send := func() error {
		select {
		case queue <- b:
			batches = append(batches, b)
			b = newHashBatch()
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	err := walk(func(j hashJob) error {
		b.jobs = append(b.jobs, j)
		if len(b.jobs) < batchSize {
			return nil
		}
		return send()
	})
	if err == nil && len(b.jobs) > 0 {
		err = send()
	}
	if err != nil {
		cancel(err) // the workers skip what is queued
	}
	close(queue)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	n := 0
	for _, b := range batches {
		n += len(b.jobs)
	}
	all := make([]File, 0, n)
	for _, b := range batches {
		all = append(all, b.files[:len(b.jobs)]...)
	}
	return all, nil
}

// A hashBatch is files handed to a worker at a time, and their results.
type hashBatch struct {
	jobs  []hashJob
	files []File // files[i] is the result of jobs[i]
}

func newHashBatch() *hashBatch {
	return &hashBatch{make([]hashJob, 0, batchSize), make([]File, batchSize)}
}

// batchSize is the number of files handed to a worker at a time.
const batchSize = 16

// readSize is the size of each worker's read buffer. Files up to this size,
// most of a node_modules tree, are read with one system call and hashed
// from memory; larger ones stream through it.
const readSize = 128 << 10

// hashFile hashes one file, which must be regular, in one pass, reading
// through buf.
func hashFile(name string, buf []byte) (File, error) {
	f, size, err := openRegular(name)
	if err != nil {
		return File{}, fmt.Errorf("catalog: %w", err)
	}
	defer f.Close()
	file := File{Size: size}
	if size == 0 {
		return file, nil
	}
	if err := hashContent(&file, f, buf); err != nil {
		return File{}, fmt.Errorf("catalog: %s: %w", name, err)
	}
	return file, nil
}

// hashContent sets the kind and digests of the file of file.Size bytes
// that r reads. The first read, which holds a small file whole, serves
// both the PE check and the hashing.
func hashContent(file *File, r io.ReaderAt, buf []byte) error {
	size := file.Size
	first := buf[:min(int64(len(buf)), size)]
	if n, err := r.ReadAt(first, 0); n < len(first) {
		return shortRead(size, int64(n), err)
	}
	if len(first) >= 2 && first[0] == 'M' && first[1] == 'Z' {
		src := r
		if int64(len(first)) == size {
			src = bytes.NewReader(first)
		}
		sums, err := authenticode.Digest(src, size, crypto.SHA256, crypto.SHA1)
		switch {
		case err == nil:
			file.Kind, file.SHA256, file.SHA1 = KindPE, sums[0], sums[1]
			return nil
		case !errors.Is(err, authenticode.ErrNotPE):
			return err
		}
	}
	// One allocation holds both digests.
	sums := make([]byte, 0, sha256.Size+sha1.Size)
	if int64(len(first)) == size {
		s256, s1 := sha256.Sum256(first), sha1.Sum(first)
		sums = append(append(sums, s256[:]...), s1[:]...)
	} else {
		h256, h1 := sha256.New(), sha1.New()
		for off := int64(0); off < size; {
			chunk := buf[:min(int64(len(buf)), size-off)]
			if off > 0 {
				if n, err := r.ReadAt(chunk, off); n < len(chunk) {
					return shortRead(size, off+int64(n), err)
				}
			}
			h256.Write(chunk)
			h1.Write(chunk)
			off += int64(len(chunk))
		}
		sums = h1.Sum(h256.Sum(sums))
	}
	file.Kind, file.SHA256, file.SHA1 = KindFlat, sums[:sha256.Size:sha256.Size], sums[sha256.Size:]
	return nil
}

// shortRead describes a read that stopped after n of size bytes.
func shortRead(size, n int64, err error) error {
	if err == nil || err == io.EOF {
		return fmt.Errorf("file changed size while being read (%d bytes, then %d)", size, n)
	}
	return err
}
