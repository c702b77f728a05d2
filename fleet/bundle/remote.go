package bundle

import (
	"net"
	"net/http"
	"time"

	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// Repository returns the repository of an OCI registry that ref names
// (REGISTRY/REPOSITORY, with a tag, a digest or neither), for Push and
// Pull. Its requests go through client as it is (nil: a plain
// http.Client): oras's default client, which retries and has no time
// limit, is left out, so the caller decides how long to wait and whether
// to try again. cred gives the credentials for each registry (nil:
// anonymous); plainHTTP talks HTTP rather than HTTPS (a registry on
// loopback).
func Repository(ref string, plainHTTP bool, client *http.Client, cred auth.CredentialFunc) (*remote.Repository, error) {
	repo, err := remote.NewRepository(ref)
	if err != nil {
		return nil, err
	}
	repo.PlainHTTP = plainHTTP
	if client == nil {
		client = &http.Client{}
	}
	repo.Client = &auth.Client{Client: client, Credential: cred, Cache: auth.NewCache()}
	return repo, nil
}

// AnswerTimeout is how long HTTPClient(AnswerTimeout) waits for a registry
// at each step before it answers: to take the connection, to finish the TLS
// handshake, and to send the answer's headers once the request is sent.
const AnswerTimeout = 30 * time.Second

// HTTPClient returns a client for registries that gives up on one that does
// not answer: connecting, the TLS handshake and the wait for an answer's
// headers each fail after wait, with an error whose Timeout method reports
// true. An answer's body has no limit of its own, since a large blob may
// take long to arrive: bound a whole transfer with the context's deadline.
// Proxies are taken from the environment and redirects followed, as with
// http.DefaultClient.
func HTTPClient(wait time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: wait, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = wait
	t.ResponseHeaderTimeout = wait
	return &http.Client{Transport: t}
}
