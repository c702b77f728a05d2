package intact_test

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/testpki"
)

// env is a scratch folder with a test PKI, code files, catalogs and
// policies.
type env struct {
	t   testing.TB
	dir string
	pki *testPKI
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return &env{t: t, dir: t.TempDir(), pki: getPKI(t)}
}

// path returns the absolute path of name in the folder.
func (e *env) path(name string) string { return filepath.Join(e.dir, name) }

// write writes data to name and returns its path.
func (e *env) write(name string, data []byte) string {
	e.t.Helper()
	p := e.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// unsignedCatalog returns an unsigned version 2 catalog listing contents.
func (e *env) unsignedCatalog(contents ...[]byte) []byte {
	e.t.Helper()
	var files []catalog.File
	for i, c := range contents {
		s256, s1 := sha256.Sum256(c), sha1.Sum(c)
		files = append(files, catalog.File{Path: fmt.Sprintf("file%d.js", i),
			Size: int64(len(c)), Kind: catalog.KindFlat, SHA256: s256[:], SHA1: s1[:]})
	}
	der, err := catalog.Build(files, catalog.BuildOptions{Time: time.Now()})
	if err != nil {
		e.t.Fatal(err)
	}
	return der
}

// signedCatalog returns a catalog listing contents, signed by signer with
// chain embedded after it.
func (e *env) signedCatalog(signer *testpki.Cert, chain []*testpki.Cert, contents ...[]byte) []byte {
	e.t.Helper()
	certs := []*x509.Certificate{signer.Cert}
	for _, c := range chain {
		certs = append(certs, c.Cert)
	}
	der, err := catalog.Sign(e.unsignedCatalog(contents...), signer.Key, certs, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return der
}

// trustedCatalogOf returns the catalog of files built with opts (at the
// present time unless opts says otherwise), signed by the trusted publisher
// with the chain to the pinned root.
func (e *env) trustedCatalogOf(files []catalog.File, opts catalog.BuildOptions) []byte {
	e.t.Helper()
	if opts.Time.IsZero() {
		opts.Time = time.Now()
	}
	unsigned, err := catalog.Build(files, opts)
	if err != nil {
		e.t.Fatal(err)
	}
	signed, err := catalog.Sign(unsigned, e.pki.signer.Key, []*x509.Certificate{e.pki.signer.Cert, e.pki.root.Cert}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return signed
}

// trustedCatalog returns a catalog listing contents, signed by the trusted
// publisher with the chain to the pinned root.
func (e *env) trustedCatalog(contents ...[]byte) []byte {
	return e.signedCatalog(e.pki.signer, []*testpki.Cert{e.pki.root}, contents...)
}

// policy writes a policy file and returns its path.
func (e *env) policy(name string, spec policySpec) string {
	return e.write(name, []byte(spec.xml()))
}

// trusting is the usual test policy: enforce, trusting catalogs that chain
// to the test root.
func (e *env) trusting() policySpec {
	return policySpec{enforce: true, allowed: []*testpki.Cert{e.pki.root}}
}

// load loads a policy with the given policy and catalog files, no system
// policy, and events recorded.
func (e *env) load(policies, catalogs []string) (*intact.Policy, *eventLog) {
	e.t.Helper()
	return e.loadOpts(intact.LoadOptions{Policies: policies, Catalogs: catalogs, SystemDir: e.path("no-system")})
}

func (e *env) loadOpts(opts intact.LoadOptions) (*intact.Policy, *eventLog) {
	e.t.Helper()
	log := &eventLog{}
	opts.Events = slog.New(slog.NewJSONHandler(log, nil))
	p, err := intact.Load(opts)
	if err != nil {
		e.t.Fatalf("Load: %v", err)
	}
	return p, log
}

// eventLog records JSON event lines.
type eventLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *eventLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// events returns the recorded events, decoded.
func (l *eventLog) events(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(l.buf.Bytes()))
	for sc.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("event %q is not JSON: %v", sc.Text(), err)
		}
		out = append(out, ev)
	}
	return out
}
