package intact_test

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
)

// TestEmptyFiles: catalogs record empty files by path, not by hash, as
// New-FileCatalog does. An empty file runs when a trusted catalog records
// an empty file at the end of its path; emptying any other file, such as a
// signed module, is refused.
func TestEmptyFiles(t *testing.T) {
	e := newEnv(t)
	unsigned, err := catalog.Build([]catalog.File{{Path: "lib/Empty.js"}}, catalog.BuildOptions{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := catalog.Sign(unsigned, e.pki.signer.Key, []*x509.Certificate{e.pki.signer.Cert, e.pki.root.Cert}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cat := e.write("app.cat", signed)
	p, _ := e.load([]string{e.policy("policy.xml", e.trusting())}, []string{cat})

	if data, err := p.ReadCode(e.write("app/lib/empty.js", nil)); err != nil || len(data) != 0 {
		t.Errorf("recorded empty file: %q, %v", data, err)
	}
	for _, name := range []string{"app/lib/auth.js", "app/empty.js", "app/xlib/empty.js"} {
		if _, err := p.ReadCode(e.write(name, nil)); !hasReason(err, enforcer.ReasonNotInCatalog) {
			t.Errorf("%s emptied: %v, want not-in-catalog", name, err)
		}
	}
	// The recorded path must not let non-empty content through.
	if _, err := p.ReadCode(e.write("app/lib/empty.js", []byte("evil()"))); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Errorf("non-empty content at the empty file's path: %v, want not-in-catalog", err)
	}
}
