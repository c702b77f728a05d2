package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/testvectors"
)

// TestCatalogListVectors runs "intact catalog list --json" on every catalog
// of the shared vectors and requires its output to agree with the
// independently made expected/*.json: version, list identifier, effective
// date, catalog attributes, every member's tag, digest algorithm, digest
// and attributes in file order, and the number of signers.
func TestCatalogListVectors(t *testing.T) {
	dir := testvectors.Path(t, "cat")
	expected, err := filepath.Glob(filepath.Join(dir, "expected", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(expected) != 17 {
		t.Fatalf("found %d expected/*.json, want 17", len(expected))
	}
	for _, e := range expected {
		var want struct {
			Catalog        string     `json:"catalog"`
			CatalogVersion int        `json:"catalog_version"`
			ListIdentifier string     `json:"list_identifier"`
			ThisUpdate     string     `json:"this_update"`
			Attributes     []attrJSON `json:"catalog_attributes"`
			SignerInfos    int        `json:"signer_infos"`
			Members        []struct {
				TagRawHex       string     `json:"tag_raw_hex"`
				DigestAlgorithm string     `json:"digest_algorithm"`
				Digest          string     `json:"digest"`
				Attributes      []attrJSON `json:"attributes"`
			} `json:"members"`
		}
		data, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		t.Run(want.Catalog, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if status := run([]string{"catalog", "list", "--json", filepath.Join(dir, want.Catalog)}, &stdout, &stderr); status != 0 {
				t.Fatalf("exit status %d: %s", status, stderr.String())
			}
			var got catalogJSON
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Version != want.CatalogVersion || got.ListIdentifier != want.ListIdentifier {
				t.Errorf("version %d, list identifier %s; want %d, %s", got.Version, got.ListIdentifier, want.CatalogVersion, want.ListIdentifier)
			}
			// this_update is UTCTime YYMMDDhhmmssZ.
			if d := got.EffectiveDate.Format("060102150405Z"); d != want.ThisUpdate {
				t.Errorf("effective date %s, want %s", d, want.ThisUpdate)
			}
			sameAttrs(t, "catalog", got.Attributes, want.Attributes)
			if (got.Signature == "unsigned") != (want.SignerInfos == 0) || len(got.Signers) != want.SignerInfos {
				t.Errorf("signature %q with %d signers, want %d signers", got.Signature, len(got.Signers), want.SignerInfos)
			}
			if len(got.Members) != len(want.Members) {
				t.Fatalf("%d members, want %d", len(got.Members), len(want.Members))
			}
			// Members are listed by path, the vectors in file order:
			// match them by tag (duplicates in turn).
			byTag := map[string][]int{}
			for i, w := range want.Members {
				byTag[w.TagRawHex] = append(byTag[w.TagRawHex], i)
			}
			for i, m := range got.Members {
				if len(byTag[m.TagHex]) == 0 {
					t.Errorf("member %d: tag %s is not the catalog's, or listed too often", i, m.TagHex)
					continue
				}
				w := want.Members[byTag[m.TagHex][0]]
				byTag[m.TagHex] = byTag[m.TagHex][1:]
				algo := map[string]string{"sha1": "SHA-1", "sha256": "SHA-256"}[w.DigestAlgorithm]
				if m.TagHex != w.TagRawHex || m.Digest != w.Digest || m.DigestAlgorithm != algo || m.Compat != (w.Digest == "" && got.Version == 2) {
					t.Errorf("member %d: tag %s, %s %s, compat %v; want tag %s, %s %s", i, m.TagHex, m.DigestAlgorithm, m.Digest, m.Compat, w.TagRawHex, algo, w.Digest)
				}
				sameAttrs(t, "member "+m.TagHex, m.Attributes, w.Attributes)
			}
			if !slices.IsSortedFunc(got.Members, compareMemberPaths) {
				t.Error("members are not sorted by path")
			}
			for _, s := range got.Signers {
				if len(s.Chain) == 0 || s.Chain[0].Subject == "" || len(s.Chain[0].SHA256) != 64 {
					t.Errorf("signer without its certificate: %+v", s)
				}
			}
		})
	}
}

func sameAttrs(t *testing.T, what string, got, want []attrJSON) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d attributes, want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if got[i].Name != want[i].Name || !strings.EqualFold(got[i].Flags, want[i].Flags) || got[i].Value != want[i].Value {
			t.Errorf("%s: attribute %d is %+v, want %+v", what, i, got[i], want[i])
		}
	}
}
