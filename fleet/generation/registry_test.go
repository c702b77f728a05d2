package generation

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/internal/testfleet"
	"oras.land/oras-go/v2/registry/remote"
)

// TestInstallFromRegistry: a bundle pushed to a registry on loopback,
// pulled by digest into a staged generation and switched to, is what
// intact.Load enforces: the signed app runs.
func TestInstallFromRegistry(t *testing.T) {
	f := newFixture(t)
	src := t.TempDir()
	policy := testfleet.WritePolicy(t, filepath.Join(src, "policy.xml"), testfleet.PolicyID, "1.0.0.1", f.pki.Root)
	cat := testfleet.WriteCatalog(t, filepath.Join(src, "app.cat"), f.pki.Signer, f.pki.Root, appCode)
	repo, err := remote.NewRepository(testfleet.Registry(t) + "/fleet/policy")
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = true
	ctx := context.Background()
	manifest, err := bundle.Push(ctx, repo, "", policy, []string{cat})
	if err != nil {
		t.Fatal(err)
	}

	st, err := f.store.Stage()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.Pull(ctx, repo, manifest, st.Dir, &bundle.PullOptions{PolicyIDs: []string{testfleet.PolicyID}}); err != nil {
		t.Fatalf("Pull: %v", err)
	}
	sw, err := f.store.Switch(st)
	if err != nil {
		t.Fatalf("Switch: %v", err)
	}
	if sw.VersionEx.String() != "1.0.0.1" || f.current() != st.Name {
		t.Fatalf("Switched = %+v", sw)
	}
	if !f.allows() {
		t.Fatal("the installed bundle does not allow the signed app")
	}
}
