package main

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/fleet/tufrepo"
	"github.com/intactdev/intact/sipolicy"
	"github.com/spf13/cobra"
)

func init() { register("publish", newPublishCmd) }

func newPublishCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "publish",
		Short: "Publish which policy bundle each fleet ring installs, in a TUF repository",
		Long: `Publish writes a fleet's TUF repository: a folder of signed metadata that any
web server or CDN can serve to intact agents. Each target, such as
fleet/prod/linux, names a policy bundle by its OCI manifest digest and length,
with the PolicyID and VersionEx of its policy. Targets are signed with a
threshold of keys, then snapshot and a short-lived timestamp that the
publisher refreshes (intact publish timestamp) more often than it expires.
Keys are PEM files: PKCS #8 (Ed25519, ECDSA P-256 or RSA), PKCS #1 or SEC 1.`,
	}
	cmd.AddCommand(newPublishKeygenCmd(), newPublishInitCmd(), newPublishRotateCmd(), newPublishTargetCmd(), newPublishTimestampCmd(), newPublishShowCmd())
	return cmd
}

func newPublishKeygenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "keygen KEY",
		Short: "Write a new Ed25519 signing key (PKCS #8) to KEY and its public key to KEY.pub",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			pub, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return err
			}
			der, err := x509.MarshalPKCS8PrivateKey(priv)
			if err != nil {
				return err
			}
			pubDER, err := x509.MarshalPKIXPublicKey(pub)
			if err != nil {
				return err
			}
			// O_EXCL: a key is never overwritten, and is private from the start.
			f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return err
			}
			if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			if err := writeFileAtomic(name+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})); err != nil {
				return err
			}
			id, err := tufrepo.KeyID(pub)
			if err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "wrote %s and %s.pub: key id %s\n", name, name, id)
			return nil
		},
	}
}

// roleFlags are one role's key files and threshold.
type roleFlags struct {
	keys      []string
	threshold int
}

// rootFlags name the keys and thresholds of the four roles, as a root
// lists them.
type rootFlags struct {
	root, targets, snapshot, timestamp roleFlags
}

func (f *rootFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	for _, r := range []struct {
		name  string
		flags *roleFlags
	}{{"root", &f.root}, {"targets", &f.targets}, {"snapshot", &f.snapshot}, {"timestamp", &f.timestamp}} {
		fl.StringArrayVar(&r.flags.keys, r.name+"-key", nil, "a "+r.name+" key `file` (repeatable)")
		fl.IntVar(&r.flags.threshold, r.name+"-threshold", 1, "how many "+r.name+" keys must sign")
	}
	for _, name := range []string{"root-key", "targets-key", "snapshot-key", "timestamp-key"} {
		_ = cmd.MarkFlagRequired(name)
	}
}

// roles reads the public keys of every role.
func (f *rootFlags) roles() (tufrepo.Roles, error) {
	var roles tufrepo.Roles
	for _, r := range []struct {
		flags *roleFlags
		keys  *tufrepo.RoleKeys
	}{{&f.root, &roles.Root}, {&f.targets, &roles.Targets}, {&f.snapshot, &roles.Snapshot}, {&f.timestamp, &roles.Timestamp}} {
		for _, name := range r.flags.keys {
			pub, err := readPublicKey(name)
			if err != nil {
				return roles, err
			}
			r.keys.Keys = append(r.keys.Keys, pub)
		}
		r.keys.Threshold = r.flags.threshold
	}
	return roles, nil
}

// describe says what a root of these flags requires.
func (f *rootFlags) describe() string {
	return fmt.Sprintf("root %d of %d keys, targets %d of %d, snapshot %d of %d, timestamp %d of %d",
		f.root.threshold, len(f.root.keys), f.targets.threshold, len(f.targets.keys),
		f.snapshot.threshold, len(f.snapshot.keys), f.timestamp.threshold, len(f.timestamp.keys))
}

func newPublishInitCmd() *cobra.Command {
	var (
		repo  string
		roles rootFlags
	)
	cmd := &cobra.Command{
		Use:   "init --repo DIR --root-key KEY... --targets-key KEY... --snapshot-key KEY --timestamp-key KEY",
		Short: "Create a fleet's TUF repository: its root, naming each role's keys and threshold",
		Long: `Init writes root.json (and 1.root.json) in DIR, signed by the root keys, which
must be private keys. The other roles' keys may be public keys (PEM "PUBLIC
KEY"), so that their private halves never meet the root's. Copy root.json to
every agent: it is the trust the agents start from.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rootSigners, err := readSigners(roles.root.keys)
			if err != nil {
				return err
			}
			rs, err := roles.roles()
			if err != nil {
				return err
			}
			if _, err := tufrepo.Init(repo, rs, rootSigners); err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "wrote %s/root.json: %s\n", repo, roles.describe())
			return nil
		},
	}
	cmd.Flags().StringVar(&repo, "repo", "", "the repository `folder`")
	_ = cmd.MarkFlagRequired("repo")
	roles.register(cmd)
	return cmd
}

func newPublishRotateCmd() *cobra.Command {
	var (
		repo    repoFlags
		oldKeys []string
		roles   rootFlags
	)
	cmd := &cobra.Command{
		Use:   "rotate --repo DIR --old-root-key KEY... --root-key KEY... --targets-key KEY... --snapshot-key KEY --timestamp-key KEY",
		Short: "Replace the root: new keys or thresholds for any role",
		Long: `Rotate writes the next version of root.json, naming the roles' keys and
thresholds as init does. It is signed by the current root's keys
(--old-root-key, as many as its threshold) and by the new root keys
(--root-key, private, as many as the new threshold; a key in both is given
once, as --root-key). Agents follow the new root on their next refresh.
Metadata signed by keys the new root no longer names stops verifying: publish
a target, or refresh the timestamp with --snapshot-key, with the new keys right
after.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			signers, err := readSigners(append(slices.Clone(oldKeys), roles.root.keys...))
			if err != nil {
				return err
			}
			rs, err := roles.roles()
			if err != nil {
				return err
			}
			r, err := repo.open()
			if err != nil {
				return err
			}
			if err := r.RotateRoot(rs, signers); err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "wrote %s/root.json: %s\n", repo.dir, roles.describe())
			return nil
		},
	}
	repo.register(cmd)
	cmd.Flags().StringArrayVar(&oldKeys, "old-root-key", nil, "a private key `file` of the current root (repeatable)")
	roles.register(cmd)
	return cmd
}

// repoFlags name the repository folder and, optionally, the root it is
// verified from.
type repoFlags struct {
	dir, trustedRoot string
}

func (f *repoFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "repo", "", "the repository `folder`")
	cmd.Flags().StringVar(&f.trustedRoot, "trusted-root", "", "verify the repository from this root.json `file`, kept apart from the folder, rather than from the folder's 1.root.json")
	_ = cmd.MarkFlagRequired("repo")
}

// open opens the repository, verifying it (tufrepo.Open, OpenTrusted).
func (f *repoFlags) open() (*tufrepo.Repository, error) {
	if f.trustedRoot == "" {
		return tufrepo.Open(f.dir)
	}
	root, err := os.ReadFile(f.trustedRoot)
	if err != nil {
		return nil, err
	}
	return tufrepo.OpenTrusted(f.dir, root)
}

// publishFlags are the flags of commands that sign snapshot and timestamp.
type publishFlags struct {
	repo            repoFlags
	snapshotKeys    []string
	timestampKeys   []string
	timestampExpiry time.Duration
	snapshotExpiry  time.Duration
}

func (f *publishFlags) register(cmd *cobra.Command, snapshotUsage string) {
	f.repo.register(cmd)
	fl := cmd.Flags()
	fl.StringArrayVar(&f.snapshotKeys, "snapshot-key", nil, snapshotUsage)
	fl.StringArrayVar(&f.timestampKeys, "timestamp-key", nil, "a timestamp private key `file` (repeatable)")
	fl.DurationVar(&f.timestampExpiry, "timestamp-expiry", tufrepo.DefaultExpiries.Timestamp, "how long the new timestamp is valid: agents report their policy stale after it")
	fl.DurationVar(&f.snapshotExpiry, "snapshot-expiry", tufrepo.DefaultExpiries.Snapshot, "how long a new snapshot is valid")
	_ = cmd.MarkFlagRequired("timestamp-key")
}

// open reads the key files of targets (as given), snapshot and timestamp,
// and opens the repository with the flags' expiries and targetsExpiry.
func (f *publishFlags) open(targetsKeys []string, targetsExpiry time.Duration) (r *tufrepo.Repository, targets, snapshot, timestamp []crypto.Signer, err error) {
	signers, err := readRoleSigners(targetsKeys, f.snapshotKeys, f.timestampKeys)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if r, err = f.repo.open(); err != nil {
		return nil, nil, nil, nil, err
	}
	r.Expiries.Targets, r.Expiries.Snapshot, r.Expiries.Timestamp = targetsExpiry, f.snapshotExpiry, f.timestampExpiry
	return r, signers[0], signers[1], signers[2], nil
}

func newPublishTargetCmd() *cobra.Command {
	var (
		f            publishFlags
		targetsKeys  []string
		bundleRef    string
		reg          registryFlags
		digest       string
		length       int64
		policyFile   string
		policyID     string
		version      string
		targetExpiry time.Duration
	)
	cmd := &cobra.Command{
		Use:   "target --repo DIR --targets-key KEY... --snapshot-key KEY --timestamp-key KEY (--bundle REGISTRY/REPOSITORY@sha256:... | --digest sha256:... --length N (--policy policy.xml | --policy-id ID --version-ex V)) NAME",
		Short: "Point the target NAME (e.g. fleet/prod/linux) at a bundle",
		Long: `Target names the bundle that agents following NAME install: its OCI manifest
digest and length, and the PolicyID and VersionEx of its policy. With --bundle
they are read from the registry: the bundle is pulled by digest and checked as
an agent would (format, sizes, digests, the policy trusts every catalog) before
it is published. Otherwise --digest and --length give the manifest, and the
policy is read from --policy or given by --policy-id and --version-ex.

A VersionEx that does not increase over NAME's, for the same PolicyID, is
refused. Target then signs new targets, snapshot and timestamp metadata,
writing the timestamp last.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t := tufrepo.Target{Digest: digest, Length: length, PolicyID: policyID}
			switch {
			case bundleRef != "" && (digest != "" || length != 0 || policyFile != "" || policyID != "" || version != ""):
				return fmt.Errorf("--bundle cannot be combined with --digest, --length, --policy, --policy-id or --version-ex")
			case bundleRef != "":
				var err error
				if t, err = resolveBundle(cmd, bundleRef, &reg); err != nil {
					return err
				}
			case digest == "" || length == 0:
				return fmt.Errorf("need --bundle, or --digest and --length")
			case policyFile != "" && (policyID != "" || version != ""):
				return fmt.Errorf("--policy cannot be combined with --policy-id or --version-ex")
			case policyFile != "":
				p, err := sipolicy.ParseFile(policyFile)
				if err != nil {
					return err
				}
				t.PolicyID, t.VersionEx = p.PolicyID, p.Version
			case policyID == "" || version == "":
				return fmt.Errorf("need --policy, or --policy-id and --version-ex")
			default:
				id, err := sipolicy.ParseGUID(policyID)
				if err != nil {
					return fmt.Errorf("--policy-id: %w", err)
				}
				t.PolicyID = id
				v, err := sipolicy.ParseVersion(version)
				if err != nil {
					return fmt.Errorf("--version-ex: %w", err)
				}
				t.VersionEx = v
			}
			r, targets, snapshot, timestamp, err := f.open(targetsKeys, targetExpiry)
			if err != nil {
				return err
			}
			if err := r.SetTarget(args[0], t, targets, snapshot, timestamp); err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "%s: %s (policy %s version %s); timestamp expires %s\n", args[0], t.Digest, t.PolicyID, t.VersionEx, r.Expires().Format(time.RFC3339))
			return nil
		},
	}
	f.register(cmd, "a snapshot private key `file` (repeatable)")
	fl := cmd.Flags()
	fl.StringArrayVar(&targetsKeys, "targets-key", nil, "a targets private key `file` (repeatable: as many as the threshold)")
	fl.StringVar(&bundleRef, "bundle", "", "the bundle to publish, by digest: `REGISTRY/REPOSITORY@sha256:...` (read from the registry and checked)")
	fl.StringVar(&digest, "digest", "", "the bundle's manifest `digest` (sha256:...)")
	fl.Int64Var(&length, "length", 0, "the bundle manifest's length in `bytes`")
	fl.StringVar(&policyFile, "policy", "", "read PolicyID and VersionEx from this policy XML `file` (the bundle's)")
	fl.StringVar(&policyID, "policy-id", "", "the bundle policy's PolicyID `{GUID}`")
	fl.StringVar(&version, "version-ex", "", "the bundle policy's `VersionEx` (a.b.c.d)")
	fl.DurationVar(&targetExpiry, "targets-expiry", tufrepo.DefaultExpiries.Targets, "how long the new targets metadata is valid")
	reg.register(cmd)
	for _, name := range []string{"targets-key", "snapshot-key"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func newPublishTimestampCmd() *cobra.Command {
	var (
		f            publishFlags
		targetsKeys  []string
		targetExpiry time.Duration
	)
	cmd := &cobra.Command{
		Use:   "timestamp --repo DIR --timestamp-key KEY [--snapshot-key KEY [--targets-key KEY...]]",
		Short: "Sign a new timestamp (and snapshot, and targets), renewing their expiry",
		Long: `Timestamp renews the repository's freshness: run it from a timer more often than
--timestamp-expiry, or agents report their policy stale. With --snapshot-key it
signs a new snapshot too, for when the snapshot's own expiry nears; with
--targets-key as well, the targets in force again, for a fleet that has
published nothing new for a while (targets expire after --targets-expiry).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(targetsKeys) > 0 && len(f.snapshotKeys) == 0 {
				return fmt.Errorf("--targets-key needs --snapshot-key: new targets need a new snapshot")
			}
			r, targets, snapshot, timestamp, err := f.open(targetsKeys, targetExpiry)
			if err != nil {
				return err
			}
			if len(targets) > 0 {
				err = r.RefreshTargets(targets, snapshot, timestamp)
			} else {
				err = r.RefreshTimestamp(snapshot, timestamp)
			}
			if err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "timestamp expires %s\n", r.Expires().Format(time.RFC3339))
			return nil
		},
	}
	f.register(cmd, "also sign a new snapshot with this private key `file` (repeatable)")
	cmd.Flags().StringArrayVar(&targetsKeys, "targets-key", nil, "also sign the targets in force again with this private key `file` (repeatable: as many as the threshold)")
	cmd.Flags().DurationVar(&targetExpiry, "targets-expiry", tufrepo.DefaultExpiries.Targets, "how long new targets metadata is valid")
	return cmd
}

func newPublishShowCmd() *cobra.Command {
	var (
		repo   repoFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "show --repo DIR",
		Short: "List the targets in force and when the timestamp expires",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := repo.open()
			if err != nil {
				return err
			}
			targets, err := r.Targets()
			if err != nil {
				return err
			}
			type targetOut struct {
				Name      string `json:"name"`
				Digest    string `json:"digest"`
				Length    int64  `json:"length"`
				PolicyID  string `json:"policy_id"`
				VersionEx string `json:"version_ex"`
			}
			out := struct {
				Expires *time.Time  `json:"timestamp_expires,omitempty"`
				Targets []targetOut `json:"targets"`
			}{Targets: []targetOut{}}
			if exp := r.Expires(); !exp.IsZero() {
				out.Expires = &exp
			}
			for _, name := range slices.Sorted(maps.Keys(targets)) {
				t := targets[name]
				out.Targets = append(out.Targets, targetOut{name, t.Digest, t.Length, t.PolicyID, t.VersionEx.String()})
			}
			if asJSON {
				return writeIndentedJSON(cmd.OutOrStdout(), out)
			}
			w := cmd.OutOrStdout()
			if out.Expires == nil {
				fmt.Fprintln(w, "nothing published yet")
				return nil
			}
			printf(w, "timestamp expires %s\n", out.Expires.Format(time.RFC3339))
			for _, t := range out.Targets {
				printf(w, "%s: %s (%d bytes), policy %s version %s\n", t.Name, t.Digest, t.Length, t.PolicyID, t.VersionEx)
			}
			return nil
		},
	}
	repo.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// resolveBundle pulls the bundle ref names (by digest) into a temporary
// folder, checks it as an agent would, and returns it as a target. The
// registry flags reg say how to reach the registry and how long to wait.
func resolveBundle(cmd *cobra.Command, ref string, reg *registryFlags) (tufrepo.Target, error) {
	name, dgst, err := bundle.ParseReference(ref)
	if err != nil {
		return tufrepo.Target{}, err
	}
	ctx, cancel, err := reg.context(cmd)
	if err != nil {
		return tufrepo.Target{}, err
	}
	defer cancel()
	repo, err := reg.repository(name)
	if err != nil {
		return tufrepo.Target{}, err
	}
	desc, err := repo.Resolve(ctx, dgst.String())
	if err != nil {
		if werr := reg.noAnswer(ctx, repo.Reference.Registry, err); werr != nil {
			err = werr
		}
		return tufrepo.Target{}, fmt.Errorf("%s: %w", ref, err)
	}
	if desc.Digest != dgst {
		return tufrepo.Target{}, fmt.Errorf("%s: the registry resolved it to %s", ref, desc.Digest)
	}
	dir, err := os.MkdirTemp("", "intact-publish-")
	if err != nil {
		return tufrepo.Target{}, err
	}
	defer os.RemoveAll(dir)
	pulled := filepath.Join(dir, "bundle")
	info, err := bundle.Pull(ctx, repo, desc, pulled, nil)
	if err != nil {
		if werr := reg.noAnswer(ctx, repo.Reference.Registry, err); werr != nil {
			return tufrepo.Target{}, fmt.Errorf("%s: %w", ref, werr)
		}
		return tufrepo.Target{}, err
	}
	var cats []string
	for _, c := range info.Catalogs {
		cats = append(cats, filepath.Join(pulled, "catalogs", c))
	}
	if _, err := bundle.Check(filepath.Join(pulled, "policy.xml"), cats); err != nil {
		return tufrepo.Target{}, err
	}
	return tufrepo.Target{Digest: desc.Digest.String(), Length: desc.Size, PolicyID: info.PolicyID, VersionEx: info.VersionEx}, nil
}

// readRoleSigners reads each role's private key files.
func readRoleSigners(roles ...[]string) ([][]crypto.Signer, error) {
	out := make([][]crypto.Signer, len(roles))
	for i, names := range roles {
		var err error
		if out[i], err = readSigners(names); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readSigners(names []string) ([]crypto.Signer, error) {
	var out []crypto.Signer
	for _, name := range names {
		s, err := readPrivateKey(name)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// readPublicKey reads a PEM public key ("PUBLIC KEY"), or the public half
// of a private key file.
func readPublicKey(name string) (crypto.PublicKey, error) {
	data, err := readRegularFile(name, maxKeyFileSize)
	if err != nil {
		return nil, err
	}
	if block, _ := pem.Decode(data); block != nil && block.Type == "PUBLIC KEY" {
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return pub, nil
	}
	s, err := readPrivateKey(name)
	if err != nil {
		return nil, err
	}
	return s.Public(), nil
}
