// Package bundle packs one WDAC policy and the catalogs it trusts into an
// OCI artifact, pushes it to a registry, pulls it back by digest into a
// folder laid out as a system folder (policy.xml, catalogs/), and verifies
// such a folder. The format is specified in FORMAT.md beside this file.
//
// A registry is only a carrier: what makes a bundle installable is that its
// manifest digest was named by someone trusted (a TUF target, an operator)
// and that Verify accepts the folder it was pulled into.
package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/catalogs"
	"github.com/intactdev/intact/internal/regularfile"
	"github.com/intactdev/intact/internal/sysfolder"
	"github.com/intactdev/intact/sipolicy"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
)

// Media types and annotations of the format (FORMAT.md).
const (
	ArtifactType     = "application/vnd.intact.bundle.v1"
	PolicyMediaType  = "application/vnd.intact.policy.v1+xml"
	CatalogMediaType = "application/vnd.ms-pki.seccat" // the registered type of .cat files

	AnnotationPolicyID  = "dev.intact.bundle.policy-id"
	AnnotationVersionEx = "dev.intact.bundle.version-ex"
)

// Info describes a bundle: the identity of its policy and its catalogs'
// names, in name order.
type Info struct {
	PolicyID  string
	VersionEx sipolicy.Version
	Catalogs  []string
}

// Limits bound what Pull fetches. A blob or manifest whose descriptor says
// it is larger is refused before any of it is read.
type Limits struct {
	Manifest int64 // bytes of the manifest
	Policy   int64 // bytes of the policy layer
	Catalog  int64 // bytes of each catalog layer
	Catalogs int   // number of catalog layers
}

// DefaultLimits are the limits Pull applies when PullOptions gives none:
// those intact itself applies when it reads policies and catalogs, and
// room for ten thousand catalogs.
var DefaultLimits = Limits{
	Manifest: 4 << 20,
	Policy:   sipolicy.MaxFileSize,
	Catalog:  catalog.MaxFileSize,
	Catalogs: 10000,
}

// PullOptions are Pull's options.
type PullOptions struct {
	// Limits replace DefaultLimits when not zero.
	Limits Limits
	// PolicyIDs, when not empty, are the only PolicyIDs accepted: a bundle
	// of another policy is refused before its layers are fetched.
	PolicyIDs []string
	// Accept, when not nil, is called with what the manifest claims (the
	// catalogs' names included) before any layer is fetched; an error
	// refuses the bundle. An agent refuses a VersionEx below its floor
	// here, before downloading. The claims are checked against the policy
	// once it is fetched.
	Accept func(*Info) error
}

// policyTitle is the title of the policy layer; catalog layers are titled
// catalogPrefix + their file name.
const (
	policyTitle   = sysfolder.Policy
	catalogPrefix = sysfolder.Catalogs + "/"
)

// Check makes the checks Push makes before it sends anything: the policy
// parses, and every catalog is one the policy trusts (verified, signed by
// an allowed signer and no denied one, now). Catalog file names must be
// valid layer names (FORMAT.md) and distinct.
func Check(policy string, catalogFiles []string) (*Info, error) {
	p, err := sipolicy.ParseFile(policy)
	if err != nil {
		return nil, fmt.Errorf("bundle: policy: %w", err)
	}
	if p.PolicyID == "" {
		return nil, fmt.Errorf("bundle: policy %s has no PolicyID, which names a bundle's policy", policy)
	}
	info := &Info{PolicyID: p.PolicyID, VersionEx: p.Version}
	for _, c := range catalogFiles {
		name := filepath.Base(c)
		if !validCatalogName(name) {
			return nil, fmt.Errorf("bundle: catalog %s: %q is not a valid catalog name (letters, digits, '-', '_', '.', ending in .cat)", c, name)
		}
		if slices.Contains(info.Catalogs, name) {
			return nil, fmt.Errorf("bundle: catalog %s: another catalog is also named %q", c, name)
		}
		info.Catalogs = append(info.Catalogs, name)
	}
	slices.Sort(info.Catalogs)
	e := catalogs.New(p, policy, catalogs.NewSet(catalogFiles), enforcer.DefaultAppID)
	if errs := e.Untrusted(); len(errs) > 0 {
		return nil, fmt.Errorf("bundle: policy %s does not trust every catalog: %w", policy, errors.Join(errs...))
	}
	return info, nil
}

// validCatalogName reports whether name can be a catalog layer's file name.
func validCatalogName(name string) bool {
	return sysfolder.ValidName(name) && strings.HasSuffix(name, ".cat") && len(name) > len(".cat")
}

// Target is where Push writes: a repository of oras-go's registry/remote,
// or one of its content stores (what oras-go calls an oras.Target).
type Target interface {
	content.Storage
	content.TagResolver
}

// Push checks the policy and catalogs (Check), pushes them to dst as a
// bundle, tags the manifest with tag unless it is empty, and returns the
// manifest's descriptor. Blobs dst already has are not sent again.
func Push(ctx context.Context, dst Target, tag, policy string, catalogFiles []string) (ocispec.Descriptor, error) {
	info, err := Check(policy, catalogFiles)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	layer, err := pushFile(ctx, dst, policy, PolicyMediaType, policyTitle, DefaultLimits.Policy)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	layers := []ocispec.Descriptor{layer}
	byName := map[string]string{}
	for _, c := range catalogFiles {
		byName[filepath.Base(c)] = c
	}
	for _, name := range info.Catalogs { // in name order, so the manifest is canonical
		layer, err := pushFile(ctx, dst, byName[name], CatalogMediaType, catalogPrefix+name, DefaultLimits.Catalog)
		if err != nil {
			return ocispec.Descriptor{}, err
		}
		layers = append(layers, layer)
	}
	manifest, err := pushManifest(ctx, dst, layers, map[string]string{
		AnnotationPolicyID:  info.PolicyID,
		AnnotationVersionEx: info.VersionEx.String(),
	})
	if err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("bundle: pushing the manifest: %w", err)
	}
	if tag != "" {
		if err := dst.Tag(ctx, manifest, tag); err != nil {
			return ocispec.Descriptor{}, fmt.Errorf("bundle: tagging %s as %q: %w", manifest.Digest, tag, err)
		}
	}
	return manifest, nil
}

// pushManifest pushes the manifest of a bundle of layers with annotations,
// and the empty config it names, as oras-go's PackManifest packs an image
// manifest of image-spec 1.1 (FORMAT.md): ArtifactType, the empty JSON
// object as config, and the time of creation among the annotations. It is
// written here because oras-go's root package, PackManifest's, compiles a
// media-type pattern in its initialiser, which every start of intact paid.
func pushManifest(ctx context.Context, dst content.Storage, layers []ocispec.Descriptor, annotations map[string]string) (ocispec.Descriptor, error) {
	config := ocispec.DescriptorEmptyJSON
	if err := pushBytes(ctx, dst, config, config.Data); err != nil {
		return ocispec.Descriptor{}, err
	}
	annotations[ocispec.AnnotationCreated] = time.Now().UTC().Format(time.RFC3339)
	manifest := ocispec.Manifest{
		Versioned:    specs.Versioned{SchemaVersion: 2},
		MediaType:    ocispec.MediaTypeImageManifest,
		ArtifactType: ArtifactType,
		Config:       config,
		Layers:       layers,
		Annotations:  annotations,
	}
	data, err := json.Marshal(manifest)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	desc := content.NewDescriptorFromBytes(manifest.MediaType, data)
	desc.ArtifactType = manifest.ArtifactType
	desc.Annotations = manifest.Annotations
	return desc, pushBytes(ctx, dst, desc, data)
}

// pushBytes pushes data, described by desc, unless dst has it.
func pushBytes(ctx context.Context, dst content.Storage, desc ocispec.Descriptor, data []byte) error {
	switch ok, err := dst.Exists(ctx, desc); {
	case err != nil:
		return err
	case ok:
		return nil
	}
	if err := dst.Push(ctx, desc, bytes.NewReader(data)); err != nil && !errors.Is(err, errdef.ErrAlreadyExists) {
		return err
	}
	return nil
}

// pushFile pushes the file at path, of at most limit bytes, as a blob of
// mediaType titled title, unless dst has it, and returns its descriptor.
func pushFile(ctx context.Context, dst content.Storage, path, mediaType, title string, limit int64) (ocispec.Descriptor, error) {
	// Read whole (Check has read it already, within the same limit), so
	// that the upload's body can be sent again: a client that retries a
	// registry's 5xx answer replays only a body it can get anew.
	data, err := regularfile.Read(path, limit)
	if err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("bundle: %w", err)
	}
	desc := ocispec.Descriptor{
		MediaType:   mediaType,
		Digest:      digest.SHA256.FromBytes(data),
		Size:        int64(len(data)),
		Annotations: map[string]string{ocispec.AnnotationTitle: title},
	}
	switch ok, err := dst.Exists(ctx, desc); {
	case err != nil:
		return ocispec.Descriptor{}, fmt.Errorf("bundle: pushing %s: %w", path, err)
	case ok:
		return desc, nil
	}
	if err := dst.Push(ctx, desc, bytes.NewReader(data)); err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("bundle: pushing %s: %w", path, err)
	}
	return desc, nil
}

// Verify makes the checks an agent makes of a pulled folder before it
// brings it into force, and returns what the folder holds: the layout is
// exactly policy.xml and catalogs/ of valid catalog names, the policy
// parses, every catalog is trusted by it (Check), and intact.Load accepts
// the folder as a system folder, so it must be root's alone
// (Administrators' on Windows) as a system folder must.
func Verify(dir string) (*Info, error) {
	policy, catalogFiles, err := layout(dir)
	if err != nil {
		return nil, err
	}
	info, err := Check(policy, catalogFiles)
	if err != nil {
		return nil, err
	}
	if _, err := intact.Load(intact.LoadOptions{SystemDir: dir}); err != nil {
		return nil, fmt.Errorf("bundle: %s as a system folder: %w", dir, err)
	}
	return info, nil
}

// layout returns the policy and catalog files of a bundle folder, refusing
// anything else in it.
func layout(dir string) (policy string, catalogFiles []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", nil, fmt.Errorf("bundle: %w", err)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case e.Name() == sysfolder.Policy && e.Type().IsRegular():
			policy = path
		case e.Name() == sysfolder.Catalogs && e.IsDir():
			cats, err := os.ReadDir(path)
			if err != nil {
				return "", nil, fmt.Errorf("bundle: %w", err)
			}
			for _, c := range cats {
				if !validCatalogName(c.Name()) || !c.Type().IsRegular() {
					return "", nil, fmt.Errorf("bundle: %s: not a catalog of a bundle (a regular file named like name.cat)", filepath.Join(path, c.Name()))
				}
				catalogFiles = append(catalogFiles, filepath.Join(path, c.Name()))
			}
		default:
			return "", nil, fmt.Errorf("bundle: %s: not part of a bundle (only %s and %s/ are)", path, sysfolder.Policy, sysfolder.Catalogs)
		}
	}
	if policy == "" {
		return "", nil, fmt.Errorf("bundle: %s has no %s", dir, sysfolder.Policy)
	}
	return policy, catalogFiles, nil
}
