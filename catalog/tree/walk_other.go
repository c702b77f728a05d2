//go:build !linux

package tree

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A dirRef is where a job's file lies; elsewhere than on Linux, files are
// opened by path.
type dirRef struct{}

// open opens the job's file for reading and returns it with its size.
func (j *hashJob) open() (*regularFile, int64, error) { return openRegular(j.path) }

// release lets go of what the job holds when it will not be opened.
func (j *hashJob) release() {}

// walkTree emits the selected files below dir in the order of their
// paths. Dir ends in a separator, and its first rootLen bytes are the
// root's path: the rest of a file's path is its relative path, which on
// Unix, where the separator is a slash, is then a part of the same string.
// Paths are joined by hand: directory entry names hold no separator, and
// filepath.Join and filepath.Rel would clean every path again.
func walkTree(realRoot, dir string, rootLen int, opts *Options, emit func(hashJob) error) error {
	entries, err := readDirInPathOrder(dir)
	if err != nil {
		return fmt.Errorf("tree: %w", err)
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
			if _, err := checkLink(realRoot, p); err != nil {
				return err
			}
		} else if !d.Type().IsRegular() {
			return fmt.Errorf("tree: %s: not a regular file (%v)", p, d.Type())
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
// the order of their relative paths, and Hash need not sort them.
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
