package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"

	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/internal/regularfile"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// blobCache serves a bundle's manifest and blobs by digest: from the cache
// folder when an earlier poll fetched them (an unchanged catalog is not
// fetched again), else from the first registry that has them, kept in the
// cache once their size and digest check. It is the content.Fetcher that
// bundle.Pull reads through.
type blobCache struct {
	dir   string // StateDir/blobs: sha256/HEX
	repos []*remote.Repository
	// used are the blobs served since the last prune: those of the
	// bundle being installed.
	used map[string]bool
}

func newBlobCache(dir string, cfg *Config, client *http.Client) (*blobCache, error) {
	c := &blobCache{dir: dir, used: map[string]bool{}}
	var cred auth.CredentialFunc // anonymous
	if cfg.RegistryAuth != "" {
		store, err := credentials.NewStore(cfg.RegistryAuth, credentials.StoreOptions{})
		if err != nil {
			return nil, fmt.Errorf("registry_auth: %w", err)
		}
		cred = credentials.Credential(store)
	}
	for _, ref := range cfg.Registries {
		// No retries within a poll: the agent's poll loop backs off, on
		// its own clock, and honours 429s.
		repo, err := bundle.Repository(ref, cfg.PlainHTTP, client, cred)
		if err != nil {
			return nil, fmt.Errorf("registry %s: %w", ref, err)
		}
		c.repos = append(c.repos, repo)
	}
	return c, nil
}

// path returns where the cache keeps desc's blob.
func (c *blobCache) path(desc ocispec.Descriptor) (string, error) {
	if err := desc.Digest.Validate(); err != nil {
		return "", err
	}
	return filepath.Join(c.dir, desc.Digest.Algorithm().String(), desc.Digest.Encoded()), nil
}

// Fetch implements content.Fetcher.
func (c *blobCache) Fetch(ctx context.Context, desc ocispec.Descriptor) (io.ReadCloser, error) {
	path, err := c.path(desc)
	if err != nil {
		return nil, err
	}
	c.used[path] = true
	if err := makeFolder(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if f, err := c.cached(path, desc); err == nil {
		return f, nil
	}
	var errs []error
	for _, repo := range c.repos {
		err := c.download(ctx, repo, desc, path)
		if err == nil {
			return regularfile.Open(path)
		}
		errs = append(errs, fmt.Errorf("%s: %w", repo.Reference, err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// makeFolder makes the cache folder dir if need be, and refuses a
// symbolic link or anything but a folder there: the agent must never
// write or remove files anywhere else.
func makeFolder(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("blob cache %s is not a folder (%v)", dir, info.Mode().Type())
	}
	return nil
}

// cached opens the cached copy of desc's blob when it is whole: its size
// and digest are checked again, since a cache is only a file. A blob that
// is not a regular file (a named pipe would block for ever) is not opened
// as one.
func (c *blobCache) cached(path string, desc ocispec.Descriptor) (io.ReadCloser, error) {
	f, err := regularfile.Open(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			os.Remove(path)
		}
		return nil, err
	}
	vr := content.NewVerifyReader(f, desc)
	if _, err := io.Copy(io.Discard, vr); err == nil {
		err = vr.Verify()
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// download fetches desc from repo into path, through a temporary file
// renamed into place only once desc's size and digest check: the reader
// stops at desc.Size, however much the registry would send.
func (c *blobCache) download(ctx context.Context, repo *remote.Repository, desc ocispec.Descriptor, path string) error {
	rc, err := repo.Fetch(ctx, desc)
	if err != nil {
		return throttled(err)
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fetch-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	vr := content.NewVerifyReader(rc, desc)
	_, err = io.Copy(tmp, vr)
	if err == nil {
		err = vr.Verify()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// prune removes the cached blobs not served since the last prune: after an
// install, all but the installed bundle's, so the cache holds one bundle.
func (c *blobCache) prune() error {
	defer clear(c.used)
	dir := filepath.Join(c.dir, "sha256")
	switch info, err := os.Lstat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !info.IsDir():
		// Never through a link: it would remove another folder's files.
		return fmt.Errorf("blob cache %s is not a folder (%v)", dir, info.Mode().Type())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		path := filepath.Join(c.dir, "sha256", e.Name())
		if !c.used[path] {
			if err := os.Remove(path); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// throttled turns a registry's HTTP 429 into a ThrottledError.
func throttled(err error) error {
	var resp *errcode.ErrorResponse
	if errors.As(err, &resp) && resp.StatusCode == http.StatusTooManyRequests {
		return &ThrottledError{URL: resp.URL.String()}
	}
	return err
}
