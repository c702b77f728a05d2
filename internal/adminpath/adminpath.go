// Package adminpath checks that only root (Administrators on Windows) can
// change what a path names: the file or folder itself, every folder above
// it, and every link met on the way with the folders holding it. The
// system policy folder (package intact) and the fleet agent's own files
// (fleet/agent) are checked this way before they are trusted.
package adminpath

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Check resolves symbolic links in path and makes sure that only root
// (Administrators on Windows) can change what the resolved path names:
// the file or folder itself and every folder above it pass checkAdminOnly,
// and so does every folder that holds a link met on the way, with the
// folders above it, since whoever can replace a link chooses what it names.
// It returns the resolved path, which stays safe to read for as long as
// root does not change it.
//
// The path is resolved once, one element at a time, and only what that
// walk found is checked and returned: a link switched meanwhile (a new
// generation of the system folder) yields either the old or the new
// target, never a mix.
func Check(path string) (string, error) {
	resolved, holders, err := resolveLinks(path)
	if err != nil {
		return "", err
	}
	if err := checkChain(path, resolved, true); err != nil {
		return "", err
	}
	for _, h := range holders {
		if err := checkChain(path, h, false); err != nil {
			return "", err
		}
	}
	return resolved, nil
}

// checkChain checks dir and every folder above it with checkAdminOnly. last
// says whether dir is what path names.
func checkChain(path, dir string, last bool) error {
	for p := dir; ; p = filepath.Dir(p) {
		if err := checkAdminOnly(p, last && p == dir); err != nil {
			if p != dir || !last {
				err = fmt.Errorf("%s: folder %w", path, err)
			}
			return err
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// MaxLinks bounds the symbolic links followed when resolving a path
// (resolveLinks, and package intact's event log), as the kernel's own
// limit (40) bounds path resolution.
const MaxLinks = 40

// resolveLinks returns the absolute path that path names once every
// symbolic link in it is followed, and the folders that hold those links
// (resolved themselves), in the order met. Like filepath.EvalSymlinks, but
// it reports the folders it went through.
func resolveLinks(path string) (resolved string, holders []string, err error) {
	// Not filepath.Abs, which would clean "link/.." away before the link
	// is followed.
	abs := filepath.FromSlash(path)
	if !filepath.IsAbs(abs) {
		wd, err := os.Getwd()
		if err != nil {
			return "", nil, err
		}
		abs = wd + string(filepath.Separator) + abs
	}
	vol := filepath.VolumeName(abs)
	resolved = vol + string(filepath.Separator)
	rest := abs[len(vol):]
	links := 0
	for rest != "" {
		var elem string
		elem, rest, _ = strings.Cut(strings.TrimLeft(rest, string(filepath.Separator)), string(filepath.Separator))
		switch elem {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, elem)
		info, err := os.Lstat(next)
		if err != nil {
			return "", nil, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if links++; links > MaxLinks {
			return "", nil, fmt.Errorf("%s: too many links", path)
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", nil, err
		}
		target = filepath.FromSlash(target) // Windows accepts both separators
		if err := checkLink(next); err != nil {
			return "", nil, err
		}
		if !slices.Contains(holders, resolved) {
			holders = append(holders, resolved)
		}
		if tvol := filepath.VolumeName(target); filepath.IsAbs(target) || strings.HasPrefix(target, string(filepath.Separator)) {
			// Absolute, or (on Windows) rooted on the current volume.
			if tvol == "" {
				tvol = filepath.VolumeName(resolved)
			}
			resolved = tvol + string(filepath.Separator)
			target = target[len(filepath.VolumeName(target)):]
		}
		rest = target + string(filepath.Separator) + rest
	}
	return resolved, holders, nil
}
