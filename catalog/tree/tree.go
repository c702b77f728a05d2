// Package tree hashes the files of a directory tree for a catalog, the way
// New-FileCatalog does: PE images (recognised by their content, not their
// name) by their Authenticode digests, every other file by the digests of
// its bytes, each file read once, on every core. catalog.Build writes a
// catalog of the result, and catalog.Compare checks a tree against one.
//
// It is apart from package catalog, which reads and verifies catalogs for
// enforcement and has no need to walk trees.
package tree

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/intactdev/intact/catalog"
)

// Options control Hash and HashFiles. The zero value hashes every
// file on every core.
type Options struct {
	// Include, when not empty, keeps only the files that match one of its
	// patterns; Exclude drops the files (and, in Hash, the directories)
	// that match one of its patterns. Patterns use path.Match syntax, with
	// "**" for any number of folders and {a,b} for alternatives
	// (doublestar): a pattern with a slash matches the whole relative path
	// ("lib/*.js", "**/test/**"), one without matches the base name at
	// any depth ("*.map").
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

// Hash hashes every regular file below root for a catalog, in parallel.
// File paths are relative to root with forward slashes, sorted. A symbolic
// link to a regular file inside root is hashed under the link's path; a
// link that leaves root, a link to a directory, and any file that is not
// regular (FIFO, device, socket) is an error naming it.
//
// Each file is read once, streaming: PE images (recognised by content, not
// name) get their Authenticode SHA-256 and SHA-1 digests, other files the
// digests of their bytes. Empty files get no digests.
//
// On Linux each file is opened relative to the folder the walk listed it
// in, and folders relative to their parents, none through a link: a file
// or folder swapped for a link after the walk saw it is refused or not
// followed (past 256 folders held open at once, or a quarter of the
// descriptor limit, files are opened by path).
// Anywhere, a file swapped for anything but a regular file is refused.
func Hash(ctx context.Context, root string, opts *Options) ([]catalog.File, error) {
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

// checkLink refuses a symbolic link unless it resolves to a regular file
// inside realRoot, and returns that file's information.
func checkLink(realRoot, p string) (fs.FileInfo, error) {
	if err := checkInside(realRoot, p); err != nil {
		return nil, err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("tree: %s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("tree: %s: symbolic link to a non-regular file (%v)", p, fi.Mode().Type())
	}
	return fi, nil
}

// checkInside refuses p when symbolic links in it resolve outside realRoot.
func checkInside(realRoot, p string) error {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		// The error names the component that failed, which for a dangling
		// link is its target: name the file too.
		return fmt.Errorf("tree: %s: %w", p, err)
	}
	rel, err := filepath.Rel(realRoot, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("tree: %s: symbolic link leaves the tree (to %s)", p, target)
	}
	return nil
}

// HashFiles hashes the named files for a catalog, in parallel. Names are
// relative to root (with either separator) and become the File paths,
// cleaned and with forward slashes; the result is sorted. Names that leave
// root (also through symbolic links), name the same file twice, or name
// anything but a regular file (directories, FIFOs and devices included) are
// errors naming the file. Include and Exclude apply as in Hash.
func HashFiles(ctx context.Context, root string, names []string, opts *Options) ([]catalog.File, error) {
	opts, realRoot, err := prepare(root, opts)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var jobs []hashJob
	for _, name := range names {
		rel := path.Clean(filepath.ToSlash(name))
		if rel == "." || !filepath.IsLocal(filepath.FromSlash(rel)) {
			return nil, fmt.Errorf("tree: %s: not a clean relative path below the root", name)
		}
		if seen[rel] {
			return nil, fmt.Errorf("tree: %s: listed twice", rel)
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
func prepare(root string, opts *Options) (*Options, string, error) {
	if opts == nil {
		opts = &Options{}
	}
	for _, p := range slices.Concat(opts.Include, opts.Exclude) {
		if !doublestar.ValidatePattern(p) {
			return nil, "", fmt.Errorf("tree: pattern %q: %w", p, path.ErrBadPattern)
		}
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, "", fmt.Errorf("tree: %w", err)
	}
	if fi, err := os.Stat(realRoot); err != nil {
		return nil, "", fmt.Errorf("tree: %w", err)
	} else if !fi.IsDir() {
		return nil, "", fmt.Errorf("tree: %s is not a directory", root)
	}
	return opts, realRoot, nil
}

// selected applies the include and exclude patterns to a relative path.
func selected(opts *Options, rel string) bool {
	if len(opts.Include) > 0 && !matchAny(opts.Include, rel) {
		return false
	}
	return !matchAny(opts.Exclude, rel)
}

// MatchAny reports whether the relative path rel (forward slashes)
// matches one of patterns, as Options.Include and Options.Exclude match:
// a pattern with a slash matches the whole path, one without the base
// name.
func MatchAny(patterns []string, rel string) bool { return matchAny(patterns, rel) }

func matchAny(patterns []string, rel string) bool {
	for _, p := range patterns {
		subject := rel
		if !strings.Contains(p, "/") {
			subject = path.Base(rel)
		}
		if ok, _ := doublestar.Match(p, subject); ok {
			return true
		}
	}
	return false
}
