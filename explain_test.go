package intact_test

import (
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// TestExplainCode: ExplainCode returns ReadCode's bytes and says what
// vouched for them, enforcer by enforcer: the catalog, its signer and the
// policy's signer that trusts it, or the hash rule.
func TestExplainCode(t *testing.T) {
	e := newEnv(t)
	listed := []byte("console.log('listed')")
	hashed := []byte("console.log('hashed')")
	code := e.write("listed.js", listed)
	tool := e.write("hashed.js", hashed)
	cat := e.write("app.cat", e.trustedCatalog(listed))
	spec := e.trusting()
	spec.allowHashes = []string{hexSHA256(hashed)}
	policy := e.policy("policy.xml", spec)
	p, _ := e.load([]string{policy}, []string{cat})

	data, ex, err := p.ExplainCode(code)
	if err != nil || string(data) != string(listed) {
		t.Fatalf("ExplainCode = %q, %v", data, err)
	}
	if ex.SHA256 != sha256.Sum256(listed) {
		t.Errorf("SHA256 = %x, want the bytes'", ex.SHA256)
	}
	want := enforcer.Allowance{Catalog: cat, PolicySigner: "ID_SIGNER_A0 (intact test root)", SignedBy: e.pki.signer.Cert.Subject.String()}
	if len(ex.Verdicts) != 1 || ex.Verdicts[0].Enforcer != "catalogs:"+policy || ex.Verdicts[0].Allowance != want || ex.Verdicts[0].Audited != nil {
		t.Errorf("Verdicts = %+v, want one from catalogs:%s with %+v", ex.Verdicts, policy, want)
	}

	_, ex, err = p.ExplainCode(tool)
	if err != nil || len(ex.Verdicts) != 1 || ex.Verdicts[0].Allowance != (enforcer.Allowance{HashRule: "ID_ALLOW_0 (allowed 0)"}) {
		t.Errorf("allowed by hash: %+v, %v", ex, err)
	}

	_, ex, err = p.ExplainCode(e.write("evil.js", []byte("evil()")))
	var v *intact.ViolationError
	if !errors.As(err, &v) || v.Reason() != enforcer.ReasonNotInCatalog || ex != nil {
		t.Errorf("unlisted: %+v, %v; want a not-in-catalog *ViolationError and no explanation", ex, err)
	}
}

// TestExplainCodeAudit: in audit mode a would-be refusal is let through,
// named in the explanation and logged once, as ReadCode logs it.
func TestExplainCodeAudit(t *testing.T) {
	e := newEnv(t)
	spec := e.trusting()
	spec.audit = true
	p, log := e.load([]string{e.policy("audit.xml", spec)}, nil)
	evil := []byte("evil()")
	data, ex, err := p.ExplainCode(e.write("evil.js", evil))
	if err != nil || string(data) != string(evil) {
		t.Fatalf("ExplainCode = %q, %v; want the bytes in audit mode", data, err)
	}
	if len(ex.Verdicts) != 1 || len(ex.Verdicts[0].Audited) != 1 || ex.Verdicts[0].Audited[0].Reason != enforcer.ReasonNotInCatalog {
		t.Errorf("Verdicts = %+v, want one audited not-in-catalog denial", ex.Verdicts)
	}
	if evs := log.events(t); len(evs) != 1 || evs[0]["event"] != intact.EventAudit {
		t.Errorf("events = %v, want one audit event", evs)
	}
}

// TestExplainCodeNoPolicy: with no enforcer that checks code the file is
// read as it is and the explanation has no verdicts, only the digest.
func TestExplainCodeNoPolicy(t *testing.T) {
	e := newEnv(t)
	src := []byte("console.log(1)")
	data, ex, err := intact.New(intact.Config{}).ExplainCode(e.write("a.js", src))
	if err != nil || string(data) != string(src) || len(ex.Verdicts) != 0 || ex.SHA256 != sha256.Sum256(src) {
		t.Errorf("ExplainCode = %q, %+v, %v", data, ex, err)
	}
}

// explaining is a content enforcer that counts how it is asked.
type explaining struct{ checks, explains int }

func (*explaining) Name() string { return "explaining" }
func (*explaining) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true}
}
func (*explaining) Status() enforcer.Status { return enforcer.Status{Available: true} }
func (x *explaining) CheckContent(enforcer.Content) error {
	x.checks++
	return nil
}
func (x *explaining) ExplainContent(enforcer.Content) (enforcer.Allowance, error) {
	x.explains++
	return enforcer.Allowance{HashRule: "everything"}, nil
}

// TestExplainCodeJudgesOnce: the explanation comes from the check itself,
// not from a second judgement of the bytes; ReadCode never asks for one.
func TestExplainCodeJudgesOnce(t *testing.T) {
	e := newEnv(t)
	x := new(explaining)
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{x}})
	path := e.write("a.js", []byte("a()"))
	if _, ex, err := p.ExplainCode(path); err != nil || ex.Verdicts[0].Allowance.HashRule != "everything" {
		t.Fatalf("ExplainCode = %+v, %v", ex, err)
	}
	if x.checks != 0 || x.explains != 1 {
		t.Errorf("ExplainCode: %d checks and %d explanations, want one explanation", x.checks, x.explains)
	}
	if _, err := p.ReadCode(path); err != nil {
		t.Fatal(err)
	}
	if x.checks != 1 || x.explains != 1 {
		t.Errorf("ReadCode: %d checks and %d explanations, want one more check", x.checks, x.explains)
	}
}
