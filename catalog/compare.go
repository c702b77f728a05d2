package catalog

import (
	"bytes"
	"crypto"
	"fmt"
	"slices"
	"strings"
)

// A Report is the result of Compare: relative paths (forward slashes,
// sorted) of the files that differ between a catalog and a tree.
type Report struct {
	// Changed files are in both, with different digests.
	Changed []string
	// Missing files are in the catalog but not in the tree.
	Missing []string
	// Extra files are in the tree but not in the catalog.
	Extra []string
}

// OK reports whether the tree matches the catalog exactly.
func (r *Report) OK() bool {
	return len(r.Changed) == 0 && len(r.Missing) == 0 && len(r.Extra) == 0
}

// Compare does what Test-FileCatalog does: it matches the catalog's members
// to files by their FilePath attributes and compares digests. Paths are
// compared case-insensitively, as PowerShell does (the catalog may say
// legacy\Gherkin.dll for legacy/gherkin.dll), and with either separator.
// Version 2 SHA-1 compatibility members are skipped; catalog-level FilePath
// attributes list empty files. A member without a FilePath attribute makes
// the catalog unusable for this comparison, as it does for Test-FileCatalog.
// The catalog's signature is not checked here; see Verify.
func Compare(c *Catalog, files []File) (*Report, error) {
	type entry struct {
		path   string
		h      crypto.Hash
		digest []byte // nil for an empty file
	}
	want := map[string]entry{}
	add := func(p string, e entry) error {
		e.path = strings.ReplaceAll(p, `\`, "/")
		key := strings.ToLower(e.path)
		if prev, dup := want[key]; dup && !(prev.h == e.h && bytes.Equal(prev.digest, e.digest)) {
			return fmt.Errorf("catalog: compare: %s is listed twice with different digests", e.path)
		}
		want[key] = e
		return nil
	}
	for i := range c.Members {
		m := &c.Members[i]
		if m.Compat {
			continue
		}
		fp, ok := m.Attribute("FilePath")
		if !ok {
			return nil, fmt.Errorf("catalog: compare: member %s has no FilePath attribute", m.TagString())
		}
		if m.DigestAlgorithm != crypto.SHA256 && m.DigestAlgorithm != crypto.SHA1 {
			return nil, fmt.Errorf("catalog: compare: member %s: unsupported digest algorithm", m.TagString())
		}
		if err := add(fp.Text(), entry{h: m.DigestAlgorithm, digest: m.Digest}); err != nil {
			return nil, err
		}
	}
	for _, a := range c.Attributes {
		if strings.EqualFold(a.Name, "FilePath") {
			if err := add(a.Text(), entry{}); err != nil {
				return nil, err
			}
		}
	}
	r := &Report{}
	for _, f := range files {
		key := strings.ToLower(f.Path)
		e, ok := want[key]
		if !ok {
			r.Extra = append(r.Extra, f.Path)
			continue
		}
		delete(want, key)
		var got []byte
		switch {
		case f.Size == 0:
		case e.h == crypto.SHA256:
			got = f.SHA256
		case e.h == crypto.SHA1:
			got = f.SHA1
		}
		if (e.digest == nil) != (f.Size == 0) || !bytes.Equal(got, e.digest) {
			r.Changed = append(r.Changed, f.Path)
		}
	}
	for _, e := range want {
		r.Missing = append(r.Missing, e.path)
	}
	slices.Sort(r.Changed)
	slices.Sort(r.Missing)
	slices.Sort(r.Extra)
	return r, nil
}
