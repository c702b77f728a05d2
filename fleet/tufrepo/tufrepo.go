package tufrepo

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/intactdev/intact/internal/atomicfile"
	"github.com/intactdev/intact/sipolicy"
	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// The top-level role names, as TUF spells them.
const (
	RoleRoot      = metadata.ROOT
	RoleTargets   = metadata.TARGETS
	RoleSnapshot  = metadata.SNAPSHOT
	RoleTimestamp = metadata.TIMESTAMP
)

// ManifestMediaType is the media type of the OCI manifest a target names.
const ManifestMediaType = "application/vnd.oci.image.manifest.v1+json"

// Target is what a fleet target says: which bundle a ring installs, and the
// policy it carries.
type Target struct {
	// Digest is the bundle's OCI manifest digest, "sha256:" and 64 hex
	// digits; Length is the manifest's size in bytes.
	Digest string
	Length int64
	// PolicyID is the bundle policy's {GUID}, in upper case as intact
	// prints it; VersionEx its version.
	PolicyID  string
	VersionEx sipolicy.Version
}

// custom is the JSON a target carries in its "custom" field.
type custom struct {
	Intact struct {
		MediaType string `json:"media_type"`
		PolicyID  string `json:"policy_id"`
		VersionEx string `json:"version_ex"`
		// Highest is the highest VersionEx ever published on the target
		// for each PolicyID but the current one, so that going through
		// another policy cannot take one back.
		Highest map[string]string `json:"highest_version_ex,omitempty"`
	} `json:"intact"`
}

// check reports whether t is well formed.
func (t Target) check() error {
	hexDigest, ok := strings.CutPrefix(t.Digest, "sha256:")
	if b, err := hex.DecodeString(hexDigest); !ok || err != nil || len(b) != sha256.Size || strings.ToLower(hexDigest) != hexDigest {
		return fmt.Errorf("digest %q is not sha256: and 64 lower-case hex digits", t.Digest)
	}
	if t.Length <= 0 {
		return fmt.Errorf("length %d is not positive", t.Length)
	}
	if !isGUID(t.PolicyID) {
		return fmt.Errorf("policy id %q is not an upper-case {GUID}", t.PolicyID)
	}
	return nil
}

// isGUID reports whether s is a {GUID} in upper case, the form sipolicy
// gives PolicyIDs.
func isGUID(s string) bool {
	g, err := sipolicy.ParseGUID(s)
	return err == nil && g == s
}

// targetFile returns t as TUF target file metadata, recording highest,
// the highest VersionEx published on the target for other PolicyIDs.
func (t Target) targetFile(highest map[string]sipolicy.Version) (*metadata.TargetFiles, error) {
	var c custom
	c.Intact.MediaType = ManifestMediaType
	c.Intact.PolicyID = t.PolicyID
	c.Intact.VersionEx = t.VersionEx.String()
	for id, v := range highest {
		if id != t.PolicyID {
			if c.Intact.Highest == nil {
				c.Intact.Highest = map[string]string{}
			}
			c.Intact.Highest[id] = v.String()
		}
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	digest, _ := hex.DecodeString(strings.TrimPrefix(t.Digest, "sha256:"))
	tf := metadata.TargetFile()
	tf.Length = t.Length
	tf.Hashes = metadata.Hashes{"sha256": digest}
	tf.Custom = (*json.RawMessage)(&raw)
	return tf, nil
}

// TargetOf reads the bundle a verified TUF target names: its manifest
// digest and length, and the PolicyID and VersionEx in its custom field.
// Agents call it on what go-tuf's updater returns.
func TargetOf(tf *metadata.TargetFiles) (Target, error) {
	if tf.Custom == nil {
		return Target{}, fmt.Errorf("target %s: no custom field naming a policy", tf.Path)
	}
	var c custom
	if err := json.Unmarshal(*tf.Custom, &c); err != nil {
		return Target{}, fmt.Errorf("target %s: custom field: %w", tf.Path, err)
	}
	if c.Intact.MediaType != ManifestMediaType {
		return Target{}, fmt.Errorf("target %s: media type %q, want %q", tf.Path, c.Intact.MediaType, ManifestMediaType)
	}
	v, err := sipolicy.ParseVersion(c.Intact.VersionEx)
	if err != nil {
		return Target{}, fmt.Errorf("target %s: %w", tf.Path, err)
	}
	t := Target{
		Digest:    "sha256:" + hex.EncodeToString(tf.Hashes["sha256"]),
		Length:    tf.Length,
		PolicyID:  c.Intact.PolicyID,
		VersionEx: v,
	}
	if len(tf.Hashes) != 1 {
		return Target{}, fmt.Errorf("target %s: %d hashes, want sha256 alone", tf.Path, len(tf.Hashes))
	}
	if err := t.check(); err != nil {
		return Target{}, fmt.Errorf("target %s: %w", tf.Path, err)
	}
	return t, nil
}

// RoleKeys are the public keys of one role and how many of them must sign.
type RoleKeys struct {
	Keys      []crypto.PublicKey
	Threshold int
}

// Roles are the keys of the four top-level roles.
type Roles struct {
	Root, Targets, Snapshot, Timestamp RoleKeys
}

// Expiries say how long each role's metadata stays valid once signed. The
// timestamp's is the fleet's freshness: an agent that cannot fetch a newer
// one within it reports its policy stale.
type Expiries struct {
	Root, Targets, Snapshot, Timestamp time.Duration
}

// DefaultExpiries are a year for root, three months for targets, a month
// for snapshot and a day for the timestamp (refresh it daily, or more often).
var DefaultExpiries = Expiries{
	Root:      365 * 24 * time.Hour,
	Targets:   90 * 24 * time.Hour,
	Snapshot:  30 * 24 * time.Hour,
	Timestamp: 24 * time.Hour,
}

// Repository is a fleet's TUF repository in a folder.
type Repository struct {
	dir       string
	root      *metadata.Metadata[metadata.RootType]
	targets   *metadata.Metadata[metadata.TargetsType]
	snapshot  *metadata.Metadata[metadata.SnapshotType]
	timestamp *metadata.Metadata[metadata.TimestampType]

	// Expiries are the validity periods of the metadata the repository
	// signs next; Open sets DefaultExpiries.
	Expiries Expiries
	// Now is the clock the expiries count from; Open sets time.Now.
	Now func() time.Time
}

// Init creates a repository in dir, which must not hold one yet: a root
// naming roles' keys and thresholds, signed by rootSigners (at least the
// root threshold of them). Targets, snapshot and timestamp are written by
// the first SetTarget.
func Init(dir string, roles Roles, rootSigners []crypto.Signer) (*Repository, error) {
	if _, err := os.Stat(filepath.Join(dir, "root.json")); err == nil {
		return nil, fmt.Errorf("%s: already holds a TUF repository (root.json)", dir)
	}
	r := &Repository{dir: dir, Expiries: DefaultExpiries, Now: time.Now}
	root, err := newRoot(roles, r.expires(r.Expiries.Root))
	if err != nil {
		return nil, err
	}
	if err := sign(RoleRoot, root, rootSigners, root); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := r.writeRoot(root); err != nil {
		return nil, err
	}
	return r, nil
}

// RotateRoot replaces the root with one naming roles' keys and thresholds:
// the next version of root.json, signed by rootSigners, which must hold
// the threshold of the current root's keys and that of the new one's (a
// key in both counts for both). Agents follow it on their next refresh.
// Metadata signed by keys the new root no longer names stops verifying:
// publish a target or refresh the timestamp (and snapshot) with the new
// keys right after.
func (r *Repository) RotateRoot(roles Roles, rootSigners []crypto.Signer) error {
	next, err := newRoot(roles, r.expires(r.Expiries.Root))
	if err != nil {
		return err
	}
	next.Signed.Version = r.root.Signed.Version + 1
	if err := sign(RoleRoot, next, rootSigners, r.root, next); err != nil {
		return err
	}
	return r.writeRoot(next)
}

// newRoot returns an unsigned root naming roles' keys and thresholds, with
// consistent snapshots.
func newRoot(roles Roles, expires time.Time) (*metadata.Metadata[metadata.RootType], error) {
	root := metadata.Root(expires)
	root.Signed.ConsistentSnapshot = true
	for name, rk := range map[string]RoleKeys{RoleRoot: roles.Root, RoleTargets: roles.Targets, RoleSnapshot: roles.Snapshot, RoleTimestamp: roles.Timestamp} {
		if rk.Threshold < 1 || rk.Threshold > len(rk.Keys) {
			return nil, fmt.Errorf("%s: threshold %d with %d keys", name, rk.Threshold, len(rk.Keys))
		}
		for _, pub := range rk.Keys {
			key, err := metadata.KeyFromPublicKey(pub)
			if err != nil {
				return nil, fmt.Errorf("%s key: %w", name, err)
			}
			if err := root.Signed.AddKey(key, name); err != nil {
				return nil, fmt.Errorf("%s key: %w", name, err)
			}
		}
		if n := len(root.Signed.Roles[name].KeyIDs); n < rk.Threshold {
			return nil, fmt.Errorf("%s: threshold %d but only %d distinct keys", name, rk.Threshold, n)
		}
		root.Signed.Roles[name].Threshold = rk.Threshold
	}
	return root, nil
}

// Open reads the repository in dir and verifies it as a TUF client
// would, trusting the folder's 1.root.json: each later N.root.json must be
// signed by a threshold of the previous root's keys and of its own, and
// root.json must be the newest of them; the timestamp, the snapshot it
// names and the targets that names must each be signed by a threshold of
// their role's keys, and match the version, length and hash that names
// them. Expiry is not checked: renewing expired metadata is a publisher's
// job. Whoever can replace 1.root.json can forge the whole chain: use
// [OpenTrusted] with a root kept apart from the folder to rule that out.
func Open(dir string) (*Repository, error) { return open(dir, nil) }

// OpenTrusted is [Open] starting the root chain from trustedRoot, a
// root.json the publisher keeps apart from the repository folder, as an
// agent's trusted_root, instead of the folder's 1.root.json.
func OpenTrusted(dir string, trustedRoot []byte) (*Repository, error) {
	if trustedRoot == nil {
		trustedRoot = []byte{}
	}
	return open(dir, trustedRoot)
}

func open(dir string, trustedRoot []byte) (*Repository, error) {
	r := &Repository{dir: dir, Expiries: DefaultExpiries, Now: time.Now}
	roots, err := r.verifyRoots(trustedRoot)
	if err != nil {
		return nil, err
	}
	r.root = roots[len(roots)-1]
	tsName := filepath.Join(dir, "timestamp.json")
	tsData, err := os.ReadFile(tsName)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil // initialized, nothing published yet
	}
	if err != nil {
		return nil, err
	}
	if r.timestamp, err = verified(metadata.Timestamp(), RoleTimestamp, tsName, tsData, roots); err != nil {
		return nil, err
	}
	snapMeta, ok := r.timestamp.Signed.Meta["snapshot.json"]
	if !ok {
		return nil, fmt.Errorf("%s: names no snapshot.json", tsName)
	}
	if r.snapshot, err = verifiedMeta(metadata.Snapshot(), RoleSnapshot, r.path(snapMeta.Version, RoleSnapshot), tsName, snapMeta, roots); err != nil {
		return nil, err
	}
	targetsMeta, ok := r.snapshot.Signed.Meta["targets.json"]
	if !ok {
		return nil, fmt.Errorf("%s: lists no targets.json", r.path(snapMeta.Version, RoleSnapshot))
	}
	if r.targets, err = verifiedMeta(metadata.Targets(), RoleTargets, r.path(targetsMeta.Version, RoleTargets), r.path(snapMeta.Version, RoleSnapshot), targetsMeta, roots); err != nil {
		return nil, err
	}
	// A timestamp naming older, still validly signed metadata (a writer
	// holding the online keys, or a folder restored from a backup) would
	// have the next publication sign old targets again.
	for _, m := range []struct {
		role    string
		inForce int64
	}{{RoleSnapshot, snapMeta.Version}, {RoleTargets, targetsMeta.Version}} {
		if newest := r.newestVersion(m.role); newest > m.inForce {
			return nil, fmt.Errorf("%s: holds %s, newer than the version %d in force: the folder was rolled back", dir, filepath.Base(r.path(newest, m.role)), m.inForce)
		}
	}
	return r, nil
}

// newestVersion returns the highest N of the folder's N.role.json files.
func (r *Repository) newestVersion(role string) int64 {
	names, _ := filepath.Glob(filepath.Join(r.dir, "*."+role+".json"))
	var newest int64
	for _, name := range names {
		n, err := strconv.ParseInt(strings.TrimSuffix(filepath.Base(name), "."+role+".json"), 10, 64)
		if err == nil && n > newest {
			newest = n
		}
	}
	return newest
}

// verifyRoots returns the chain of roots from trustedRoot (from the
// folder's 1.root.json when nil) to the newest N.root.json in the folder,
// each signed by a threshold of the previous one's root keys and of its
// own, and checks that root.json is the newest.
func (r *Repository) verifyRoots(trustedRoot []byte) ([]*metadata.Metadata[metadata.RootType], error) {
	name, data := "trusted root", trustedRoot
	if trustedRoot == nil {
		name = r.path(1, RoleRoot)
		var err error
		if data, err = os.ReadFile(name); err != nil {
			return nil, fmt.Errorf("%s: %w", r.dir, err)
		}
	}
	root, err := metadata.Root().FromBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkKeys(root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if trustedRoot == nil && root.Signed.Version != 1 {
		return nil, fmt.Errorf("%s: holds root version %d", name, root.Signed.Version)
	}
	if err := root.VerifyDelegate(RoleRoot, root); err != nil {
		return nil, fmt.Errorf("%s: not signed by a threshold of its own root keys: %w", name, err)
	}
	roots := []*metadata.Metadata[metadata.RootType]{root}
	for {
		name := r.path(root.Signed.Version+1, RoleRoot)
		data, err := os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			return nil, err
		}
		next, err := metadata.Root().FromBytes(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := checkKeys(next); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if next.Signed.Version != root.Signed.Version+1 {
			return nil, fmt.Errorf("%s: holds root version %d", name, next.Signed.Version)
		}
		if err := root.VerifyDelegate(RoleRoot, next); err != nil {
			return nil, fmt.Errorf("%s: not signed by a threshold of root version %d's keys: %w", name, root.Signed.Version, err)
		}
		if err := next.VerifyDelegate(RoleRoot, next); err != nil {
			return nil, fmt.Errorf("%s: not signed by a threshold of its own root keys: %w", name, err)
		}
		root = next
		roots = append(roots, root)
	}
	name = filepath.Join(r.dir, "root.json")
	cur, err := metadata.Root().FromFile(name)
	if err != nil {
		return nil, err
	}
	want, err := json.Marshal(root.Signed)
	if err != nil {
		return nil, err
	}
	if got, err := json.Marshal(cur.Signed); err != nil || !bytes.Equal(got, want) {
		return nil, fmt.Errorf("%s: is not %d.root.json, the newest root of the verified chain (it says version %d)", name, root.Signed.Version, cur.Signed.Version)
	}
	return roots, nil
}

// checkKeys refuses a root naming a key go-tuf cannot verify with: an
// Ed25519 key of the wrong length makes crypto/ed25519 panic.
func checkKeys(root *metadata.Metadata[metadata.RootType]) error {
	for id, key := range root.Signed.Keys {
		pub, err := key.ToPublicKey()
		if err != nil {
			return fmt.Errorf("key %s: %w", id, err)
		}
		if ed, ok := pub.(ed25519.PublicKey); ok && len(ed) != ed25519.PublicKeySize {
			return fmt.Errorf("key %s: an Ed25519 public key of %d bytes", id, len(ed))
		}
	}
	return nil
}

// verifiedMeta reads the metadata file name, which the already verified
// file by names with meta, and returns it verified as role's.
func verifiedMeta[T metadata.Roles](md *metadata.Metadata[T], role, name, by string, meta *metadata.MetaFiles, roots []*metadata.Metadata[metadata.RootType]) (*metadata.Metadata[T], error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if meta.Length != 0 || len(meta.Hashes) != 0 {
		if err := meta.VerifyLengthHashes(data); err != nil {
			return nil, fmt.Errorf("%s: does not match the length and hash %s gives: %w", name, by, err)
		}
	}
	md, err = verified(md, role, name, data, roots)
	if err != nil {
		return nil, err
	}
	var version int64
	switch s := any(&md.Signed).(type) {
	case *metadata.SnapshotType:
		version = s.Version
	case *metadata.TargetsType:
		version = s.Version
	}
	if version != meta.Version {
		return nil, fmt.Errorf("%s: holds version %d, %s names version %d", name, version, by, meta.Version)
	}
	return md, nil
}

// verified parses data, the metadata file name, and checks that a
// threshold of role's keys signed it, in the newest root or, for metadata
// signed before a key rotation and not yet signed again, in an earlier
// root of the verified chain.
func verified[T metadata.Roles](md *metadata.Metadata[T], role, name string, data []byte, roots []*metadata.Metadata[metadata.RootType]) (*metadata.Metadata[T], error) {
	md, err := md.FromBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	newest := roots[len(roots)-1]
	verr := newest.VerifyDelegate(role, md)
	if verr == nil {
		return md, nil
	}
	for _, root := range slices.Backward(roots[:len(roots)-1]) {
		if root.VerifyDelegate(role, md) == nil {
			return md, nil
		}
	}
	return nil, fmt.Errorf("%s: not signed by a threshold of the %s keys of root version %d or an earlier one: %w", name, role, newest.Signed.Version, verr)
}

// Root returns the repository's current root.json, the trusted root an
// agent starts from.
func (r *Repository) Root() ([]byte, error) { return r.root.ToBytes(true) }

// Targets returns the targets in force by name.
func (r *Repository) Targets() (map[string]Target, error) {
	out := map[string]Target{}
	if r.targets == nil {
		return out, nil
	}
	for name, tf := range r.targets.Signed.Targets {
		tf.Path = name
		t, err := TargetOf(tf)
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

// Expires returns when the timestamp in force expires; the zero time when
// nothing is published yet.
func (r *Repository) Expires() time.Time {
	if r.timestamp == nil {
		return time.Time{}
	}
	return r.timestamp.Signed.Expires
}

// SetTarget publishes t as the target name: a new targets.json signed by
// targetsSigners, then a new snapshot and timestamp. It refuses a VersionEx
// not above the highest name ever had for the same PolicyID, even with
// other policies in between, and signers too few to meet a role's
// threshold.
func (r *Repository) SetTarget(name string, t Target, targetsSigners, snapshotSigners, timestampSigners []crypto.Signer) error {
	if err := checkTargetName(name); err != nil {
		return err
	}
	if err := t.check(); err != nil {
		return fmt.Errorf("target %s: %w", name, err)
	}
	targets := metadata.Targets(r.expires(r.Expiries.Targets))
	var highest map[string]sipolicy.Version
	if r.targets != nil {
		if old, ok := r.targets.Signed.Targets[name]; ok {
			old.Path = name
			var err error
			if highest, err = highestVersions(old); err != nil {
				return err
			}
			if prev, ok := highest[t.PolicyID]; ok && t.VersionEx <= prev {
				return fmt.Errorf("target %s: VersionEx %s does not increase over the published %s for policy %s", name, t.VersionEx, prev, t.PolicyID)
			}
		}
		targets.Signed.Targets = maps.Clone(r.targets.Signed.Targets) // a refused publication changes nothing
		targets.Signed.Version = r.targets.Signed.Version + 1
	}
	tf, err := t.targetFile(highest)
	if err != nil {
		return err
	}
	tf.Path = name
	targets.Signed.Targets[name] = tf
	return r.publishTargets(targets, targetsSigners, snapshotSigners, timestampSigners)
}

// highestVersions returns the highest VersionEx ever published on the
// target tf for each PolicyID: its own, and those its custom field records.
func highestVersions(tf *metadata.TargetFiles) (map[string]sipolicy.Version, error) {
	cur, err := TargetOf(tf)
	if err != nil {
		return nil, err
	}
	var c custom
	if err := json.Unmarshal(*tf.Custom, &c); err != nil {
		return nil, fmt.Errorf("target %s: custom field: %w", tf.Path, err)
	}
	highest := map[string]sipolicy.Version{}
	for id, s := range c.Intact.Highest {
		v, err := sipolicy.ParseVersion(s)
		if err != nil || !isGUID(id) {
			return nil, fmt.Errorf("target %s: highest VersionEx %q for policy %q: malformed", tf.Path, s, id)
		}
		highest[id] = v
	}
	highest[cur.PolicyID] = max(highest[cur.PolicyID], cur.VersionEx)
	return highest, nil
}

// RefreshTargets signs the targets in force again, as a new version with
// a new expiry, then a new snapshot and timestamp: for a fleet that has
// published nothing new for a while, before its targets expire.
func (r *Repository) RefreshTargets(targetsSigners, snapshotSigners, timestampSigners []crypto.Signer) error {
	if r.targets == nil {
		return fmt.Errorf("%s: nothing published yet: set a target first", r.dir)
	}
	targets := metadata.Targets(r.expires(r.Expiries.Targets))
	targets.Signed.Targets = maps.Clone(r.targets.Signed.Targets)
	targets.Signed.Version = r.targets.Signed.Version + 1
	return r.publishTargets(targets, targetsSigners, snapshotSigners, timestampSigners)
}

// publishTargets signs targets, a new snapshot naming it and a new
// timestamp, then writes them.
func (r *Repository) publishTargets(targets *metadata.Metadata[metadata.TargetsType], targetsSigners, snapshotSigners, timestampSigners []crypto.Signer) error {
	if err := sign(RoleTargets, targets, targetsSigners, r.root); err != nil {
		return err
	}
	targetsData, err := targets.ToBytes(true)
	if err != nil {
		return err
	}
	snap, snapData, err := r.newSnapshot(metaFile(targets.Signed.Version, targetsData), snapshotSigners)
	if err != nil {
		return err
	}
	ts, tsData, err := r.newTimestamp(metaFile(snap.Signed.Version, snapData), timestampSigners)
	if err != nil {
		return err
	}
	// Every signature is made: write targets, then snapshot, then the
	// timestamp, so that a mirror never serves a timestamp whose snapshot
	// or targets are missing.
	if err := writeFile(r.path(targets.Signed.Version, RoleTargets), targetsData); err != nil {
		return err
	}
	if err := writeFile(r.path(snap.Signed.Version, RoleSnapshot), snapData); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(r.dir, "timestamp.json"), tsData); err != nil {
		return err
	}
	r.targets, r.snapshot, r.timestamp = targets, snap, ts
	return nil
}

// RefreshTimestamp signs a new timestamp for the snapshot in force, with a
// new expiry: the job a publisher runs more often than the timestamp
// expires. With snapshotSigners it signs a new snapshot first, for when the
// snapshot's own expiry nears.
func (r *Repository) RefreshTimestamp(snapshotSigners, timestampSigners []crypto.Signer) error {
	if r.snapshot == nil {
		return fmt.Errorf("%s: nothing published yet: set a target first", r.dir)
	}
	snap := r.snapshot
	snapData, err := os.ReadFile(r.path(snap.Signed.Version, RoleSnapshot))
	if err != nil {
		return err
	}
	if len(snapshotSigners) > 0 {
		if snap, snapData, err = r.newSnapshot(r.snapshot.Signed.Meta["targets.json"], snapshotSigners); err != nil {
			return err
		}
	}
	ts, tsData, err := r.newTimestamp(metaFile(snap.Signed.Version, snapData), timestampSigners)
	if err != nil {
		return err
	}
	if snap != r.snapshot {
		if err := writeFile(r.path(snap.Signed.Version, RoleSnapshot), snapData); err != nil {
			return err
		}
	}
	if err := writeFile(filepath.Join(r.dir, "timestamp.json"), tsData); err != nil {
		return err
	}
	r.snapshot, r.timestamp = snap, ts
	return nil
}

// newSnapshot returns the next snapshot, naming targets, signed.
func (r *Repository) newSnapshot(targets *metadata.MetaFiles, signers []crypto.Signer) (*metadata.Metadata[metadata.SnapshotType], []byte, error) {
	snap := metadata.Snapshot(r.expires(r.Expiries.Snapshot))
	if r.snapshot != nil {
		snap.Signed.Version = r.snapshot.Signed.Version + 1
	}
	snap.Signed.Meta = map[string]*metadata.MetaFiles{"targets.json": targets}
	if err := sign(RoleSnapshot, snap, signers, r.root); err != nil {
		return nil, nil, err
	}
	data, err := snap.ToBytes(true)
	return snap, data, err
}

// newTimestamp returns the next timestamp, naming snapshot, signed.
func (r *Repository) newTimestamp(snapshot *metadata.MetaFiles, signers []crypto.Signer) (*metadata.Metadata[metadata.TimestampType], []byte, error) {
	ts := metadata.Timestamp(r.expires(r.Expiries.Timestamp))
	if r.timestamp != nil {
		ts.Signed.Version = r.timestamp.Signed.Version + 1
	}
	ts.Signed.Meta = map[string]*metadata.MetaFiles{"snapshot.json": snapshot}
	if err := sign(RoleTimestamp, ts, signers, r.root); err != nil {
		return nil, nil, err
	}
	data, err := ts.ToBytes(true)
	return ts, data, err
}

// writeRoot writes a signed root as N.root.json and root.json, and makes
// it the repository's.
func (r *Repository) writeRoot(root *metadata.Metadata[metadata.RootType]) error {
	data, err := root.ToBytes(true)
	if err != nil {
		return err
	}
	if err := writeFile(r.path(root.Signed.Version, RoleRoot), data); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(r.dir, "root.json"), data); err != nil {
		return err
	}
	r.root = root
	return nil
}

// path returns the consistent-snapshot file name of a role's version.
func (r *Repository) path(version int64, role string) string {
	return filepath.Join(r.dir, strconv.FormatInt(version, 10)+"."+role+".json")
}

func (r *Repository) expires(d time.Duration) time.Time {
	return r.Now().UTC().Add(d).Truncate(time.Second)
}

// metaFile describes a metadata file by version, length and SHA-256, so
// that the client reads no more than length bytes of it.
func metaFile(version int64, data []byte) *metadata.MetaFiles {
	sum := sha256.Sum256(data)
	m := metadata.MetaFile(version)
	m.Length = int64(len(data))
	m.Hashes = metadata.Hashes{"sha256": sum[:]}
	return m
}

// sign clears md's signatures and signs it with signers, each a key of
// role in one of roots, and which must meet role's threshold in every one
// of roots (two for a root rotation: the old and the new).
func sign[T metadata.Roles](role string, md *metadata.Metadata[T], signers []crypto.Signer, roots ...*metadata.Metadata[metadata.RootType]) error {
	md.ClearSignatures()
	signed := map[string]bool{}
	for _, s := range signers {
		ts, err := newSigner(s)
		if err != nil {
			return fmt.Errorf("%s: %w", role, err)
		}
		id, err := ts.keyID()
		if err != nil {
			return fmt.Errorf("%s: %w", role, err)
		}
		if !slices.ContainsFunc(roots, func(root *metadata.Metadata[metadata.RootType]) bool {
			return slices.Contains(root.Signed.Roles[role].KeyIDs, id)
		}) {
			return fmt.Errorf("%s: key %s is not one of the role's keys in root.json", role, id)
		}
		if signed[id] {
			continue // the same key given twice signs once
		}
		signed[id] = true
		if _, err := md.Sign(ts); err != nil {
			return fmt.Errorf("%s: signing with key %s: %w", role, id, err)
		}
	}
	for _, root := range roots {
		if err := root.VerifyDelegate(role, md); err != nil {
			return fmt.Errorf("%s: %d signatures, threshold %d of root version %d: %w", role, len(md.Signatures), root.Signed.Roles[role].Threshold, root.Signed.Version, err)
		}
	}
	return nil
}

// checkTargetName refuses names an HTTP mirror or a file system would
// read differently: a target name is slash-separated words such as
// fleet/prod/linux.
func checkTargetName(name string) error {
	for part := range strings.SplitSeq(name, "/") {
		if part == "" || part == "." || part == ".." || strings.ContainsFunc(part, func(c rune) bool {
			return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.')
		}) {
			return fmt.Errorf("target name %q: want slash-separated words of letters, digits, '-', '_' and '.'", name)
		}
	}
	return nil
}

// writeFile writes a metadata file whole (internal/atomicfile), so that a
// web server never serves half of one.
func writeFile(name string, data []byte) error { return atomicfile.Write(name, data, 0o644) }
