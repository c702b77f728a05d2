package catalogs_test

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/catalogs"
	"github.com/intactdev/intact/sipolicy"
)

var (
	allowedCode = []byte("allowed by hash\n")
	deniedCode  = []byte("denied by hash\n")
	otherCode   = []byte("listed nowhere\n")
)

func sum(b []byte) string { return fmt.Sprintf("%X", sha256.Sum256(b)) }

// policyXML is a policy with one allow and one deny hash rule, the given
// rule options and settings (inner XML of Rules, AppSettings and Settings).
func policyXML(rules, appSettings, settings string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
  <VersionEx>2.0.1.0</VersionEx>
  <PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>
  <PolicyID>{AAAAAAAA-0000-4000-8000-000000000001}</PolicyID>
  <BasePolicyID>{AAAAAAAA-0000-4000-8000-000000000001}</BasePolicyID>
  <Rules>` + rules + `</Rules>
  <FileRules>
    <Allow ID="ID_ALLOW_A" FriendlyName="tool" Hash="` + sum(allowedCode) + `" />
    <Deny ID="ID_DENY_D" FriendlyName="bad tool" Hash="` + sum(deniedCode) + `" />
  </FileRules>
  <SigningScenarios>
    <SigningScenario Value="12" ID="ID_SIGNINGSCENARIO_UMCI">
      <ProductSigners>
        <FileRulesRef><FileRuleRef RuleID="ID_ALLOW_A" /><FileRuleRef RuleID="ID_DENY_D" /></FileRulesRef>
      </ProductSigners>
    </SigningScenario>
  </SigningScenarios>
  <HvciOptions>0</HvciOptions>
  <Settings>` + settings + `</Settings>
  <AppSettings>` + appSettings + `</AppSettings>
</SiPolicy>
`
}

const enforceApp = `<App Manifest="intact.manifest.xml"><Setting Name="EnforceCodeIntegrity"><Value>true</Value></Setting></App>`

func newEnforcer(t *testing.T, xml string, catalogFiles ...string) *catalogs.Enforcer {
	t.Helper()
	p, err := sipolicy.Parse("policy.xml", []byte(xml))
	if err != nil {
		t.Fatal(err)
	}
	return catalogs.New(p, "policy.xml", catalogs.NewSet(catalogFiles), "intact")
}

// denial returns err as a *enforcer.Denial, nil when it is none.
func denial(err error) *enforcer.Denial {
	d, _ := err.(*enforcer.Denial)
	return d
}

func content(b []byte) enforcer.Content {
	return enforcer.Content{Path: "x.js", Data: b, SHA256: sha256.Sum256(b)}
}

func TestHashRules(t *testing.T) {
	e := newEnforcer(t, policyXML("", enforceApp, ""))
	if a, err := e.ExplainContent(content(allowedCode)); err != nil || a != (enforcer.Allowance{HashRule: "ID_ALLOW_A (tool)"}) {
		t.Errorf("allowed: %+v, %v", a, err)
	}
	a, err := e.ExplainContent(content(deniedCode))
	if d := denial(err); d == nil || d.Reason != enforcer.ReasonDeniedByHash || d.Detail != "Deny rule ID_DENY_D (bad tool)" || a != (enforcer.Allowance{}) {
		t.Errorf("denied: %+v, %v", a, err)
	}
	if err := e.CheckContent(content(otherCode)); err == nil || err.(*enforcer.Denial).Reason != enforcer.ReasonNotInCatalog {
		t.Errorf("unlisted: %v", err)
	}
	if e.Name() != "catalogs:policy.xml" {
		t.Errorf("Name = %q", e.Name())
	}
}

func TestSettings(t *testing.T) {
	legacy := `<Setting Provider="intact" Key="Settings" ValueName="DisableInteractiveMode"><Value><Boolean>true</Boolean></Value></Setting>`
	cases := []struct {
		name             string
		rules, app, legs string
		want             enforcer.Settings
		sources          map[string]string
	}{
		{"nothing set", "", "", "", enforcer.Settings{}, map[string]string{}},
		{"AppSettings", "", enforceApp, "", enforcer.Settings{EnforceCodeIntegrity: true},
			map[string]string{"EnforceCodeIntegrity": `AppSettings for app id "intact"`}},
		{"legacy Settings", "", "", legacy, enforcer.Settings{DisableInteractiveMode: true},
			map[string]string{"DisableInteractiveMode": `Settings for app id "intact"`}},
		{"audit mode", "<Rule><Option>Enabled:Audit Mode</Option></Rule>", enforceApp, "",
			enforcer.Settings{EnforceCodeIntegrity: true, Audit: true},
			map[string]string{"EnforceCodeIntegrity": `AppSettings for app id "intact"`, "Audit": `rule option "Enabled:Audit Mode"`}},
		{"script enforcement disabled", "<Rule><Option>Disabled:Script Enforcement</Option></Rule>", enforceApp, "",
			enforcer.Settings{}, map[string]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnforcer(t, policyXML(tc.rules, tc.app, tc.legs))
			if got := e.Settings(); got != tc.want {
				t.Errorf("Settings = %+v, want %+v", got, tc.want)
			}
			st := e.Status()
			if fmt.Sprint(st.Sources) != fmt.Sprint(tc.sources) {
				t.Errorf("Sources = %v, want %v", st.Sources, tc.sources)
			}
			if st.PolicyID != "{AAAAAAAA-0000-4000-8000-000000000001}" || st.PolicyVersion != "2.0.1.0" || !st.Available {
				t.Errorf("Status = %+v", st)
			}
		})
	}
}

// TestStatus: the details name the policy file, the hash rules, the
// catalogs once read (here one that cannot be read) and the ignored
// elements.
func TestStatus(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.cat")
	os.WriteFile(bad, []byte("not a catalog"), 0o644)
	xml := strings.Replace(policyXML("", enforceApp, ""), "<HvciOptions>0</HvciOptions>", "<HvciOptions>2</HvciOptions>", 1)
	e := newEnforcer(t, xml, bad)
	// Status alone reads no catalog; Load (or the first check) does.
	if d := strings.Join(e.Status().Details, "\n"); !strings.Contains(d, "1 catalog file(s) not read yet") {
		t.Errorf("status before Load:\n%s", d)
	}
	e.Load()
	details := strings.Join(e.Status().Details, "\n")
	for _, want := range []string{
		"policy file policy.xml",
		"hash rules: 1 allow, 1 deny",
		"catalog " + bad + " cannot be read: ",
		"ignored: ",
	} {
		if !strings.Contains(details, want) {
			t.Errorf("status details lack %q:\n%s", want, details)
		}
	}
	// The unreadable catalog might have listed any file: unlisted files
	// are refused as policy-unavailable, hash-allowed ones still run.
	if d := denial(e.CheckContent(content(otherCode))); d == nil || d.Reason != enforcer.ReasonPolicyUnavailable {
		t.Errorf("unlisted with an unreadable catalog: %+v", d)
	}
	if d := denial(e.CheckContent(content(allowedCode))); d != nil {
		t.Errorf("hash-allowed with an unreadable catalog: %v", d)
	}
}
