//go:build windows

package nodeguard

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

// TestPlaceShimCopy: where the shim cannot be linked into the private
// folder (another volume), its copy is held against writers and still
// starts; the copy used to stay open for writing, and every node child
// failed to start with EBUSY (outside review rt71).
func TestPlaceShimCopy(t *testing.T) {
	// Under Wine, Z:\dev\shm is a tmpfs, another volume than the prefix's
	// C:, which holds the private folder.
	other := `Z:\dev\shm`
	if fi, err := os.Stat(other); err != nil || !fi.IsDir() {
		t.Skip("no second volume to place the shim from (under Wine, Z:\\dev\\shm is one)")
	}
	dir, err := os.MkdirTemp(other, "intact-shim-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	shim := filepath.Join(dir, "intact.exe")
	if err := os.WriteFile(shim, data, 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := newPrivateDir()
	if err != nil {
		t.Fatal(err)
	}
	defer d.remove()
	placed, err := d.placeShim(shim)
	if err != nil {
		t.Fatal(err)
	}
	if src, err := os.Stat(shim); err != nil {
		t.Fatal(err)
	} else if dst, err := os.Stat(placed); err != nil || os.SameFile(src, dst) {
		t.Fatalf("placed %s (%v): want a copy on the private folder's volume", placed, err)
	}
	if f, err := os.OpenFile(placed, os.O_WRONLY, 0); err == nil {
		f.Close()
		t.Errorf("the shim's copy could be opened for writing")
	}
	// Started as node.exe from a folder no broker serves, the shim says
	// so: it ran.
	out, err := exec.Command(placed, "-v").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(string(out), "started by no intact node broker") {
		t.Errorf("the shim's copy: %v\n%s", err, out)
	}
	if errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
		t.Errorf("the shim's copy is held open for writing")
	}
}
