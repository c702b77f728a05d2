package tufrepo_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/fleet/tufrepo"
	"github.com/intactdev/intact/sipolicy"
	"github.com/theupdateframework/go-tuf/v2/metadata/trustedmetadata"
)

const policyID = "{A244370E-44C9-4C06-B551-F6016E563076}"

func ecKey(t testing.TB) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func edKey(t testing.TB) crypto.Signer {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func publics(signers ...crypto.Signer) []crypto.PublicKey {
	var out []crypto.PublicKey
	for _, s := range signers {
		out = append(out, s.Public())
	}
	return out
}

type keys struct {
	root, targets, snapshot, timestamp []crypto.Signer
}

// newRepo initializes a repository whose root and targets need two
// signatures each, with keys of the three supported types.
func newRepo(t testing.TB) (*tufrepo.Repository, keys, string) {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	k := keys{
		root:      []crypto.Signer{ecKey(t), edKey(t)},
		targets:   []crypto.Signer{ecKey(t), rsaKey},
		snapshot:  []crypto.Signer{edKey(t)},
		timestamp: []crypto.Signer{ecKey(t)},
	}
	dir := t.TempDir()
	r, err := tufrepo.Init(dir, tufrepo.Roles{
		Root:      tufrepo.RoleKeys{Keys: publics(k.root...), Threshold: 2},
		Targets:   tufrepo.RoleKeys{Keys: publics(k.targets...), Threshold: 2},
		Snapshot:  tufrepo.RoleKeys{Keys: publics(k.snapshot...), Threshold: 1},
		Timestamp: tufrepo.RoleKeys{Keys: publics(k.timestamp...), Threshold: 1},
	}, k.root)
	if err != nil {
		t.Fatal(err)
	}
	return r, k, dir
}

func target(t testing.TB, version string) tufrepo.Target {
	t.Helper()
	v, err := sipolicy.ParseVersion(version)
	if err != nil {
		t.Fatal(err)
	}
	return tufrepo.Target{Digest: "sha256:" + strings.Repeat("ab", 32), Length: 512, PolicyID: policyID, VersionEx: v}
}

// verifyChain checks the repository's files as a TUF client does, from the
// trusted root through timestamp, snapshot and targets, and returns the
// targets.
func verifyChain(t *testing.T, dir string) *trustedmetadata.TrustedMetadata {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	tm, err := trustedmetadata.New(read("root.json"))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := tm.UpdateTimestamp(read("timestamp.json"))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := tm.UpdateSnapshot(read(version(ts.Signed.Meta["snapshot.json"].Version)+".snapshot.json"), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.UpdateTargets(read(version(snap.Signed.Meta["targets.json"].Version) + ".targets.json")); err != nil {
		t.Fatal(err)
	}
	return tm
}

func version(v int64) string { return strconv.FormatInt(v, 10) }

func TestSetTargetVerifies(t *testing.T) {
	r, k, dir := newRepo(t)
	want := target(t, "1.0.0.1")
	if err := r.SetTarget("fleet/prod/linux", want, k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	tm := verifyChain(t, dir)
	tf, ok := tm.Targets["targets"].Signed.Targets["fleet/prod/linux"]
	if !ok {
		t.Fatal("no target fleet/prod/linux in the verified targets")
	}
	got, err := tufrepo.TargetOf(tf)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("target read back as %+v, want %+v", got, want)
	}

	// A second publication, read back through Open.
	r2, err := tufrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.SetTarget("fleet/canary/linux", target(t, "1.0.0.2"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	tm = verifyChain(t, dir)
	if n := len(tm.Targets["targets"].Signed.Targets); n != 2 || tm.Targets["targets"].Signed.Version != 2 {
		t.Fatalf("targets version %d with %d targets, want version 2 with 2", tm.Targets["targets"].Signed.Version, n)
	}
}

func TestSetTargetRefusesNonIncreasingVersion(t *testing.T) {
	r, k, dir := newRepo(t)
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.2"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"1.0.0.2", "1.0.0.1"} {
		err := r.SetTarget("fleet/prod/linux", target(t, v), k.targets, k.snapshot, k.timestamp)
		if err == nil || !strings.Contains(err.Error(), "does not increase") {
			t.Errorf("VersionEx %s after 1.0.0.2: err = %v, want a refusal", v, err)
		}
	}
	// Another ring may be behind; another policy starts its own count.
	if err := r.SetTarget("fleet/canary/linux", target(t, "1.0.0.1"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	other := target(t, "0.0.0.1")
	other.PolicyID = "{00000000-0000-0000-0000-000000000001}"
	if err := r.SetTarget("fleet/prod/linux", other, k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	// Going through another policy does not reset the first one's count:
	// the signed targets remember the highest VersionEx of each (read back
	// by Open, as the next publication would).
	r, err := tufrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"1.0.0.2", "1.0.0.1"} {
		err := r.SetTarget("fleet/prod/linux", target(t, v), k.targets, k.snapshot, k.timestamp)
		if err == nil || !strings.Contains(err.Error(), "does not increase over the published 1.0.0.2") {
			t.Errorf("VersionEx %s after 1.0.0.2 and another policy: err = %v, want a refusal", v, err)
		}
	}
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.3"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	if err := r.SetTarget("fleet/prod/linux", other, k.targets, k.snapshot, k.timestamp); err == nil || !strings.Contains(err.Error(), "does not increase over the published 0.0.0.1") {
		t.Errorf("the other policy back at 0.0.0.1: err = %v, want a refusal", err)
	}
}

func TestSetTargetRefusesTooFewOrForeignSigners(t *testing.T) {
	r, k, dir := newRepo(t)
	before, _ := os.ReadDir(dir)
	err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.1"), k.targets[:1], k.snapshot, k.timestamp)
	if err == nil || !strings.Contains(err.Error(), "threshold 2") {
		t.Errorf("one of two targets signatures: err = %v, want a threshold refusal", err)
	}
	err = r.SetTarget("fleet/prod/linux", target(t, "1.0.0.1"), []crypto.Signer{k.targets[0], ecKey(t)}, k.snapshot, k.timestamp)
	if err == nil || !strings.Contains(err.Error(), "not one of the role's keys") {
		t.Errorf("a foreign targets key: err = %v, want a refusal", err)
	}
	err = r.SetTarget("fleet/prod/linux", target(t, "1.0.0.1"), k.targets, k.timestamp, k.timestamp)
	if err == nil || !strings.Contains(err.Error(), "snapshot: key") {
		t.Errorf("the timestamp key signing snapshot: err = %v, want a refusal", err)
	}
	after, _ := os.ReadDir(dir)
	if len(after) != len(before) {
		t.Errorf("refused publications left %d files, had %d", len(after), len(before))
	}
	if _, err := os.Stat(filepath.Join(dir, "timestamp.json")); err == nil {
		t.Error("a refused publication wrote timestamp.json")
	}
}

func TestSetTargetRefusesMalformed(t *testing.T) {
	r, k, _ := newRepo(t)
	for name, mod := range map[string]func(*tufrepo.Target){
		"digest": func(t *tufrepo.Target) { t.Digest = "sha256:AB" },
		"length": func(t *tufrepo.Target) { t.Length = 0 },
		"policy": func(t *tufrepo.Target) { t.PolicyID = "A244370E-44C9-4C06-B551-F6016E563076" },
	} {
		tg := target(t, "1.0.0.1")
		mod(&tg)
		if err := r.SetTarget("fleet/prod/linux", tg, k.targets, k.snapshot, k.timestamp); err == nil {
			t.Errorf("%s: published %+v", name, tg)
		}
	}
	for _, name := range []string{"", "fleet//linux", "../x", "fleet/prod/linux?x", "a/./b"} {
		if err := r.SetTarget(name, target(t, "1.0.0.1"), k.targets, k.snapshot, k.timestamp); err == nil {
			t.Errorf("target name %q accepted", name)
		}
	}
}

func TestRefreshTimestamp(t *testing.T) {
	r, k, dir := newRepo(t)
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Now = func() time.Time { return now }
	if err := r.RefreshTimestamp(nil, k.timestamp); err == nil {
		t.Fatal("refreshed a timestamp before anything was published")
	}
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.1"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	now = now.Add(12 * time.Hour)
	if err := r.RefreshTimestamp(nil, k.timestamp); err != nil {
		t.Fatal(err)
	}
	if want := now.Add(tufrepo.DefaultExpiries.Timestamp); !r.Expires().Equal(want) {
		t.Errorf("timestamp expires %v, want %v", r.Expires(), want)
	}
	if err := r.RefreshTimestamp(k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	r2, err := tufrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Expires().Equal(r.Expires()) {
		t.Errorf("reopened repository's timestamp expires %v, want %v", r2.Expires(), r.Expires())
	}
	if err := r.RefreshTimestamp(nil, k.snapshot); err == nil {
		t.Error("the snapshot key signed a timestamp")
	}

	// Targets renewed: the same targets, a new version and expiry.
	now = now.Add(60 * 24 * time.Hour)
	if err := r.RefreshTargets(k.targets[:1], k.snapshot, k.timestamp); err == nil {
		t.Error("targets renewed with one of two signatures")
	}
	if err := r.RefreshTargets(k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	tm := verifyChain(t, dir)
	tg := tm.Targets["targets"].Signed
	if tg.Version != 2 || !tg.Expires.Equal(now.Add(tufrepo.DefaultExpiries.Targets)) || len(tg.Targets) != 1 {
		t.Fatalf("renewed targets: version %d, expires %v, %d targets", tg.Version, tg.Expires, len(tg.Targets))
	}
}

func TestInitRefuses(t *testing.T) {
	a, b := ecKey(t), ecKey(t)
	one := tufrepo.RoleKeys{Keys: publics(a), Threshold: 1}
	for name, roles := range map[string]tufrepo.Roles{
		"threshold above keys": {Root: tufrepo.RoleKeys{Keys: publics(a), Threshold: 2}, Targets: one, Snapshot: one, Timestamp: one},
		"zero threshold":       {Root: tufrepo.RoleKeys{Keys: publics(a), Threshold: 0}, Targets: one, Snapshot: one, Timestamp: one},
		"same key twice":       {Root: tufrepo.RoleKeys{Keys: publics(a, a), Threshold: 2}, Targets: one, Snapshot: one, Timestamp: one},
	} {
		if _, err := tufrepo.Init(t.TempDir(), roles, []crypto.Signer{a}); err == nil {
			t.Errorf("%s: Init succeeded", name)
		}
	}
	roles := tufrepo.Roles{Root: tufrepo.RoleKeys{Keys: publics(a), Threshold: 1}, Targets: one, Snapshot: one, Timestamp: one}
	if _, err := tufrepo.Init(t.TempDir(), roles, []crypto.Signer{b}); err == nil {
		t.Error("Init signed root with a key root does not name")
	}
	dir := t.TempDir()
	if _, err := tufrepo.Init(dir, roles, []crypto.Signer{a}); err != nil {
		t.Fatal(err)
	}
	if _, err := tufrepo.Init(dir, roles, []crypto.Signer{a}); err == nil {
		t.Error("Init overwrote a repository")
	}
}

func TestRotateRoot(t *testing.T) {
	r, k, dir := newRepo(t)
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.1"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	// Root keys [a b] become [b c]; targets get two new keys.
	a, b, c := k.root[0], k.root[1], ecKey(t)
	newTargets := []crypto.Signer{edKey(t), edKey(t)}
	roles := tufrepo.Roles{
		Root:      tufrepo.RoleKeys{Keys: publics(b, c), Threshold: 2},
		Targets:   tufrepo.RoleKeys{Keys: publics(newTargets...), Threshold: 2},
		Snapshot:  tufrepo.RoleKeys{Keys: publics(k.snapshot...), Threshold: 1},
		Timestamp: tufrepo.RoleKeys{Keys: publics(k.timestamp...), Threshold: 1},
	}
	for name, signers := range map[string][]crypto.Signer{
		"without the old threshold": {b, c},
		"without the new threshold": {a, b},
		"with a stranger":           {a, b, c, ecKey(t)},
	} {
		if err := r.RotateRoot(roles, signers); err == nil {
			t.Errorf("%s: rotated", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "2.root.json")); err == nil {
		t.Fatal("a refused rotation wrote 2.root.json")
	}
	if err := r.RotateRoot(roles, []crypto.Signer{a, b, c}); err != nil {
		t.Fatal(err)
	}
	// The old targets keys no longer sign; the new ones do.
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.2"), k.targets, k.snapshot, k.timestamp); err == nil {
		t.Fatal("the rotated-out targets keys signed")
	}
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.2"), newTargets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	// A client that trusts root 1 follows to root 2 and verifies the rest.
	root1, err := os.ReadFile(filepath.Join(dir, "1.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	tm, err := trustedmetadata.New(root1)
	if err != nil {
		t.Fatal(err)
	}
	root2, err := os.ReadFile(filepath.Join(dir, "2.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.UpdateRoot(root2); err != nil {
		t.Fatalf("root 2 does not verify from root 1: %v", err)
	}
	tm2 := verifyChain(t, dir) // from root.json, now version 2
	if v := tm2.Root.Signed.Version; v != 2 {
		t.Fatalf("root.json is version %d, want 2", v)
	}
}

// editSigned rewrites a metadata file's signed part with edit, leaving its
// signatures as they were: what a writer of the folder without keys can do.
func editSigned(t *testing.T, name string, edit func(signed map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var md map[string]any
	if err := json.Unmarshal(data, &md); err != nil {
		t.Fatal(err)
	}
	edit(md["signed"].(map[string]any))
	if data, err = json.Marshal(md); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Open verifies what it will sign again: a writer of the folder without
// keys cannot get a target, or a root version, past the publisher.
func TestOpenRefusesUnverifiedMetadata(t *testing.T) {
	evil := strings.Repeat("cd", 32)
	for _, tc := range []struct {
		name, file, want string
		edit             func(t *testing.T, dir string)
	}{
		{"targets edited", "2.targets.json", "does not match the length and hash", func(t *testing.T, dir string) {
			editSigned(t, filepath.Join(dir, "2.targets.json"), func(s map[string]any) {
				s["targets"].(map[string]any)["fleet/prod/linux"].(map[string]any)["hashes"] = map[string]any{"sha256": evil}
			})
		}},
		{"targets swapped for an older signed version", "2.targets.json", "does not match the length and hash", func(t *testing.T, dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "1.targets.json"))
			os.WriteFile(filepath.Join(dir, "2.targets.json"), data, 0o644)
		}},
		{"snapshot edited", "2.snapshot.json", "does not match the length and hash", func(t *testing.T, dir string) {
			editSigned(t, filepath.Join(dir, "2.snapshot.json"), func(s map[string]any) { s["expires"] = "2099-01-01T00:00:00Z" })
		}},
		{"timestamp edited", "timestamp.json", "not signed by a threshold of the timestamp keys", func(t *testing.T, dir string) {
			editSigned(t, filepath.Join(dir, "timestamp.json"), func(s map[string]any) { s["expires"] = "2099-01-01T00:00:00Z" })
		}},
		{"root.json version raised", "root.json", "is not 1.root.json", func(t *testing.T, dir string) {
			editSigned(t, filepath.Join(dir, "root.json"), func(s map[string]any) { s["version"] = 41 })
		}},
		{"forged next root", "2.root.json", "not signed by a threshold of root version 1's keys", func(t *testing.T, dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "1.root.json"))
			os.WriteFile(filepath.Join(dir, "2.root.json"), data, 0o644)
			editSigned(t, filepath.Join(dir, "2.root.json"), func(s map[string]any) { s["version"] = 2 })
		}},
		{"1.root.json with a short Ed25519 key", "1.root.json", "an Ed25519 public key of 2 bytes", func(t *testing.T, dir string) {
			editSigned(t, filepath.Join(dir, "1.root.json"), func(s map[string]any) {
				for _, key := range s["keys"].(map[string]any) {
					if key := key.(map[string]any); key["keytype"] == "ed25519" {
						key["keyval"].(map[string]any)["public"] = "abcd"
					}
				}
			})
		}},
		{"1.root.json edited", "1.root.json", "not signed by a threshold of its own root keys", func(t *testing.T, dir string) {
			editSigned(t, filepath.Join(dir, "1.root.json"), func(s map[string]any) { s["expires"] = "2099-01-01T00:00:00Z" })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, k, dir := newRepo(t)
			for _, name := range []string{"fleet/prod/linux", "fleet/canary/linux"} {
				if err := r.SetTarget(name, target(t, "1.0.0.1"), k.targets, k.snapshot, k.timestamp); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := tufrepo.Open(dir); err != nil {
				t.Fatalf("untouched repository: %v", err)
			}
			tc.edit(t, dir)
			_, err := tufrepo.Open(dir)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, tc.file)+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: err = %v, want %s: …%s", err, tc.file, tc.want)
			}
		})
	}
}

// A repository forged whole, its own 1.root.json included, opens only
// without a trusted root; OpenTrusted refuses it, and follows the real
// chain's rotations.
func TestOpenTrusted(t *testing.T) {
	r, k, dir := newRepo(t)
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.1"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	trusted, err := r.Root()
	if err != nil {
		t.Fatal(err)
	}
	_, _, forged := newRepo(t)
	if _, err := tufrepo.Open(forged); err != nil {
		t.Fatal(err)
	}
	if _, err := tufrepo.OpenTrusted(forged, trusted); err == nil || !strings.Contains(err.Error(), "root.json: is not 1.root.json") {
		t.Fatalf("OpenTrusted of a forged repository: err = %v", err)
	}
	if _, err := tufrepo.OpenTrusted(dir, nil); err == nil {
		t.Fatal("OpenTrusted with no root opened")
	}
	// After a rotation the trusted root 1 leads to root 2, whose new
	// targets keys sign again the targets the old ones signed.
	newTargets := []crypto.Signer{edKey(t)}
	roles := tufrepo.Roles{
		Root:      tufrepo.RoleKeys{Keys: publics(k.root...), Threshold: 2},
		Targets:   tufrepo.RoleKeys{Keys: publics(newTargets...), Threshold: 1},
		Snapshot:  tufrepo.RoleKeys{Keys: publics(k.snapshot...), Threshold: 1},
		Timestamp: tufrepo.RoleKeys{Keys: publics(k.timestamp...), Threshold: 1},
	}
	if err := r.RotateRoot(roles, k.root); err != nil {
		t.Fatal(err)
	}
	r2, err := tufrepo.OpenTrusted(dir, trusted)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.RefreshTargets(newTargets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	if v := verifyChain(t, dir).Targets["targets"].Signed.Version; v != 2 {
		t.Fatalf("targets version %d after the refresh, want 2", v)
	}
}

// A folder whose timestamp names older, still validly signed metadata
// (restored from a backup, or re-pointed by a holder of the online keys)
// is refused: the next publication would sign the old targets again.
func TestOpenRefusesRollback(t *testing.T) {
	r, k, dir := newRepo(t)
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.1"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join(dir, "timestamp.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetTarget("fleet/prod/linux", target(t, "1.0.0.2"), k.targets, k.snapshot, k.timestamp); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "timestamp.json"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = tufrepo.Open(dir)
	if want := dir + ": holds 2.snapshot.json, newer than the version 1 in force: the folder was rolled back"; err == nil || err.Error() != want {
		t.Fatalf("Open: err = %v, want %s", err, want)
	}
}
