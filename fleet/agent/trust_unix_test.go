//go:build unix

package agent_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/intactdev/intact/fleet/agent"
	"github.com/intactdev/intact/internal/testfleet"
)

// nobody is the uid and gid of a user who is not root.
const nobody = 65534

// TestTrustedFilesMustBeRoots: an agent running as root refuses a state
// folder, trusted root, registry credentials, cached TUF root or
// configuration file that anyone but root could change: whoever could
// would choose the trust anchor, or where the root agent writes and
// removes files.
func TestTrustedFilesMustBeRoots(t *testing.T) {
	for name, c := range map[string]struct {
		spoil func(f *fixture) string // returns the path it spoilt
		want  string
	}{
		"state_dir owned by a user": {func(f *fixture) string {
			return chown(t, f.cfg.StateDir)
		}, "state_dir refused"},
		"state_dir writable by all": {func(f *fixture) string {
			return chmod(t, f.cfg.StateDir, 0o777)
		}, "state_dir refused"},
		"cached TUF root writable by its group": {func(f *fixture) string {
			return chmod(t, filepath.Join(f.cfg.StateDir, "tuf", "root.json"), 0o664)
		}, "state_dir refused"},
		"blob cache owned by a user": {func(f *fixture) string {
			return chown(t, filepath.Join(f.cfg.StateDir, "blobs", "sha256"))
		}, "state_dir refused"},
		"trusted_root owned by a user": {func(f *fixture) string {
			return chown(t, f.cfg.TrustedRoot)
		}, "trusted_root refused"},
		"registry_auth writable by all": {func(f *fixture) string {
			f.cfg.RegistryAuth = testfleet.WriteFile(t, f.path("agent/auth.json"), []byte(`{"auths":{}}`))
			return chmod(t, f.cfg.RegistryAuth, 0o666)
		}, "registry_auth refused"},
	} {
		t.Run(name, func(t *testing.T) {
			f, _ := installedFixture(t)
			before := f.installed()
			spoilt := c.spoil(f)
			_, err := agent.New(f.cfg, agent.Options{Clock: f.clock})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), spoilt) {
				t.Fatalf("New = %v, want %q about %s", err, c.want, spoilt)
			}
			if f.installed() != before {
				t.Fatal("the refused agent changed the system folder")
			}
		})
	}

	t.Run("configuration writable by all", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("the check is a root agent's: run as root")
		}
		name := testfleet.WriteFile(t, filepath.Join(t.TempDir(), "agent.json"), []byte(goodConfig))
		chmod(t, name, 0o666)
		if _, err := agent.ReadConfig(name); err == nil || !strings.Contains(err.Error(), "configuration refused") {
			t.Fatalf("ReadConfig of a file anyone can change = %v, want it refused", err)
		}
	})
}

// TestTrustedFilesCheckedEachPoll: a running agent whose state folder
// becomes writable by others refuses its next poll.
func TestTrustedFilesCheckedEachPoll(t *testing.T) {
	f, a := installedFixture(t)
	before := f.installed()
	f.release("1.0.0.2")
	chmod(t, f.cfg.StateDir, 0o777)
	f.mustRefuse(a, "state_dir refused")
	if f.installed() != before {
		t.Fatal("the refused poll changed the policy in force")
	}
}

// TestBlobCacheFollowsNoLink: a link in place of the blob cache's folder
// makes the poll fail; the folder it names keeps its files and gets none.
func TestBlobCacheFollowsNoLink(t *testing.T) {
	f, a := installedFixture(t)
	victim := f.path("victim")
	keep := testfleet.WriteFile(t, filepath.Join(victim, "important.conf"), []byte("keep me\n"))
	blobs := filepath.Join(f.cfg.StateDir, "blobs", "sha256")
	if err := os.RemoveAll(blobs); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, blobs); err != nil {
		t.Fatal(err)
	}
	f.release("1.0.0.2")
	f.mustRefuse(a, "is not a folder")
	entries, err := os.ReadDir(victim)
	if err != nil || len(entries) != 1 {
		t.Fatalf("the folder the link names now holds %v (%v), want only %s", entries, err, keep)
	}
}

// TestBlobCacheFIFO: a named pipe in the blob cache, named after the next
// manifest, is not opened as a blob (which would block the poll for ever,
// the system folder locked): it is replaced by the blob fetched again.
func TestBlobCacheFIFO(t *testing.T) {
	f, a := installedFixture(t)
	desc := f.release("1.0.0.2", []byte("v2 code\n"))
	fifo := filepath.Join(f.cfg.StateDir, "blobs", "sha256", desc.Digest.Encoded())
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	f.mustInstall(a, "1.0.0.2")
	if info, err := os.Lstat(fifo); err != nil || !info.Mode().IsRegular() {
		t.Fatalf("the cached manifest after the poll: %v, %v; want a regular file", info, err)
	}
}

func chown(t *testing.T, path string) string {
	t.Helper()
	if err := os.Chown(path, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	return path
}

func chmod(t *testing.T, path string, mode os.FileMode) string {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}
