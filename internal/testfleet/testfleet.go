// Package testfleet gives the tests of fleet packages and of the CLI's
// bundle commands what they share: a PKI, policies and signed catalogs
// written to files, and a real OCI registry on loopback. It is for tests
// only (it links go-containerregistry's registry).
package testfleet

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/testpki"
	"github.com/intactdev/intact/sipolicy"
)

// PolicyID is the PolicyID of the policies Policy writes unless told
// otherwise; OtherPolicyID is another one.
const (
	PolicyID      = "{6C2C7B11-0000-4000-8000-0000000000F1}"
	OtherPolicyID = "{6C2C7B11-0000-4000-8000-0000000000F2}"
)

// PKI is a trusted root with a code-signing signer under it, and another
// root, that no policy of the tests trusts unless told, with its signer.
type PKI struct {
	Root, Signer, OtherRoot, Other *testpki.Cert
}

// NewPKI returns a PKI shared by the tests of one binary.
var NewPKI = testpki.Shared(func(t testing.TB) *PKI {
	codeSigning := testpki.EKU(x509.ExtKeyUsageCodeSigning)
	org := testpki.Organization("intact fleet tests (TEST ONLY)")
	root := testpki.SelfSigned(t, "fleet test root", testpki.CA(), org)
	other := testpki.SelfSigned(t, "fleet other root", testpki.CA(), org)
	return &PKI{
		Root:      root,
		Signer:    root.Issue(t, "fleet test publisher", codeSigning, org),
		OtherRoot: other,
		Other:     other.Issue(t, "fleet other publisher", codeSigning, org),
	}
})

// WritePolicy writes an enforcing policy with PolicyID id and VersionEx
// version that trusts catalogs chaining to root, and returns its path.
func WritePolicy(t testing.TB, path, id, version string, root *testpki.Cert) string {
	t.Helper()
	v, err := sipolicy.ParseVersion(version)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sipolicy.New(sipolicy.Template{
		ID: id, Name: "fleet test policy", Version: v,
		Signers:  []*x509.Certificate{root.Cert},
		Settings: enforcer.Settings{EnforceCodeIntegrity: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return WriteFile(t, path, data)
}

// WriteCatalog writes a catalog listing contents, signed by signer with
// the chain up to signer's issuer root, and returns its path.
func WriteCatalog(t testing.TB, path string, signer, root *testpki.Cert, contents ...[]byte) string {
	t.Helper()
	var files []catalog.File
	for i, c := range contents {
		s256, s1 := sha256.Sum256(c), sha1.Sum(c)
		files = append(files, catalog.File{Path: fmt.Sprintf("file%d.js", i),
			Size: int64(len(c)), Kind: catalog.KindFlat, SHA256: s256[:], SHA1: s1[:]})
	}
	unsigned, err := catalog.Build(files, catalog.BuildOptions{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := catalog.Sign(unsigned, signer.Key, []*x509.Certificate{signer.Cert, root.Cert}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return WriteFile(t, path, signed)
}

// WriteFile writes data to path, creating its folder, and returns path.
func WriteFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Registry starts an OCI registry on loopback for the test and returns
// its host:port.
func Registry(t testing.TB) string {
	t.Helper()
	srv := RegistryServer()
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// RegistryServer starts an OCI registry on loopback, over plain HTTP, with
// its log dropped. The caller closes it.
func RegistryServer() *httptest.Server {
	return httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
}

// FlakyRegistryServer is RegistryServer that answers the first fails
// requests of method (any, if "") whose path holds pathPart with 503
// Service Unavailable, as a registry in trouble for a moment does.
func FlakyRegistryServer(fails int, method, pathPart string) *httptest.Server {
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	var failed atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (method == "" || r.Method == method) && strings.Contains(r.URL.Path, pathPart) && failed.Add(1) <= int64(fails) {
			http.Error(w, "in trouble for a moment", http.StatusServiceUnavailable)
			return
		}
		reg.ServeHTTP(w, r)
	}))
}
