package generation

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/internal/testfleet"
	"github.com/intactdev/intact/internal/testpki"
)

var appCode = []byte("console.log('signed app')\n")

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a system folder must be owned by root; run as root to test it")
	}
}

// fixture is a store over a scratch system folder.
type fixture struct {
	t     *testing.T
	pki   *testfleet.PKI
	dir   string // the system folder
	app   string // a file the trusted catalogs list
	store *Store
	fs    *fakeFS
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	requireRoot(t)
	base := t.TempDir()
	f := &fixture{t: t, pki: testfleet.NewPKI(t), dir: filepath.Join(base, "intact"), fs: &fakeFS{}}
	f.app = testfleet.WriteFile(t, filepath.Join(base, "app.js"), appCode)
	if err := os.Mkdir(f.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f.reopen()
	return f
}

// reopen opens the store again, as the agent's next run does.
func (f *fixture) reopen() {
	f.t.Helper()
	if f.store != nil {
		f.store.Close()
	}
	s, err := open(Options{SystemDir: f.dir, Grace: time.Hour}, f.fs)
	if err != nil {
		f.t.Fatalf("Open: %v", err)
	}
	s.sleep = func(time.Duration) {}
	f.store = s
}

// stage stages a generation of the policy at version, trusting the test
// root, with a catalog listing the app signed under that root if trusted,
// else under the other root.
func (f *fixture) stage(version string, trusted bool) *Staged {
	f.t.Helper()
	signer, root := f.pki.Signer, f.pki.Root
	if !trusted {
		signer, root = f.pki.Other, f.pki.OtherRoot
	}
	return f.stageTrusting(version, f.pki.Root, signer, root)
}

// stageTrusting stages a generation of the policy at version trusting
// policyRoot, with a catalog listing the app signed by signer (under root).
func (f *fixture) stageTrusting(version string, policyRoot, signer, root *testpki.Cert) *Staged {
	f.t.Helper()
	st, err := f.store.Stage()
	if err != nil {
		f.t.Fatal(err)
	}
	testfleet.WritePolicy(f.t, filepath.Join(st.Dir, "policy.xml"), testfleet.PolicyID, version, policyRoot)
	testfleet.WriteCatalog(f.t, filepath.Join(st.Dir, "catalogs", "app.cat"), signer, root, appCode)
	return st
}

func (f *fixture) install(version string) *Switched {
	f.t.Helper()
	sw, err := f.store.Switch(f.stage(version, true))
	if err != nil {
		f.t.Fatalf("Switch: %v", err)
	}
	return sw
}

// allows reports whether intact.Load of the system folder allows the app.
func (f *fixture) allows() bool {
	f.t.Helper()
	p, err := intact.Load(intact.LoadOptions{SystemDir: f.dir})
	if err != nil {
		f.t.Fatalf("Load: %v", err)
	}
	_, err = p.ReadCode(f.app)
	return err == nil
}

func (f *fixture) current() string {
	f.t.Helper()
	name, err := f.store.Current()
	if err != nil {
		f.t.Fatal(err)
	}
	return name
}

// fakeFS is the system-call layer as Windows behaves: folders cannot be
// flushed, and replacing a file fails while another process has it open
// (busy counts the failures left). failReplace makes every replace fail, as
// a process killed before its rename would leave things.
type fakeFS struct {
	busy        int
	failReplace bool
	replaces    int
}

var errSharing = errors.New("fake: the file is open in another process")

func (f *fakeFS) replace(src, dst string) error {
	f.replaces++
	switch {
	case f.failReplace:
		return errors.New("fake: killed before the rename")
	case f.busy > 0:
		f.busy--
		return errSharing
	}
	return os.Rename(src, dst)
}

func (f *fakeFS) transient(err error) bool { return errors.Is(err, errSharing) }
func (f *fakeFS) syncDir(string) error     { return nil }

func TestInstallThenLoad(t *testing.T) {
	f := newFixture(t)
	sw := f.install("1.0.0.1")
	if sw.Name != f.current() || sw.Previous != "" || sw.PolicyID != testfleet.PolicyID || sw.VersionEx.String() != "1.0.0.1" {
		t.Fatalf("Switched = %+v", sw)
	}
	if !f.allows() {
		t.Fatal("intact.Load through the new generation refuses the signed app")
	}
	// The generation's policy is enforced: code its catalog lacks is refused.
	p, err := intact.Load(intact.LoadOptions{SystemDir: f.dir})
	if err != nil {
		t.Fatal(err)
	}
	stranger := testfleet.WriteFile(t, filepath.Join(t.TempDir(), "stranger.js"), []byte("console.log('unsigned')\n"))
	if _, err := p.ReadCode(stranger); err == nil {
		t.Fatal("the new generation allows code no catalog lists")
	}
	if v, ok, err := f.store.Floor(testfleet.PolicyID); err != nil || !ok || v.String() != "1.0.0.1" {
		t.Fatalf("Floor = %v, %v, %v", v, ok, err)
	}
	sw2 := f.install("1.0.0.2")
	if sw2.Previous != sw.Name || f.current() != sw2.Name {
		t.Fatalf("second Switched = %+v", sw2)
	}
}

// TestUntrustedGenerationRefused: a staged generation whose catalog the
// policy does not trust is refused and the installed one stays in force.
func TestUntrustedGenerationRefused(t *testing.T) {
	f := newFixture(t)
	installed := f.install("1.0.0.1").Name
	st := f.stage("1.0.0.2", false)
	if _, err := f.store.Switch(st); err == nil || !strings.Contains(err.Error(), "signer not trusted") {
		t.Fatalf("Switch = %v, want the untrusted catalog refused", err)
	}
	if f.current() != installed || !f.allows() {
		t.Fatal("a refused generation changed what is in force")
	}
}

// TestFloorRefusesRollback: a generation older than the floor of its
// PolicyID is refused, even after the generations were wiped by hand; the
// same version again is accepted.
func TestFloorRefusesRollback(t *testing.T) {
	f := newFixture(t)
	f.install("1.0.0.2")
	installed := f.current()
	st := f.stage("1.0.0.1", true)
	_, err := f.store.Switch(st)
	if !errors.Is(err, ErrBelowFloor) {
		t.Fatalf("Switch of an older version = %v, want ErrBelowFloor", err)
	}
	if f.current() != installed {
		t.Fatal("a refused generation was switched to")
	}
	if err := st.Discard(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(f.dir, "generations")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(f.dir, "generation"))
	f.reopen()
	if _, err := f.store.Switch(f.stage("1.0.0.1", true)); !errors.Is(err, ErrBelowFloor) {
		t.Fatalf("Switch of an older version with the generations wiped = %v, want ErrBelowFloor", err)
	}
	f.install("1.0.0.2")
}

// TestCrashBetweenStageAndSwitch: a generation staged but never switched,
// and a pointer written but never renamed, leave the old generation in
// force; the next run removes them and installs again.
func TestCrashBetweenStageAndSwitch(t *testing.T) {
	f := newFixture(t)
	installed := f.install("1.0.0.1").Name
	staged := f.stage("1.0.0.2", true)

	// Killed inside Switch, before the rename.
	f.fs.failReplace = true
	if _, err := f.store.Switch(staged); err == nil {
		t.Fatal("Switch succeeded with its rename failing")
	}
	f.fs.failReplace = false
	testfleet.WriteFile(t, filepath.Join(f.dir, "generation.tmp"), []byte(staged.Name+"\n"))
	if f.current() != installed || !f.allows() {
		t.Fatal("the interrupted switch changed what is in force")
	}

	f.reopen()
	if _, err := os.Stat(staged.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the unswitched generation is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "generation.tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary pointer is still there: %v", err)
	}
	if f.current() != installed || !f.allows() {
		t.Fatal("recovery changed what is in force")
	}
	if sw := f.install("1.0.0.2"); sw.Previous != installed {
		t.Fatalf("the redone install replaced %q, want %q", sw.Previous, installed)
	}
}

// TestSecondOpenChangesNothing: while one Store holds the system folder,
// a second Open (another agent starting) is refused before its recovery
// touches anything: the first one's staged generation and temporary
// pointer stay where they are.
func TestSecondOpenChangesNothing(t *testing.T) {
	f := newFixture(t)
	installed := f.install("1.0.0.1").Name
	staged := f.stage("1.0.0.2", true)
	tmp := testfleet.WriteFile(t, filepath.Join(f.dir, "generation.tmp"), []byte(staged.Name+"\n"))

	if s, err := Open(Options{SystemDir: f.dir}); !errors.Is(err, ErrLocked) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("a second Open = %v, want ErrLocked", err)
	}
	for _, p := range []string{staged.Dir, tmp} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("the refused Open removed the first Store's work: %v", err)
		}
	}
	os.Remove(tmp)
	if sw, err := f.store.Switch(staged); err != nil || sw.Previous != installed {
		t.Fatalf("the first Store's Switch after the refused Open = %+v, %v", sw, err)
	}

	// Once it is closed, the next Open may go ahead.
	f.store.Close()
	s, err := Open(Options{SystemDir: f.dir})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s.Close()
}

// TestNamesNeverRepeat: once generations that were in force are removed
// (a rollback by hand, then the next Open), the next generation still gets
// a new name: a program that loaded a removed generation must not read
// another generation's catalogs under its own policy.
func TestNamesNeverRepeat(t *testing.T) {
	f := newFixture(t)
	first := f.install("1.0.0.1").Name
	second := f.install("1.0.0.2").Name
	// A program loads the second generation and uses no catalog yet.
	p, err := intact.Load(intact.LoadOptions{SystemDir: f.dir})
	if err != nil {
		t.Fatal(err)
	}
	// Rolled back by hand; the next Open removes the second generation.
	testfleet.WriteFile(t, filepath.Join(f.dir, "generation.tmp"), []byte(first+"\n"))
	if err := os.Rename(filepath.Join(f.dir, "generation.tmp"), filepath.Join(f.dir, "generation")); err != nil {
		t.Fatal(err)
	}
	f.reopen()
	if _, err := os.Stat(filepath.Join(f.dir, "generations", second)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the rolled-back generation is still there: %v", err)
	}
	// The next release's catalog lists a tool the second's did not.
	tool := testfleet.WriteFile(t, filepath.Join(t.TempDir(), "tool.js"), []byte("a tool\n"))
	st, err := f.store.Stage()
	if err != nil {
		t.Fatal(err)
	}
	testfleet.WritePolicy(t, filepath.Join(st.Dir, "policy.xml"), testfleet.PolicyID, "1.0.0.3", f.pki.Root)
	testfleet.WriteCatalog(t, filepath.Join(st.Dir, "catalogs", "app.cat"), f.pki.Signer, f.pki.Root, appCode, []byte("a tool\n"))
	third, err := f.store.Switch(st)
	if err != nil {
		t.Fatal(err)
	}
	if third.Name == second || third.Name == first {
		t.Fatalf("the new generation reuses the name %s", third.Name)
	}
	if _, err := p.ReadCode(tool); err == nil {
		t.Fatal("the program that loaded the removed generation allowed a file only the new generation's catalog lists")
	}
	// Nor does a reopened Store forget the numbers used.
	f.reopen()
	if st, err := f.store.Stage(); err != nil || st.Name <= third.Name {
		t.Fatalf("Stage after reopening = %+v, %v; want a name after %s", st, err, third.Name)
	}
}

// TestFloorRecoveredAfterCrash: a run stopped after the switch and before
// the floor was written leaves a floor the next run raises.
func TestFloorRecoveredAfterCrash(t *testing.T) {
	f := newFixture(t)
	f.install("1.0.0.3")
	if err := os.Remove(filepath.Join(f.dir, FloorsName)); err != nil {
		t.Fatal(err)
	}
	f.reopen()
	if v, ok, err := f.store.Floor(testfleet.PolicyID); err != nil || !ok || v.String() != "1.0.0.3" {
		t.Fatalf("Floor after recovery = %v, %v, %v", v, ok, err)
	}
}

// TestWindowsSharingRetried: with the pointer file held open by a reader
// for a few attempts, as Windows refuses to replace it, Switch retries and
// succeeds; held open for good, it fails and the old generation stays.
func TestWindowsSharingRetried(t *testing.T) {
	f := newFixture(t)
	installed := f.install("1.0.0.1").Name
	staged := f.stage("1.0.0.2", true)
	f.fs.busy = 5
	if _, err := f.store.Switch(staged); err != nil {
		t.Fatalf("Switch with the pointer busy 5 times: %v", err)
	}
	next := f.current()
	if next == installed {
		t.Fatal("not switched")
	}
	staged = f.stage("1.0.0.3", true)
	f.fs.busy = 1 << 30
	if _, err := f.store.Switch(staged); err == nil || !errors.Is(err, errSharing) {
		t.Fatalf("Switch with the pointer busy for good = %v", err)
	}
	if f.current() != next || !f.allows() {
		t.Fatal("a failed switch changed what is in force")
	}
}

// TestPrune: superseded generations are removed once their grace period is
// over, except the one before the generation in force.
func TestPrune(t *testing.T) {
	f := newFixture(t)
	g1 := f.install("1.0.0.1").Name
	g2 := f.install("1.0.0.2").Name
	// A generation staged and discarded leaves a gap in the names: the
	// one kept is still the one before the generation in force.
	discarded := f.stage("1.0.0.3", true)
	staged := f.stage("1.0.0.3", true)
	if err := discarded.Discard(); err != nil {
		t.Fatal(err)
	}
	sw, err := f.store.Switch(staged)
	if err != nil {
		t.Fatal(err)
	}
	g3 := sw.Name
	if removed, err := f.store.Prune(); err != nil || len(removed) != 0 {
		t.Fatalf("Prune within the grace period = %v, %v", removed, err)
	}
	f.store.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	removed, err := f.store.Prune()
	if err != nil || strings.Join(removed, ",") != g1 {
		t.Fatalf("Prune after the grace period = %v, %v; want [%s]", removed, err, g1)
	}
	for name, want := range map[string]bool{g1: false, g2: true, g3: true} {
		if _, err := os.Stat(filepath.Join(f.dir, "generations", name)); (err == nil) != want {
			t.Errorf("generation %s: %v", name, err)
		}
	}
	if !f.allows() {
		t.Fatal("pruning broke the generation in force")
	}
}

// TestStoreRefusesForeignStaged: Switch takes only generations of its own
// folder.
func TestStoreRefusesForeignStaged(t *testing.T) {
	f := newFixture(t)
	other := &Staged{Name: "000000000009", Dir: t.TempDir()}
	if _, err := f.store.Switch(other); err == nil {
		t.Fatal("Switch took a folder outside the store")
	}
	// Nor one that is not after the generation in force.
	installed := f.install("1.0.0.1")
	if _, err := f.store.Switch(&Staged{Name: installed.Name, Dir: filepath.Join(f.dir, "generations", installed.Name)}); err == nil ||
		!strings.Contains(err.Error(), "not after") {
		t.Fatalf("Switch to the generation in force again = %v", err)
	}
}

// TestLoadDuringSwitches: while generations are switched in, alternating
// between a policy trusting the test root with its catalog signed under it
// and a policy trusting the other root with its catalog signed under that
// one, every Load pairs a policy with its own generation's catalogs, so
// the app is always allowed.
func TestLoadDuringSwitches(t *testing.T) {
	f := newFixture(t)
	f.install("1.0.0.0")
	var done atomic.Bool
	var wg sync.WaitGroup
	var loads, mixed atomic.Int32
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() {
			p, err := intact.Load(intact.LoadOptions{SystemDir: f.dir})
			if err != nil {
				t.Errorf("Load: %v", err)
				return
			}
			if _, err := p.ReadCode(f.app); err != nil {
				mixed.Add(1)
			}
			loads.Add(1)
		}
	}()
	const switches = 40
	for i := 1; i <= switches; i++ {
		var st *Staged
		if i%2 == 1 {
			st = f.stageTrusting(fmt.Sprintf("1.0.0.%d", i), f.pki.OtherRoot, f.pki.Other, f.pki.OtherRoot)
		} else {
			st = f.stageTrusting(fmt.Sprintf("1.0.0.%d", i), f.pki.Root, f.pki.Signer, f.pki.Root)
		}
		if _, err := f.store.Switch(st); err != nil {
			t.Fatalf("Switch %d: %v", i, err)
		}
	}
	done.Store(true)
	wg.Wait()
	if n := mixed.Load(); n > 0 {
		t.Fatalf("%d of %d loads during %d switches paired a policy with another generation's catalogs", n, loads.Load(), switches)
	}
	t.Logf("%d loads during %d switches, none mixed", loads.Load(), switches)
}
