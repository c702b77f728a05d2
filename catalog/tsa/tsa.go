// Package tsa has a catalog signature timestamped by an RFC 3161
// time-stamping authority over HTTP (RFC 3161 §3.4).
//
// Package catalog encodes the request and checks the response
// (catalog.TimestampRequest); this package only carries them. It is apart
// so that a program that reads and verifies catalogs, or embeds intact's
// policy checks, links no HTTP client.
//
// A signature is timestamped while it is made, from
// catalog.SignOptions.UnauthenticatedAttributes:
//
//	authority := &tsa.Authority{URL: "http://timestamp.example"}
//	opts := &catalog.SignOptions{
//		UnauthenticatedAttributes: func(signature []byte) ([][]byte, error) {
//			attr, err := authority.Timestamp(ctx, signature)
//			return [][]byte{attr}, err
//		},
//	}
//
// A Failover asks several authorities in order, retrying those that are
// busy or unreachable, and has the same Timestamp method.
package tsa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/intactdev/intact/catalog"
)

// maxResponse bounds what Timestamp reads from an authority: real
// responses are a few kilobytes.
const maxResponse = 1 << 20

// An Authority is an RFC 3161 time-stamping authority reached over HTTP.
type Authority struct {
	URL    string       // where requests are POSTed (Content-Type application/timestamp-query)
	Client *http.Client // when nil, a client that gives up after a minute and follows no redirect
}

// defaultClient gives up on an authority that does not answer within a
// minute, and does not follow redirects, which would turn the POST into a
// GET: a redirect is reported as the HTTP status it is.
var defaultClient = &http.Client{
	Timeout:       time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Timestamp asks the authority to timestamp a catalog signature and returns
// the unauthenticated attribute that carries the token, ready for
// catalog.SignOptions.UnauthenticatedAttributes. The request and the checks
// of the response are catalog.TimestampRequest's; an HTTP status other than
// 200 wraps catalog.ErrTimestampRejected, and a response over 1 MiB
// catalog.ErrTimestampMalformed. Errors name the URL and the reason.
func (a *Authority) Timestamp(ctx context.Context, signature []byte) ([]byte, error) {
	attr, err := a.timestamp(ctx, signature)
	if err != nil {
		// net/http names the URL in its errors, masking a password but
		// not a user name, which may be a token.
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = a.String()
		}
		return nil, fmt.Errorf("tsa: timestamp from %s: %w", a, err)
	}
	return attr, nil
}

// String returns the authority's URL with its user information (a user
// name, which may be a token, and a password) and its query's values
// masked: an authenticated
// endpoint's credentials must not reach logs through messages that name
// the authority.
func (a *Authority) String() string {
	u, err := url.Parse(a.URL)
	if err != nil {
		return "(an unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User("xxxxx") // as url.URL.Redacted masks a password
	}
	if u.RawQuery != "" {
		// Query values may be keys too (?apikey=...): their names stay.
		q := u.Query()
		for k, vs := range q {
			for i := range vs {
				vs[i] = "xxxxx"
			}
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func (a *Authority) timestamp(ctx context.Context, signature []byte) ([]byte, error) {
	query, err := catalog.NewTimestampRequest(signature)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL, bytes.NewReader(query.Bytes()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/timestamp-query")
	req.Header.Set("Accept", "application/timestamp-reply")
	client := a.Client
	if client == nil {
		client = defaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &statusError{code: resp.StatusCode, status: resp.Status}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("reading the response: %w", err)
	}
	if len(body) > maxResponse {
		return nil, fmt.Errorf("%w: response larger than %d bytes", catalog.ErrTimestampMalformed, maxResponse)
	}
	return query.ParseResponse(body)
}

// statusError is an HTTP status other than 200 from an authority.
type statusError struct {
	code   int
	status string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%v: HTTP status %s", catalog.ErrTimestampRejected, e.status)
}

func (e *statusError) Unwrap() error { return catalog.ErrTimestampRejected }

// A Failover has a signature timestamped by the first of several
// authorities that gives a valid token, as signtool's and osslsigncode's
// users do with several timestamp URLs: authorities are busy or down now
// and then, and a release should not fail for it.
type Failover struct {
	// Authorities are tried in order.
	Authorities []*Authority
	// Retries is how many more times an authority is asked after a
	// failure that may pass (no connection, a timeout, HTTP 429 or 5xx)
	// before the next is tried. A token that fails its checks is not
	// asked for again from the same authority.
	Retries int
	// Backoff is the pause before the first retry of an authority; it
	// doubles for each further one. Zero retries at once.
	Backoff time.Duration
	// Log, when set, is told of each failure that is followed by another
	// try, and of the authority asked next (the same one when retrying),
	// so that a pipeline's log shows a flaky authority.
	Log func(err error, next *Authority)
}

// Timestamp returns the attribute of the first valid token, or an error
// that joins every authority's last failure. It stops at once when ctx is
// done.
func (f *Failover) Timestamp(ctx context.Context, signature []byte) ([]byte, error) {
	if len(f.Authorities) == 0 {
		return nil, errors.New("tsa: no time-stamping authority")
	}
	var errs []error
	for i, a := range f.Authorities {
		pause := f.Backoff
		for try := 0; ; try++ {
			attr, err := a.Timestamp(ctx, signature)
			if err == nil {
				return attr, nil
			}
			if ctx.Err() != nil {
				return nil, err
			}
			last := try >= f.Retries || !transient(err)
			if last {
				errs = append(errs, err)
			}
			if f.Log != nil {
				switch {
				case !last:
					f.Log(err, a)
				case i < len(f.Authorities)-1:
					f.Log(err, f.Authorities[i+1])
				}
			}
			if last {
				break
			}
			if err := sleep(ctx, pause); err != nil {
				return nil, errors.Join(append(errs, err)...)
			}
			pause *= 2
		}
	}
	return nil, errors.Join(errs...)
}

// transient reports whether asking again may give another answer: the
// authority could not be reached, timed out, or said it was overloaded or
// failing.
func transient(err error) bool {
	var status *statusError
	if errors.As(err, &status) {
		return status.code == http.StatusTooManyRequests || status.code >= 500
	}
	var netErr net.Error
	var opErr *net.OpError
	return errors.As(err, &netErr) || errors.As(err, &opErr) || errors.Is(err, io.ErrUnexpectedEOF)
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
