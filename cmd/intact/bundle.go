package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/spf13/cobra"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/retry"
)

func init() { register("bundle", newBundleCmd) }

func newBundleCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Push, pull and verify policy bundles (a policy and its catalogs as one OCI artifact)",
		Long: `A bundle is one policy and the catalogs it trusts, stored in an OCI registry
as one artifact (fleet/bundle/FORMAT.md). Bundles are pulled by manifest digest
only, into a folder laid out as a system folder: policy.xml and catalogs/.

Registry credentials are those of docker login (~/.docker/config.json and its
credential helpers).`,
	}
	cmd.AddCommand(newBundlePushCmd(), newBundlePullCmd(), newBundleVerifyCmd())
	return cmd
}

// registryAnswerTimeout is how long each request to a registry waits for
// it to connect and answer (bundle.HTTPClient); only tests change it.
var registryAnswerTimeout = bundle.AnswerTimeout

// defaultRegistryTimeout is the default of --timeout: the most a command
// may spend talking to a registry.
const defaultRegistryTimeout = 10 * time.Minute

// registryFlags are the flags of the commands that talk to a registry.
type registryFlags struct {
	plainHTTP bool
	timeout   time.Duration
}

func (f *registryFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.plainHTTP, "plain-http", false, "talk to the registry over HTTP, not HTTPS (a registry on loopback)")
	fl.DurationVar(&f.timeout, "timeout", defaultRegistryTimeout, "give up on the registry after this `duration` in all (0 means no limit); each request also gives up after "+registryAnswerTimeout.String()+" without an answer")
}

// context returns the command's context, cancelled after --timeout.
func (f *registryFlags) context(cmd *cobra.Command) (context.Context, context.CancelFunc, error) {
	if f.timeout < 0 {
		return nil, nil, exitstatus.UsageError(fmt.Errorf("--timeout %v: a duration of 0 (no limit) or more", f.timeout))
	}
	if f.timeout == 0 {
		ctx, cancel := context.WithCancel(cmd.Context())
		return ctx, cancel, nil
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
	return ctx, cancel, nil
}

// repository returns the remote repository ref names, with docker's
// credentials, over plain HTTP if asked (a registry on loopback), whose
// requests give up on a registry that does not answer.
func (f *registryFlags) repository(ref string) (*remote.Repository, error) {
	store, err := credentials.NewStoreFromDocker(credentials.StoreOptions{})
	if err != nil {
		return nil, fmt.Errorf("registry credentials: %w", err)
	}
	client := bundle.HTTPClient(registryAnswerTimeout)
	client.Transport = &retry.Transport{Base: client.Transport, Policy: func() retry.Policy { return registryRetry }}
	return bundle.Repository(ref, f.plainHTTP, client, credentials.Credential(store))
}

// registryRetry tries a request again, as oras's default client does, when
// the registry says the trouble is passing (a 5xx answer, 429, 408) or the
// connection was reset; but not when the registry did not answer within
// registryAnswerTimeout, which already waited long enough for one that
// answers at all.
var registryRetry = &retry.GenericPolicy{
	Retryable: func(resp *http.Response, err error) (bool, error) {
		if timedOut(err) {
			return false, err
		}
		return retry.DefaultPredicate(resp, err)
	},
	Backoff:  retry.DefaultBackoff,
	MinWait:  200 * time.Millisecond,
	MaxWait:  3 * time.Second,
	MaxRetry: 5,
}

// noAnswer explains err, met talking to registry under ctx (from
// context), when the registry did not answer in time: within --timeout, or
// within a request's wait for an answer. It returns nil for other errors.
func (f *registryFlags) noAnswer(ctx context.Context, registry string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer from %s within %v (--timeout): %w", registry, f.timeout, err)
	}
	if timedOut(err) {
		return fmt.Errorf("no answer from %s within %v: %w", registry, registryAnswerTimeout, err)
	}
	return nil
}

// timedOut reports whether err is a network operation's timeout: a
// registry that did not connect or answer within registryAnswerTimeout.
func timedOut(err error) bool {
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

func newBundlePushCmd() *cobra.Command {
	var (
		policy   string
		catalogs []string
		reg      registryFlags
	)
	cmd := &cobra.Command{
		Use:   "push --policy POLICY.xml --catalog FILE.cat... REGISTRY/REPOSITORY[:TAG]",
		Short: "Check a policy and its catalogs, push them as a bundle, print the manifest digest",
		Long: `Check that the policy parses and that it trusts every catalog (verified
signature, allowed signer, valid now), then push the bundle and print its
manifest digest, which is what a fleet pulls by. Blobs the registry already
has (an unchanged catalog) are not sent again. With a TAG the manifest is also
tagged, for people; machines pull by digest.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel, err := reg.context(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			repo, err := reg.repository(args[0])
			if err != nil {
				return err
			}
			if _, err := repo.Reference.Digest(); err == nil {
				return fmt.Errorf("bundle: %s: push to a repository or a tag; the digest is made by the push", args[0])
			}
			desc, err := bundle.Push(ctx, repo, repo.Reference.Reference, policy, catalogs)
			if err != nil {
				if werr := reg.noAnswer(ctx, repo.Reference.Registry, err); werr != nil {
					return fmt.Errorf("bundle: %s: %w", args[0], werr)
				}
				return err
			}
			printf(cmd.OutOrStdout(), "%s\n", desc.Digest)
			return nil
		},
	}
	cmd.Flags().StringVar(&policy, "policy", "", "the policy `file` (WDAC policy XML; required)")
	cmd.Flags().StringArrayVar(&catalogs, "catalog", nil, "a catalog `file` (repeatable)")
	reg.register(cmd)
	cmd.MarkFlagRequired("policy")
	return cmd
}

func newBundlePullCmd() *cobra.Command {
	var (
		out       string
		policyIDs []string
		reg       registryFlags
	)
	cmd := &cobra.Command{
		Use:   "pull REGISTRY/REPOSITORY@sha256:DIGEST -o DIR",
		Short: "Pull a bundle by manifest digest into DIR (policy.xml, catalogs/)",
		Long: `Fetch the bundle whose manifest has the given digest, check every blob
against its digest and the format (layer names and media types allowed, sizes
bounded before anything is read, the policy's PolicyID and VersionEx as the
manifest claims), and write DIR/policy.xml and DIR/catalogs/. DIR must not
exist or be empty. A reference by tag alone is refused: a tag can be moved.
Pull does not judge trust: run "intact bundle verify DIR".`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, manifest, err := bundle.ParseReference(args[0])
			if err != nil {
				return err
			}
			ctx, cancel, err := reg.context(cmd)
			if err != nil {
				return err
			}
			defer cancel()
			repo, err := reg.repository(name)
			if err != nil {
				return err
			}
			desc, err := repo.Resolve(ctx, manifest.String())
			if err != nil {
				if werr := reg.noAnswer(ctx, repo.Reference.Registry, err); werr != nil {
					err = werr
				}
				return fmt.Errorf("bundle: %s: %w", args[0], err)
			}
			info, err := bundle.Pull(ctx, repo, desc, out, &bundle.PullOptions{PolicyIDs: policyIDs})
			if err != nil {
				if werr := reg.noAnswer(ctx, repo.Reference.Registry, err); werr != nil {
					return fmt.Errorf("bundle: %s: %w", args[0], werr)
				}
				return err
			}
			printInfo(cmd, out, info)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the `folder` to write the bundle to (required)")
	cmd.Flags().StringArrayVar(&policyIDs, "policy-id", nil, "accept only bundles of this PolicyID `GUID` (repeatable)")
	reg.register(cmd)
	cmd.MarkFlagRequired("output")
	return cmd
}

func newBundleVerifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify DIR",
		Short: "Check a pulled bundle as an agent does before it brings it into force",
		Long: `Check that DIR holds exactly policy.xml and catalogs/*.cat, that the policy
parses and trusts every catalog, and that intact would load DIR as a system
folder (so DIR must be root's alone, as a system folder must). Prints the
PolicyID, VersionEx and catalogs.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := bundle.Verify(args[0])
			if err != nil {
				return err
			}
			printInfo(cmd, args[0], info)
			return nil
		},
	}
}

func printInfo(cmd *cobra.Command, dir string, info *bundle.Info) {
	out := cmd.OutOrStdout()
	printf(out, "%s: policy %s version %s\n", dir, info.PolicyID, info.VersionEx)
	for _, c := range info.Catalogs {
		printf(out, "%s: catalog %s\n", dir, c)
	}
}
