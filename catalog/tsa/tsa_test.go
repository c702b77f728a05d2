package tsa_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tsa"
	"github.com/intactdev/intact/internal/testpki"
	"github.com/intactdev/intact/internal/testtsa"
)

// TestTimestamp: a catalog signed with a timestamp from an authority over
// HTTP carries it, by the authority's certificate at its time, and still
// verifies.
func TestTimestamp(t *testing.T) {
	tp := testtsa.SharedPKI(t)
	signer := testpki.SelfSigned(t, "intact test signer", testpki.EKU(x509.ExtKeyUsageCodeSigning))
	authority := testtsa.New(tp.ECDSA, testtsa.Config{})
	srv := authority.Serve(t)
	unsigned, err := catalog.Build([]catalog.File{{Path: "a.js", Size: 1, Kind: catalog.KindFlat,
		SHA256: make([]byte, 32), SHA1: make([]byte, 20)}}, catalog.BuildOptions{Time: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	a := &tsa.Authority{URL: srv.URL, Client: srv.Client()}
	signed, err := catalog.Sign(unsigned, signer.Key, []*x509.Certificate{signer.Cert}, &catalog.SignOptions{
		UnauthenticatedAttributes: func(signature []byte) ([][]byte, error) {
			attr, err := a.Timestamp(context.Background(), signature)
			return [][]byte{attr}, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(signer.Cert)
	if _, err := c.Verify(catalog.VerifyOptions{Roots: roots}); err != nil {
		t.Fatal(err)
	}
	ts := c.Timestamps()
	if len(ts) != 1 || len(ts[0]) != 1 {
		t.Fatalf("timestamps %+v, want one", ts)
	}
	if got := ts[0][0]; got.Err != nil || !got.RFC3161 || !got.Time.Equal(authority.Time) || !got.Certificate.Equal(tp.ECDSA.Cert) {
		t.Fatalf("timestamp %+v, want RFC 3161 at %v by %q", got, authority.Time, tp.ECDSA.Cert.Subject)
	}
}

// TestTimestampErrors: every way the exchange can fail is an error naming
// the URL and the reason, wrapping catalog's error where there is one.
func TestTimestampErrors(t *testing.T) {
	tp := testtsa.SharedPKI(t)
	serve := func(t *testing.T, cfg testtsa.Config) *httptest.Server {
		return testtsa.New(tp.RSA, cfg).Serve(t)
	}
	handler := func(t *testing.T, h http.HandlerFunc) *httptest.Server {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv
	}
	for _, tt := range []struct {
		name   string
		server func(t *testing.T) *httptest.Server
		ctx    func() context.Context
		want   error
		msg    string
	}{
		{name: "HTTP 500", server: func(t *testing.T) *httptest.Server {
			return serve(t, testtsa.Config{HTTPStatus: http.StatusInternalServerError})
		}, want: catalog.ErrTimestampRejected, msg: "HTTP status 500"},
		{name: "redirect not followed", server: func(t *testing.T) *httptest.Server {
			target := serve(t, testtsa.Config{})
			return handler(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target.URL, http.StatusFound) })
		}, want: catalog.ErrTimestampRejected, msg: "HTTP status 302"},
		{name: "response too large", server: func(t *testing.T) *httptest.Server {
			return handler(t, func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 1<<20+1)) })
		}, want: catalog.ErrTimestampMalformed, msg: "larger than"},
		{name: "response checks", server: func(t *testing.T) *httptest.Server {
			return serve(t, testtsa.Config{WrongNonce: true})
		}, want: catalog.ErrTimestampNonce, msg: "token nonce"},
		{name: "cancelled", server: func(t *testing.T) *httptest.Server { return serve(t, testtsa.Config{}) },
			ctx: func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			}, want: context.Canceled},
		{name: "unreachable", server: func(t *testing.T) *httptest.Server {
			srv := serve(t, testtsa.Config{})
			srv.Close()
			return srv
		}, msg: "connect"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.server(t)
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx()
			}
			a := &tsa.Authority{URL: srv.URL}
			attr, err := a.Timestamp(ctx, []byte("a signature"))
			if attr != nil || err == nil || !strings.Contains(err.Error(), "tsa: timestamp from "+srv.URL+": ") ||
				(tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Timestamp = %x, %v; want an error naming %s, wrapping %v, saying %q", attr, err, srv.URL, tt.want, tt.msg)
			}
		})
	}
}
