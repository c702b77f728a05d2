package catalog

import (
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
	"sync/atomic"
	"syscall"

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
	var jobs []hashJob
	// Walk the resolved root: WalkDir does not descend into a root that is
	// itself a symbolic link.
	err = filepath.WalkDir(realRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("catalog: %w", err)
		}
		rel, err := filepath.Rel(realRoot, p)
		if err != nil {
			return fmt.Errorf("catalog: %w", err)
		}
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if matchAny(opts.Exclude, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if !selected(opts, rel) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if err := checkLink(realRoot, p); err != nil {
				return err
			}
		} else if !d.Type().IsRegular() {
			return fmt.Errorf("catalog: %s: not a regular file (%v)", p, d.Type())
		}
		jobs = append(jobs, hashJob{path: p, rel: rel})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hashJobs(ctx, jobs, opts)
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
	return hashJobs(ctx, jobs, opts)
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

// hashJobs hashes the files on a pool of workers and returns them sorted
// by path. The first error cancels the rest.
func hashJobs(ctx context.Context, jobs []hashJob, opts *HashOptions) ([]File, error) {
	slices.SortFunc(jobs, func(a, b hashJob) int { return strings.Compare(a.rel, b.rel) })
	total := Progress{TotalFiles: len(jobs)}
	for _, j := range jobs {
		if opts.Progress == nil {
			break // spare a stat per file
		}
		if fi, err := os.Stat(j.path); err == nil && fi.Mode().IsRegular() {
			total.TotalBytes += fi.Size()
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	files := make([]File, len(jobs))
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex // serialises Progress calls
		progress = total
	)
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				f, err := hashFile(jobs[i].path)
				if err != nil {
					cancel(err)
					return
				}
				f.Path = jobs[i].rel
				files[i] = f
				if opts.Progress != nil {
					mu.Lock()
					progress.Files++
					progress.Bytes += f.Size
					opts.Progress(progress)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return files, nil
}

// openFlags opens without blocking: opening a FIFO for reading would
// otherwise wait for a writer.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// hashFile hashes one file, which must be regular, in one streaming pass.
func hashFile(name string) (File, error) {
	f, err := os.OpenFile(name, openFlags, 0)
	if err != nil {
		return File{}, fmt.Errorf("catalog: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return File{}, fmt.Errorf("catalog: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return File{}, fmt.Errorf("catalog: %s: not a regular file (%v)", name, fi.Mode().Type())
	}
	file := File{Size: fi.Size()}
	if file.Size == 0 {
		return file, nil
	}
	sums, err := authenticode.Digest(f, file.Size, crypto.SHA256, crypto.SHA1)
	switch {
	case err == nil:
		file.Kind, file.SHA256, file.SHA1 = KindPE, sums[0], sums[1]
		return file, nil
	case !errors.Is(err, authenticode.ErrNotPE):
		return File{}, fmt.Errorf("catalog: %s: %w", name, err)
	}
	h256, h1 := sha256.New(), sha1.New()
	n, err := io.Copy(io.MultiWriter(h256, h1), io.NewSectionReader(f, 0, file.Size))
	if err == nil && n != file.Size {
		err = fmt.Errorf("file changed size while being read (%d bytes, then %d)", file.Size, n)
	}
	if err != nil {
		return File{}, fmt.Errorf("catalog: %s: %w", name, err)
	}
	file.Kind, file.SHA256, file.SHA1 = KindFlat, h256.Sum(nil), h1.Sum(nil)
	return file, nil
}
