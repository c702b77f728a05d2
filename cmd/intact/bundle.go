package main

import (
	"fmt"

	"github.com/intactdev/intact/fleet/bundle"
	"github.com/spf13/cobra"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
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

// repository returns the remote repository ref names, with docker's
// credentials, over plain HTTP if asked (a registry on loopback).
func repository(ref string, plainHTTP bool) (*remote.Repository, error) {
	repo, err := remote.NewRepository(ref)
	if err != nil {
		return nil, err
	}
	repo.PlainHTTP = plainHTTP
	store, err := credentials.NewStoreFromDocker(credentials.StoreOptions{})
	if err != nil {
		return nil, fmt.Errorf("registry credentials: %w", err)
	}
	repo.Client = &auth.Client{Credential: credentials.Credential(store), Cache: auth.NewCache()}
	return repo, nil
}

func newBundlePushCmd() *cobra.Command {
	var (
		policy    string
		catalogs  []string
		plainHTTP bool
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
			repo, err := repository(args[0], plainHTTP)
			if err != nil {
				return err
			}
			if _, err := repo.Reference.Digest(); err == nil {
				return fmt.Errorf("bundle: %s: push to a repository or a tag; the digest is made by the push", args[0])
			}
			desc, err := bundle.Push(cmd.Context(), repo, repo.Reference.Reference, policy, catalogs)
			if err != nil {
				return err
			}
			printf(cmd.OutOrStdout(), "%s\n", desc.Digest)
			return nil
		},
	}
	cmd.Flags().StringVar(&policy, "policy", "", "the policy `file` (WDAC policy XML; required)")
	cmd.Flags().StringArrayVar(&catalogs, "catalog", nil, "a catalog `file` (repeatable)")
	cmd.Flags().BoolVar(&plainHTTP, "plain-http", false, "talk to the registry over HTTP, not HTTPS (a registry on loopback)")
	cmd.MarkFlagRequired("policy")
	return cmd
}

func newBundlePullCmd() *cobra.Command {
	var (
		out       string
		policyIDs []string
		plainHTTP bool
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
			repo, err := repository(name, plainHTTP)
			if err != nil {
				return err
			}
			desc, err := repo.Resolve(cmd.Context(), manifest.String())
			if err != nil {
				return fmt.Errorf("bundle: %s: %w", args[0], err)
			}
			info, err := bundle.Pull(cmd.Context(), repo, desc, out, &bundle.PullOptions{PolicyIDs: policyIDs})
			if err != nil {
				return err
			}
			printInfo(cmd, out, info)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the `folder` to write the bundle to (required)")
	cmd.Flags().StringArrayVar(&policyIDs, "policy-id", nil, "accept only bundles of this PolicyID `GUID` (repeatable)")
	cmd.Flags().BoolVar(&plainHTTP, "plain-http", false, "talk to the registry over HTTP, not HTTPS (a registry on loopback)")
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
