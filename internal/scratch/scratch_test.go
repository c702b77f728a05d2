package scratch

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRemoveKeepsLinkedFolders: a link inside the scratch folder to a folder
// outside it is removed, and what it points to is left alone.
func TestRemoveKeepsLinkedFolders(t *testing.T) {
	outside := t.TempDir()
	keep := filepath.Join(outside, "keep")
	if err := os.WriteFile(keep, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(sub, "link")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("the linked folder's file is gone: %v", err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("the scratch folder is still there: %v", err)
	}
}
