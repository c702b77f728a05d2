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
package tsa

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
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
		return nil, fmt.Errorf("tsa: timestamp from %s: %w", a.URL, err)
	}
	return attr, nil
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
		return nil, fmt.Errorf("%w: HTTP status %s", catalog.ErrTimestampRejected, resp.Status)
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
