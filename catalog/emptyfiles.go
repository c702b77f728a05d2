package catalog

import (
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
}

// EmptyFiles returns the empty files c vouches for: none when c records no
// root or a root that is not an absolute path here. Relative paths that
// would leave the root ("..", absolute paths) vouch for nothing.
func (c *Catalog) EmptyFiles() EmptyFiles {
	root := c.Root()
	if !filepath.IsAbs(root) {
		return EmptyFiles{}
	}
	e := EmptyFiles{paths: make(map[string]bool)}
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
	return e
}

// Vouches reports whether path, made absolute and clean, is the path of an
// empty file the catalog vouches for. Names are compared as the file
// system compares them: without regard to case on Windows, exactly
// elsewhere (a case-insensitive volume on macOS then refuses an empty file
// named with other case, which fails closed).
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

// pathKey is the form of a clean absolute path in which two names of one
// file are equal.
func pathKey(abs string) string {
	if runtime.GOOS == "windows" {
		return strings.ToUpper(abs)
	}
	return abs
}
