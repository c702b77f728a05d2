package catalog

import (
	"os"
	"path/filepath"
	"strings"
)

// MemberPaths finds a catalog's members by the path of the file each was
// made from (its FilePath attribute). It says what a catalog listed at a
// path when it was made, so that a file refused because its bytes are
// listed nowhere can be explained as changed since signing. It vouches for
// nothing: only digests do.
type MemberPaths struct {
	byRel map[string]*Member // by pathKey of the relative path
	rels  []string           // the relative paths, in catalog order
	root  string             // the recorded root, or ""
}

// MemberPaths indexes c's members by their relative paths. A member with a
// digest is preferred to the version 2 SHA-1 compatibility entry of the
// same path.
func (c *Catalog) MemberPaths() MemberPaths {
	m := MemberPaths{byRel: make(map[string]*Member)}
	if root := c.Root(); filepath.IsAbs(root) {
		m.root = filepath.Clean(root)
	}
	for i := range c.Members {
		mem := &c.Members[i]
		fp, ok := mem.Attribute("FilePath")
		if !ok {
			continue
		}
		rel := filepath.FromSlash(strings.ReplaceAll(fp.Text(), `\`, "/"))
		if !filepath.IsLocal(rel) {
			continue
		}
		key := pathKey(rel)
		if old, dup := m.byRel[key]; !dup || (old.Compat && !mem.Compat) {
			if !dup {
				m.rels = append(m.rels, rel)
			}
			m.byRel[key] = mem
		}
	}
	return m
}

// Exact reports whether the catalog records the root of its tree, so that
// Lookup finds a member only at the very path it was made from. Without a
// root Lookup matches by the member's relative path alone, which a file
// of the same name elsewhere may share: that says a name, not a file.
func (m MemberPaths) Exact() bool { return m.root != "" }

// Lookup returns the member made from the file at path, and its path
// relative to the catalog's tree, or nil. With a recorded root the path
// must be the root joined with the member's relative path. Without one the
// tree could lie anywhere: the member is the one whose relative path ends
// path, with the folder that leaves as the tree's root, when the other
// files the catalog lists there (up to three) exist too.
func (m MemberPaths) Lookup(path string) (*Member, string) {
	abs, err := filepath.Abs(path)
	if err != nil || len(m.byRel) == 0 {
		return nil, ""
	}
	if m.root != "" {
		rel, err := filepath.Rel(m.root, abs)
		if err != nil || !filepath.IsLocal(rel) {
			return nil, ""
		}
		return m.byRel[pathKey(rel)], rel
	}
	volume := filepath.VolumeName(abs)
	names := strings.Split(strings.Trim(abs[len(volume):], string(filepath.Separator)), string(filepath.Separator))
	for i := range names {
		rel := filepath.Join(names[i:]...)
		mem := m.byRel[pathKey(rel)]
		if mem == nil {
			continue
		}
		root := volume + string(filepath.Separator) + filepath.Join(names[:i]...)
		if m.treeAt(root, rel) {
			return mem, rel
		}
	}
	return nil, ""
}

// treeAt reports whether up to three files the catalog lists besides
// except exist below root.
func (m MemberPaths) treeAt(root, except string) bool {
	seen := 0
	for _, rel := range m.rels {
		if seen == 3 {
			break
		}
		if pathKey(rel) == pathKey(except) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(root, rel)); err != nil {
			return false
		}
		seen++
	}
	return true
}
