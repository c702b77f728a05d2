package intact_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/testpki"
)

// The code the tests run: trustedCode is listed in the trusted catalog;
// anything else is tampered. The host "runs" what ReadCode returns, and the
// canary records whether tampered code ran.
var (
	trustedCode = []byte("globalThis.canary = 'trusted v1';\n")
	evilCode    = []byte("globalThis.canary = 'EVIL';\n")
)

// host reads a file through the policy and runs it, as a runtime would.
type host struct {
	policy *intact.Policy
	ran    [][]byte // every code that ran
}

func (h *host) run(path string) error {
	data, err := h.policy.ReadCode(path)
	if err != nil {
		return err
	}
	h.ran = append(h.ran, data)
	return nil
}

// ranTampered reports whether any code other than trustedCode ran.
func (h *host) ranTampered() bool {
	for _, code := range h.ran {
		if !bytes.Equal(code, trustedCode) {
			return true
		}
	}
	return false
}

// tamperCase is one attack: arrange builds the scene and returns the file
// the host then runs, the policy and the catalogs.
type tamperCase struct {
	name    string
	reason  enforcer.Reason
	arrange func(e *env) (path string, spec policySpec, catalogs []string)
}

// withTrusted writes app.js with content, and the trusted catalog listing
// trustedCode.
func withTrusted(e *env, content []byte) (string, policySpec, []string) {
	return e.write("app.js", content), e.trusting(), []string{e.write("trusted.cat", e.trustedCatalog(trustedCode))}
}

// listedBy returns a scene where app.js holds evilCode, listed only in the
// catalog cat; the trusted catalog lists trustedCode.
func listedBy(e *env, cat []byte) (string, policySpec, []string) {
	path, spec, cats := withTrusted(e, evilCode)
	return path, spec, append(cats, e.write("other.cat", cat))
}

// getBareLeaf returns a leaf issued by the trusted root with no extended
// key usage extension at all. The matrix's other EKU row (pki.noEKU) names
// the TLS-server usage, which crypto/x509 itself refuses for code signing;
// a leaf without the extension passes crypto/x509 and must be refused by
// catalog.Verify.
var getBareLeaf = testpki.Shared(func(t testing.TB) *testpki.Cert {
	t.Helper()
	c := getPKI(t).root.Issue(t, "intact publisher without EKU", testpki.Organization("intact tests (TEST ONLY)"))
	for _, ext := range c.Cert.Extensions {
		if ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 37}) {
			t.Fatal("the bare leaf has an extended key usage extension")
		}
	}
	return c
})

func flip(b []byte) []byte {
	out := bytes.Clone(b)
	out[len(out)/2] ^= 0x01
	return out
}

var tamperCases = []tamperCase{
	{"one byte flipped", enforcer.ReasonNotInCatalog, func(e *env) (string, policySpec, []string) {
		return withTrusted(e, flip(trustedCode))
	}},
	{"bytes appended", enforcer.ReasonNotInCatalog, func(e *env) (string, policySpec, []string) {
		return withTrusted(e, append(bytes.Clone(trustedCode), "globalThis.canary = 'EVIL';\n"...))
	}},
	{"truncated", enforcer.ReasonNotInCatalog, func(e *env) (string, policySpec, []string) {
		return withTrusted(e, trustedCode[:len(trustedCode)-10])
	}},
	{"file replaced by rename", enforcer.ReasonNotInCatalog, func(e *env) (string, policySpec, []string) {
		path, spec, cats := withTrusted(e, trustedCode)
		if err := os.Rename(e.write("evil.js", evilCode), path); err != nil {
			e.t.Fatal(err)
		}
		return path, spec, cats
	}},
	{"symlink swapped to an untrusted file", enforcer.ReasonNotInCatalog, func(e *env) (string, policySpec, []string) {
		_, spec, cats := withTrusted(e, trustedCode)
		link := e.path("link.js")
		if err := os.Symlink(e.path("app.js"), link); err != nil {
			e.t.Fatal(err)
		}
		// Swap atomically, as an attacker racing a check would.
		tmp := e.path("link.tmp")
		if err := os.Symlink(e.write("evil.js", evilCode), tmp); err != nil {
			e.t.Fatal(err)
		}
		if err := os.Rename(tmp, link); err != nil {
			e.t.Fatal(err)
		}
		return link, spec, cats
	}},
	{"hard link to an untrusted inode", enforcer.ReasonNotInCatalog, func(e *env) (string, policySpec, []string) {
		_, spec, cats := withTrusted(e, trustedCode)
		link := e.path("hard.js")
		if err := os.Link(e.write("evil.js", evilCode), link); err != nil {
			e.t.Fatal(err)
		}
		return link, spec, cats
	}},
	{"file in catalog but signer untrusted", enforcer.ReasonUntrustedSigner, func(e *env) (string, policySpec, []string) {
		return listedBy(e, e.signedCatalog(e.pki.other, []*testpki.Cert{e.pki.otherRoot}, evilCode))
	}},
	{"catalog modified after signing", enforcer.ReasonPolicyUnavailable, func(e *env) (string, policySpec, []string) {
		// The attacker edits a signed catalog to list their file
		// instead of the trusted one.
		cat := e.trustedCatalog(trustedCode)
		good, evil := sha256.Sum256(trustedCode), sha256.Sum256(evilCode)
		if !bytes.Contains(cat, good[:]) {
			e.t.Fatal("the catalog does not hold the trusted digest")
		}
		return listedBy(e, bytes.ReplaceAll(cat, good[:], evil[:]))
	}},
	{"unsigned catalog", enforcer.ReasonUntrustedSigner, func(e *env) (string, policySpec, []string) {
		return listedBy(e, e.unsignedCatalog(evilCode))
	}},
	{"expired certificate", enforcer.ReasonUntrustedSigner, func(e *env) (string, policySpec, []string) {
		return listedBy(e, e.signedCatalog(e.pki.expired, []*testpki.Cert{e.pki.root}, evilCode))
	}},
	{"certificate without code-signing EKU", enforcer.ReasonUntrustedSigner, func(e *env) (string, policySpec, []string) {
		return listedBy(e, e.signedCatalog(e.pki.noEKU, []*testpki.Cert{e.pki.root}, evilCode))
	}},
	{"certificate with no EKU extension", enforcer.ReasonUntrustedSigner, func(e *env) (string, policySpec, []string) {
		// crypto/x509 accepts a leaf without the extension for any usage;
		// only catalog.Verify's own check refuses it.
		return listedBy(e, e.signedCatalog(getBareLeaf(e.t), []*testpki.Cert{e.pki.root}, evilCode))
	}},
	{"denied signer", enforcer.ReasonDeniedSigner, func(e *env) (string, policySpec, []string) {
		path, spec, cats := listedBy(e, e.signedCatalog(e.pki.denied, []*testpki.Cert{e.pki.root}, evilCode))
		spec.denied = []*testpki.Cert{e.pki.denied}
		return path, spec, cats
	}},
	{"hash deny rule", enforcer.ReasonDeniedByHash, func(e *env) (string, policySpec, []string) {
		// Listed in the trusted catalog, and denied by hash: deny wins.
		path, spec, _ := withTrusted(e, evilCode)
		spec.denyHashes = []string{hexSHA256(evilCode)}
		return path, spec, []string{e.write("both.cat", e.trustedCatalog(trustedCode, evilCode))}
	}},
}

// TestTamperMatrix runs every attack twice: enforced, where the file must be
// refused with the attack's reason, nothing tampered may run and one
// "denied" event is logged; and in audit mode, where the file runs and one
// "audit" event with the documented fields is logged. The attacks run in
// parallel, each with its own policy.
func TestTamperMatrix(t *testing.T) {
	for _, tc := range tamperCases {
		for _, audit := range []bool{false, true} {
			name := tc.name
			if audit {
				name += "/audit"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				path, spec, cats := tc.arrange(e)
				spec.audit = audit
				spec.version = "1.2.3.4"
				policyPath := e.policy("policy.xml", spec)
				p, log := e.load([]string{policyPath}, cats)
				h := &host{policy: p}
				err := h.run(path)
				current, rerr := os.ReadFile(path)
				if rerr != nil {
					t.Fatal(rerr)
				}
				wantKind := intact.EventDenied
				if audit {
					wantKind = intact.EventAudit
					if err != nil {
						t.Fatalf("audit mode: ReadCode = %v, want the file to run", err)
					}
					if !h.ranTampered() || !bytes.Equal(h.ran[0], current) {
						t.Fatalf("audit mode: ran %q, want the file's bytes %q", h.ran, current)
					}
				} else {
					var v *intact.ViolationError
					if !errors.As(err, &v) {
						t.Fatalf("ReadCode = %v, want a *ViolationError", err)
					}
					if v.Reason() != tc.reason {
						t.Fatalf("reason = %s, want %s\n%s", v.Reason(), tc.reason, v.Explain())
					}
					if intact.ErrorCode(err) != intact.CodeViolation || v.Error() != "The file "+path+" did not pass OS Code Integrity validation" {
						t.Fatalf("error = %q (code %q)", v.Error(), intact.ErrorCode(err))
					}
					if h.ranTampered() {
						t.Fatal("CANARY: tampered code ran")
					}
				}
				evs := log.events(t)
				if len(evs) != 1 {
					t.Fatalf("%d events, want 1: %v", len(evs), evs)
				}
				sum := sha256.Sum256(current)
				want := map[string]string{
					"msg":            "code integrity",
					"event":          wantKind,
					"path":           path,
					"sha256":         strings.ToUpper(hex.EncodeToString(sum[:])),
					"enforcer":       "catalogs:" + policyPath,
					"reason":         string(tc.reason),
					"policy_id":      "{6C2C7B11-0000-4000-8000-000000000001}",
					"policy_version": "1.2.3.4",
				}
				ev := evs[0]
				for k, v := range want {
					if ev[k] != v {
						t.Errorf("event %s = %v, want %q", k, ev[k], v)
					}
				}
				for _, k := range []string{"time", "level", "detail"} {
					if s, _ := ev[k].(string); s == "" {
						t.Errorf("event has no %s: %v", k, ev)
					}
				}
			})
		}
	}
}

// TestTrustedRuns is the matrix's control: the trusted file runs through
// a trusted catalog, and a file allowed by a hash rule runs without one.
func TestTrustedRuns(t *testing.T) {
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	p, log := e.load([]string{e.policy("policy.xml", spec)}, cats)
	data, err := p.ReadCode(path)
	if err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("ReadCode = %q, %v; want the trusted code", data, err)
	}

	spec.allowHashes = []string{hexSHA256(evilCode)}
	p, _ = e.load([]string{e.policy("hash.xml", spec)}, nil)
	evil := e.write("allowed.js", evilCode)
	if data, err := p.ReadCode(evil); err != nil || !bytes.Equal(data, evilCode) {
		t.Fatalf("allowed by hash: ReadCode = %q, %v", data, err)
	}
	if evs := log.events(t); len(evs) != 0 {
		t.Fatalf("events for allowed files: %v", evs)
	}
}

// TestSignerConditions: a signer may pin the leaf itself, and CertPublisher
// narrows a signer to one signing certificate's common name.
func TestSignerConditions(t *testing.T) {
	e := newEnv(t)
	path, _, cats := withTrusted(e, trustedCode)
	cases := []struct {
		name string
		spec policySpec
		want enforcer.Reason // "" for allowed
	}{
		{"leaf pinned", policySpec{enforce: true, allowed: []*testpki.Cert{e.pki.signer}}, ""},
		{"publisher matches", policySpec{enforce: true, allowed: []*testpki.Cert{e.pki.root}, publisher: "intact test publisher"}, ""},
		{"publisher differs", policySpec{enforce: true, allowed: []*testpki.Cert{e.pki.root}, publisher: "someone else"}, enforcer.ReasonUntrustedSigner},
		{"another leaf pinned", policySpec{enforce: true, allowed: []*testpki.Cert{e.pki.denied}}, enforcer.ReasonUntrustedSigner},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := e.load([]string{e.policy("policy.xml", tc.spec)}, cats)
			data, err := p.ReadCode(path)
			switch {
			case tc.want == "" && (err != nil || !bytes.Equal(data, trustedCode)):
				t.Fatalf("ReadCode = %q, %v; want it allowed", data, err)
			case tc.want != "" && !hasReason(err, tc.want):
				t.Fatalf("ReadCode = %v, want %s", err, tc.want)
			}
		})
	}
}
