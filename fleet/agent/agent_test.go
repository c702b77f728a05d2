package agent_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/fleet/agent"
	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/fleet/generation"
	"github.com/intactdev/intact/fleet/tufrepo"
	"github.com/intactdev/intact/internal/testfleet"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"
	"oras.land/oras-go/v2/content"
)

var discardEvents = slog.New(slog.DiscardHandler)

func TestInstallAllowsTheSignedApp(t *testing.T) {
	f := newFixture(t)
	app := testfleet.WriteFile(t, f.path("app/main.js"), appCode)
	other := testfleet.WriteFile(t, f.path("app/other.js"), []byte("console.log('not in any catalog')\n"))
	desc := f.release("1.0.0.1")
	a := f.agent()
	f.mustInstall(a, "1.0.0.1")

	p, err := intact.Load(intact.LoadOptions{SystemDir: f.cfg.SystemDir, Events: discardEvents})
	if err != nil {
		t.Fatal(err)
	}
	if code, err := p.ReadCode(app); err != nil || !bytes.Equal(code, appCode) {
		t.Fatalf("ReadCode of the signed app through the new generation: %q, %v", code, err)
	}
	if _, err := p.ReadCode(other); err == nil {
		t.Fatal("ReadCode allowed a file no catalog lists")
	}

	st := f.status()
	if st.Digest != desc.Digest.String() || st.VersionEx != "1.0.0.1" || st.PolicyID != testfleet.PolicyID ||
		!st.LastRefresh.Equal(f.clock.Now()) || st.Stale(f.clock.Now()) || st.LastError != "" {
		t.Fatalf("status after install: %+v", st)
	}
	if want := f.pub.Expires(); !st.Expires.Equal(want) {
		t.Fatalf("status says metadata expires %v, the timestamp says %v", st.Expires, want)
	}

	// Nothing new: nothing fetched from the registry, nothing switched.
	blobs := f.registry.count("/blobs/") + f.registry.count("/manifests/")
	f.clock.Advance(5 * time.Minute)
	res, err := a.Poll(context.Background())
	if err != nil || res.Switched != nil {
		t.Fatalf("second poll: %+v, %v", res, err)
	}
	if n := f.registry.count("/blobs/") + f.registry.count("/manifests/"); n != blobs {
		t.Fatalf("a poll with nothing new made %d registry requests", n-blobs)
	}
}

func TestUnchangedBlobsAreNotFetchedAgain(t *testing.T) {
	f, a := installedFixture(t)
	// The same catalog bytes with a new policy: only the manifest and the
	// policy are new.
	src := f.path("src/1.0.0.1" + testfleet.PolicyID)
	policy := testfleet.WritePolicy(t, f.path("src/v2/policy.xml"), testfleet.PolicyID, "1.0.0.2", f.pki.Root)
	desc, err := bundle.Push(context.Background(), f.repo, "prod", policy, []string{filepath.Join(src, "app.cat")})
	if err != nil {
		t.Fatal(err)
	}
	f.publish(desc, testfleet.PolicyID, "1.0.0.2")
	before := f.registry.count("GET /v2/fleet/policy/blobs/")
	f.mustInstall(a, "1.0.0.2")
	if n := f.registry.count("GET /v2/fleet/policy/blobs/") - before; n != 1 {
		t.Fatalf("the second bundle took %d blob fetches, want 1 (its policy; the catalog is cached)", n)
	}
	// The cache keeps the installed bundle alone: its manifest, policy and
	// catalog.
	cached, err := os.ReadDir(filepath.Join(f.cfg.StateDir, "blobs", "sha256"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cached) != 3 || !slices.ContainsFunc(cached, func(e os.DirEntry) bool { return e.Name() == desc.Digest.Encoded() }) {
		t.Fatalf("blob cache after the second install: %v, want the second bundle's 3 blobs", cached)
	}
}

func TestRollbackRefused(t *testing.T) {
	f := newFixture(t)
	a := f.agent()
	f.release("1.0.0.1")
	old := f.saveMetadata()
	f.mustInstall(a, "1.0.0.1")
	f.release("1.0.0.2")
	f.mustInstall(a, "1.0.0.2")

	// The old metadata replayed: its versions are below the cached ones.
	f.serve(old)
	f.mustRefuse(a, "must be >=")

	// The cache wiped, a fresh agent from the original root: the old
	// metadata verifies, but its VersionEx is below the floor.
	if err := os.RemoveAll(filepath.Join(f.cfg.StateDir, "tuf")); err != nil {
		t.Fatal(err)
	}
	err := f.mustRefuse(f.agent(), "below the installed floor 1.0.0.2")
	if !errors.Is(err, agent.ErrRefused) {
		t.Fatalf("error %v is not ErrRefused", err)
	}
}

func TestFreezeRefusedAndReportedStale(t *testing.T) {
	f := newFixture(t)
	f.pub.Expiries.Timestamp = time.Hour
	a := f.agent()
	f.release("1.0.0.1")
	f.mustInstall(a, "1.0.0.1")
	frozen := f.saveMetadata()

	// The publisher moves on, but a mirror keeps serving the old
	// metadata; once its timestamp expires it is refused.
	f.release("1.0.0.2")
	f.serve(frozen)
	f.clock.Advance(2 * time.Hour)
	f.mustRefuse(a, "expired")
	st := f.status()
	if !st.Stale(f.clock.Now()) || st.VersionEx != "1.0.0.1" || !strings.Contains(st.LastError, "expired") {
		t.Fatalf("status after a frozen mirror: %+v (stale %v)", st, st.Stale(f.clock.Now()))
	}

	// New metadata signed with an expiry already past is refused too.
	f.serve(f.tufDir)
	f.pub.Now = func() time.Time { return f.clock.Now().Add(-3 * time.Hour) }
	f.release("1.0.0.3")
	f.mustRefuse(a, "expired")

	// The real publisher refreshes the timestamp: the agent catches up.
	f.pub.Now = f.clock.Now
	if err := f.pub.RefreshTimestamp(f.keys.snapshot, f.keys.timestamp); err != nil {
		t.Fatal(err)
	}
	f.mustInstall(a, "1.0.0.3")
	if st := f.status(); st.Stale(f.clock.Now()) {
		t.Fatalf("status after catching up: %+v", st)
	}
}

func TestFollowsRootRotation(t *testing.T) {
	f, a := installedFixture(t)
	// New targets and timestamp keys, in root version 2.
	newTargets := []crypto.Signer{newKey(t), newKey(t)}
	newTimestamp := []crypto.Signer{newKey(t)}
	roles := tufrepo.Roles{
		Root:      tufrepo.RoleKeys{Keys: publics(f.keys.root), Threshold: 1},
		Targets:   tufrepo.RoleKeys{Keys: publics(newTargets), Threshold: 2},
		Snapshot:  tufrepo.RoleKeys{Keys: publics(f.keys.snapshot), Threshold: 1},
		Timestamp: tufrepo.RoleKeys{Keys: publics(newTimestamp), Threshold: 1},
	}
	if err := f.pub.RotateRoot(roles, f.keys.root); err != nil {
		t.Fatal(err)
	}
	// Until metadata is signed with the new keys, the old no longer do.
	f.mustRefuse(a, "timestamp")
	f.keys.targets, f.keys.timestamp = newTargets, newTimestamp
	f.release("1.0.0.2")
	f.mustInstall(a, "1.0.0.2")
	// An agent with no cache, starting from root version 1, follows too.
	f.cfg.StateDir = f.path("agent/state2")
	if res, err := f.agent().Poll(context.Background()); err != nil || res.Target.VersionEx.String() != "1.0.0.2" {
		t.Fatalf("a fresh agent from root 1: %+v, %v", res, err)
	}
}

func TestMixAndMatchRefused(t *testing.T) {
	f, a := installedFixture(t)
	f.release("1.0.0.2")
	// The new snapshot and timestamp, with the old targets in place of the
	// new.
	old, err := os.ReadFile(filepath.Join(f.tufDir, "1.targets.json"))
	if err != nil {
		t.Fatal(err)
	}
	testfleet.WriteFile(t, filepath.Join(f.tufDir, "2.targets.json"), old)
	// Refused by the snapshot's hash, or its length when they differ.
	f.mustRefuse(a, "hash verification failed|2.targets.json: more than|2.targets.json: 1")
}

func TestArbitraryInstallationRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		signers func(f *fixture) []int // indices into f.keys.targets, -1 an attacker's key
		want    string
	}{
		{"an attacker's key", func(*fixture) []int { return []int{-1, -1} }, "Verifying targets failed, not enough signatures, got 0, want 2"},
		{"one of two signatures", func(*fixture) []int { return []int{0} }, "Verifying targets failed, not enough signatures, got 1, want 2"},
		{"one real and one attacker's", func(*fixture) []int { return []int{0, -1} }, "Verifying targets failed, not enough signatures, got 1, want 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			a := f.agent()
			f.release("1.0.0.1")
			f.mustInstall(a, "1.0.0.1")
			evil := f.bundle(testfleet.PolicyID, "1.0.0.9", []byte("evil\n"))

			// targets v2 naming the evil bundle, signed as the case says;
			// snapshot and timestamp re-signed with the online keys.
			targets, err := metadata.Targets().FromFile(filepath.Join(f.tufDir, "1.targets.json"))
			if err != nil {
				t.Fatal(err)
			}
			tf := targets.Signed.Targets[target]
			tf.Hashes = metadata.Hashes{"sha256": mustHex(t, evil.Digest.Encoded())}
			tf.Length = evil.Size
			raw := json.RawMessage(strings.Replace(string(*tf.Custom), "1.0.0.1", "1.0.0.9", 1))
			tf.Custom = &raw
			targets.Signed.Version = 2
			targets.ClearSignatures()
			for _, i := range tc.signers(f) {
				k := newKey(t)
				if i >= 0 {
					k = f.keys.targets[i]
				}
				if _, err := targets.Sign(signerOf(k)); err != nil {
					t.Fatal(err)
				}
			}
			f.writeChain(targets)
			f.mustRefuse(a, tc.want)
		})
	}
}

func TestTamperedBlobRefused(t *testing.T) {
	f, a := installedFixture(t)
	desc := f.release("1.0.0.2", []byte("new code\n"))
	manifest := fetchManifest(t, f, desc)
	catalogLayer := manifest.Layers[1].Digest.String()
	f.registry.answer("/blobs/"+catalogLayer, func(w http.ResponseWriter, r *http.Request) {
		body := bytes.Repeat([]byte{0x30}, int(manifest.Layers[1].Size)) // right size, wrong bytes
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	f.mustRefuse(a, "digest")
	if _, err := os.Stat(filepath.Join(f.cfg.StateDir, "blobs", "sha256", strings.TrimPrefix(catalogLayer, "sha256:"))); err == nil {
		t.Fatal("the tampered blob was cached")
	}
	// The registry mended, the next poll installs.
	f.registry.setIntercept(nil)
	f.mustInstall(a, "1.0.0.2")
}

func TestEndlessDataRefused(t *testing.T) {
	endless := func(w http.ResponseWriter, r *http.Request) {
		buf := bytes.Repeat([]byte(" "), 32<<10)
		for i := 0; i < 1<<15; i++ { // up to 1 GiB, unless the client hangs up
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}
	t.Run("timestamp without length", func(t *testing.T) {
		f := newFixture(t)
		a := f.agent()
		f.release("1.0.0.1")
		f.tuf.answer("/timestamp.json", endless)
		f.mustRefuse(a, "more than the 16384 bytes allowed")
	})
	t.Run("timestamp declaring a huge length", func(t *testing.T) {
		f := newFixture(t)
		a := f.agent()
		f.release("1.0.0.1")
		f.tuf.answer("/timestamp.json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1099511627776")
			w.WriteHeader(http.StatusOK)
		})
		f.mustRefuse(a, "1099511627776 bytes, more than the 16384 allowed")
	})
	t.Run("snapshot longer than the timestamp says", func(t *testing.T) {
		f := newFixture(t)
		a := f.agent()
		f.release("1.0.0.1")
		f.tuf.answer(".snapshot.json", endless)
		f.mustRefuse(a, "bytes allowed")
	})
	t.Run("blob longer than its descriptor", func(t *testing.T) {
		f := newFixture(t)
		a := f.agent()
		desc := f.release("1.0.0.1")
		policyLayer := fetchManifest(t, f, desc).Layers[0].Digest.String()
		f.registry.answer("/blobs/"+policyLayer, endless)
		f.mustRefuse(a, "trailing data")
	})
	t.Run("layer declaring a huge size", func(t *testing.T) {
		f := newFixture(t)
		a := f.agent()
		desc := f.bundle(testfleet.PolicyID, "1.0.0.1", appCode)
		m := fetchManifest(t, f, desc)
		m.Layers[1].Size = 1 << 40
		huge := f.pushManifest(m)
		f.publish(huge, testfleet.PolicyID, "1.0.0.1")
		before := f.registry.count(m.Layers[1].Digest.Encoded())
		f.mustRefuse(a, "size 1099511627776 is not in")
		if n := f.registry.count(m.Layers[1].Digest.Encoded()) - before; n != 0 {
			t.Fatalf("the oversized layer was requested %d times", n)
		}
	})
	t.Run("manifest longer than the target says", func(t *testing.T) {
		f := newFixture(t)
		a := f.agent()
		desc := f.bundle(testfleet.PolicyID, "1.0.0.1", appCode)
		desc.Size -= 10
		f.publish(desc, testfleet.PolicyID, "1.0.0.1")
		f.mustRefuse(a, "mismatch Content-Length")
	})
}

func TestWrongInstallationRefused(t *testing.T) {
	t.Run("tag moved back", func(t *testing.T) {
		f := newFixture(t)
		a := f.agent()
		v1 := f.release("1.0.0.1")
		f.mustInstall(a, "1.0.0.1")
		f.release("1.0.0.2")
		f.mustInstall(a, "1.0.0.2")
		if err := f.repo.Tag(context.Background(), v1, "prod"); err != nil {
			t.Fatal(err)
		}
		res, err := a.Poll(context.Background())
		if err != nil || res.Switched != nil || f.installed() != testfleet.PolicyID+" 1.0.0.2" {
			t.Fatalf("after the tag moved back: %+v, %v, in force %q", res, err, f.installed())
		}
	})
	t.Run("another PolicyID", func(t *testing.T) {
		f, a := installedFixture(t)
		other := f.bundle(testfleet.OtherPolicyID, "9.0.0.0", appCode)
		f.publish(other, testfleet.OtherPolicyID, "9.0.0.0")
		f.mustRefuse(a, "is not one this machine allows")
	})
	t.Run("another PolicyID than the target claims", func(t *testing.T) {
		f, a := installedFixture(t)
		other := f.bundle(testfleet.OtherPolicyID, "9.0.0.0", appCode)
		f.publish(other, testfleet.PolicyID, "1.0.0.2")
		f.mustRefuse(a, "is not one of the accepted policies")
	})
	t.Run("another VersionEx than the target claims", func(t *testing.T) {
		f, a := installedFixture(t)
		v3 := f.bundle(testfleet.PolicyID, "1.0.0.3", appCode)
		f.publish(v3, testfleet.PolicyID, "1.0.0.2")
		blobs := f.registry.count("GET /v2/fleet/policy/blobs/")
		f.mustRefuse(a, "names policy "+testfleet.PolicyID+" version 1.0.0.2, but bundle")
		if n := f.registry.count("GET /v2/fleet/policy/blobs/") - blobs; n != 0 {
			t.Fatalf("%d layers fetched of a bundle whose manifest contradicts its target", n)
		}
	})
	t.Run("an extra layer", func(t *testing.T) {
		f, a := installedFixture(t)
		desc := f.bundle(testfleet.PolicyID, "1.0.0.2", appCode)
		m := fetchManifest(t, f, desc)
		extra := []byte("#!/bin/sh\necho pwned\n")
		layer := content.NewDescriptorFromBytes("application/x-sh", extra)
		layer.Annotations = map[string]string{ocispec.AnnotationTitle: "run.sh"}
		if err := f.repo.Push(context.Background(), layer, bytes.NewReader(extra)); err != nil {
			t.Fatal(err)
		}
		m.Layers = append(m.Layers, layer)
		f.publish(f.pushManifest(m), testfleet.PolicyID, "1.0.0.2")
		f.mustRefuse(a, `"application/x-sh" titled "run.sh"`)
	})
}

func TestSlowRetrievalAbandoned(t *testing.T) {
	for _, tc := range []struct {
		name string
		srv  func(f *fixture) *server
		path string
	}{
		{"metadata", func(f *fixture) *server { return f.tuf }, "/timestamp.json"},
		{"blob", func(f *fixture) *server { return f.registry }, "/blobs/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			a := f.agent()
			f.release("1.0.0.1")
			started := make(chan struct{}, 1)
			tc.srv(f).setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.Contains(r.URL.Path, tc.path) {
					return false
				}
				// A byte, then nothing until the client gives up.
				w.Header().Set("Content-Length", "100")
				w.Write([]byte("{"))
				w.(http.Flusher).Flush()
				started <- struct{}{}
				<-r.Context().Done()
				return true
			})
			done := make(chan error, 1)
			go func() {
				_, err := a.Poll(context.Background())
				done <- err
			}()
			<-started
			f.clock.Advance(time.Duration(f.cfg.Timeout))
			err := <-done
			if err == nil || !strings.Contains(err.Error(), "poll abandoned after 2m0s") {
				t.Fatalf("poll error %v, want it abandoned at the deadline", err)
			}
			if got := f.installed(); got != "" {
				t.Fatalf("policy in force %q after an abandoned poll", got)
			}
		})
	}
}

func TestMirrorsInOrder(t *testing.T) {
	f := newFixture(t)
	f.release("1.0.0.1")
	down := newServer(t, http.NotFoundHandler())
	down.Close()
	f.cfg.Metadata = []string{down.URL + "/", f.tuf.URL + "/"}
	f.cfg.Registries = append([]string{strings.TrimPrefix(down.URL, "http://") + "/fleet/policy"}, f.cfg.Registries...)
	f.mustInstall(f.agent(), "1.0.0.1")
}

// A mirror's definite answer is final: the first mirror's 404 for the
// next root ends the rotation check, whatever a backup mirror would say
// (here 200 with garbage, as a CDN error page or a captive portal does).
// Only a mirror that cannot answer (down, 5xx) hands over to the next.
func TestBackupMirrorCannotOverruleNotFound(t *testing.T) {
	f := newFixture(t)
	f.release("1.0.0.1")
	garbage := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	failing := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	f.cfg.Metadata = []string{failing.URL + "/", f.tuf.URL + "/", garbage.URL + "/"}
	f.mustInstall(f.agent(), "1.0.0.1")
}

func TestRunBacksOffAndHonours429(t *testing.T) {
	f := newFixture(t)
	f.release("1.0.0.1")
	f.tuf.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Retry-After", "900")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	})
	a := f.agent()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan error, 10)
	go a.Run(ctx, func(_ *agent.Result, err error) { results <- err })

	next := func() (error, time.Duration) {
		err := <-results
		for {
			// The first After is the poll's deadline, the next the wait.
			if d := <-f.clock.waits; d != time.Duration(f.cfg.Timeout) {
				return err, d
			}
		}
	}
	err, wait := next()
	var thr *agent.ThrottledError
	if !errors.As(err, &thr) || wait < 900*time.Second {
		t.Fatalf("after a 429 with Retry-After 900: error %v, wait %v", err, wait)
	}
	// Plain failures go on doubling from a tenth of the interval (30s
	// after the first failure, the 429): half of it fixed, half random.
	f.tuf.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	})
	f.clock.Advance(wait)
	_, w2 := next()
	f.clock.Advance(w2)
	_, w3 := next()
	if w2 < 30*time.Second || w2 > 60*time.Second || w3 < 60*time.Second || w3 > 120*time.Second {
		t.Fatalf("back-off waits %v then %v, want 30s..60s then 60s..120s", w2, w3)
	}
	// Success: the interval, jittered.
	f.tuf.setIntercept(nil)
	f.clock.Advance(w3)
	err, w4 := next()
	if err != nil || w4 < 4*time.Minute || w4 > 6*time.Minute {
		t.Fatalf("after a good poll: error %v, wait %v, want 4m..6m", err, w4)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func signerOf(k crypto.Signer) signature.Signer {
	s, err := signature.LoadSigner(k, crypto.SHA256)
	if err != nil {
		panic(err)
	}
	return s
}

// writeChain writes targets as version 2, under a snapshot and timestamp
// version 2 signed with the real online keys: what an attacker who holds
// the snapshot and timestamp keys, but not the targets threshold, can
// serve.
func (f *fixture) writeChain(targets *metadata.Metadata[metadata.TargetsType]) {
	f.t.Helper()
	meta := func(version int64, data []byte) *metadata.MetaFiles {
		sum := sha256.Sum256(data)
		m := metadata.MetaFile(version)
		m.Length, m.Hashes = int64(len(data)), metadata.Hashes{"sha256": sum[:]}
		return m
	}
	targetsData, err := targets.ToBytes(true)
	if err != nil {
		f.t.Fatal(err)
	}
	snap := metadata.Snapshot(f.clock.Now().Add(24 * time.Hour))
	snap.Signed.Version = 2
	snap.Signed.Meta = map[string]*metadata.MetaFiles{"targets.json": meta(2, targetsData)}
	if _, err := snap.Sign(signerOf(f.keys.snapshot[0])); err != nil {
		f.t.Fatal(err)
	}
	snapData, err := snap.ToBytes(true)
	if err != nil {
		f.t.Fatal(err)
	}
	ts := metadata.Timestamp(f.clock.Now().Add(24 * time.Hour))
	ts.Signed.Version = 2
	ts.Signed.Meta = map[string]*metadata.MetaFiles{"snapshot.json": meta(2, snapData)}
	if _, err := ts.Sign(signerOf(f.keys.timestamp[0])); err != nil {
		f.t.Fatal(err)
	}
	tsData, err := ts.ToBytes(true)
	if err != nil {
		f.t.Fatal(err)
	}
	testfleet.WriteFile(f.t, filepath.Join(f.tufDir, "2.targets.json"), targetsData)
	testfleet.WriteFile(f.t, filepath.Join(f.tufDir, "2.snapshot.json"), snapData)
	testfleet.WriteFile(f.t, filepath.Join(f.tufDir, "timestamp.json"), tsData)
}

// fetchManifest reads desc's manifest from the registry.
func fetchManifest(t *testing.T, f *fixture, desc ocispec.Descriptor) ocispec.Manifest {
	t.Helper()
	data, err := content.FetchAll(context.Background(), f.repo, desc)
	if err != nil {
		t.Fatal(err)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// pushManifest pushes m by digest and returns its descriptor.
func (f *fixture) pushManifest(m ocispec.Manifest) ocispec.Descriptor {
	f.t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		f.t.Fatal(err)
	}
	desc := content.NewDescriptorFromBytes(ocispec.MediaTypeImageManifest, data)
	if err := f.repo.Push(context.Background(), desc, bytes.NewReader(data)); err != nil {
		f.t.Fatal(err)
	}
	return desc
}

func TestOneAgentAtATime(t *testing.T) {
	f := newFixture(t)
	f.release("1.0.0.1")
	a := f.agent()
	held, err := generation.Open(generation.Options{SystemDir: f.cfg.SystemDir})
	if err != nil {
		t.Fatal(err)
	}
	f.mustRefuse(a, "another intact agent is working on this system folder")
	held.Close()
	f.mustInstall(a, "1.0.0.1")
}

// TestHandRollbackFollowsTheTarget: after a rollback by hand, the next
// poll installs again what the target names (same VersionEx, so not below
// the floor): the TUF repository is the fleet's authority, and
// doc/fleet.md tells operators to stop the agent or publish instead.
func TestHandRollbackFollowsTheTarget(t *testing.T) {
	f, a := installedFixture(t)
	f.release("1.0.0.2", []byte("v2 code\n"))
	f.mustInstall(a, "1.0.0.2")
	sys := f.cfg.SystemDir
	testfleet.WriteFile(t, filepath.Join(sys, "generation.tmp"), []byte("000000000001\n"))
	if err := os.Rename(filepath.Join(sys, "generation.tmp"), filepath.Join(sys, "generation")); err != nil {
		t.Fatal(err)
	}
	if got, want := f.installed(), testfleet.PolicyID+" 1.0.0.1"; got != want {
		t.Fatalf("in force after the rollback by hand: %q, want %q", got, want)
	}
	f.mustInstall(a, "1.0.0.2")
}

// TestSecondAgentChangesNothing: an agent started while another is
// installing (a timer's beside a service's) neither removes the staged
// generation as unfinished nor changes anything else, and says why.
func TestSecondAgentChangesNothing(t *testing.T) {
	f, a := installedFixture(t)
	f.release("1.0.0.2", []byte("new code\n"))
	block := make(chan struct{})
	var once sync.Once
	f.registry.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
			once.Do(func() { <-block }) // a slow registry: a stays between Stage and Switch
		}
		return false
	})
	done := make(chan error, 1)
	go func() { _, err := a.Poll(context.Background()); done <- err }()
	staged := filepath.Join(f.cfg.SystemDir, "generations", "000000000002")
	for i := 0; ; i++ {
		if _, err := os.Stat(staged); err == nil {
			break
		}
		if i > 2000 {
			close(block)
			t.Fatalf("the first agent never staged: %v", <-done)
		}
		time.Sleep(5 * time.Millisecond)
	}
	status, err := os.ReadFile(filepath.Join(f.cfg.SystemDir, "agent.json"))
	if err != nil {
		t.Fatal(err)
	}
	b := f.agent()
	_, berr := b.Poll(context.Background())
	_, serr := os.Stat(staged)
	after, _ := os.ReadFile(filepath.Join(f.cfg.SystemDir, "agent.json"))
	close(block)
	if err := <-done; err != nil {
		t.Fatalf("the first agent's poll: %v", err)
	}
	if !errors.Is(berr, generation.ErrLocked) {
		t.Errorf("the second agent's poll = %v, want ErrLocked", berr)
	}
	if serr != nil {
		t.Errorf("the second agent removed the generation the first was installing: %v", serr)
	}
	if !bytes.Equal(status, after) {
		t.Errorf("the second agent rewrote the status:\n%s\nto\n%s", status, after)
	}
	if got, want := f.installed(), testfleet.PolicyID+" 1.0.0.2"; got != want {
		t.Errorf("in force: %q, want %q", got, want)
	}
}

func TestSwitchedButFloorNotRaised(t *testing.T) {
	f, a := installedFixture(t)
	f.release("1.0.0.2")
	// floors.json cannot be replaced: its temporary file's name is taken
	// by a folder that is not empty, made once the poll's recovery is done.
	blocker := filepath.Join(f.cfg.SystemDir, "floors.json.tmp")
	a.SetBeforeSwitch(func() { testfleet.WriteFile(t, filepath.Join(blocker, "x"), nil) })
	res, err := a.Poll(context.Background())
	if err == nil || res == nil || res.Switched == nil {
		t.Fatalf("poll: %+v, %v; want a switch reported with the floor's error", res, err)
	}
	// The new generation is in force, not discarded, and the status says so.
	if got, want := f.installed(), testfleet.PolicyID+" 1.0.0.2"; got != want {
		t.Fatalf("in force: %q, want %q", got, want)
	}
	if st := f.status(); st.VersionEx != "1.0.0.2" || st.LastError == "" {
		t.Fatalf("status: %+v", st)
	}
	// The next run raises the floor from the generation in force.
	if err := os.RemoveAll(blocker); err != nil {
		t.Fatal(err)
	}
	if _, err := f.agent().Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(f.cfg.SystemDir, "floors.json"))
	if err != nil || !strings.Contains(string(data), "1.0.0.2") {
		t.Fatalf("floors.json after recovery: %s, %v", data, err)
	}
}

func TestRegistryCredentials(t *testing.T) {
	f := newFixture(t)
	f.release("1.0.0.1")
	// From now on the registry wants a user and password.
	f.registry.setIntercept(func(w http.ResponseWriter, r *http.Request) bool {
		if user, pass, ok := r.BasicAuth(); ok && user == "fleet" && pass == "s3cret" {
			return false
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		w.WriteHeader(http.StatusUnauthorized)
		return true
	})
	f.mustRefuse(f.agent(), "basic credential not found")
	host := strings.TrimPrefix(f.registry.URL, "http://")
	auth := base64.StdEncoding.EncodeToString([]byte("fleet:s3cret"))
	f.cfg.RegistryAuth = testfleet.WriteFile(t, f.path("agent/docker.json"), []byte(`{"auths": {"`+host+`": {"auth": "`+auth+`"}}}`))
	f.mustInstall(f.agent(), "1.0.0.1")
}
