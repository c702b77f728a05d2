package bundle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/internal/testfleet"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"
)

var appCode = []byte("console.log('signed app')\n")

// fixture is a policy trusting the test root and two catalogs it trusts,
// and a repository of a registry on loopback.
type fixture struct {
	t        *testing.T
	dir      string
	pki      *testfleet.PKI
	policy   string
	catalogs []string
	repo     *remote.Repository
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir(), pki: testfleet.NewPKI(t)}
	f.policy = testfleet.WritePolicy(t, f.path("src/policy.xml"), testfleet.PolicyID, "1.0.0.1", f.pki.Root)
	f.catalogs = []string{
		testfleet.WriteCatalog(t, f.path("src/app.cat"), f.pki.Signer, f.pki.Root, appCode),
		testfleet.WriteCatalog(t, f.path("src/lib.cat"), f.pki.Signer, f.pki.Root, []byte("lib\n")),
	}
	repo, err := remote.NewRepository(testfleet.Registry(t) + "/fleet/policy")
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = true
	f.repo = repo
	return f
}

func (f *fixture) path(name string) string { return filepath.Join(f.dir, filepath.FromSlash(name)) }

func (f *fixture) push(tag string) ocispec.Descriptor {
	f.t.Helper()
	desc, err := bundle.Push(context.Background(), f.repo, tag, f.policy, f.catalogs)
	if err != nil {
		f.t.Fatalf("Push: %v", err)
	}
	return desc
}

func TestPushPullVerify(t *testing.T) {
	f := newFixture(t)
	desc := f.push("prod")
	if desc.MediaType != ocispec.MediaTypeImageManifest || desc.ArtifactType != bundle.ArtifactType {
		t.Fatalf("manifest descriptor %+v", desc)
	}
	dir := f.path("pulled")
	info, err := bundle.Pull(context.Background(), f.repo, desc, dir, nil)
	if err != nil {
		t.Fatalf("Pull: %v", err)
	}
	if info.PolicyID != testfleet.PolicyID || info.VersionEx.String() != "1.0.0.1" ||
		strings.Join(info.Catalogs, ",") != "app.cat,lib.cat" {
		t.Fatalf("Pull info = %+v", info)
	}
	for src, dst := range map[string]string{
		f.policy:      filepath.Join(dir, "policy.xml"),
		f.catalogs[0]: filepath.Join(dir, "catalogs", "app.cat"),
		f.catalogs[1]: filepath.Join(dir, "catalogs", "lib.cat"),
	} {
		want, _ := os.ReadFile(src)
		got, err := os.ReadFile(dst)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v, or not the bytes of %s", dst, err, src)
		}
	}
	if os.Geteuid() == 0 { // a system folder must be root's
		vinfo, err := bundle.Verify(dir)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if vinfo.PolicyID != info.PolicyID || vinfo.VersionEx != info.VersionEx {
			t.Fatalf("Verify info %+v, Pull info %+v", vinfo, info)
		}
	}
}

// TestUnchangedCatalogDedupes: a new version of the bundle with one catalog
// changed shares the other catalog's layer, by digest.
func TestUnchangedCatalogDedupes(t *testing.T) {
	f := newFixture(t)
	first := f.manifest(f.push(""))
	testfleet.WritePolicy(t, f.policy, testfleet.PolicyID, "1.0.0.2", f.pki.Root)
	testfleet.WriteCatalog(t, f.catalogs[1], f.pki.Signer, f.pki.Root, []byte("lib v2\n"))
	second := f.manifest(f.push(""))
	if first.Layers[1].Digest != second.Layers[1].Digest {
		t.Errorf("app.cat changed digest: %s, %s", first.Layers[1].Digest, second.Layers[1].Digest)
	}
	if first.Layers[0].Digest == second.Layers[0].Digest || first.Layers[2].Digest == second.Layers[2].Digest {
		t.Errorf("changed layers kept their digests")
	}
}

func (f *fixture) manifest(desc ocispec.Descriptor) *ocispec.Manifest {
	f.t.Helper()
	data, err := content.FetchAll(context.Background(), f.repo, desc)
	if err != nil {
		f.t.Fatal(err)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		f.t.Fatal(err)
	}
	return &m
}

// TestUntrustedCatalogRefused: a catalog signed by a signer the policy does
// not trust is refused by Push, before anything is sent, and by Verify.
func TestUntrustedCatalogRefused(t *testing.T) {
	f := newFixture(t)
	f.catalogs = append(f.catalogs, testfleet.WriteCatalog(t, f.path("src/other.cat"), f.pki.Other, f.pki.OtherRoot, appCode))
	_, err := bundle.Push(context.Background(), f.repo, "prod", f.policy, f.catalogs)
	if err == nil || !strings.Contains(err.Error(), "other.cat: signer not trusted") {
		t.Fatalf("Push = %v, want the untrusted catalog refused", err)
	}
	if _, err := f.repo.Resolve(context.Background(), "prod"); err == nil {
		t.Fatalf("the refused bundle was tagged")
	}

	dir := f.path("folder")
	testfleet.WritePolicy(t, filepath.Join(dir, "policy.xml"), testfleet.PolicyID, "1.0.0.1", f.pki.Root)
	testfleet.WriteCatalog(t, filepath.Join(dir, "catalogs", "other.cat"), f.pki.Other, f.pki.OtherRoot, appCode)
	if _, err := bundle.Verify(dir); err == nil || !strings.Contains(err.Error(), "signer not trusted") {
		t.Fatalf("Verify = %v, want the untrusted catalog refused", err)
	}
}

func TestVerifyRefusesLayout(t *testing.T) {
	f := newFixture(t)
	for name, extra := range map[string]string{
		"stray file":          "notes.txt",
		"catalog not .cat":    "catalogs/app.txt",
		"catalog in a folder": "catalogs/sub/app.cat",
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "b")
			testfleet.WritePolicy(t, filepath.Join(dir, "policy.xml"), testfleet.PolicyID, "1.0.0.1", f.pki.Root)
			testfleet.WriteFile(t, filepath.Join(dir, filepath.FromSlash(extra)), []byte("x"))
			if _, err := bundle.Verify(dir); err == nil || !strings.Contains(err.Error(), "bundle") {
				t.Fatalf("Verify = %v, want the layout refused", err)
			}
		})
	}
}

func TestParseReferenceByDigestOnly(t *testing.T) {
	d := digest.FromString("x")
	for ref, ok := range map[string]bool{
		"localhost:5000/fleet/policy@" + d.String():      true,
		"localhost:5000/fleet/policy:prod@" + d.String(): true,
		"localhost:5000/fleet/policy:prod":               false,
		"localhost:5000/fleet/policy":                    false,
		"localhost:5000/fleet/policy@sha256:abc":         false,
	} {
		repo, got, err := bundle.ParseReference(ref)
		if ok != (err == nil) {
			t.Errorf("ParseReference(%q) = %q, %q, %v", ref, repo, got, err)
			continue
		}
		if ok && (repo != "localhost:5000/fleet/policy" || got != d) {
			t.Errorf("ParseReference(%q) = %q, %q", ref, repo, got)
		}
	}
}

// TestMovedTagChangesNothing: a tag moved to another bundle does not
// change what a digest pulls.
func TestMovedTagChangesNothing(t *testing.T) {
	f := newFixture(t)
	v1 := f.push("prod")
	testfleet.WritePolicy(t, f.policy, testfleet.PolicyID, "1.0.0.0", f.pki.Root) // an older one, tagged over
	if moved := f.push("prod"); moved.Digest == v1.Digest {
		t.Fatal("the second push made the same manifest")
	}
	info, err := bundle.Pull(context.Background(), f.repo, v1, f.path("pulled"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.VersionEx.String() != "1.0.0.1" {
		t.Fatalf("pulled version %s, want the digest's 1.0.0.1", info.VersionEx)
	}
}

// countingFetcher counts fetches and can tamper with one blob.
type countingFetcher struct {
	content.Fetcher
	fetches atomic.Int32
	tamper  digest.Digest
}

func (c *countingFetcher) Fetch(ctx context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	c.fetches.Add(1)
	rc, err := c.Fetcher.Fetch(ctx, desc)
	if err != nil || desc.Digest != c.tamper {
		return rc, err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, err
	}
	data[len(data)/2] ^= 1
	return io.NopCloser(bytes.NewReader(data)), nil
}

func TestPullRefusesTamperedBlob(t *testing.T) {
	f := newFixture(t)
	desc := f.push("")
	m := f.manifest(desc)
	for name, d := range map[string]digest.Digest{"manifest": desc.Digest, "policy": m.Layers[0].Digest, "catalog": m.Layers[2].Digest} {
		t.Run(name, func(t *testing.T) {
			src := &countingFetcher{Fetcher: f.repo, tamper: d}
			dir := filepath.Join(t.TempDir(), "b")
			_, err := bundle.Pull(context.Background(), src, desc, dir, nil)
			if err == nil || !strings.Contains(err.Error(), "mismatch") {
				t.Fatalf("Pull = %v, want a digest mismatch", err)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a refused bundle left its folder: %v", err)
			}
		})
	}
}

func TestPullRefusesOversized(t *testing.T) {
	f := newFixture(t)
	desc := f.push("")
	m := f.manifest(desc)
	small := bundle.DefaultLimits
	small.Manifest = desc.Size - 1
	src := &countingFetcher{Fetcher: f.repo}
	if _, err := bundle.Pull(context.Background(), src, desc, f.path("a"), &bundle.PullOptions{Limits: small}); err == nil || !strings.Contains(err.Error(), "size") {
		t.Fatalf("Pull = %v, want the manifest refused for its size", err)
	}
	if n := src.fetches.Load(); n != 0 {
		t.Fatalf("%d fetches for a manifest refused by its size", n)
	}

	small = bundle.DefaultLimits
	small.Catalog = m.Layers[2].Size - 1
	src = &countingFetcher{Fetcher: f.repo}
	if _, err := bundle.Pull(context.Background(), src, desc, f.path("b"), &bundle.PullOptions{Limits: small}); err == nil || !strings.Contains(err.Error(), "size") {
		t.Fatalf("Pull = %v, want the catalog refused for its size", err)
	}
	if n := src.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want only the manifest's", n)
	}
	if _, err := os.Stat(f.path("b")); err == nil {
		t.Fatalf("a refused bundle left its folder")
	}
}

func TestPullRefusesOtherPolicy(t *testing.T) {
	f := newFixture(t)
	desc := f.push("")
	src := &countingFetcher{Fetcher: f.repo}
	_, err := bundle.Pull(context.Background(), src, desc, f.path("b"), &bundle.PullOptions{PolicyIDs: []string{testfleet.OtherPolicyID}})
	if err == nil || !strings.Contains(err.Error(), "not one of the accepted policies") {
		t.Fatalf("Pull = %v, want the PolicyID refused", err)
	}
	if n := src.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want only the manifest's", n)
	}
}

// TestPullRefusesMalformedManifest: manifests that stray from the format
// are refused before any layer is fetched, except a lie about the policy,
// found once the policy is read.
func TestPullRefusesMalformedManifest(t *testing.T) {
	f := newFixture(t)
	good := f.manifest(f.push(""))
	ctx := context.Background()
	extra := content.NewDescriptorFromBytes("application/octet-stream", []byte("#!/bin/sh\necho planted\n"))
	extra.Annotations = map[string]string{ocispec.AnnotationTitle: "catalogs/planted.cat"}
	if err := f.repo.Push(ctx, extra, bytes.NewReader([]byte("#!/bin/sh\necho planted\n"))); err != nil {
		t.Fatal(err)
	}
	retitle := func(i int, title string) func(m *ocispec.Manifest) {
		return func(m *ocispec.Manifest) {
			m.Layers[i].Annotations = map[string]string{ocispec.AnnotationTitle: title}
		}
	}
	cases := map[string]struct {
		mutate func(m *ocispec.Manifest)
		want   string
		layers bool // refused only once layers were read
	}{
		"extra layer of another media type":    {func(m *ocispec.Manifest) { m.Layers = append(m.Layers, extra) }, "not a catalog", false},
		"catalog with the policy's media type": {func(m *ocispec.Manifest) { m.Layers[1].MediaType = bundle.PolicyMediaType }, "not a catalog", false},
		"policy with a wrong media type":       {func(m *ocispec.Manifest) { m.Layers[0].MediaType = "application/xml" }, "not the policy", false},
		"second policy":                        {func(m *ocispec.Manifest) { m.Layers = append(m.Layers, m.Layers[0]) }, "a second layer", false},
		"title escaping the folder":            {retitle(1, "catalogs/../../evil.cat"), "not a catalog", false},
		"title in a subfolder":                 {retitle(1, "catalogs/sub/app.cat"), "not a catalog", false},
		"catalog not .cat":                     {retitle(1, "catalogs/app.sh"), "not a catalog", false},
		"duplicate catalog name":               {retitle(2, "catalogs/app.cat"), "a second layer", false},
		"other artifact type":                  {func(m *ocispec.Manifest) { m.ArtifactType = "application/vnd.example" }, "artifact type", false},
		"foreign URLs": {func(m *ocispec.Manifest) {
			m.Layers[1].URLs = []string{"http://example.invalid/app.cat"}
		}, "foreign URLs", false},
		"no PolicyID": {func(m *ocispec.Manifest) { delete(m.Annotations, bundle.AnnotationPolicyID) }, "is not a PolicyID", false},
		"claims another PolicyID": {func(m *ocispec.Manifest) {
			m.Annotations[bundle.AnnotationPolicyID] = testfleet.OtherPolicyID
		}, "claims policy", true},
		"claims a higher version": {func(m *ocispec.Manifest) {
			m.Annotations[bundle.AnnotationVersionEx] = "9.0.0.0"
		}, "claims policy", true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var m ocispec.Manifest
			data, _ := json.Marshal(good)
			json.Unmarshal(data, &m)
			c.mutate(&m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			desc := content.NewDescriptorFromBytes(ocispec.MediaTypeImageManifest, data)
			if err := f.repo.Push(ctx, desc, bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			src := &countingFetcher{Fetcher: f.repo}
			dir := filepath.Join(t.TempDir(), "b")
			_, err = bundle.Pull(ctx, src, desc, dir, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Pull = %v, want an error saying %q", err, c.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a refused bundle left its folder: %v", err)
			}
			if n := src.fetches.Load(); !c.layers && n != 1 {
				t.Fatalf("%d fetches, want only the manifest's", n)
			}
		})
	}
}

func FuzzDecodeManifest(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.intact.bundle.v1","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.intact.policy.v1+xml","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"annotations":{"org.opencontainers.image.title":"policy.xml"}}],"annotations":{"dev.intact.bundle.policy-id":"{6C2C7B11-0000-4000-8000-0000000000F1}","dev.intact.bundle.version-ex":"1.0.0.1"}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"layers":[{"annotations":{"org.opencontainers.image.title":"catalogs/../x.cat"}}]}`))
	base := f.TempDir() // a folder per input would cost more than the input
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, data []byte) {
		desc := content.NewDescriptorFromBytes(ocispec.MediaTypeImageManifest, data)
		src := content.FetcherFunc(func(ctx context.Context, d ocispec.Descriptor) (io.ReadCloser, error) {
			if d.Digest != desc.Digest {
				return nil, errdef.ErrNotFound
			}
			return io.NopCloser(bytes.NewReader(data)), nil
		})
		dir := filepath.Join(base, strconv.FormatInt(n.Add(1), 10))
		info, err := bundle.Pull(context.Background(), src, desc, dir, nil)
		if _, serr := os.Stat(dir); serr == nil {
			t.Fatalf("a refused manifest left %s", dir)
		}
		if err == nil {
			t.Fatalf("Pull of a manifest whose layers are absent = %+v", info)
		}
	})
}

// TestPullAcceptRefuses: a bundle the caller's Accept refuses, by what the
// manifest claims, is refused before any layer is fetched.
func TestPullAcceptRefuses(t *testing.T) {
	f := newFixture(t)
	desc := f.push("")
	errOld := errors.New("below the floor")
	var claimed *bundle.Info
	src := &countingFetcher{Fetcher: f.repo}
	_, err := bundle.Pull(context.Background(), src, desc, f.path("b"), &bundle.PullOptions{
		Accept: func(info *bundle.Info) error { claimed = info; return errOld },
	})
	if !errors.Is(err, errOld) {
		t.Fatalf("Pull = %v, want Accept's error", err)
	}
	if claimed == nil || claimed.PolicyID != testfleet.PolicyID || claimed.VersionEx.String() != "1.0.0.1" || len(claimed.Catalogs) != 2 {
		t.Fatalf("Accept saw %+v", claimed)
	}
	if n := src.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want only the manifest's", n)
	}
}

// endlessFetcher serves the manifest from the registry and, for every
// layer, an endless stream, counting what was read of it.
type endlessFetcher struct {
	content.Fetcher
	manifest digest.Digest
	read     atomic.Int64
}

func (e *endlessFetcher) Fetch(ctx context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	if desc.Digest == e.manifest {
		return e.Fetcher.Fetch(ctx, desc)
	}
	return io.NopCloser(endless{&e.read}), nil
}

type endless struct{ n *atomic.Int64 }

func (r endless) Read(p []byte) (int, error) {
	clear(p)
	r.n.Add(int64(len(p)))
	return len(p), nil
}

// TestPullRefusesEndlessBlob: a registry that answers a layer with more
// bytes than its descriptor says, without end, is refused after at most a
// little more than the descriptor's size.
func TestPullRefusesEndlessBlob(t *testing.T) {
	f := newFixture(t)
	desc := f.push("")
	src := &endlessFetcher{Fetcher: f.repo, manifest: desc.Digest}
	dir := f.path("b")
	_, err := bundle.Pull(context.Background(), src, desc, dir, nil)
	if err == nil {
		t.Fatal("Pull of an endless layer succeeded")
	}
	policySize := f.manifest(desc).Layers[0].Size
	if n := src.read.Load(); n > policySize+64<<10 {
		t.Fatalf("read %d bytes of a %d-byte layer before refusing it", n, policySize)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused bundle left its folder: %v", err)
	}
}
