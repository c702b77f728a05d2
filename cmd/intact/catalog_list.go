package main

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/sipolicy"
)

// The JSON that "intact catalog list --json" prints. Field names are stable:
// scripts may rely on them. Digests, tags, identifiers, serial numbers and
// fingerprints are uppercase hexadecimal; times are RFC 3339 in UTC.

// catalogJSON is a whole catalog.
type catalogJSON struct {
	File           string     `json:"file"`
	Version        int        `json:"version"`         // 1: SHA-1 members, 2: SHA-256 members
	ListIdentifier string     `json:"list_identifier"` // the CTL's listIdentifier
	EffectiveDate  time.Time  `json:"effective_date"`  // the CTL's thisUpdate
	Attributes     []attrJSON `json:"attributes"`      // catalog-level name-values
	// Listed is the number of members when --path kept only some.
	Listed  int          `json:"listed,omitempty"`
	Members []memberJSON `json:"members"` // sorted by path (members without one last, in file order), duplicates kept
	// Signature is "unsigned", "valid" (signatures and message digests
	// check; chains are not checked: see "intact catalog verify"), or
	// "invalid: <reason>".
	Signature string       `json:"signature"`
	Signers   []signerJSON `json:"signers"`
}

// attrJSON is a name-value attribute.
type attrJSON struct {
	Name  string `json:"name"`
	Flags string `json:"flags"` // e.g. "0x10010001"
	Value string `json:"value"` // decoded text
}

// memberJSON is a catalog member.
type memberJSON struct {
	Path   string `json:"path,omitempty"` // the FilePath attribute, with forward slashes
	Tag    string `json:"tag"`            // text of a UTF-16 tag, else hexadecimal
	TagHex string `json:"tag_hex"`        // the raw tag bytes
	Kind   string `json:"kind"`           // "PE", "flat", "CAB" or "other"
	// DigestAlgorithm ("SHA-256" or "SHA-1") and Digest come from the
	// member's indirect data; both are empty for v2 SHA-1 compatibility
	// entries (compat true), whose tag is the SHA-1 digest.
	DigestAlgorithm string     `json:"digest_algorithm,omitempty"`
	Digest          string     `json:"digest,omitempty"`
	Compat          bool       `json:"compat"`
	Attributes      []attrJSON `json:"attributes"`
}

// signerJSON is one signer and its certificate chain, signer first, built
// from the embedded certificates as far as they go.
type signerJSON struct {
	DigestAlgorithm string          `json:"digest_algorithm"`
	SigningTime     *time.Time      `json:"signing_time,omitempty"`
	Chain           []certJSON      `json:"chain"`
	Timestamps      []timestampJSON `json:"timestamps,omitempty"`
}

// timestampJSON is a countersignature of a signer's signature.
type timestampJSON struct {
	Time    *time.Time `json:"time,omitempty"`
	Kind    string     `json:"kind"`              // "RFC 3161" or "countersignature"
	Signer  string     `json:"signer,omitempty"`  // subject of the time-stamping certificate
	Problem string     `json:"problem,omitempty"` // why it does not check out: not over the signature, bad signature, ... (the authority's chain is never checked)
}

// certJSON is one certificate.
type certJSON struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"` // fingerprint of the DER certificate
	// TBS is the hash of the certificate's tbsCertificate with the hash of
	// its signature algorithm, as a policy's signer pins it (CertRoot
	// Type="TBS", intact policy show).
	TBS          string `json:"tbs,omitempty"`
	TBSAlgorithm string `json:"tbs_algorithm,omitempty"`
}

func upperHex(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

func hashName(h crypto.Hash) string {
	if h == 0 {
		return "unknown"
	}
	return h.String()
}

func attrsJSON(attrs []catalog.Attribute) []attrJSON {
	out := make([]attrJSON, len(attrs))
	for i, a := range attrs {
		out[i] = attrJSON{Name: a.Name, Flags: fmt.Sprintf("0x%08x", a.Flags), Value: a.Text()}
	}
	return out
}

func certToJSON(c *x509.Certificate) certJSON {
	fp := sha256.Sum256(c.Raw)
	cj := certJSON{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		Serial:    upperHex(c.SerialNumber.Bytes()),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SHA256:    upperHex(fp[:]),
	}
	if tbs, h, err := sipolicy.TBS(c); err == nil {
		cj.TBS, cj.TBSAlgorithm = upperHex(tbs), h.String()
	}
	return cj
}

// embeddedChain follows issuers from cert through the embedded
// certificates, checking each signature, until a self-issued certificate
// or one whose issuer is not embedded.
func embeddedChain(cert *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	chain := []*x509.Certificate{cert}
	for cur := cert; len(chain) <= len(pool) && !bytes.Equal(cur.RawIssuer, cur.RawSubject); {
		var next *x509.Certificate
		for _, c := range pool {
			if bytes.Equal(c.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil {
				next = c
				break
			}
		}
		if next == nil {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}

func newCatalogJSON(file string, c *catalog.Catalog) catalogJSON {
	out := catalogJSON{
		File:           file,
		Version:        c.Version,
		ListIdentifier: upperHex(c.ListIdentifier),
		EffectiveDate:  c.ThisUpdate.UTC(),
		Attributes:     attrsJSON(c.Attributes),
		Members:        make([]memberJSON, len(c.Members)),
		Signers:        make([]signerJSON, len(c.Signers)),
	}
	for i := range c.Members {
		m := &c.Members[i]
		mj := memberJSON{
			Tag:        m.TagString(),
			TagHex:     upperHex(m.Tag),
			Kind:       m.Kind.String(),
			Compat:     m.Compat,
			Attributes: attrsJSON(m.Attributes),
		}
		if m.Digest != nil {
			mj.DigestAlgorithm, mj.Digest = hashName(m.DigestAlgorithm), upperHex(m.Digest)
		}
		if fp, ok := m.Attribute("FilePath"); ok {
			mj.Path = strings.ReplaceAll(fp.Text(), `\`, "/")
		}
		out.Members[i] = mj
	}
	slices.SortStableFunc(out.Members, compareMemberPaths)
	switch err := c.CheckSignature(); {
	case !c.Signed():
		out.Signature = "unsigned"
	case err != nil:
		out.Signature = "invalid: " + strings.TrimPrefix(err.Error(), "catalog: ")
	default:
		out.Signature = "valid"
	}
	timestamps := c.Timestamps()
	for i, s := range c.Signers {
		sj := signerJSON{DigestAlgorithm: hashName(s.DigestAlgorithm), Chain: []certJSON{}}
		if !s.SigningTime.IsZero() {
			t := s.SigningTime.UTC()
			sj.SigningTime = &t
		}
		if s.Certificate != nil {
			for _, cert := range embeddedChain(s.Certificate, c.Certificates) {
				sj.Chain = append(sj.Chain, certToJSON(cert))
			}
		}
		for _, ts := range timestamps[i] {
			tj := timestampJSON{Kind: "countersignature"}
			if ts.RFC3161 {
				tj.Kind = "RFC 3161"
			}
			if !ts.Time.IsZero() {
				t := ts.Time.UTC()
				tj.Time = &t
			}
			if ts.Certificate != nil {
				tj.Signer = ts.Certificate.Subject.String()
			}
			if ts.Err != nil {
				tj.Problem = strings.TrimPrefix(ts.Err.Error(), "catalog: ")
			}
			sj.Timestamps = append(sj.Timestamps, tj)
		}
		out.Signers[i] = sj
	}
	return out
}

// compareMemberPaths orders members by path, without regard to case as
// Windows compares paths, and members without a path last.
func compareMemberPaths(a, b memberJSON) int {
	switch {
	case a.Path == "" && b.Path != "":
		return 1
	case a.Path != "" && b.Path == "":
		return -1
	}
	return strings.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path))
}

// keepPaths keeps the members whose path matches one of patterns
// (tree.MatchAny), and counts in Listed how many the catalog has.
func (cj *catalogJSON) keepPaths(patterns []string) {
	cj.Listed = len(cj.Members)
	cj.Members = slices.DeleteFunc(cj.Members, func(m memberJSON) bool {
		return m.Path == "" || !tree.MatchAny(patterns, m.Path)
	})
}

func (cj *catalogJSON) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(cj)
}

func (cj *catalogJSON) writeText(w io.Writer) {
	kind := map[int]string{1: "SHA-1 members", 2: "SHA-256 members"}[cj.Version]
	printf(w, "Catalog:         %s\n", cj.File)
	printf(w, "Version:         %d (%s)\n", cj.Version, kind)
	printf(w, "List identifier: %s\n", cj.ListIdentifier)
	printf(w, "Effective date:  %s\n", cj.EffectiveDate.Format(time.RFC3339))
	printf(w, "Signature:       %s\n", cj.Signature)
	printf(w, "Attributes:      %d\n", len(cj.Attributes))
	writeAttrs(w, "  ", cj.Attributes)
	if cj.Listed > 0 {
		printf(w, "Members:         %d of %d (--path)\n", len(cj.Members), cj.Listed)
	} else {
		printf(w, "Members:         %d\n", len(cj.Members))
	}
	for _, m := range cj.Members {
		switch {
		case m.Compat:
			printf(w, "  %s  %s  SHA-1 compatibility entry\n", m.Tag, m.Kind)
		case m.Digest == "":
			printf(w, "  %s  %s  no digest\n", m.Tag, m.Kind)
		default:
			printf(w, "  %s  %s  %s %s\n", m.Tag, m.Kind, m.DigestAlgorithm, m.Digest)
		}
		writeAttrs(w, "      ", m.Attributes)
	}
	printf(w, "Signers:         %d\n", len(cj.Signers))
	for i, s := range cj.Signers {
		printf(w, "  Signer %d: digest %s", i+1, s.DigestAlgorithm)
		if s.SigningTime != nil {
			printf(w, ", signed %s", s.SigningTime.Format(time.RFC3339))
		}
		fmt.Fprintln(w)
		for _, ts := range s.Timestamps {
			printf(w, "    Timestamp (%s):", ts.Kind)
			if ts.Time != nil {
				printf(w, " %s", ts.Time.Format(time.RFC3339))
			}
			if ts.Signer != "" {
				printf(w, " by %s", ts.Signer)
			}
			if ts.Problem != "" {
				printf(w, " -- problem: %s", ts.Problem)
			} else {
				fmt.Fprint(w, " (matches the signature; the authority's chain is not checked)")
			}
			fmt.Fprintln(w)
		}
		if len(s.Chain) == 0 {
			fmt.Fprintln(w, "    (signer certificate not embedded)")
		}
		for j, c := range s.Chain {
			printf(w, "    Certificate %d: %s\n", j+1, c.Subject)
			printf(w, "      Issuer:  %s\n", c.Issuer)
			printf(w, "      Serial:  %s\n", c.Serial)
			printf(w, "      Valid:   %s to %s\n", c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339))
			printf(w, "      SHA-256: %s\n", c.SHA256)
			if c.TBS != "" {
				printf(w, "      TBS:     %s %s\n", c.TBSAlgorithm, c.TBS)
			}
		}
	}
}

func writeAttrs(w io.Writer, indent string, attrs []attrJSON) {
	for _, a := range attrs {
		printf(w, "%s%s = %s  [%s]\n", indent, a.Name, a.Value, a.Flags)
	}
}
