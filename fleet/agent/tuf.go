package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/intactdev/intact/fleet/tufrepo"
	"github.com/intactdev/intact/internal/regularfile"
	"github.com/theupdateframework/go-tuf/v2/metadata"
	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"
)

// maxRootSize bounds the trusted root.json the agent starts from.
const maxRootSize = 512 << 10

// refreshed is what a good TUF refresh says.
type refreshed struct {
	target  tufrepo.Target
	expires time.Time // when the earliest of the top-level roles expires
}

// refresh runs the TUF client workflow (go-tuf's updater: root rotation,
// then timestamp, snapshot and targets, with their signatures, thresholds,
// versions and expiries checked against the clock) and returns the target
// the agent follows. The metadata verified is cached in StateDir/tuf, and
// the cached versions are the ones newer metadata must not go below.
func (a *Agent) refresh(ctx context.Context) (*refreshed, error) {
	metaDir := filepath.Join(a.cfg.StateDir, "tuf")
	// The updater trusts the root it is given and writes it to the cache,
	// so give it the root the cache already learnt, if any: starting from
	// the configured root again would forget rotations.
	root, err := regularfile.Read(filepath.Join(metaDir, "root.json"), maxRootSize)
	if errors.Is(err, os.ErrNotExist) {
		root, err = regularfile.Read(a.cfg.TrustedRoot, maxRootSize)
	}
	if err != nil {
		return nil, err
	}
	cfg, err := config.New(a.cfg.Metadata[0], root)
	if err != nil {
		return nil, err
	}
	cfg.LocalMetadataDir = metaDir
	cfg.LocalTargetsDir = filepath.Join(a.cfg.StateDir, "tuf-targets") // unused: targets are OCI bundles
	cfg.Fetcher = &metadataFetcher{ctx: ctx, client: a.client, mirrors: a.cfg.Metadata}
	u, err := updater.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("TUF: %w", err)
	}
	u.UnsafeSetRefTime(a.clock.Now()) // the agent's clock, not the wall's, judges expiry
	if err := u.Refresh(); err != nil {
		return nil, fmt.Errorf("TUF refresh: %w", err)
	}
	tf, err := u.GetTargetInfo(a.cfg.Target)
	if err != nil {
		return nil, fmt.Errorf("TUF: target %s: %w", a.cfg.Target, err)
	}
	t, err := tufrepo.TargetOf(tf)
	if err != nil {
		return nil, fmt.Errorf("TUF: %w", err)
	}
	trusted := u.GetTrustedMetadataSet()
	expires := trusted.Root.Signed.Expires
	for _, e := range []time.Time{trusted.Timestamp.Signed.Expires, trusted.Snapshot.Signed.Expires, trusted.Targets[metadata.TARGETS].Signed.Expires} {
		if e.Before(expires) {
			expires = e
		}
	}
	return &refreshed{target: t, expires: expires}, nil
}

// metadataFetcher fetches TUF metadata from the first mirror that answers,
// within the poll's context, reading no more than the length the updater
// allows.
type metadataFetcher struct {
	ctx     context.Context
	client  *http.Client
	mirrors []string // base URLs; the updater asks for URLs under the first
}

// DownloadFile implements go-tuf's fetcher.Fetcher. A mirror's definite
// answer, the file or a client error such as 404, is final: the updater
// needs the 404 for the next root to end the rotation check, and a backup
// mirror answering 200 (an error page, a captive portal) must not overrule
// it. Only a mirror that cannot answer (network error, timeout, 429, 5xx)
// hands over to the next.
func (f *metadataFetcher) DownloadFile(urlPath string, maxLength int64, _ time.Duration) ([]byte, error) {
	name, ok := strings.CutPrefix(urlPath, strings.TrimSuffix(f.mirrors[0], "/")+"/")
	if !ok {
		return nil, fmt.Errorf("TUF: %s is not under the first mirror %s", urlPath, f.mirrors[0])
	}
	var errs []error
	for _, m := range f.mirrors {
		data, err := f.get(strings.TrimSuffix(m, "/")+"/"+name, maxLength)
		if err == nil || definite(err) {
			return data, err
		}
		errs = append(errs, err)
		if f.ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// definite reports whether err is a mirror's answer rather than its
// failure to answer: a client error other than 429, or a body longer than
// allowed.
func definite(err error) bool {
	var httpErr *metadata.ErrDownloadHTTP
	if errors.As(err, &httpErr) {
		return httpErr.StatusCode >= 400 && httpErr.StatusCode < 500
	}
	var lengthErr *metadata.ErrDownloadLengthMismatch
	return errors.As(err, &lengthErr)
}

// get fetches url, refusing a body longer than maxLength before reading
// it when the server says how long it is, and after maxLength+1 bytes
// when it does not.
func (f *metadataFetcher) get(url string, maxLength int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, &ThrottledError{URL: url, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	case resp.StatusCode != http.StatusOK:
		return nil, &metadata.ErrDownloadHTTP{StatusCode: resp.StatusCode, URL: url}
	case resp.ContentLength > maxLength:
		return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s: %d bytes, more than the %d allowed", url, resp.ContentLength, maxLength)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLength+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	if int64(len(data)) > maxLength {
		return nil, &metadata.ErrDownloadLengthMismatch{Msg: fmt.Sprintf("%s: more than the %d bytes allowed", url, maxLength)}
	}
	return data, nil
}

// ThrottledError is a server's HTTP 429: the agent waits at least
// RetryAfter (when the server said) before its next poll.
type ThrottledError struct {
	URL        string
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%s: too many requests (HTTP 429)", e.URL)
}

// retryAfter reads a Retry-After header given in seconds; dates and
// nonsense count as not given.
func retryAfter(h string) time.Duration {
	s, err := strconv.Atoi(h)
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(min(s, 24*3600)) * time.Second
}
