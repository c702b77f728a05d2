package catalog

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// RootAttribute names the catalog-level attribute in which `intact catalog
// new` records the catalog's root: the absolute path of the folder its
// FilePath attributes are relative to, where the tree is (or will be)
// installed. Windows ignores attributes it does not know; catalogs made by
// other tools have none.
const RootAttribute = "IntactRoot"

// Root returns the catalog's recorded root, or "" when it records none.
func (c *Catalog) Root() string {
	a, ok := c.Attribute(RootAttribute)
	if !ok {
		return ""
	}
	return a.Text()
}

// EmptyFiles are the empty files a catalog vouches for. An empty file has
// nothing to hash, so catalogs record it by its path relative to the tree
// (a catalog-level FilePath attribute), and that path means something only
// below the folder the tree lies in: without it, one empty lib/index.js in
// an application would vouch for an emptied lib/index.js in every package
// of its node_modules. So a catalog vouches for empty files only when it
// records its root (RootAttribute), and only at the whole path the root and
// the relative path make.
type EmptyFiles struct {
	paths map[string]bool // by pathKey
	// root is the recorded root, realRoot its path without symbolic
	// links when EmptyFiles was made ("" when it could not be resolved).
	root, realRoot string
}

// EmptyFiles returns the empty files c vouches for: none when c records no
// root or a root that is not an absolute path here. Relative paths that
// would leave the root ("..", absolute paths) vouch for nothing.
func (c *Catalog) EmptyFiles() EmptyFiles {
	root := c.Root()
	if !filepath.IsAbs(root) {
		return EmptyFiles{}
	}
	e := EmptyFiles{paths: make(map[string]bool), root: filepath.Clean(root)}
	for _, a := range c.Attributes {
		if !strings.EqualFold(a.Name, "FilePath") {
			continue
		}
		// Catalogs write Windows separators; either is accepted, as by
		// Compare.
		rel := filepath.FromSlash(strings.ReplaceAll(a.Text(), `\`, "/"))
		if filepath.IsLocal(rel) {
			e.paths[pathKey(filepath.Join(root, rel))] = true
		}
	}
	if len(e.paths) > 0 {
		e.realRoot, _ = filepath.EvalSymlinks(e.root)
	}
	return e
}

// Vouches reports whether path, made absolute and clean, is the path of an
// empty file the catalog vouches for. Names are compared as the file
// system compares them: without regard to case on Windows, exactly
// elsewhere (a case-insensitive volume on macOS then refuses an empty file
// named with other case, which fails closed). Vouches compares names only:
// VouchesFile also checks the file.
func (e EmptyFiles) Vouches(path string) bool {
	if len(e.paths) == 0 {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	return e.paths[pathKey(abs)]
}

// VouchesFile reports whether the empty file opened by path, whose stat is
// opened, is one the catalog vouches for. Two conditions, because a path
// is cleaned textually while opening it follows symbolic links
// ("lib/link/../empty.js" is judged as lib/empty.js but opens the empty.js
// beside the folder the link leads to):
//
//   - the file at the clean absolute path is the one opened (os.SameFile);
//   - that path is a vouched one (Vouches), or lies below a symbolic link
//     to the root: relative to the highest of its folders whose real path
//     is the root's, it is a recorded relative path. So a tree installed
//     as /srv/releases/7 and run as /srv/current/… still has its empty
//     files, while a link inside the tree does not lend its target's path:
//     lib/auth.js linked to a vouched lib/empty.js, or lib/auth linked to
//     the root, is judged as lib/auth.js or lib/auth/…, as a copy would be.
func (e EmptyFiles) VouchesFile(path string, opened os.FileInfo) bool {
	if opened == nil || len(e.paths) == 0 {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if there, err := os.Stat(abs); err != nil || !os.SameFile(there, opened) {
		return false
	}
	if e.paths[pathKey(abs)] {
		return true
	}
	rel, ok := e.belowRealRoot(abs)
	return ok && e.paths[pathKey(filepath.Join(e.root, rel))]
}

// belowRealRoot returns abs relative to the highest of its folders whose
// real path is the root's, and false when no folder of it is.
func (e EmptyFiles) belowRealRoot(abs string) (string, bool) {
	if e.realRoot == "" {
		return "", false
	}
	volume := filepath.VolumeName(abs)
	names := strings.Split(strings.Trim(abs[len(volume):], string(filepath.Separator)), string(filepath.Separator))
	folder := volume + string(filepath.Separator)
	for i, name := range names[:len(names)-1] {
		folder = filepath.Join(folder, name)
		real, err := filepath.EvalSymlinks(folder)
		if err != nil {
			return "", false
		}
		if pathKey(real) == pathKey(e.realRoot) {
			return filepath.Join(names[i+1:]...), true
		}
	}
	return "", false
}

// pathKey is the form of a clean absolute path in which two names of one
// file are equal.
func pathKey(abs string) string {
	if runtime.GOOS == "windows" {
		return strings.ToUpper(abs)
	}
	return abs
}
