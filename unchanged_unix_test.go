//go:build unix

package intact_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// rewriteHidden is an OS enforcer whose check passes and then rewrites the
// file in place with other bytes of the same length and puts its
// modification time back: only the status-change time says it changed.
type rewriteHidden struct{ evil []byte }

func (rewriteHidden) Name() string { return "rewrite-hidden" }
func (rewriteHidden) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true}
}
func (rewriteHidden) Status() enforcer.Status             { return enforcer.Status{Available: true} }
func (rewriteHidden) CheckContent(enforcer.Content) error { return nil }
func (r rewriteHidden) CheckFile(f *os.File, path string) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, r.evil, 0o644); err != nil {
		return err
	}
	return os.Chtimes(path, fi.ModTime(), fi.ModTime())
}

// TestChangeWithModTimeRestored: on every Unix, a file rewritten with the
// same size while it is checked and read, its modification time put back,
// is refused as changed: the status-change time cannot be put back.
func TestChangeWithModTimeRestored(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.js")
	if err := os.WriteFile(path, []byte("GOOD=1;"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitForNextCtime(t, path)
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{rewriteHidden{[]byte("EVIL=1;")}}})
	data, err := p.ReadCode(path)
	if data != nil || !hasReason(err, enforcer.ReasonChanged) {
		t.Fatalf("ReadCode = %q, %v; want refused as %s", data, err, enforcer.ReasonChanged)
	}
}

// waitForNextCtime returns once a file written now gets a status-change
// time later than path's: file systems keep coarse times (a clock tick on
// Linux, up to seconds elsewhere), and a rewrite within the same one would
// leave it as it was.
func waitForNextCtime(t *testing.T, path string) {
	t.Helper()
	ctime := func(p string) unix.Timespec {
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil {
			t.Fatal(err)
		}
		return st.Ctim
	}
	was := ctime(path)
	probe := path + ".probe"
	defer os.Remove(probe)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if err := os.WriteFile(probe, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if ctime(probe) != was {
			return
		}
	}
	t.Skip("the file system's status-change time did not move in 5 s")
}
