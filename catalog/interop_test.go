package catalog_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
)

func osslsigncode(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("osslsigncode")
	if err != nil {
		t.Skip("osslsigncode not installed: interoperability not tested")
	}
	return path
}

func writePEM(t *testing.T, name, typ string, ders ...[]byte) string {
	t.Helper()
	var b []byte
	for _, der := range ders {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})...)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// TestOsslsigncodeInterop: osslsigncode accepts catalogs that this package
// made and signed, finds a member file in them and rejects a tampered copy;
// this package verifies a catalog that osslsigncode signed.
func TestOsslsigncodeInterop(t *testing.T) {
	tool := osslsigncode(t)
	p := getPKI(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "tree", "hello.ps1")
	os.MkdirAll(filepath.Dir(script), 0o755)
	if err := os.WriteFile(script, []byte("Write-Output 'hello'\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := tree.Hash(context.Background(), filepath.Dir(script), nil)
	if err != nil {
		t.Fatal(err)
	}
	unsigned, err := catalog.Build(files, catalog.BuildOptions{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	signed := sign(t, unsigned, p.leafKey, p.leaf, p.inter)
	signedPath := filepath.Join(dir, "signed.cat")
	os.WriteFile(signedPath, signed, 0o644)
	rootPEM := writePEM(t, "root.pem", "CERTIFICATE", p.root.Raw)

	// (a) the signature and chain.
	if out, err := run(t, tool, "verify", "-in", signedPath, "-CAfile", rootPEM); err != nil {
		t.Fatalf("osslsigncode verify: %v\n%s", err, out)
	}
	// (b) a member file, and a tampered copy of it.
	if out, err := run(t, tool, "verify", "-in", script, "-catalog", signedPath, "-CAfile", rootPEM); err != nil {
		t.Fatalf("osslsigncode verify -catalog: %v\n%s", err, out)
	}
	tampered := filepath.Join(dir, "tampered.ps1")
	os.WriteFile(tampered, []byte("Write-Output 'hellO'\r\n"), 0o644)
	if out, err := run(t, tool, "verify", "-in", tampered, "-catalog", signedPath, "-CAfile", rootPEM); err == nil {
		t.Fatalf("osslsigncode accepted a tampered member:\n%s", out)
	}
	// ECDSA-signed catalogs too.
	ecPath := filepath.Join(dir, "ec.cat")
	os.WriteFile(ecPath, sign(t, unsigned, p.ecLeafKey, p.ecLeaf, p.inter), 0o644)
	if out, err := run(t, tool, "verify", "-in", ecPath, "-CAfile", rootPEM); err != nil {
		t.Fatalf("osslsigncode verify (ECDSA): %v\n%s", err, out)
	}

	// (c) osslsigncode signs our unsigned catalog; we verify it.
	unsignedPath := filepath.Join(dir, "unsigned.cat")
	os.WriteFile(unsignedPath, unsigned, 0o644)
	keyDER, err := x509.MarshalPKCS8PrivateKey(p.leafKey)
	if err != nil {
		t.Fatal(err)
	}
	certsPEM := writePEM(t, "certs.pem", "CERTIFICATE", p.leaf.Raw, p.inter.Raw)
	keyPEM := writePEM(t, "key.pem", "PRIVATE KEY", keyDER)
	theirs := filepath.Join(dir, "theirs.cat")
	if out, err := run(t, tool, "sign", "-certs", certsPEM, "-key", keyPEM, "-h", "sha256", "-in", unsignedPath, "-out", theirs); err != nil {
		t.Fatalf("osslsigncode sign: %v\n%s", err, out)
	}
	der, err := os.ReadFile(theirs)
	if err != nil {
		t.Fatal(err)
	}
	c := mustParse(t, der)
	if _, err := c.Verify(catalog.VerifyOptions{Roots: pool(p.root)}); err != nil {
		t.Fatalf("verifying osslsigncode's signature: %v", err)
	}
	if !strings.Contains(string(ctlOf(t, der)), string(ctlOf(t, unsigned))) {
		t.Fatal("osslsigncode changed the CTL")
	}
}
