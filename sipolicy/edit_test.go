package sipolicy_test

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/testpki"
	"github.com/intactdev/intact/sipolicy"
)

// reparse marshals p and parses it back: every edit must survive the file.
func reparse(t *testing.T, p *sipolicy.Policy) *sipolicy.Policy {
	t.Helper()
	data, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	q, err := sipolicy.Parse("edited.xml", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return q
}

func newTestPolicy(t *testing.T, certs ...*x509.Certificate) *sipolicy.Policy {
	t.Helper()
	p, err := sipolicy.New(sipolicy.Template{
		ID: "11111111-2222-4333-8444-555555555555", Signers: certs,
		Settings: enforcer.Settings{EnforceCodeIntegrity: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ids[T any](list []T, id func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = id(v)
	}
	return out
}

func TestEditModeAndSettings(t *testing.T) {
	root := testpki.SelfSigned(t, "edit root", testpki.CA())
	p := newTestPolicy(t, root.Cert)
	if f, _ := p.FileChecks("intact"); f != sipolicy.FilesEnforced {
		t.Fatalf("new policy: files %v", f)
	}
	p.SetAudit(true)
	p.SetAudit(true) // twice is once
	if err := p.SetAppSetting("intact", "DisableDynamicCode", true); err != nil {
		t.Fatal(err)
	}
	q := reparse(t, p)
	if f, _ := q.FileChecks("intact"); f != sipolicy.FilesAudited {
		t.Errorf("after SetAudit: files %v", f)
	}
	if n := len(slices.DeleteFunc(slices.Clone(q.Options), func(o string) bool { return o != sipolicy.OptionAuditMode })); n != 1 {
		t.Errorf("audit option %d times", n)
	}
	if v, src := q.LookupAppSetting("intact", "DisableDynamicCode"); !v || src != sipolicy.FromAppSettings {
		t.Errorf("DisableDynamicCode = %v from %v", v, src)
	}
	// Both forms change: the legacy one alone says the same.
	q.Apps = nil
	if v, src := q.LookupAppSetting("intact", "DisableDynamicCode"); !v || src != sipolicy.FromSettings {
		t.Errorf("legacy DisableDynamicCode = %v from %v", v, src)
	}
	p.SetAudit(false)
	if err := p.SetAppSetting("intact", "EnforceCodeIntegrity", false); err != nil {
		t.Fatal(err)
	}
	if f, why := reparse(t, p).FileChecks("intact"); f != sipolicy.FilesUnchecked || why == "" {
		t.Errorf("after clearing EnforceCodeIntegrity: files %v (%q)", f, why)
	}
	// Another app id gets its own App and legacy provider.
	if err := p.SetAppSetting("other", "EnforceCodeIntegrity", true); err != nil {
		t.Fatal(err)
	}
	if f, _ := reparse(t, p).FileChecks("other"); f != sipolicy.FilesEnforced {
		t.Errorf("other app id: files %v", f)
	}
	if err := p.SetAppSetting("a/b", "EnforceCodeIntegrity", true); err == nil {
		t.Error("app id a/b accepted")
	}
}

func TestEditVersion(t *testing.T) {
	p := newTestPolicy(t, testpki.SelfSigned(t, "version root", testpki.CA()).Cert)
	v2, _ := sipolicy.ParseVersion("2.0.0.65535")
	if err := p.SetVersion(v2); err != nil {
		t.Fatal(err)
	}
	if v, err := p.BumpVersion(); err != nil || v.String() != "2.0.1.0" {
		t.Errorf("bump = %v, %v; want 2.0.1.0 (the last field carries)", v, err)
	}
	if err := p.SetVersion(v2); !errors.Is(err, sipolicy.ErrVersionLower) {
		t.Errorf("lower version: %v", err)
	}
	if reparse(t, p).Version.String() != "2.0.1.0" {
		t.Error("version not written")
	}
	top, _ := sipolicy.ParseVersion("65535.65535.65535.65535")
	p.SetVersion(top)
	if _, err := p.BumpVersion(); err == nil {
		t.Error("bumped past the highest version")
	}
}

func TestEditSignersAndRules(t *testing.T) {
	a := testpki.SelfSigned(t, "edit a", testpki.CA())
	b := testpki.SelfSigned(t, "edit b", testpki.CA())
	p := newTestPolicy(t, a.Cert)
	if _, err := p.AddSigner(a.Cert, ""); err == nil {
		t.Error("the same certificate added twice")
	}
	s, err := p.AddSigner(a.Cert, "Contoso") // narrower: another signer
	if err != nil || s.ID != "ID_SIGNER_S_2" {
		t.Fatalf("AddSigner = %v, %v", s, err)
	}
	if s, err = p.AddSigner(b.Cert, ""); err != nil || s.ID != "ID_SIGNER_S_3" {
		t.Fatalf("AddSigner = %v, %v", s, err)
	}
	h := sha256.Sum256([]byte("x"))
	r1, _ := p.AddHashRule(sipolicy.Allow, sipolicy.RuleHash{Name: "x", Hash: h[:]})
	r2, _ := p.AddHashRule(sipolicy.Allow, sipolicy.RuleHash{Name: "x again", Hash: h[:]})
	d, _ := p.AddHashRule(sipolicy.Deny, sipolicy.RuleHash{Name: "x", Hash: h[:]})
	if r1 != r2 || r1.ID != "ID_ALLOW_A_1" || d.ID != "ID_DENY_D_1" {
		t.Errorf("rules %v %v %v", r1, r2, d)
	}
	if _, err := p.AddHashRule(sipolicy.Allow, sipolicy.RuleHash{Hash: h[:5]}); err == nil {
		t.Error("a 5-byte hash accepted")
	}
	q := reparse(t, p)
	if got := ids(q.AllowedSigners(), func(s *sipolicy.Signer) string { return s.ID }); !slices.Equal(got, []string{"ID_SIGNER_S_1", "ID_SIGNER_S_2", "ID_SIGNER_S_3"}) {
		t.Errorf("allowed signers %v", got)
	}
	if q.AllowedHashes().Lookup(h[:]) == nil || q.DeniedHashes().Lookup(h[:]) == nil {
		t.Error("hash rules not read back")
	}

	got, err := p.SignersOf(a.Cert)
	if err != nil || !slices.Equal(got, []string{"ID_SIGNER_S_1", "ID_SIGNER_S_2"}) {
		t.Errorf("SignersOf = %v, %v", got, err)
	}
	for _, id := range got {
		if err := p.RemoveSigner(id); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.RemoveSigner("ID_SIGNER_S_1"); err == nil {
		t.Error("removed a signer twice")
	}
	if got := p.RulesWithHash(sipolicy.Deny, h[:]); !slices.Equal(got, []string{d.ID}) {
		t.Errorf("Deny rules with the hash: %v, want %s only", got, d.ID)
	}
	for _, kind := range []sipolicy.FileRuleKind{sipolicy.Allow, sipolicy.Deny} {
		for _, id := range p.RulesWithHash(kind, h[:]) {
			if err := p.RemoveRule(id); err != nil {
				t.Fatal(err)
			}
		}
	}
	q = reparse(t, p)
	if got := ids(q.AllowedSigners(), func(s *sipolicy.Signer) string { return s.ID }); !slices.Equal(got, []string{"ID_SIGNER_S_3"}) {
		t.Errorf("after removal, allowed signers %v", got)
	}
	if q.AllowedHashes().Len()+q.DeniedHashes().Len() != 0 || len(q.FileRules) != 0 {
		t.Error("rules left after removal")
	}
	// A new signer takes the first free number again.
	if s, _ := p.AddSigner(a.Cert, ""); s.ID != "ID_SIGNER_S_1" {
		t.Errorf("re-added signer %s", s.ID)
	}
}

// Merge adds the other policy's user-mode rules and keeps p's identity.
func TestMerge(t *testing.T) {
	full := mustParseFile(t, "testdata/full.xml")
	root := testpki.SelfSigned(t, "merge root", testpki.CA())
	p := newTestPolicy(t, root.Cert)
	// p has an ID_DENY_D_1 of its own, on another hash.
	mine := sha256.Sum256([]byte("mine"))
	p.AddHashRule(sipolicy.Deny, sipolicy.RuleHash{Name: "mine", Hash: mine[:]})
	version := p.Version

	// microsoft-style.xml's ID_SIGNER_REFRESH has a condition intact
	// cannot write: merging it would widen the signer.
	if err := p.Merge(mustParseFile(t, "testdata/microsoft-style.xml")); err == nil {
		t.Fatal("merged a signer with conditions intact cannot write")
	}
	p = newTestPolicy(t, root.Cert)
	p.AddHashRule(sipolicy.Deny, sipolicy.RuleHash{Name: "mine", Hash: mine[:]})
	if err := p.Merge(full); err != nil {
		t.Fatal(err)
	}
	if err := p.Merge(full); err != nil { // merging again adds nothing
		t.Fatal(err)
	}
	q := reparse(t, p)
	if q.PolicyID != "{11111111-2222-4333-8444-555555555555}" || q.Version != version || q.Type != sipolicy.BasePolicy {
		t.Errorf("identity changed: %s %s %s", q.PolicyID, q.Version, q.Type)
	}
	if q.HasOption(sipolicy.OptionDisabledScriptEnforcement) {
		t.Error("the other policy's rule options were merged")
	}
	if q.Scenario(sipolicy.KernelMode) != nil {
		t.Error("the kernel-mode scenario was merged")
	}
	want := map[string]bool{}
	for _, s := range full.AllowedSigners() {
		want[s.Describe()] = true
	}
	for _, s := range q.AllowedSigners() {
		delete(want, s.Describe())
	}
	if len(want) != 0 {
		t.Errorf("allowed signers missing after merge: %v", want)
	}
	for _, r := range full.DeniedHashes().Rules() {
		if q.DeniedHashes().Lookup(r.Hash) == nil {
			t.Errorf("deny rule %s not merged", r)
		}
	}
	for _, r := range full.AllowedHashes().Rules() {
		if q.AllowedHashes().Lookup(r.Hash) == nil {
			t.Errorf("allow rule %s not merged", r)
		}
	}
	if q.DeniedHashes().Lookup(mine[:]).ID != "ID_DENY_D_1" {
		t.Error("p's own rule lost its ID")
	}
	if len(q.DeniedSigners()) != len(full.DeniedSigners()) {
		t.Errorf("denied signers %d, want %d", len(q.DeniedSigners()), len(full.DeniedSigners()))
	}
	// Every ID is unique (Marshal checks) and the EKU came along.
	if len(q.EKUs) != len(full.EKUs) {
		t.Errorf("EKUs %d, want %d", len(q.EKUs), len(full.EKUs))
	}
	sc := q.Scenario(sipolicy.UserMode)
	if len(sc.Allowed) != 1+len(full.AllowedSigners()) {
		t.Errorf("%d allowed signers after merging twice", len(sc.Allowed))
	}
}

// exceptedPolicy returns a policy trusting root whose only Deny rule is an
// ExceptDenyRule of its allowed signer, the form Microsoft's tools write
// for a signer's exceptions, and that rule's hash.
func exceptedPolicy(t *testing.T, root *x509.Certificate) (*sipolicy.Policy, []byte) {
	t.Helper()
	p := newTestPolicy(t, root)
	h := sha256.Sum256([]byte("excepted"))
	r, err := p.AddHashRule(sipolicy.Deny, sipolicy.RuleHash{Name: "excepted", Hash: h[:]})
	if err != nil {
		t.Fatal(err)
	}
	p.Scenario(sipolicy.UserMode).FileRules = nil // an exception only
	p.Scenario(sipolicy.UserMode).Allowed[0].ExceptDenyRules = []*sipolicy.FileRule{r}
	if reparse(t, p).DeniedHashes().Lookup(h[:]) == nil {
		t.Fatal("the exception is not a denial")
	}
	return p, h[:]
}

// Merging a signer both policies allow keeps the exceptions of either:
// intact enforces each as a Deny rule, and a merge must never lift a
// denial, whichever side makes it.
func TestMergeExceptions(t *testing.T) {
	root := testpki.SelfSigned(t, "except root", testpki.CA())
	a, h := exceptedPolicy(t, root.Cert)
	if err := a.Merge(newTestPolicy(t, root.Cert)); err != nil {
		t.Fatal(err)
	}
	if reparse(t, a).DeniedHashes().Lookup(h) == nil {
		t.Error("merging a policy without the exception lifted the denial")
	}
	b, _ := exceptedPolicy(t, root.Cert)
	plain := newTestPolicy(t, root.Cert)
	if err := plain.Merge(b); err != nil {
		t.Fatal(err)
	}
	if reparse(t, plain).DeniedHashes().Lookup(h) == nil {
		t.Error("merging a policy with the exception into one without lost the denial")
	}
}

// Removing an allowed signer, by ID or by its certificate, keeps the Deny
// rules it names as exceptions: they become plain Deny rules of scenario
// 12, and the policy denies what it denied.
func TestRemoveSignerKeepsExceptions(t *testing.T) {
	root := testpki.SelfSigned(t, "except root", testpki.CA())
	for name, remove := range map[string]func(*sipolicy.Policy, string) error{
		"RemoveSigner": (*sipolicy.Policy).RemoveSigner,
		"Untrust":      (*sipolicy.Policy).Untrust,
	} {
		p, h := exceptedPolicy(t, root.Cert)
		if err := remove(p, p.AllowedSigners()[0].ID); err != nil {
			t.Fatal(err)
		}
		q := reparse(t, p)
		if len(q.AllowedSigners()) != 0 {
			t.Errorf("%s: allowed signers %v remain", name, q.AllowedSigners())
		}
		if r := q.DeniedHashes().Lookup(h); r == nil || r.Kind != sipolicy.Deny {
			t.Errorf("%s lifted the denial its signer named as an exception", name)
		}
	}
}

// A policy with parts Marshal does not write back is not rewritable: an
// edit would drop them, and a signer without its conditions trusts more.
func TestRewritable(t *testing.T) {
	if err := newTestPolicy(t, testpki.SelfSigned(t, "rewritable", testpki.CA()).Cert).Rewritable(); err != nil {
		t.Errorf("a policy New made: %v", err)
	}
	ms := mustParseFile(t, "testdata/microsoft-style.xml")
	if err := ms.Rewritable(); err == nil {
		t.Error("microsoft-style.xml, whose signer has a FileAttribRef, is rewritable")
	}
	for _, s := range ms.Signers {
		s.Unevaluated = nil
	}
	if err := ms.Rewritable(); err == nil || !strings.Contains(err.Error(), "line ") {
		t.Errorf("with ignored elements: %v, want the line of what would be dropped", err)
	}
}

// TestUntrustKeepsDenial: undoing trust in a certificate the policy also
// denies (one Signer element both allowed and denied, as a merge makes it)
// removes the allowed reference only; the denial stays.
func TestUntrustKeepsDenial(t *testing.T) {
	a := testpki.SelfSigned(t, "untrust a", testpki.CA())
	p := newTestPolicy(t, a.Cert)
	s := p.AllowedSigners()[0]
	deny := newTestPolicy(t, a.Cert)
	sc := deny.Scenario(sipolicy.UserMode)
	sc.Denied = []*sipolicy.DeniedSigner{{Signer: sc.Allowed[0].Signer}}
	sc.Allowed = nil
	if err := p.Merge(deny); err != nil {
		t.Fatal(err)
	}
	if ids, _ := p.SignersOf(a.Cert); !slices.Equal(ids, []string{s.ID}) {
		t.Fatalf("SignersOf = %v, want %s", ids, s.ID)
	}
	if err := p.Untrust(s.ID); err != nil {
		t.Fatal(err)
	}
	q := reparse(t, p)
	if len(q.AllowedSigners()) != 0 || len(q.DeniedSigners()) != 1 {
		t.Fatalf("after Untrust: allowed %v, denied %v; want the denial only", q.AllowedSigners(), q.DeniedSigners())
	}
	if ids, _ := q.SignersOf(a.Cert); len(ids) != 0 {
		t.Errorf("SignersOf after Untrust = %v", ids)
	}
	if ids, _ := q.DeniedSignersOf(a.Cert); len(ids) != 1 {
		t.Errorf("DeniedSignersOf after Untrust = %v", ids)
	}
}

// Merging keeps Deny rules by path: each FilePath once, however the two
// policies name their rules.
func TestMergeDeniedPaths(t *testing.T) {
	root := testpki.SelfSigned(t, "merge root", testpki.CA())
	withPath := func(path string) *sipolicy.Policy {
		p := newTestPolicy(t, root.Cert)
		h := sha256.Sum256([]byte(path))
		r, err := p.AddHashRule(sipolicy.Deny, sipolicy.RuleHash{Name: path, Hash: h[:]})
		if err != nil {
			t.Fatal(err)
		}
		r.Hash, r.FilePath = nil, path
		return reparse(t, p)
	}
	p := withPath("/opt/a/*")
	for range 2 { // merging again adds nothing
		if err := p.Merge(withPath("/opt/b/*")); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range reparse(t, p).DeniedPaths() {
		got = append(got, r.FilePath)
	}
	if !slices.Equal(got, []string{"/opt/a/*", "/opt/b/*"}) {
		t.Errorf("denied paths after merging: %q", got)
	}
}
