package agent_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/intactdev/intact"
	"github.com/intactdev/intact/fleet/agent"
	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/fleet/tufrepo"
	"github.com/intactdev/intact/internal/testfleet"
	"github.com/intactdev/intact/sipolicy"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry/remote"
)

const target = "fleet/prod/linux"

var appCode = []byte("console.log('signed app')\n")

// fakeClock is the agents' clock in tests: time moves only when the test
// says, and the waits the agent asks for are recorded.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
	waits  chan time.Duration // each After's duration, for Run's tests
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Now().UTC().Truncate(time.Second), waits: make(chan time.Duration, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	select {
	case c.waits <- d:
	default:
	}
	return ch
}

// Advance moves the clock on by d and fires the timers due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			kept = append(kept, t)
		} else {
			t.ch <- c.now
		}
	}
	c.timers = kept
}

// keys are the TUF repository's keys: targets needs two of three.
type keys struct {
	root, targets, snapshot, timestamp []crypto.Signer
}

func newKey(t *testing.T) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func publics(signers []crypto.Signer) []crypto.PublicKey {
	var out []crypto.PublicKey
	for _, s := range signers {
		out = append(out, s.Public())
	}
	return out
}

// interceptor lets a test stand between a client and a server: it returns
// true when it answered the request itself.
type interceptor func(w http.ResponseWriter, r *http.Request) bool

// server is an httptest server whose requests a test can intercept and
// count.
type server struct {
	*httptest.Server
	mu        sync.Mutex
	intercept interceptor
	requests  []string // paths of requests, in order
}

func newServer(t *testing.T, h http.Handler) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.Path)
		icpt := s.intercept
		s.mu.Unlock()
		if icpt != nil && icpt(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) setIntercept(f interceptor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.intercept = f
}

// answer makes h answer the requests whose path ends in suffix.
func (s *server) answer(suffix string, h http.HandlerFunc) {
	s.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, suffix) {
			return false
		}
		h(w, r)
		return true
	})
}

// count returns how many requests' "METHOD path" contain substr.
func (s *server) count(substr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if strings.Contains(r, substr) {
			n++
		}
	}
	return n
}

// fixture is a fleet on loopback: an OCI registry, a TUF repository served
// over HTTP, a PKI and policy sources, and one machine's folders.
type fixture struct {
	t     *testing.T
	dir   string
	pki   *testfleet.PKI
	clock *fakeClock
	keys  keys

	registry *server
	repo     *remote.Repository
	tufDir   string // the repository the publisher writes
	served   atomic.Pointer[string]
	tuf      *server
	pub      *tufrepo.Repository

	cfg *agent.Config
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	if os.Geteuid() != 0 {
		// A system folder must be root's alone: intact.Load refuses any
		// other, and the agent switches only to what it accepts.
		t.Skip("the agent installs system folders, which must be root's: run as root")
	}
	f := &fixture{t: t, dir: t.TempDir(), pki: testfleet.NewPKI(t), clock: newFakeClock()}
	f.registry = newServer(t, registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	repo, err := remote.NewRepository(strings.TrimPrefix(f.registry.URL, "http://") + "/fleet/policy")
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = true
	f.repo = repo

	f.keys = keys{
		root:      []crypto.Signer{newKey(t)},
		targets:   []crypto.Signer{newKey(t), newKey(t), newKey(t)},
		snapshot:  []crypto.Signer{newKey(t)},
		timestamp: []crypto.Signer{newKey(t)},
	}
	f.tufDir = f.path("tuf")
	f.pub, err = tufrepo.Init(f.tufDir, tufrepo.Roles{
		Root:      tufrepo.RoleKeys{Keys: publics(f.keys.root), Threshold: 1},
		Targets:   tufrepo.RoleKeys{Keys: publics(f.keys.targets), Threshold: 2},
		Snapshot:  tufrepo.RoleKeys{Keys: publics(f.keys.snapshot), Threshold: 1},
		Timestamp: tufrepo.RoleKeys{Keys: publics(f.keys.timestamp), Threshold: 1},
	}, f.keys.root)
	if err != nil {
		t.Fatal(err)
	}
	f.pub.Now = f.clock.Now
	f.served.Store(&f.tufDir)
	f.tuf = newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.FileServer(http.Dir(*f.served.Load())).ServeHTTP(w, r)
	}))
	root, err := f.pub.Root()
	if err != nil {
		t.Fatal(err)
	}
	systemDir := f.path("etc-intact")
	if err := os.Mkdir(systemDir, 0o755); err != nil {
		t.Fatal(err)
	}
	f.cfg = &agent.Config{
		Target:           target,
		Metadata:         []string{f.tuf.URL + "/"},
		Registries:       []string{strings.TrimPrefix(f.registry.URL, "http://") + "/fleet/policy"},
		PlainHTTP:        true,
		TrustedRoot:      testfleet.WriteFile(t, f.path("agent/root.json"), root),
		StateDir:         f.path("agent/state"),
		SystemDir:        systemDir,
		AllowedPolicyIDs: []string{testfleet.PolicyID},
		Interval:         agent.Duration(5 * time.Minute),
		Jitter:           agent.Duration(time.Minute),
		Timeout:          agent.Duration(2 * time.Minute),
		MaxBlobSize:      agent.DefaultMaxBlobSize,
	}
	return f
}

// installedFixture returns a fixture whose machine has installed version
// 1.0.0.1 of the test policy, and its agent.
func installedFixture(t *testing.T) (*fixture, *agent.Agent) {
	t.Helper()
	f := newFixture(t)
	a := f.agent()
	f.release("1.0.0.1")
	f.mustInstall(a, "1.0.0.1")
	return f, a
}

func (f *fixture) path(name string) string { return filepath.Join(f.dir, filepath.FromSlash(name)) }

// agent returns a new agent for the fixture's machine.
func (f *fixture) agent() *agent.Agent {
	f.t.Helper()
	a, err := agent.New(f.cfg, agent.Options{Clock: f.clock})
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// bundle pushes a bundle of a policy (id, version) and a catalog of code,
// tagged prod, and returns its manifest descriptor.
func (f *fixture) bundle(id, version string, code ...[]byte) ocispec.Descriptor {
	f.t.Helper()
	src := f.path("src/" + version + id)
	policy := testfleet.WritePolicy(f.t, filepath.Join(src, "policy.xml"), id, version, f.pki.Root)
	cats := []string{
		testfleet.WriteCatalog(f.t, filepath.Join(src, "app.cat"), f.pki.Signer, f.pki.Root, code...),
	}
	desc, err := bundle.Push(context.Background(), f.repo, "prod", policy, cats)
	if err != nil {
		f.t.Fatalf("bundle.Push: %v", err)
	}
	return desc
}

// publish points the target at desc, claiming policy id and version.
func (f *fixture) publish(desc ocispec.Descriptor, id, version string) {
	f.t.Helper()
	v, err := sipolicy.ParseVersion(version)
	if err != nil {
		f.t.Fatal(err)
	}
	t := tufrepo.Target{Digest: desc.Digest.String(), Length: desc.Size, PolicyID: id, VersionEx: v}
	if err := f.pub.SetTarget(target, t, f.keys.targets[:2], f.keys.snapshot, f.keys.timestamp); err != nil {
		f.t.Fatalf("SetTarget: %v", err)
	}
}

// release pushes and publishes a bundle of the test policy at version,
// whose catalog allows appCode and extra.
func (f *fixture) release(version string, extra ...[]byte) ocispec.Descriptor {
	f.t.Helper()
	desc := f.bundle(testfleet.PolicyID, version, append([][]byte{appCode}, extra...)...)
	f.publish(desc, testfleet.PolicyID, version)
	return desc
}

// saveMetadata copies the repository as it is now, to be replayed later.
func (f *fixture) saveMetadata() string {
	f.t.Helper()
	dst := f.path("saved-" + time.Now().Format("150405.000000000"))
	if err := os.CopyFS(dst, os.DirFS(f.tufDir)); err != nil {
		f.t.Fatal(err)
	}
	return dst
}

// serve makes the TUF server serve dir.
func (f *fixture) serve(dir string) { f.served.Store(&dir) }

// installed returns the PolicyID and VersionEx intact.Load sees in the
// system folder, "" when none.
func (f *fixture) installed() string {
	f.t.Helper()
	p, err := intact.Load(intact.LoadOptions{SystemDir: f.cfg.SystemDir, Events: discardEvents})
	if err != nil {
		f.t.Fatalf("intact.Load: %v", err)
	}
	for _, e := range p.Status().Enforcers {
		if e.PolicyID != "" {
			return e.PolicyID + " " + e.PolicyVersion
		}
	}
	return ""
}

// status reads the agent's status.
func (f *fixture) status() *agent.Status {
	f.t.Helper()
	st, err := agent.ReadStatus(f.cfg.SystemDir)
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// mustRefuse polls and requires an error containing want (or one of its
// "|"-separated alternatives), with the policy in force unchanged.
func (f *fixture) mustRefuse(a *agent.Agent, want string) error {
	f.t.Helper()
	before := f.installed()
	res, err := a.Poll(context.Background())
	if err == nil {
		f.t.Fatalf("poll succeeded (%+v), want an error containing %q", res, want)
	}
	if !slices.ContainsFunc(strings.Split(want, "|"), func(w string) bool { return strings.Contains(err.Error(), w) }) {
		f.t.Fatalf("poll error %q, want one containing %q", err, want)
	}
	if after := f.installed(); after != before {
		f.t.Fatalf("a refused poll changed the policy in force from %q to %q", before, after)
	}
	return err
}

// mustInstall polls and requires the switch to version.
func (f *fixture) mustInstall(a *agent.Agent, version string) {
	f.t.Helper()
	res, err := a.Poll(context.Background())
	if err != nil {
		f.t.Fatalf("poll: %v", err)
	}
	if res.Switched == nil || res.Switched.VersionEx.String() != version {
		f.t.Fatalf("poll switched to %+v, want version %s", res.Switched, version)
	}
	if got, want := f.installed(), testfleet.PolicyID+" "+version; got != want {
		f.t.Fatalf("policy in force %q, want %q", got, want)
	}
}
