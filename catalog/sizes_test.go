package catalog_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
)

// TestBuildNonASCIIPaths: FilePath values are UTF-16LE with a NUL, for any
// Unicode path, including characters outside the Basic Multilingual Plane.
func TestBuildNonASCIIPaths(t *testing.T) {
	paths := []string{"ascii.js", "héllo/wörld.js", "日本/語.js", "emoji/😀.js"}
	var files []catalog.File
	for i, p := range paths {
		data := []byte{byte(i)}
		s256, s1 := sha256.Sum256(data), sha1.Sum(data)
		files = append(files, catalog.File{Path: p, Size: 1, Kind: catalog.KindFlat, SHA256: s256[:], SHA1: s1[:]})
	}
	der, err := catalog.Build(files, catalog.BuildOptions{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range c.Members {
		if m.Compat {
			continue
		}
		fp, ok := m.Attribute("FilePath")
		if !ok {
			t.Fatalf("member %s has no FilePath", m.TagString())
		}
		got[fp.Text()] = true
	}
	for _, p := range paths {
		if !got[toWindows(p)] {
			t.Errorf("FilePath %q missing; have %v", toWindows(p), got)
		}
	}
}

func toWindows(p string) string { return strings.ReplaceAll(p, "/", `\`) }
