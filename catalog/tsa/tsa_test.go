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

// TestFailover: an authority that fails first and then answers is retried;
// one that cannot be reached, or whose token fails its checks, is passed
// over for the next; when all fail, the error names each one.
func TestFailover(t *testing.T) {
	tp := testtsa.SharedPKI(t)
	good := testtsa.New(tp.RSA, testtsa.Config{}).Serve(t)
	liar := testtsa.New(tp.RSA, testtsa.Config{WrongNonce: true}).Serve(t)
	down := testtsa.New(tp.RSA, testtsa.Config{}).Serve(t)
	down.Close()
	serveFlaky := func(failures int) (*testtsa.TSA, string) {
		a := testtsa.New(tp.RSA, testtsa.Config{FailFirst: failures})
		return a, a.Serve(t).URL
	}
	authorities := func(urls ...string) []*tsa.Authority {
		var as []*tsa.Authority
		for _, u := range urls {
			as = append(as, &tsa.Authority{URL: u})
		}
		return as
	}

	t.Run("fails first, then answers", func(t *testing.T) {
		f, url := serveFlaky(2)
		var logged []error
		fo := &tsa.Failover{Authorities: authorities(url), Retries: 2, Log: func(err error, next *tsa.Authority) {
			if next.URL != url {
				t.Errorf("next authority %s, want %s again", next.URL, url)
			}
			logged = append(logged, err)
		}}
		if _, err := fo.Timestamp(context.Background(), []byte("a signature")); err != nil {
			t.Fatal(err)
		}
		if f.Requests() != 3 || len(logged) != 2 || !strings.Contains(logged[0].Error(), "HTTP status 503") {
			t.Fatalf("%d requests, logged %v; want 3 requests and two 503s logged", f.Requests(), logged)
		}
	})
	t.Run("retries exhausted, next authority", func(t *testing.T) {
		f, url := serveFlaky(5)
		fo := &tsa.Failover{Authorities: authorities(url, down.URL, liar.URL, good.URL), Retries: 1}
		if _, err := fo.Timestamp(context.Background(), []byte("a signature")); err != nil {
			t.Fatal(err)
		}
		if f.Requests() != 2 {
			t.Fatalf("%d requests to the busy authority, want 2 (one retry)", f.Requests())
		}
	})
	t.Run("a lying authority is not asked again", func(t *testing.T) {
		lying := testtsa.New(tp.RSA, testtsa.Config{WrongNonce: true})
		fo := &tsa.Failover{Authorities: authorities(lying.Serve(t).URL, good.URL), Retries: 3}
		if _, err := fo.Timestamp(context.Background(), []byte("a signature")); err != nil {
			t.Fatal(err)
		}
		if lying.Requests() != 1 {
			t.Fatalf("%d requests to the lying authority, want 1", lying.Requests())
		}
	})
	t.Run("all fail", func(t *testing.T) {
		_, busy := serveFlaky(100)
		fo := &tsa.Failover{Authorities: authorities(busy, down.URL, liar.URL), Retries: 1}
		attr, err := fo.Timestamp(context.Background(), []byte("a signature"))
		if attr != nil || err == nil || !errors.Is(err, catalog.ErrTimestampNonce) || !errors.Is(err, catalog.ErrTimestampRejected) {
			t.Fatalf("Timestamp = %x, %v; want an error wrapping each failure", attr, err)
		}
		for _, url := range []string{busy, down.URL, liar.URL} {
			if !strings.Contains(err.Error(), "timestamp from "+url+": ") {
				t.Errorf("error %q does not name %s", err, url)
			}
		}
	})
	t.Run("none", func(t *testing.T) {
		if _, err := (&tsa.Failover{}).Timestamp(context.Background(), nil); err == nil {
			t.Fatal("no authority: no error")
		}
	})
}

// An authority's credentials never appear in what names it: not in its
// String, not in the errors of Timestamp or Failover, not in what Failover
// logs. The authority here refuses the connection.
func TestCredentialsMasked(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := strings.Replace(srv.URL, "http://", "http://user:s3cret@", 1)
	token := strings.Replace(srv.URL, "http://", "http://t0ken@", 1)
	apikey := srv.URL + "/tsa?apikey=k3y&profile=p"
	srv.Close()
	var logged []string
	f := &tsa.Failover{
		Authorities: []*tsa.Authority{{URL: url}, {URL: token}, {URL: apikey}},
		Log:         func(err error, next *tsa.Authority) { logged = append(logged, err.Error()+" "+next.String()) },
	}
	_, err := f.Timestamp(context.Background(), []byte("signature"))
	if err == nil {
		t.Fatal("a closed server gave a timestamp")
	}
	all := strings.Join(append(logged, err.Error(), f.Authorities[0].String(), f.Authorities[1].String(), f.Authorities[2].String()), "\n")
	for _, secret := range []string{"s3cret", "t0ken", "k3y"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q printed:\n%s", secret, all)
		}
	}
	if !strings.Contains(all, "http://xxxxx@127.0.0.1") || !strings.Contains(all, "apikey=xxxxx") {
		t.Errorf("the authority is not named:\n%s", all)
	}
}
