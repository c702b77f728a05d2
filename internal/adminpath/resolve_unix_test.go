//go:build unix

package adminpath

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestResolveLinks: resolveLinks finds what filepath.EvalSymlinks finds,
// through relative, absolute and chained links and "..", and reports every
// folder holding a link it followed.
func TestResolveLinks(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"b", "d/e", "etc"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"etc/intact": "../a",                       // relative, up
		"a":          "b/c",                        // relative, down
		"b/c":        filepath.Join(dir, "d/../d"), // absolute, with ".."
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	for path, wantHolders := range map[string][]string{
		"etc/intact/e":    {"etc", ".", "b"},
		"etc/intact/../d": {"etc", ".", "b"},
		"d/e":             nil,
		"a/e/../../b":     {".", "b"},
	} {
		full := dir + "/" + path // not filepath.Join, which would clean ".." away
		got, holders, err := resolveLinks(full)
		want, werr := filepath.EvalSymlinks(full)
		if err != nil || werr != nil || got != want {
			t.Errorf("resolveLinks(%s) = %s, %v; EvalSymlinks = %s, %v", path, got, err, want, werr)
			continue
		}
		var wantAbs []string
		for _, h := range wantHolders {
			wantAbs = append(wantAbs, filepath.Join(dir, h))
		}
		if !slices.Equal(holders, wantAbs) {
			t.Errorf("resolveLinks(%s) holders = %v, want %v", path, holders, wantAbs)
		}
	}

	if err := os.Symlink("loop", filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := resolveLinks(filepath.Join(dir, "loop")); err == nil {
		t.Error("a link to itself resolved")
	}
}
