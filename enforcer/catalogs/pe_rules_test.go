package catalogs_test

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/testpe"
	"github.com/intactdev/intact/internal/testvectors"
)

// TestPEHashRules: a Deny rule on a PE image's Authenticode SHA-256 or
// SHA-1, as Windows tools write them, refuses the image and a copy whose
// checksum field was changed (Authenticode leaves it out, so the catalogs
// that list the image list the copy too). A rule on the SHA-256 or SHA-1
// of the bytes refuses those bytes only.
func TestPEHashRules(t *testing.T) {
	image, err := os.ReadFile(testvectors.Path(t, "cat", "osslsigncode", "unsigned.exe"))
	if err != nil {
		t.Fatal(err)
	}
	copyOf := bytes.Clone(image)
	checksum := binary.LittleEndian.Uint32(image[0x3c:]) + 88 // e_lfanew + the optional header's CheckSum
	copy(copyOf[checksum:], "AAAA")
	sums, err := authenticode.Digest(bytes.NewReader(image), int64(len(image)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	flat256, flat1 := sha256.Sum256(image), sha1.Sum(image)
	for _, tt := range []struct {
		rule        string
		denies      [][]byte
		letsThrough [][]byte
	}{
		{"Authenticode SHA-256", [][]byte{image, copyOf}, nil},
		{"Authenticode SHA-1", [][]byte{image, copyOf}, nil},
		{"SHA-256 of the bytes", [][]byte{image}, [][]byte{copyOf}},
		{"SHA-1 of the bytes", [][]byte{image}, [][]byte{copyOf}},
	} {
		hash := map[string][]byte{
			"Authenticode SHA-256": sums[0], "Authenticode SHA-1": sums[1],
			"SHA-256 of the bytes": flat256[:], "SHA-1 of the bytes": flat1[:],
		}[tt.rule]
		xml := strings.Replace(policyXML("", enforceApp, ""), sum(deniedCode), fmt.Sprintf("%X", hash), 1)
		e := newEnforcer(t, xml)
		for _, data := range tt.denies {
			if d := denial(e.CheckContent(content(data))); d == nil || d.Reason != enforcer.ReasonDeniedByHash {
				t.Errorf("rule on the %s: %d-byte image not denied: %+v", tt.rule, len(data), d)
			}
		}
		for _, data := range tt.letsThrough {
			if d := denial(e.CheckContent(content(data))); d != nil && d.Reason == enforcer.ReasonDeniedByHash {
				t.Errorf("rule on the %s denies other bytes: %+v", tt.rule, d)
			}
		}
	}
}

// TestPEMemberVouchesOnlyForImages: a catalog's PE member lists an image's
// Authenticode digest, which is the plain SHA-256 (and SHA-1) of another
// byte string: the image without its checksum and certificate-table entry.
// Saved as a script, that string must not be listed, in a version 1 or 2
// catalog; the image handed to the OS loader is. The catalog is unsigned,
// so a file it lists is refused as untrusted-signer and one it does not
// list as not-in-catalog.
func TestPEMemberVouchesOnlyForImages(t *testing.T) {
	image, stream := testpe.HashedStream("console.log('CANARY')")
	sums, err := authenticode.Digest(bytes.NewReader(image), int64(len(image)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range []int{1, 2} {
		cat, err := catalog.Build([]catalog.File{{Path: "addon.dll", Size: int64(len(image)), Kind: catalog.KindPE, SHA256: sums[0], SHA1: sums[1]}},
			catalog.BuildOptions{Version: version, Time: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		catPath := filepath.Join(t.TempDir(), "addon.cat")
		if err := os.WriteFile(catPath, cat, 0o644); err != nil {
			t.Fatal(err)
		}
		e := newEnforcer(t, policyXML("", enforceApp, ""), catPath)
		if d := denial(e.CheckContent(content(stream))); d == nil || d.Reason != enforcer.ReasonNotInCatalog {
			t.Errorf("version %d: the image's hashed stream as script: %+v, want not-in-catalog", version, d)
		}
		asImage := content(image)
		asImage.Image = true
		if d := denial(e.CheckContent(asImage)); d == nil || d.Reason != enforcer.ReasonUntrustedSigner {
			t.Errorf("version %d: the image for the loader: %+v, want untrusted-signer (listed)", version, d)
		}
	}
}
