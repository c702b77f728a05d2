package sipolicy_test

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"strings"
	"testing"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/testpe"
	"github.com/intactdev/intact/internal/testpki"
	"github.com/intactdev/intact/sipolicy"
)

// TestNew: a policy made from a template says, read back, what the template
// asked: its identity, signers, hash rules, audit mode and settings.
func TestNew(t *testing.T) {
	root := testpki.SelfSigned(t, "template root", testpki.CA())
	other := testpki.SelfSigned(t, "template other", testpki.CA())
	deny := sha256.Sum256([]byte("bad"))
	allow := sha256.Sum256([]byte("good"))
	tmpl := sipolicy.Template{
		ID:          "11111111-2222-4333-8444-555555555555",
		Name:        "template policy",
		Version:     2 << 48,
		Signers:     []*x509.Certificate{root.Cert, other.Cert},
		Publisher:   "Contoso",
		DenyHashes:  []sipolicy.RuleHash{{Name: "bad", Hash: deny[:]}},
		AllowHashes: []sipolicy.RuleHash{{Name: "good", Hash: allow[:]}},
		Settings:    enforcer.Settings{EnforceCodeIntegrity: true, DisableDynamicCode: true, Audit: true},
		AppID:       "myapp",
	}
	p, err := sipolicy.New(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	data, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	p, err = sipolicy.Parse("new.xml", data)
	if err != nil {
		t.Fatalf("Parse of New's policy: %v\n%s", err, data)
	}
	if p.PolicyID != "{11111111-2222-4333-8444-555555555555}" || p.BasePolicyID != p.PolicyID || p.Type != sipolicy.BasePolicy ||
		p.FriendlyName != tmpl.Name || p.Version.String() != "2.0.0.0" || !p.Audit() || !p.ScriptEnforcement() {
		t.Errorf("identity and options: %+v", p)
	}
	signers := p.AllowedSigners()
	if len(signers) != 2 || signers[0].String() != "ID_SIGNER_S_1 (template root)" || signers[0].Publisher != "Contoso" {
		t.Fatalf("allowed signers %v", signers)
	}
	for i, c := range []*testpki.Cert{root, other} {
		if tbs, _, _ := sipolicy.TBS(c.Cert); !bytes.Equal(signers[i].Root, tbs) {
			t.Errorf("signer %d pins %X, want the TBS of %s", i, signers[i].Root, c.Cert.Subject)
		}
	}
	if r := p.DeniedHashes().Lookup(deny[:]); r == nil || r.String() != "ID_DENY_D_1 (bad)" {
		t.Errorf("deny rule %v", r)
	}
	if r := p.AllowedHashes().Lookup(allow[:]); r == nil || r.String() != "ID_ALLOW_A_1 (good)" {
		t.Errorf("allow rule %v", r)
	}
	for name, want := range tmpl.Settings.All() {
		if name == enforcer.Audit {
			continue
		}
		// Both forms, so that Windows that reads either finds it.
		if v, src := p.LookupAppSetting("myapp", string(name)); v != want || src != sipolicy.FromAppSettings {
			t.Errorf("%s = %t from %s, want %t from AppSettings", name, v, src, want)
		}
		p := *p
		p.Apps = nil
		if v, src := p.LookupAppSetting("myapp", string(name)); v != want || src != sipolicy.FromSettings {
			t.Errorf("legacy %s = %t from %s, want %t", name, v, src, want)
		}
	}
	if v, found := p.AppSetting(enforcer.DefaultAppID, string(enforcer.EnforceCodeIntegrity)); v || found {
		t.Errorf("settings for another app id: %t, %t", v, found)
	}

	// The same template gives the same bytes; without an ID, a new one.
	again, _ := sipolicy.New(tmpl)
	if b, _ := again.Marshal(); !bytes.Equal(b, data) {
		t.Error("the same template gave other bytes")
	}
	tmpl.ID = ""
	a, _ := sipolicy.New(tmpl)
	b, _ := sipolicy.New(tmpl)
	if a.PolicyID == b.PolicyID || a.PolicyID == p.PolicyID {
		t.Errorf("IDs %s and %s: want new random ones", a.PolicyID, b.PolicyID)
	}
	if _, err := sipolicy.ParseGUID(a.PolicyID); err != nil {
		t.Errorf("random ID %s: %v", a.PolicyID, err)
	}
}

// TestNewRefuses: New refuses a template it cannot make a sound policy of,
// saying why.
func TestNewRefuses(t *testing.T) {
	root := testpki.SelfSigned(t, "template root", testpki.CA())
	sum := sha256.Sum256(nil)
	for _, tc := range []struct {
		name string
		tmpl sipolicy.Template
		want string
	}{
		{"nothing trusted", sipolicy.Template{DenyHashes: []sipolicy.RuleHash{{Hash: sum[:]}}}, "trusts nothing"},
		{"bad id", sipolicy.Template{Signers: []*x509.Certificate{root.Cert}, ID: "{1234}"}, `"{1234}" is not a GUID`},
		{"bad app id", sipolicy.Template{Signers: []*x509.Certificate{root.Cert}, AppID: "a/b"}, `app id "a/b"`},
		{"manifest of another app", sipolicy.Template{Signers: []*x509.Certificate{root.Cert}, Manifest: "https://example.com/other.manifest.xml"},
			"the file name must be intact.manifest.xml"},
		{"signer twice", sipolicy.Template{Signers: []*x509.Certificate{root.Cert, root.Cert}}, "the same certificate is given twice"},
		{"short hash", sipolicy.Template{Signers: []*x509.Certificate{root.Cert}, AllowHashes: []sipolicy.RuleHash{{Name: "x", Hash: sum[:16]}}},
			"not a SHA-1 or SHA-256"},
	} {
		if _, err := sipolicy.New(tc.tmpl); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}

// TestFileHashes: a Deny rule names the bytes and, for a PE image, its
// Authenticode digests; an Allow rule the bytes only; an image Allow rule
// the Authenticode SHA-256 only, and needs an image.
func TestFileHashes(t *testing.T) {
	script := []byte("console.log(1)")
	image := testpe.Polyglot("console.log(1)", "")
	flatScript, flatImage := sha256.Sum256(script), sha256.Sum256(image)
	sums, err := authenticode.Digest(bytes.NewReader(image), int64(len(image)), crypto.SHA256, crypto.SHA1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		use  sipolicy.HashRuleUse
		want []sipolicy.RuleHash
	}{
		{"a.js", script, sipolicy.DenyFile, []sipolicy.RuleHash{{"a.js", flatScript[:]}}},
		{"a.dll", image, sipolicy.DenyFile, []sipolicy.RuleHash{{"a.dll", flatImage[:]},
			{"a.dll (Authenticode SHA-256)", sums[0]}, {"a.dll (Authenticode SHA-1)", sums[1]}}},
		{"a.dll", image, sipolicy.AllowFile, []sipolicy.RuleHash{{"a.dll", flatImage[:]}}},
		{"a.dll", image, sipolicy.AllowImage, []sipolicy.RuleHash{{"a.dll (Authenticode SHA-256)", sums[0]}}},
	} {
		got, err := sipolicy.FileHashes(tc.name, tc.data, tc.use)
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("%s, use %d: %v, %v; want %v", tc.name, tc.use, got, err, tc.want)
			continue
		}
		for i := range got {
			if got[i].Name != tc.want[i].Name || !bytes.Equal(got[i].Hash, tc.want[i].Hash) {
				t.Errorf("%s, use %d: hash %d = %s %X, want %s %X", tc.name, tc.use, i, got[i].Name, got[i].Hash, tc.want[i].Name, tc.want[i].Hash)
			}
		}
	}
	if _, err := sipolicy.FileHashes("a.js", script, sipolicy.AllowImage); err == nil {
		t.Error("an image Allow rule for a script: no error")
	}
}

// TestSignerIneffective: the signers intact never trusts through say why;
// a TBS signer it can match says nothing.
func TestSignerIneffective(t *testing.T) {
	root := testpki.SelfSigned(t, "template root", testpki.CA())
	good, err := sipolicy.NewSigner("ID_SIGNER_S_1", root.Cert)
	if err != nil {
		t.Fatal(err)
	}
	if why := good.Ineffective(); why != "" {
		t.Errorf("a TBS signer: %q", why)
	}
	for _, tc := range []struct {
		signer sipolicy.Signer
		want   string
	}{
		{sipolicy.Signer{ID: "U", RootType: sipolicy.RootTBS, Root: good.Root, Unevaluated: []string{"<FileAttribRef>"}}, "intact cannot evaluate <FileAttribRef>"},
		{sipolicy.Signer{ID: "W", RootType: sipolicy.RootWellknown, Root: []byte{6}}, "Wellknown"},
		{sipolicy.Signer{ID: "L", RootType: sipolicy.RootTBS, Root: good.Root[:7]}, "unknown length"},
	} {
		if why := tc.signer.Ineffective(); !strings.Contains(why, tc.want) {
			t.Errorf("signer %s: %q, want it to say %q", tc.signer.ID, why, tc.want)
		}
	}
	good.Publisher = "Contoso"
	if d := good.Describe(); !strings.HasPrefix(d, "TBS ") || !strings.HasSuffix(d, `, publisher "Contoso"`) {
		t.Errorf("Describe = %q", d)
	}
}
