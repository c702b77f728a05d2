package bundle_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intactdev/intact/fleet/bundle"
)

const someDigest = "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"

// A repository's requests go through the client given, as they are: a
// registry answering 503 is asked once, not again and again by oras's
// default client.
func TestRepositoryDoesNotRetry(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	repo, err := bundle.Repository(strings.TrimPrefix(srv.URL, "http://")+"/fleet/policy", true, bundle.HTTPClient(bundle.AnswerTimeout), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Resolve(context.Background(), someDigest); err == nil {
		t.Fatal("Resolve succeeded against a registry answering 503")
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// HTTPClient gives up on a registry that takes the connection and never
// answers, with a timeout error, after its wait and not much later.
func TestHTTPClientGivesUp(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	conns := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(conns)
				return
			}
			conns <- c // held open, never answered
		}
	}()
	defer func() {
		l.Close()
		for c := range conns {
			c.Close()
		}
	}()
	repo, err := bundle.Repository(l.Addr().String()+"/fleet/policy", true, bundle.HTTPClient(200*time.Millisecond), nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = repo.Resolve(context.Background(), someDigest)
	if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
		t.Fatalf("Resolve = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v, want about 200ms", d)
	}
}
