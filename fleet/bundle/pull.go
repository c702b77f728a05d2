package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/intactdev/intact/internal/sysfolder"
	"github.com/intactdev/intact/sipolicy"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry"
)

// ParseReference splits a pull reference, REGISTRY/REPOSITORY@sha256:HEX
// (a tag before the digest is allowed and ignored), into the repository
// and the manifest digest. A reference by tag alone is refused: a tag can
// be moved, a digest cannot.
func ParseReference(ref string) (repo string, manifest digest.Digest, err error) {
	r, err := registry.ParseReference(ref)
	if err != nil {
		return "", "", fmt.Errorf("bundle: %w", err)
	}
	d, err := r.Digest()
	if err != nil {
		return "", "", fmt.Errorf("bundle: %s: pull by digest only (REPOSITORY@sha256:...): a tag can be moved", ref)
	}
	return r.Registry + "/" + r.Repository, d, nil
}

// Pull fetches the bundle whose manifest is described by manifest (its
// digest and size; the size is what the digest was published with) from
// src, checks it against the format (FORMAT.md) and opts, and writes it to
// dir, which must not exist or be empty: dir/policy.xml and dir/catalogs/.
// A bundle refused once its layers are being fetched leaves dir as it was.
// Every blob is checked against its digest, and every size against
// opts.Limits before it is fetched. The policy must carry the PolicyID and
// VersionEx the manifest's annotations claim. Pull does not judge trust:
// Verify does.
func Pull(ctx context.Context, src content.Fetcher, manifest ocispec.Descriptor, dir string, opts *PullOptions) (*Info, error) {
	if opts == nil {
		opts = &PullOptions{}
	}
	limits := opts.Limits
	if limits == (Limits{}) {
		limits = DefaultLimits
	}
	m, err := fetchManifest(ctx, src, manifest, limits)
	if err != nil {
		return nil, err
	}
	info, err := checkManifest(m, limits)
	if err != nil {
		return nil, fmt.Errorf("bundle: manifest %s: %w", manifest.Digest, err)
	}
	if len(opts.PolicyIDs) > 0 && !slices.Contains(opts.PolicyIDs, info.PolicyID) {
		return nil, fmt.Errorf("bundle: manifest %s: policy %s is not one of the accepted policies %v", manifest.Digest, info.PolicyID, opts.PolicyIDs)
	}
	if opts.Accept != nil {
		if err := opts.Accept(info); err != nil {
			return nil, fmt.Errorf("bundle: manifest %s refused: %w", manifest.Digest, err)
		}
	}
	created, err := emptyFolder(dir)
	if err != nil {
		return nil, err
	}
	if err := fetchLayers(ctx, src, m, dir, info); err != nil {
		// Leave dir as it was: no part of a refused bundle stays.
		os.RemoveAll(filepath.Join(dir, sysfolder.Policy))
		os.RemoveAll(filepath.Join(dir, sysfolder.Catalogs))
		if created {
			os.Remove(dir)
		}
		return nil, fmt.Errorf("bundle: manifest %s: %w", manifest.Digest, err)
	}
	return info, nil
}

// fetchManifest fetches and decodes the manifest desc describes, refusing
// it unread when desc says it is too large or is not an OCI image manifest.
func fetchManifest(ctx context.Context, src content.Fetcher, desc ocispec.Descriptor, limits Limits) (*ocispec.Manifest, error) {
	if desc.MediaType != ocispec.MediaTypeImageManifest {
		return nil, fmt.Errorf("bundle: manifest %s has media type %q, not %q", desc.Digest, desc.MediaType, ocispec.MediaTypeImageManifest)
	}
	if desc.Size <= 0 || desc.Size > limits.Manifest {
		return nil, fmt.Errorf("bundle: manifest %s: size %d is not in 1..%d", desc.Digest, desc.Size, limits.Manifest)
	}
	data, err := content.FetchAll(ctx, src, desc)
	if err != nil {
		return nil, fmt.Errorf("bundle: manifest %s: %w", desc.Digest, err)
	}
	return decodeManifest(data)
}

// decodeManifest decodes an image manifest, refusing unknown fields and
// trailing data, so that what is checked is all there is.
func decodeManifest(data []byte) (*ocispec.Manifest, error) {
	var m ocispec.Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("bundle: manifest: %w", err)
	}
	if dec.More() {
		return nil, errors.New("bundle: manifest: data after the manifest")
	}
	return &m, nil
}

// checkManifest checks a decoded manifest against the format and limits
// and returns the bundle's description from its annotations.
func checkManifest(m *ocispec.Manifest, limits Limits) (*Info, error) {
	switch {
	case m.SchemaVersion != 2:
		return nil, fmt.Errorf("schema version %d, not 2", m.SchemaVersion)
	case m.MediaType != ocispec.MediaTypeImageManifest:
		return nil, fmt.Errorf("media type %q, not %q", m.MediaType, ocispec.MediaTypeImageManifest)
	case m.ArtifactType != ArtifactType:
		return nil, fmt.Errorf("artifact type %q, not %q", m.ArtifactType, ArtifactType)
	case m.Config.MediaType != ocispec.MediaTypeEmptyJSON || m.Config.Digest != ocispec.DescriptorEmptyJSON.Digest || m.Config.Size != ocispec.DescriptorEmptyJSON.Size:
		return nil, fmt.Errorf("config %s %s is not the empty descriptor", m.Config.MediaType, m.Config.Digest)
	case m.Subject != nil:
		return nil, errors.New("a bundle has no subject")
	case len(m.Layers) == 0:
		return nil, errors.New("no layers")
	case len(m.Layers) > limits.Catalogs+1:
		return nil, fmt.Errorf("%d layers, more than a policy and %d catalogs", len(m.Layers), limits.Catalogs)
	}
	version, err := sipolicy.ParseVersion(m.Annotations[AnnotationVersionEx])
	if err != nil {
		return nil, fmt.Errorf("annotation %s: %w", AnnotationVersionEx, err)
	}
	id, err := sipolicy.ParseGUID(m.Annotations[AnnotationPolicyID])
	if err != nil || id != m.Annotations[AnnotationPolicyID] {
		return nil, fmt.Errorf("annotation %s: %q is not a PolicyID", AnnotationPolicyID, m.Annotations[AnnotationPolicyID])
	}
	info := &Info{PolicyID: id, VersionEx: version}
	titles := map[string]bool{}
	for i, l := range m.Layers {
		title := l.Annotations[ocispec.AnnotationTitle]
		if titles[title] {
			return nil, fmt.Errorf("layer %d: a second layer titled %q", i, title)
		}
		titles[title] = true
		if err := l.Digest.Validate(); err != nil || l.Digest.Algorithm() != digest.SHA256 {
			return nil, fmt.Errorf("layer %d: digest %q is not a valid sha256 digest", i, l.Digest)
		}
		if len(l.URLs) > 0 {
			return nil, fmt.Errorf("layer %d: foreign URLs are not allowed", i)
		}
		var limit int64
		switch {
		case i == 0 && title == policyTitle && l.MediaType == PolicyMediaType:
			limit = limits.Policy
		case i > 0 && strings.HasPrefix(title, catalogPrefix) && validCatalogName(title[len(catalogPrefix):]) && l.MediaType == CatalogMediaType:
			limit = limits.Catalog
			info.Catalogs = append(info.Catalogs, title[len(catalogPrefix):])
		case i == 0:
			return nil, fmt.Errorf("layer 0 is %q titled %q, not the policy (%q titled %q)", l.MediaType, title, PolicyMediaType, policyTitle)
		default:
			return nil, fmt.Errorf("layer %d is %q titled %q, not a catalog (%q titled %s<name>.cat)", i, l.MediaType, title, CatalogMediaType, catalogPrefix)
		}
		if l.Size <= 0 || l.Size > limit {
			return nil, fmt.Errorf("layer %d (%s): size %d is not in 1..%d", i, title, l.Size, limit)
		}
	}
	slices.Sort(info.Catalogs)
	return info, nil
}

// emptyFolder creates dir/catalogs, and dir unless it exists empty; it
// reports whether it created dir.
func emptyFolder(dir string) (created bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, fmt.Errorf("bundle: %w", err)
		}
		created = true
	case err != nil:
		return false, fmt.Errorf("bundle: %w", err)
	case len(entries) > 0:
		return false, fmt.Errorf("bundle: %s is not empty", dir)
	}
	if err := os.Mkdir(filepath.Join(dir, sysfolder.Catalogs), 0o755); err != nil {
		return created, fmt.Errorf("bundle: %w", err)
	}
	return created, nil
}

// fetchLayers fetches the layers of a checked manifest into dir, and
// checks that the policy is the one the manifest's annotations (info)
// claim.
func fetchLayers(ctx context.Context, src content.Fetcher, m *ocispec.Manifest, dir string, info *Info) error {
	for _, layer := range m.Layers {
		path := filepath.Join(dir, filepath.FromSlash(layer.Annotations[ocispec.AnnotationTitle]))
		if err := fetchFile(ctx, src, layer, path); err != nil {
			return err
		}
	}
	p, err := sipolicy.ParseFile(filepath.Join(dir, sysfolder.Policy))
	if err != nil {
		return err
	}
	if p.PolicyID != info.PolicyID || p.Version != info.VersionEx {
		return fmt.Errorf("it claims policy %s version %s, but its policy is %s version %s",
			info.PolicyID, info.VersionEx, p.PolicyID, p.Version)
	}
	return nil
}

// fetchFile fetches the blob desc describes into a new file at path,
// checking its size and digest as it streams.
func fetchFile(ctx context.Context, src content.Fetcher, desc ocispec.Descriptor, path string) (err error) {
	rc, err := src.Fetch(ctx, desc)
	if err != nil {
		return fmt.Errorf("fetching %s (%s): %w", path, desc.Digest, err)
	}
	defer rc.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	vr := content.NewVerifyReader(rc, desc)
	if _, err := io.Copy(f, vr); err != nil {
		return fmt.Errorf("fetching %s (%s): %w", path, desc.Digest, err)
	}
	if err := vr.Verify(); err != nil {
		return fmt.Errorf("fetching %s (%s): %w", path, desc.Digest, err)
	}
	return nil
}
