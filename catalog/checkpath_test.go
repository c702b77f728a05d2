package catalog

import (
	"path"
	"strings"
	"testing"
)

// FuzzCleanRelative: checkPath's one-pass test accepts exactly the paths
// that path.Clean leaves alone and that are relative, not "." and do not
// climb, without backslashes or NULs.
func FuzzCleanRelative(f *testing.F) {
	for _, p := range []string{"", ".", "..", "a", "a/b", "/a", "a/", "a//b", "./a", "a/.", "a/./b", "../a", "a/..", "a/../b",
		"..a", "a..", ".a/b.", "a\\b", "a\x00b", "node_modules/.bin/tsc", "é/ü.js", "...", "a/.../b"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		want := !(p == "" || p == "." || path.IsAbs(p) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") ||
			strings.ContainsAny(p, "\\\x00"))
		if got := cleanRelative(p); got != want {
			t.Fatalf("cleanRelative(%q) = %v, want %v", p, got, want)
		}
	})
}
