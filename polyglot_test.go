package intact_test

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/testpe"
)

// TestPolyglotJudgedByUse: a PE image that is also JavaScript, vouched for
// by its Authenticode digest (a catalog member or an Allow rule), with
// script appended later as its certificate table. The Authenticode digest
// leaves the table out, so ReadImage, for the OS loader that does not map
// it, lets the file through; ReadCode, whose bytes a script engine runs,
// judges all of them and refuses it, whatever the file is called.
func TestPolyglotJudgedByUse(t *testing.T) {
	e := newEnv(t)
	signed := testpe.Polyglot("module.exports = 'signed'", "")
	tampered := testpe.Polyglot("module.exports = 'signed'", "globalThis.CANARY = 'ran'")
	sums, err := authenticode.Digest(bytes.NewReader(signed), int64(len(signed)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	cat := e.trustedCatalogOf([]catalog.File{{Path: "plugin.dll", Size: int64(len(signed)), Kind: catalog.KindPE, SHA256: sums[0], SHA1: sums[1]}},
		catalog.BuildOptions{})
	byRule := e.trusting()
	byRule.allowHashes = []string{hex.EncodeToString(sums[0])}
	byCatalog, _ := e.load([]string{e.policy("catalog.xml", e.trusting())}, []string{e.write("plugin.cat", cat)})
	byHashRule, _ := e.load([]string{e.policy("rule.xml", byRule)}, nil)

	for name, p := range map[string]*intact.Policy{"catalog": byCatalog, "Allow rule": byHashRule} {
		for _, file := range []string{"plugin.dll", "PLUGIN.EXE", "plugin.js"} {
			path := e.write(file, tampered)
			if data, err := p.ReadCode(path); !hasDenial(err, enforcer.ReasonNotInCatalog) {
				t.Errorf("%s: ReadCode(%s) = %d bytes, %v; want not-in-catalog", name, file, len(data), err)
			}
			if data, err := p.ReadImage(path); err != nil || !bytes.Equal(data, tampered) {
				t.Errorf("%s: ReadImage(%s) = %d bytes, %v; want the image", name, file, len(data), err)
			}
		}
	}
}

// TestHashRulesByUse: which hash rules match which use of a PE image's
// bytes (the table in package catalogs' documentation). A Deny rule on
// the Authenticode digest refuses the image as script and as image; a Deny
// rule on the SHA-256 of the bytes refuses both too, although a catalog
// vouches for the image by its Authenticode digest.
func TestHashRulesByUse(t *testing.T) {
	e := newEnv(t)
	image := testpe.Polyglot("module.exports = 'signed'", "")
	sums, err := authenticode.Digest(bytes.NewReader(image), int64(len(image)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	flat, flat1 := sha256.Sum256(image), sha1.Sum(image)
	// A catalog listing both digests: only a Deny rule can refuse the file.
	cat := e.trustedCatalogOf([]catalog.File{
		{Path: "plugin.dll", Size: int64(len(image)), Kind: catalog.KindPE, SHA256: sums[0], SHA1: sums[1]},
		{Path: "plugin.js", Size: int64(len(image)), Kind: catalog.KindFlat, SHA256: flat[:], SHA1: flat1[:]},
	}, catalog.BuildOptions{})
	catPath := e.write("both.cat", cat)
	path := e.write("plugin.dll", image)
	for rule, hash := range map[string][]byte{"Authenticode SHA-256": sums[0], "SHA-256 of the bytes": flat[:]} {
		spec := e.trusting()
		spec.denyHashes = []string{hex.EncodeToString(hash)}
		p, _ := e.load([]string{e.policy("deny.xml", spec)}, []string{catPath})
		if _, err := p.ReadCode(path); !hasReason(err, enforcer.ReasonDeniedByHash) {
			t.Errorf("Deny rule on the %s: ReadCode: %v, want denied-by-hash", rule, err)
		}
		if _, err := p.ReadImage(path); !hasReason(err, enforcer.ReasonDeniedByHash) {
			t.Errorf("Deny rule on the %s: ReadImage: %v, want denied-by-hash", rule, err)
		}
	}
	p, _ := e.load([]string{e.policy("allow.xml", e.trusting())}, []string{catPath})
	if _, err := p.ReadImage(path); err != nil {
		t.Errorf("without Deny rules: ReadImage: %v", err)
	}
	// The catalog lists the bytes, but a PE image is never run as script.
	if _, err := p.ReadCode(path); !hasReason(err, enforcer.ReasonImageAsScript) {
		t.Errorf("without Deny rules: ReadCode: %v, want image-as-script", err)
	}
}

// TestImageNeverScript: bytes that are a PE image are refused by ReadCode
// whatever the file is called and although an Allow rule names their
// exact SHA-256, in audit mode too; ReadImage lets them through. A file
// that only starts with "MZ" is no image.
func TestImageNeverScript(t *testing.T) {
	e := newEnv(t)
	image := testpe.Polyglot("globalThis.CANARY = 'ran'", "")
	flat := sha256.Sum256(image)
	for _, audit := range []bool{false, true} {
		spec := e.trusting()
		spec.audit = audit
		spec.allowHashes = []string{hex.EncodeToString(flat[:])}
		p, log := e.load([]string{e.policy("exact.xml", spec)}, nil)
		for _, name := range []string{"plugin.js", "plugin.json", "plugin"} {
			path := e.write(name, image)
			if data, err := p.ReadCode(path); !hasReason(err, enforcer.ReasonImageAsScript) {
				t.Errorf("audit %v: ReadCode(%s) = %d bytes, %v; want image-as-script", audit, name, len(data), err)
			}
			if _, err := p.ReadImage(path); err != nil {
				t.Errorf("audit %v: ReadImage(%s): %v", audit, name, err)
			}
		}
		found := false
		for _, ev := range log.events(t) {
			found = found || ev["reason"] == string(enforcer.ReasonImageAsScript)
		}
		if !found {
			t.Errorf("audit %v: no image-as-script event in %v", audit, log.events(t))
		}
	}
	mz := []byte("MZ = 1; module.exports = MZ;" + strings.Repeat(" ", 64))
	spec := e.trusting()
	spec.allowHashes = []string{hexSHA256(mz)}
	p, _ := e.load([]string{e.policy("mz.xml", spec)}, nil)
	if _, err := p.ReadCode(e.write("mz.js", mz)); err != nil {
		t.Errorf("a script that starts with MZ: %v", err)
	}
}

// TestAuthenticodeStreamNotScript: the Authenticode SHA-256 of a PE image
// is the plain SHA-256 of a byte string (the image without its checksum
// and certificate-table entry), and that string can be a script. A catalog
// that lists the image (a PE member, version 1 or 2) vouches for the image
// given to the OS loader, never for that string read as script.
func TestAuthenticodeStreamNotScript(t *testing.T) {
	e := newEnv(t)
	image, stream := testpe.HashedStream("globalThis.CANARY = 'ran'")
	sums, err := authenticode.Digest(bytes.NewReader(image), int64(len(image)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	imagePath, streamPath := e.write("addon.dll", image), e.write("addon.js", stream)
	for _, version := range []int{1, 2} {
		cat := e.trustedCatalogOf([]catalog.File{{Path: "addon.dll", Size: int64(len(image)), Kind: catalog.KindPE, SHA256: sums[0], SHA1: sums[1]}},
			catalog.BuildOptions{Version: version})
		p, _ := e.load([]string{e.policy("enforce.xml", e.trusting())}, []string{e.write(fmt.Sprintf("v%d.cat", version), cat)})
		// The stream starts with the image's headers, so it is refused
		// as an image too; the catalog must not list it either.
		if data, err := p.ReadCode(streamPath); !hasDenial(err, enforcer.ReasonNotInCatalog) {
			t.Errorf("version %d catalog: ReadCode(the hashed stream) = %d bytes, %v; want not-in-catalog", version, len(data), err)
		}
		if data, err := p.ReadImage(imagePath); err != nil || !bytes.Equal(data, image) {
			t.Errorf("version %d catalog: ReadImage(the image) = %d bytes, %v; want the image", version, len(data), err)
		}
	}
}

// hasDenial reports whether err is a *ViolationError with a denial for r,
// first or not.
func hasDenial(err error, r enforcer.Reason) bool {
	var v *intact.ViolationError
	if !errors.As(err, &v) {
		return false
	}
	for _, d := range v.Denials {
		if d.Reason == r {
			return true
		}
	}
	return false
}
