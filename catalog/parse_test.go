package catalog_test

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/testvectors"
)

// expected mirrors the vectors' expected/*.json files.
type expected struct {
	Catalog          string   `json:"catalog"`
	DigestAlgorithms []string `json:"digest_algorithms"`
	ListIdentifier   string   `json:"list_identifier"`
	ThisUpdate       string   `json:"this_update"`
	CatalogVersion   int      `json:"catalog_version"`
	Members          []struct {
		TagRawHex        string         `json:"tag_raw_hex"`
		TagUTF16         string         `json:"tag_utf16"`
		MemberInfo2Hex   string         `json:"member_info2_hex"`
		MemberInfoGUID   string         `json:"member_info_guid"`
		IndirectDataType string         `json:"indirect_data_type"`
		DigestAlgorithm  string         `json:"digest_algorithm"`
		Digest           string         `json:"digest"`
		Attributes       []expectedAttr `json:"attributes"`
	} `json:"members"`
	CatalogAttributes []expectedAttr `json:"catalog_attributes"`
	Certificates      int            `json:"certificates"`
	SignerInfos       int            `json:"signer_infos"`
}

type expectedAttr struct {
	Name  string `json:"name"`
	Flags string `json:"flags"`
	Value string `json:"value"`
}

// vectorCatalogs returns every .cat below the vectors' cat folder, keyed by
// the path relative to it.
func vectorCatalogs(t testing.TB) map[string]string {
	t.Helper()
	dir := testvectors.Path(t, "cat")
	cats := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".cat") {
			rel, _ := filepath.Rel(dir, path)
			cats[filepath.ToSlash(rel)] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) < 17 {
		t.Fatalf("found %d catalogs in %s, want at least 17", len(cats), dir)
	}
	return cats
}

func readVector(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testvectors.Path(t, "cat", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseVector(t testing.TB, rel string) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Parse(readVector(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return c
}

var indirectTypeNames = map[string]string{
	"1.3.6.1.4.1.311.2.1.25": "CAB_DATA/flat",
	"1.3.6.1.4.1.311.2.1.15": "PE_IMAGE_DATA",
	"1.3.6.1.4.1.311.2.1.28": "SPC_LINK",
}

var hashNames = map[crypto.Hash]string{crypto.SHA1: "sha1", crypto.SHA256: "sha256"}

func hexUpper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

func TestParseVectors(t *testing.T) {
	for rel, path := range vectorCatalogs(t) {
		t.Run(rel, func(t *testing.T) {
			der, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.ReplaceAll(strings.ReplaceAll(rel, "/", "__"), " ", "_")
			js, err := os.ReadFile(filepath.Join(testvectors.Path(t, "cat", "expected"), name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var want expected
			if err := json.Unmarshal(js, &want); err != nil {
				t.Fatal(err)
			}
			c, err := catalog.Parse(der)
			if err != nil {
				t.Fatal(err)
			}
			compareCatalog(t, c, &want)
		})
	}
}

func compareCatalog(t *testing.T, c *catalog.Catalog, want *expected) {
	t.Helper()
	check := func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("version", c.Version, want.CatalogVersion)
	check("list identifier", hexUpper(c.ListIdentifier), want.ListIdentifier)
	check("this update", c.ThisUpdate.Format("060102150405Z"), want.ThisUpdate)
	check("certificates", len(c.Certificates), want.Certificates)
	check("signers", len(c.Signers), want.SignerInfos)
	check("signed", c.Signed(), want.SignerInfos > 0)
	for _, s := range c.Signers {
		if s.Certificate == nil {
			t.Errorf("signer certificate not found among the embedded certificates")
		}
		if len(want.DigestAlgorithms) == 1 {
			check("signer digest algorithm", hashNames[s.DigestAlgorithm], want.DigestAlgorithms[0])
		}
	}
	compareAttrs(t, "catalog attributes", c.Attributes, want.CatalogAttributes)
	if len(c.Members) != len(want.Members) {
		t.Fatalf("%d members, want %d", len(c.Members), len(want.Members))
	}
	for i, wm := range want.Members {
		m := &c.Members[i]
		p := fmt.Sprintf("member %d: ", i)
		check(p+"tag", hexUpper(m.Tag), wm.TagRawHex)
		if wm.TagUTF16 != "" {
			check(p+"tag string", m.TagString(), wm.TagUTF16)
		} else {
			check(p+"tag string", m.TagString(), wm.TagRawHex)
		}
		check(p+"indirect data type", indirectTypeNames[m.IndirectDataType.String()], wm.IndirectDataType)
		check(p+"digest algorithm", hashNames[m.DigestAlgorithm], wm.DigestAlgorithm)
		check(p+"digest", hexUpper(m.Digest), wm.Digest)
		check(p+"subject GUID", m.SubjectGUID, wm.MemberInfoGUID)
		if wm.MemberInfoGUID != "" {
			check(p+"member info version", m.MemberInfoVersion, 512)
		}
		mi2 := ""
		if m.MemberInfo2 >= 0 {
			mi2 = fmt.Sprintf("%02X00", 0x80|m.MemberInfo2)
		}
		check(p+"member info 2", mi2, wm.MemberInfo2Hex)
		check(p+"compat", m.Compat, c.Version == 2 && wm.Digest == "")
		compareAttrs(t, p+"attributes", m.Attributes, wm.Attributes)
		// The kind agrees with the member info and the indirect data type.
		wantKind := map[string]catalog.Kind{"8000": catalog.KindPE, "8100": catalog.KindCAB, "8200": catalog.KindFlat,
			"{C689AAB8-8E78-11D0-8C47-00C04FC295EE}": catalog.KindPE,
			"{DE351A42-8E59-11D0-8C47-00C04FC295EE}": catalog.KindFlat}[wm.MemberInfo2Hex+wm.MemberInfoGUID]
		check(p+"kind", m.Kind, wantKind)
	}
}

func compareAttrs(t *testing.T, what string, got []catalog.Attribute, want []expectedAttr) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d attributes, want %d", what, len(got), len(want))
		return
	}
	for i, w := range want {
		flags, err := strconv.ParseUint(w.Flags, 0, 32)
		if err != nil {
			t.Fatal(err)
		}
		g := got[i]
		if g.Name != w.Name || g.Flags != uint32(flags) || g.Text() != w.Value {
			t.Errorf("%s %d = {%q %#x %q}, want {%q %s %q}", what, i, g.Name, g.Flags, g.Text(), w.Name, w.Flags, w.Value)
		}
	}
}

// TestParseMalformed: truncations and corruptions of a real catalog give
// ErrMalformed (or ErrContentType), never a panic or a silent success.
func TestParseMalformed(t *testing.T) {
	good := readVector(t, "deployer/catalog.cat")
	for n := 0; n < len(good); n++ {
		if _, err := catalog.Parse(good[:n]); !errors.Is(err, catalog.ErrMalformed) {
			t.Fatalf("Parse(first %d bytes) = %v, want ErrMalformed", n, err)
		}
	}
	corrupt := func(off int, b byte) []byte {
		c := append([]byte(nil), good...)
		c[off] = b
		return c
	}
	tests := []struct {
		name string
		der  []byte
		want error
		msg  string
	}{
		{"trailing data", append(append([]byte(nil), good...), 0), catalog.ErrMalformed, "trailing data"},
		{"not signedData", corrupt(14, 0x01), catalog.ErrMalformed, "is not signedData"},
		{"content type not CTL", corrupt(42, 0x02), catalog.ErrContentType, "1.3.6.1.4.1.311.10.2"},
		{"subject usage not a catalog list", corrupt(64, 0x02), catalog.ErrContentType, "subjectUsage"},
		{"unknown subject algorithm", corrupt(111, 0x07), catalog.ErrMalformed, "subjectAlgorithm"},
		{"indefinite length", corrupt(1, 0x80), catalog.ErrMalformed, "indefinite length"},
		{"absurd length", corrupt(1, 0x84), catalog.ErrMalformed, "ContentInfo"},
		{"high tag number", corrupt(0, 0x3f), catalog.ErrMalformed, "high tag"},
		{"member tag not OCTET STRING", corrupt(121, 0x05), catalog.ErrMalformed, "member 0: "},
		{"empty", nil, catalog.ErrMalformed, "ContentInfo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Parse(tt.der)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "catalog: ") {
				t.Fatalf("Parse = %v, want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}
}

// berLongLengths re-encodes every length of a DER encoding in the 4-byte
// long form: valid BER that is not DER, as some Windows tools write.
func berLongLengths(t *testing.T, der []byte) []byte {
	t.Helper()
	var out []byte
	for len(der) > 0 {
		tag := der[0]
		n, hdr := int(der[1]), 2
		if n&0x80 != 0 {
			k := n & 0x7f
			n = 0
			for _, c := range der[2 : 2+k] {
				n = n<<8 | int(c)
			}
			hdr = 2 + k
		}
		content := der[hdr : hdr+n]
		if tag&0x20 != 0 {
			content = berLongLengths(t, content)
		}
		out = append(out, tag, 0x84, byte(len(content)>>24), byte(len(content)>>16), byte(len(content)>>8), byte(len(content)))
		out = append(out, content...)
		der = der[hdr+n:]
	}
	return out
}

// TestParseBER: non-minimal lengths parse to the same catalog.
func TestParseBER(t *testing.T) {
	// Unsigned catalogs only: crypto/x509 requires DER certificates.
	for _, rel := range []string{"deployer/catalog.cat", "osslsigncode/unsigned.cat", "wine/winetest.cat", "signify/catfiletest.cat"} {
		der := readVector(t, rel)
		ber := berLongLengths(t, der)
		if bytes.Equal(ber, der) || len(ber) <= len(der) {
			t.Fatalf("%s: re-encoding changed nothing", rel)
		}
		want, got := mustParse(t, der), mustParse(t, ber)
		if !reflect.DeepEqual(want.Members, got.Members) || !reflect.DeepEqual(want.Attributes, got.Attributes) ||
			!bytes.Equal(want.ListIdentifier, got.ListIdentifier) || !want.ThisUpdate.Equal(got.ThisUpdate) || want.Version != got.Version {
			t.Errorf("%s: BER parse differs", rel)
		}
	}
}
