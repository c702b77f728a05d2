// Package agent keeps a machine's system policy folder at the bundle its
// fleet ring is told to install, never backwards, never loosened by an
// attacker who controls the network, a mirror or the registry.
//
// Each poll runs, within the configured timeout:
//
//  1. a TUF refresh (go-tuf's updater) from the metadata mirrors in turn:
//     the fleet target names a bundle by manifest digest and length, with
//     its PolicyID and VersionEx, all under threshold signatures, fresh
//     (timestamp not expired) and not older than what was seen before;
//  2. early refusals: a PolicyID not on the allow list, a VersionEx below
//     the floor of its PolicyID;
//  3. bundle.Pull of the manifest and layers by digest, from the registries
//     in turn, through a cache that spares blobs fetched before;
//  4. the bundle's own PolicyID and VersionEx must be the target's;
//  5. generation.Store.Switch: bundle.Verify of the staged folder (layout,
//     media types, every catalog trusted, intact.Load accepts it), the
//     floor again, the atomic switch and the raised floor.
//
// When metadata is stale or unreachable the agent changes nothing: the
// policy in force stays in force, and Status says so.
package agent

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/fleet/generation"
	"github.com/intactdev/intact/fleet/tufrepo"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// A Clock tells the agent the time and wakes it: the real one, or a test's.
type Clock interface {
	Now() time.Time
	// After sends the time on the channel once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options are the Agent's dependencies beyond its configuration; the zero
// value is the real world.
type Options struct {
	// Clock judges metadata expiry, poll deadlines and waits. Nil means
	// the system clock.
	Clock Clock
	// HTTPClient reaches the mirrors and registries. Nil means a client
	// with the default transport and no timeout of its own: the poll's
	// deadline bounds every request.
	HTTPClient *http.Client
	// Rand draws the jitter. Nil means a random source.
	Rand *rand.Rand
}

// An Agent installs its fleet target's bundles on one machine. It is not
// safe for concurrent use, and one agent at a time may poll a system
// folder (fleet/generation's Store holds its lock).
type Agent struct {
	cfg    *Config
	clock  Clock
	client *http.Client
	rand   *rand.Rand
	store  *generation.Store // open, and the system folder locked, during a poll
	blobs  *blobCache

	// failures counts the polls that failed in a row, for the back-off.
	failures int
	// beforeSwitch, when set, runs between staging and switching: the
	// tests' way to kill the agent there.
	beforeSwitch func()
}

// New returns an agent for cfg. It changes nothing in the system folder:
// each poll opens its generation store, under the folder's lock, and so
// recovers from a run that stopped between staging and switching.
func New(cfg *Config, opts Options) (*Agent, error) {
	a := &Agent{cfg: cfg, clock: opts.Clock, client: opts.HTTPClient, rand: opts.Rand}
	if a.clock == nil {
		a.clock = realClock{}
	}
	if a.client == nil {
		a.client = &http.Client{}
	}
	if a.rand == nil {
		a.rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, err
	}
	if privileged() {
		if err := checkTrusted(cfg); err != nil {
			return nil, err
		}
	}
	var err error
	if a.blobs, err = newBlobCache(filepath.Join(cfg.StateDir, "blobs"), cfg, a.client); err != nil {
		return nil, err
	}
	return a, nil
}

// Result is what a poll did.
type Result struct {
	Target tufrepo.Target
	// Switched is the generation brought into force; nil when the target's
	// bundle was already installed.
	Switched *generation.Switched
}

// ErrRefused is wrapped by the errors of polls that fetched good metadata
// but refused what it named.
var ErrRefused = errors.New("refused")

// Poll refreshes the metadata and installs the target's bundle if it is
// not installed yet. Whatever happens, the agent's status (ReadStatus of
// the system folder) records it; on any error the policy in force is unchanged.
func (a *Agent) Poll(ctx context.Context) (*Result, error) {
	// Nothing in the system folder is read or changed before the lock is
	// held: another agent may be halfway through an install.
	store, err := generation.Open(generation.Options{SystemDir: a.cfg.SystemDir})
	if err != nil {
		return nil, err
	}
	a.store = store
	defer func() { store.Close(); a.store = nil }()
	ctx, cancel := a.deadline(ctx)
	defer cancel()
	st, err := ReadStatus(a.store.Dir())
	if err != nil {
		return nil, err
	}
	st.Target = a.cfg.Target
	st.LastAttempt = a.clock.Now().UTC()
	res, err := a.poll(ctx, st)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("poll abandoned after %v: %w", time.Duration(a.cfg.Timeout), err)
		}
		st.LastError = err.Error()
	} else {
		st.LastError = ""
	}
	if werr := st.write(a.store.Dir()); werr != nil {
		return res, errors.Join(err, werr)
	}
	return res, err
}

func (a *Agent) poll(ctx context.Context, st *Status) (*Result, error) {
	if privileged() {
		// Again at each poll: a long-running agent outlives New's check.
		if err := checkTrusted(a.cfg); err != nil {
			return nil, err
		}
	}
	r, err := a.refresh(ctx)
	if err != nil {
		return nil, err
	}
	st.LastRefresh, st.Expires = a.clock.Now().UTC(), r.expires.UTC()
	t := r.target
	res := &Result{Target: t}
	current, err := a.store.Current()
	if err != nil {
		return nil, err
	}
	if current != "" && current == st.Generation && t.Digest == st.Digest {
		return res, nil // installed already
	}
	if !slices.Contains(a.cfg.AllowedPolicyIDs, t.PolicyID) {
		return nil, fmt.Errorf("target %s: policy %s is not one this machine allows: %w", a.cfg.Target, t.PolicyID, ErrRefused)
	}
	if floor, ok, err := a.store.Floor(t.PolicyID); err != nil {
		return nil, err
	} else if ok && t.VersionEx < floor {
		return nil, fmt.Errorf("target %s: policy %s version %s is below the installed floor %s: %w", a.cfg.Target, t.PolicyID, t.VersionEx, floor, ErrRefused)
	}

	clear(a.blobs.used) // what this install serves is what the cache keeps
	staged, err := a.store.Stage()
	if err != nil {
		return nil, err
	}
	sw, err := a.install(ctx, t, staged)
	if sw == nil {
		if derr := staged.Discard(); derr != nil {
			err = errors.Join(err, derr)
		}
		return nil, err
	}
	res.Switched = sw
	st.Digest, st.PolicyID, st.VersionEx, st.Generation = t.Digest, sw.PolicyID, sw.VersionEx.String(), sw.Name
	if err != nil {
		// Switched, but the floor was not raised: the next run's
		// generation.Open raises it from the generation in force.
		return res, err
	}
	// Superseded generations past their grace period go, and cached blobs
	// of other bundles than this one; what cannot go yet is tried again
	// after the next install, and is no reason to fail this one.
	a.store.Prune()
	a.blobs.prune()
	return res, nil
}

// install pulls t's bundle into staged, checks it against t and switches to
// it.
func (a *Agent) install(ctx context.Context, t tufrepo.Target, staged *generation.Staged) (*generation.Switched, error) {
	manifest := ocispec.Descriptor{MediaType: ocispec.MediaTypeImageManifest, Digest: digest.Digest(t.Digest), Size: t.Length}
	limits := bundle.DefaultLimits
	limits.Policy = min(limits.Policy, a.cfg.MaxBlobSize)
	limits.Catalog = min(limits.Catalog, a.cfg.MaxBlobSize)
	// The manifest must claim what the target says before any layer is
	// fetched; Pull then checks the policy against the claims.
	accept := func(info *bundle.Info) error {
		if info.PolicyID != t.PolicyID || info.VersionEx != t.VersionEx {
			return fmt.Errorf("target %s names policy %s version %s, but bundle %s holds %s version %s: %w",
				a.cfg.Target, t.PolicyID, t.VersionEx, t.Digest, info.PolicyID, info.VersionEx, ErrRefused)
		}
		return nil
	}
	opts := &bundle.PullOptions{Limits: limits, PolicyIDs: a.cfg.AllowedPolicyIDs, Accept: accept}
	if _, err := bundle.Pull(ctx, a.blobs, manifest, staged.Dir, opts); err != nil {
		return nil, fmt.Errorf("target %s: %w", a.cfg.Target, err)
	}
	if a.beforeSwitch != nil {
		a.beforeSwitch()
	}
	sw, err := a.store.Switch(staged)
	if err != nil {
		// With sw, the generation is in force and only what follows the
		// switch (the floor) failed: the caller must not discard it.
		return sw, fmt.Errorf("target %s: %w", a.cfg.Target, err)
	}
	return sw, nil
}

// deadline returns ctx cancelled after the configured timeout by the
// agent's clock.
func (a *Agent) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	timer := a.clock.After(time.Duration(a.cfg.Timeout))
	go func() {
		select {
		case <-timer:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// Run polls until ctx is done: every Interval, moved by up to Jitter either
// way so that a fleet does not poll in step; after a failure sooner, then
// backing off (doubling from a tenth of the interval, at most the interval;
// at least what a server's 429 asked). A failed poll changes nothing
// installed. report, when not nil, hears each poll's outcome.
func (a *Agent) Run(ctx context.Context, report func(*Result, error)) error {
	for {
		res, err := a.Poll(ctx)
		if report != nil {
			report(res, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-a.clock.After(a.nextDelay(err)):
		}
	}
}

// nextDelay returns how long to wait after a poll that returned err.
func (a *Agent) nextDelay(err error) time.Duration {
	interval, jitter := time.Duration(a.cfg.Interval), time.Duration(a.cfg.Jitter)
	if err == nil {
		a.failures = 0
		return interval - jitter + time.Duration(a.rand.Int64N(int64(2*jitter)+1))
	}
	a.failures++
	d := interval / 10
	for i := 1; i < a.failures && d < interval; i++ {
		d *= 2
	}
	d = min(d, interval)
	// Half fixed, half random: failures across a fleet spread out too.
	d = d/2 + time.Duration(a.rand.Int64N(int64(d/2)+1))
	var thr *ThrottledError
	if errors.As(err, &thr) && thr.RetryAfter > d {
		d = thr.RetryAfter
	}
	return d
}
