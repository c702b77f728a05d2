//go:build linux

package nodeguard

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCheckAncestors: the broker's private folder is refused under a
// folder that another user could rename things in.
func TestCheckAncestors(t *testing.T) {
	if err := checkAncestors("/tmp/x"); err != nil {
		t.Errorf("/tmp: %v", err)
	}
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := checkAncestors(filepath.Join(open, "intact-node-1")); err == nil {
		t.Errorf("a world-writable folder without the sticky bit passed")
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink("/tmp", link); err != nil {
		t.Fatal(err)
	}
	if err := checkAncestors(filepath.Join(link, "intact-node-1")); err == nil {
		t.Errorf("a symbolic link passed as a folder")
	}
}
