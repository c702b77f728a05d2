package sipolicy_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/sipolicy"
)

// FuzzParse checks that Parse never panics and that whatever it accepts,
// Marshal writes and Parse reads back unchanged.
//
// Its seeds are small: three policies that between them hold every
// element and attribute sipolicy supports (as testdata/full.xml does) in
// 0.7 to 0.85 KB each, the manifest and a few others. The fuzzer minimises each input
// that finds new coverage by trying to delete each range of its bytes, in
// time quadratic in its length: seeded with testdata/*.xml (4 KB each) it
// spent each new input's whole -fuzzminimizetime (60 s) on that, and made
// 6 executions in 30 s. TestFuzzParseTestdata runs the same checks on them.
func FuzzParse(f *testing.F) {
	for _, seed := range fuzzSeeds {
		f.Add([]byte(seed))
	}
	f.Add(sipolicy.IntactManifest())
	f.Fuzz(fuzzParse)
}

var fuzzSeeds = []string{
	"\xff\xfe<\x00S\x00/\x00>\x00", // UTF-16LE
	`<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy"><VersionEx>1.0.0.0</VersionEx>` +
		`<AppSettings><App Manifest="intact.manifest.xml"><Setting Name="EnforceCodeIntegrity"><Value>1</Value></Setting></App></AppSettings>` +
		`<Settings><Setting Provider="intact" Key="Settings" ValueName="DisableInteractiveMode"><Value><Boolean>true</Boolean></Value></Setting></Settings></SiPolicy>`,
	// Policy IDs, rules, EKUs, signers and scenarios.
	`<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Supplemental Policy" FriendlyName="f">` +
		`<VersionEx>1.2.3.4</VersionEx><PolicyID>{11111111-2222-4333-8444-555555555555}</PolicyID>` +
		`<BasePolicyID>{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}</BasePolicyID><PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>` +
		`<Rules><Rule><Option>Enabled:UMCI</Option></Rule></Rules><EKUs><EKU ID="E" Value="01082B06010505070303"/></EKUs>` +
		`<Signers><Signer ID="S" Name="s"><CertRoot Type="TBS" Value="A94A8FE5CCB19BA61C4C0873D391E987982FBBD3"/>` +
		`<CertEKU ID="E"/><CertPublisher Value="p"/></Signer></Signers>` +
		`<SigningScenarios><SigningScenario Value="12" ID="U"><ProductSigners>` +
		`<AllowedSigners><AllowedSigner SignerId="S"/></AllowedSigners></ProductSigners></SigningScenario></SigningScenarios>` +
		`<UpdatePolicySigners/><CiSigners/><HvciOptions>0</HvciOptions></SiPolicy>`,
	// File rules and their references.
	`<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy"><VersionEx>1.0.0.0</VersionEx>` +
		`<FileRules><Allow ID="A" Hash="A94A8FE5CCB19BA61C4C0873D391E987982FBBD3"/>` +
		`<Deny ID="D" Hash="2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"/></FileRules>` +
		`<Signers><Signer ID="W" Name="w"><CertRoot Type="Wellknown" Value="06"/></Signer></Signers>` +
		`<SigningScenarios><SigningScenario Value="131" ID="K"><ProductSigners>` +
		`<AllowedSigners><AllowedSigner SignerId="W"><ExceptDenyRule DenyRuleID="D"/></AllowedSigner></AllowedSigners>` +
		`<DeniedSigners><DeniedSigner SignerId="W"><ExceptAllowRule AllowRuleID="A"/></DeniedSigner></DeniedSigners>` +
		`<FileRulesRef><FileRuleRef RuleID="A"/></FileRulesRef></ProductSigners></SigningScenario></SigningScenarios></SiPolicy>`,
	// Settings of every type and app settings.
	`<?xml version="1.0" encoding="utf-8"?><!-- c --><SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy"><VersionEx>1.0.0.0</VersionEx>` +
		`<Settings><Setting Provider="PolicyInfo" Key="Information" ValueName="Name"><Value><String>n</String></Value></Setting>` +
		`<Setting Provider="O" Key="C" ValueName="L"><Value><DWord>4294967295</DWord></Value></Setting>` +
		`<Setting Provider="O" Key="B" ValueName="K"><Value><Binary>DEADBEEF</Binary></Value></Setting></Settings>` +
		`<AppSettings><App Manifest="file:///C:/intact.manifest.xml"><Setting Name="DisableDynamicCode"><Value>0</Value></Setting></App>` +
		`<App Manifest="https://example.com/o.xml"><Setting Name="Extensions"><Value>.js</Value><Value>.mjs</Value></Setting></App></AppSettings></SiPolicy>`,
}

// TestFuzzParseTestdata runs FuzzParse's checks on the policies in
// testdata, and checks that its seeds are policies Parse accepts.
func TestFuzzParseTestdata(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.xml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no policies in testdata: %v", err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(path), func(t *testing.T) { fuzzParse(t, data) })
	}
	for i, seed := range fuzzSeeds[1:] {
		if _, err := sipolicy.Parse("seed.xml", []byte(seed)); err != nil {
			t.Errorf("seed %d: %v", i+1, err)
		}
		fuzzParse(t, []byte(seed))
	}
}

func fuzzParse(t *testing.T, data []byte) {
	p, err := sipolicy.Parse("fuzz.xml", data)
	if err != nil {
		if _, ok := err.(*sipolicy.ParseError); !ok {
			t.Fatalf("error %T is not a *ParseError: %v", err, err)
		}
		return
	}
	// The evaluation helpers work on anything Parse accepts.
	p.AllowedSigners()
	p.DeniedSigners()
	p.AllowedHashes().Match(data, [32]byte{})
	p.DeniedHashes().Match(data, [32]byte{})
	p.AppSetting(enforcer.DefaultAppID, string(enforcer.EnforceCodeIntegrity))

	out, err := p.Marshal()
	if err != nil {
		t.Fatalf("Marshal of a parsed policy: %v", err)
	}
	q, err := sipolicy.Parse("written.xml", out)
	if err != nil {
		t.Fatalf("Parse of a written policy: %v\n%s", err, out)
	}
	fuzzMerge(t, q)
	p.Notes, q.Notes = nil, nil
	for _, s := range p.Signers {
		s.Unevaluated = nil
	}
	for _, s := range q.Signers {
		s.Unevaluated = nil
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatalf("round trip changed the policy:\n%s", out)
	}
}

// fuzzMerge merges other into a new policy: the result must be written and
// read back, and trust at least what other trusts and deny at least what
// it denies, for user-mode code.
func fuzzMerge(t *testing.T, other *sipolicy.Policy) {
	p, err := sipolicy.New(sipolicy.Template{
		ID: "11111111-2222-4333-8444-555555555555", AllowHashes: []sipolicy.RuleHash{{Name: "x", Hash: make([]byte, 32)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Merge(other); err != nil {
		return // an allowed signer with conditions intact cannot write
	}
	p.SetAudit(true)
	if _, err := p.BumpVersion(); err != nil {
		t.Fatal(err)
	}
	out, err := p.Marshal()
	if err != nil {
		t.Fatalf("Marshal of a merged policy: %v", err)
	}
	q, err := sipolicy.Parse("merged.xml", out)
	if err != nil {
		t.Fatalf("Parse of a merged policy: %v\n%s", err, out)
	}
	trusted := map[string]bool{}
	for _, s := range q.AllowedSigners() {
		trusted[s.Describe()] = true
	}
	for _, s := range other.AllowedSigners() {
		if !trusted[s.Describe()] {
			t.Fatalf("merged policy does not trust %s:\n%s", s.Describe(), out)
		}
	}
	for _, r := range other.DeniedHashes().Rules() {
		if r.Hash != nil && q.DeniedHashes().Lookup(r.Hash) == nil {
			t.Fatalf("merged policy does not deny %s:\n%s", r, out)
		}
	}
	if q.PolicyID != p.PolicyID || !q.Audit() {
		t.Fatalf("merged policy lost its identity or mode:\n%s", out)
	}
}
