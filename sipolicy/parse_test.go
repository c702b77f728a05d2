package sipolicy_test

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/intactdev/intact/sipolicy"
)

func mustParseFile(t *testing.T, path string) *sipolicy.Policy {
	t.Helper()
	p, err := sipolicy.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseFull(t *testing.T) {
	p := mustParseFile(t, "testdata/full.xml")
	// full.xml uses only the supported subset; what it notes is what
	// intact reads but cannot honour.
	var notes []string
	for _, n := range p.Notes {
		notes = append(notes, n.String())
	}
	if want := []string{
		`signer "ID_SIGNER_MS": a Wellknown root never matches in intact at line 31`,
		`denied signer "ID_SIGNER_BAD": intact does not honour ExceptAllowRule; the denial stands at line 51`,
	}; !slices.Equal(notes, want) {
		t.Errorf("notes = %q, want %q", notes, want)
	}
	if p.Type != sipolicy.SupplementalPolicy || p.FriendlyName != "intact test policy" {
		t.Errorf("Type, FriendlyName = %q, %q", p.Type, p.FriendlyName)
	}
	if p.Version.String() != "1.2.3.4" || uint64(p.Version) != 1<<48|2<<32|3<<16|4 {
		t.Errorf("Version = %s (%d)", p.Version, p.Version)
	}
	if p.PolicyID != "{11111111-2222-4333-8444-555555555555}" || p.BasePolicyID != "{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}" || p.PlatformID != sipolicy.PlatformID {
		t.Errorf("ids = %s %s %s", p.PolicyID, p.BasePolicyID, p.PlatformID)
	}
	if p.Audit() || p.ScriptEnforcement() || !p.HasOption(sipolicy.OptionUMCI) {
		t.Errorf("Audit %v, ScriptEnforcement %v, options %q", p.Audit(), p.ScriptEnforcement(), p.Options)
	}
	if len(p.EKUs) != 1 || !p.EKUs[0].OID.Equal(asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 3}) {
		t.Errorf("EKUs = %+v, want code signing", p.EKUs)
	}
	ca := p.Signers[0]
	if ca.ID != "ID_SIGNER_CA" || ca.RootType != sipolicy.RootTBS || ca.Publisher != "intact test signer" ||
		len(ca.EKUs) != 1 || ca.EKUs[0] != p.EKUs[0] || ca.HashAlgorithm().String() != "SHA-256" {
		t.Errorf("signer = %+v", ca)
	}
	if got := p.Signers[1].HashAlgorithm().String(); got != "SHA-384" {
		t.Errorf("48-byte TBS hash = %s", got)
	}
	if ms := p.Signers[2]; ms.RootType != sipolicy.RootWellknown || !bytes.Equal(ms.Root, []byte{6}) || ms.HashAlgorithm() != 0 {
		t.Errorf("wellknown signer = %+v", ms)
	}
	um := p.Scenario(sipolicy.UserMode)
	if um == nil || um.ID != "ID_SIGNINGSCENARIO_UMCI" || len(um.Allowed) != 2 || len(um.Denied) != 1 || len(um.FileRules) != 2 {
		t.Fatalf("user-mode scenario = %+v", um)
	}
	if um.Allowed[0].Signer != ca || um.Allowed[0].ExceptDenyRules[0] != p.FileRules[2] || um.Denied[0].ExceptAllowRules[0] != p.FileRules[0] {
		t.Errorf("references do not point into the policy: %+v", um)
	}
	if p.Scenario(sipolicy.KernelMode) == nil || p.Scenario(7) != nil {
		t.Error("Scenario lookup by value")
	}
	wantSettings := []sipolicy.Value{
		{Type: sipolicy.String, String: "intact test policy"},
		{Type: sipolicy.Boolean, Boolean: false},
		{Type: sipolicy.Boolean, Boolean: true},
		{Type: sipolicy.DWord, DWord: 4294967295},
		{Type: sipolicy.Binary, Binary: []byte{0xDE, 0xAD, 0xBE, 0xEF}},
	}
	for i, s := range p.Settings {
		if !reflect.DeepEqual(s.Value, wantSettings[i]) {
			t.Errorf("setting %d = %+v, want %+v", i, s.Value, wantSettings[i])
		}
	}
	if got := p.Apps[1].Settings[0].Values; !slices.Equal(got, []string{".js", ".mjs"}) {
		t.Errorf("StringList values = %q", got)
	}
}

// Write then parse gives back the same policy, and writing again gives the
// same bytes.
func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"full.xml", "microsoft-style.xml"} {
		t.Run(name, func(t *testing.T) {
			p := mustParseFile(t, filepath.Join("testdata", name))
			out, err := p.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			q, err := sipolicy.Parse("written", out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			// Marshal writes the supported subset: what was ignored on
			// the first read is gone, and so are unevaluated conditions.
			p.Notes, q.Notes = nil, nil
			for _, s := range p.Signers {
				s.Unevaluated = nil
			}
			if !reflect.DeepEqual(p, q) {
				t.Errorf("round trip changed the policy:\n%s", out)
			}
			again, err := q.Marshal()
			if err != nil || !bytes.Equal(out, again) {
				t.Errorf("second Marshal differs (%v)", err)
			}
		})
	}
}

// Marshal writes Microsoft's element order, and empty elements
// self-closing as Microsoft's tools do.
func TestMarshalOrder(t *testing.T) {
	out, err := mustParseFile(t, "testdata/full.xml").Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(out, []byte("></")); i >= 0 {
		t.Errorf("an empty element is not self-closing at %q", out[max(0, i-40):i+20])
	}
	for _, want := range []string{`<CertRoot Type="Wellknown" Value="06" />`, `<FileRuleRef RuleID="ID_DENY_D_1" />`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	order := []string{"<VersionEx>", "<PolicyID>", "<BasePolicyID>", "<PlatformID>", "<Rules>", "<EKUs>", "<FileRules>",
		"<Signers>", "<SigningScenarios>", "<UpdatePolicySigners />", "<CiSigners />", "<HvciOptions>0</HvciOptions>", "<Settings>", "<AppSettings>"}
	last := -1
	for _, tag := range order {
		i := bytes.Index(out, []byte(tag))
		if i <= last {
			t.Fatalf("%s missing or out of order in\n%s", tag, out)
		}
		last = i
	}
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="utf-8"?>`+"\n"+`<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Supplemental Policy"`)) {
		t.Errorf("header:\n%s", out[:200])
	}
	for _, want := range []string{
		`<EKU ID="ID_EKU_CODESIGNING" FriendlyName="Code Signing" Value="01082B06010505070303" />`,
		`<Deny ID="ID_DENY_D_1" FriendlyName="bad.js" Hash="2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824" />`,
		`<AllowedSigner SignerId="ID_SIGNER_CA">`,
		`<ExceptDenyRule DenyRuleID="ID_DENY_D_2" />`,
		`<DWord>4294967295</DWord>`,
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %s", want)
		}
	}
}

func TestMarshalRejectsBrokenReferences(t *testing.T) {
	p := mustParseFile(t, "testdata/full.xml")
	p.Scenarios[1].Allowed[0].Signer = &sipolicy.Signer{ID: "ID_ELSEWHERE", RootType: sipolicy.RootTBS, Root: []byte{1}}
	if _, err := p.Marshal(); err == nil || !strings.Contains(err.Error(), "not in the policy's Signers") {
		t.Errorf("signer outside the policy: err = %v", err)
	}
	p = mustParseFile(t, "testdata/full.xml")
	p.Signers[1].ID = p.Signers[0].ID
	if _, err := p.Marshal(); err == nil || !strings.Contains(err.Error(), "duplicate ID") {
		t.Errorf("duplicate ID: err = %v", err)
	}
	p = mustParseFile(t, "testdata/full.xml")
	p.FileRules[0].Hash = []byte{1, 2, 3}
	if _, err := p.Marshal(); err == nil {
		t.Error("a 3-byte hash was written")
	}
}

func TestNotes(t *testing.T) {
	p := mustParseFile(t, "testdata/microsoft-style.xml")
	var got []string
	for _, n := range p.Notes {
		got = append(got, n.String())
	}
	want := []string{
		`ignored <FileAttrib> at line 22`,
		`Deny rule: intact does not match FileName (a PE image's version resource or an app package, which no script has); the rule denies only by Hash or FilePath at line 23`,
		`Deny rule: intact does not match MaximumFileVersion (a PE image's version resource or an app package, which no script has); the rule denies only by Hash or FilePath at line 23`,
		`signer "ID_SIGNER_WINDOWS_PRODUCTION_USER": a Wellknown root never matches in intact at line 28`,
		`signer "ID_SIGNER_REFRESH": intact cannot evaluate <FileAttribRef>; it trusts nothing through this signer and applies its denials in full at line 38`,
		`ignored <CiSigners> at line 70`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A repeated note is counted, not repeated; unknown options and
	// elements of other namespaces are noted.
	data, _ := os.ReadFile("testdata/full.xml")
	data = bytes.ReplaceAll(data, []byte(`<Deny ID`), []byte(`<Deny FileName="y.js" ID`))
	data = bytes.Replace(data, []byte(`<CiSigners />`), []byte(`<x:Extra xmlns:x="urn:x">1</x:Extra>`), 1)
	data = bytes.Replace(data, []byte(`Value="FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100"`),
		[]byte(`Value="FFEEDDCCBBAA99887766554433221100"`), 1)
	q, err := sipolicy.Parse("counted.xml", data)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, n := range q.Notes {
		got = append(got, n.String())
	}
	want = []string{
		`Deny rule: intact does not match FileName (a PE image's version resource or an app package, which no script has); the rule denies only by Hash or FilePath at line 18 (and 1 more)`,
		`signer "ID_SIGNER_BAD": a TBS value of 16 bytes is no SHA-1, SHA-256, SHA-384 or SHA-512 hash and never matches at line 28`,
		`signer "ID_SIGNER_MS": a Wellknown root never matches in intact at line 31`,
		`denied signer "ID_SIGNER_BAD": intact does not honour ExceptAllowRule; the denial stands at line 51`,
		`ignored <Extra> at line 63`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Each way a policy can be wrong is an error naming the file and the line.
func TestParseErrors(t *testing.T) {
	full, err := os.ReadFile("testdata/full.xml")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(full, []byte(old)) {
			t.Fatalf("full.xml lacks %q", old)
		}
		return bytes.Replace(full, []byte(old), []byte(new), 1)
	}
	for _, tc := range []struct {
		name string
		data []byte
		line int
		msg  string
	}{
		{"empty", nil, 1, "no root element"},
		{"malformed", edit(`<EKUs>`, `<EKUs`), 14, "malformed XML"},
		{"unclosed", full[:len(full)-12], 0, "malformed XML"},
		{"second root", append(bytes.Clone(full), "<SiPolicy/>"...), 0, "second root"},
		{"wrong namespace", edit(`xmlns="urn:schemas-microsoft-com:sipolicy"`, `xmlns="urn:other"`), 3, `want <SiPolicy> in "urn:schemas-microsoft-com:sipolicy"`},
		{"wrong root", []byte(`<Policy xmlns="urn:schemas-microsoft-com:sipolicy"/>`), 1, "root element is <Policy>"},
		{"unknown option", edit(`Enabled:UMCI`, `Enabled:UMCl`), 9, `unknown rule option "Enabled:UMCl" (did you mean "Enabled:UMCI"?)`},
		{"future option", edit(`Enabled:UMCI`, `Enabled:Future Option`), 9, `unknown rule option "Enabled:Future Option"`},
		{"misspaced option", edit(`Disabled:Script Enforcement`, `disabled:scriptenforcement`), 10, `(did you mean "Disabled:Script Enforcement"?)`},
		{"repeated option", edit(`<Rule><Option>Enabled:Unsigned System Integrity Policy</Option></Rule>`, `<Rule><Option>Enabled:UMCI</Option></Rule>`), 11, `rule option "Enabled:UMCI" is given twice`},
		{"bad policy type", edit(`PolicyType="Supplemental Policy"`, `PolicyType="Supplementary Policy"`), 3, `PolicyType "Supplementary Policy"`},
		{"bad version", edit(`1.2.3.4`, `1.2.3.65536`), 4, "VersionEx"},
		{"no version", edit(`<VersionEx>1.2.3.4</VersionEx>`, ``), 3, "no <VersionEx>"},
		{"bad guid", edit(`{11111111-2222-4333-8444-555555555555}`, `{1111}`), 5, "not a {GUID}"},
		{"second PolicyID", edit(`<PlatformID>`, `<PolicyID>{11111111-2222-4333-8444-555555555555}</PolicyID><PlatformID>`), 7, "second <PolicyID>"},
		{"bad hash hex", edit(`A94A8FE5CCB19BA61C4C0873D391E987982FBBD3`, `A94A8FE5CCB19BA61C4C0873D391E987982FBBDZ`), 17, "Hash"},
		{"bad hash length", edit(`A94A8FE5CCB19BA61C4C0873D391E987982FBBD3`, `A94A8FE5`), 17, "neither SHA-1 nor SHA-256"},
		{"bad TBS hex", edit(`00112233445566778899AABB`, `0011223344556677889`), 23, "not hex"},
		{"bad EKU", edit(`01082B06010505070303`, `06082B06010505070303`), 14, "does not start with 01"},
		{"bad root type", edit(`Type="TBS" Value="0011`, `Type="Leaf" Value="0011`), 23, "not TBS or Wellknown"},
		{"no CertRoot", edit(`<CertRoot Type="Wellknown" Value="06" />`, ``), 30, "no <CertRoot>"},
		{"duplicate ID", edit(`ID="ID_DENY_D_2"`, `ID="ID_ALLOW_A_1"`), 19, `duplicate ID "ID_ALLOW_A_1" (first defined at line 17)`},
		{"dangling SignerId", edit(`<AllowedSigner SignerId="ID_SIGNER_MS" />
        </AllowedSigners>
        <DeniedSigners>`, `<AllowedSigner SignerId="ID_SIGNER_NONE" />
        </AllowedSigners>
        <DeniedSigners>`), 48, `SignerId "ID_SIGNER_NONE" names no signer`},
		{"dangling RuleID", edit(`<FileRuleRef RuleID="ID_DENY_D_1" />`, `<FileRuleRef RuleID="ID_DENY_D_9" />`), 57, `"ID_DENY_D_9", which is no file rule`},
		{"dangling CertEKU", edit(`<CertEKU ID="ID_EKU_CODESIGNING" />`, `<CertEKU ID="ID_EKU_NONE" />`), 24, "names no EKU"},
		{"except wrong kind", edit(`DenyRuleID="ID_DENY_D_2"`, `DenyRuleID="ID_ALLOW_A_1"`), 46, "a Allow rule, want a Deny rule"},
		{"duplicate scenario", edit(`Value="131"`, `Value="12"`), 42, "second SigningScenario with Value 12"},
		{"bad scenario value", edit(`Value="131"`, `Value="-1"`), 35, "not a number"},
		{"bad boolean", edit(`<Boolean>true</Boolean>`, `<Boolean>yes</Boolean>`), 73, `Boolean "yes"`},
		{"bad dword", edit(`4294967295`, `4294967296`), 76, "DWord"},
		{"two values", edit(`<DWord>4294967295</DWord>`, `<DWord>1</DWord><String>x</String>`), 76, "two values"},
		{"no value", edit(`<Value><Binary>DEADBEEF</Binary></Value>`, ``), 78, "has no value"},
		{"duplicate setting", edit(`Key="Counts" ValueName="Limit"`, `Key="Blobs" ValueName="Key"`), 78, "second Setting Other/Blobs/Key"},
		{"undefined app setting", edit(`Name="DisableDynamicCode"`, `Name="DisableEverything"`), 87, `"DisableEverything" is not defined in intact.manifest.xml`},
		{"non-boolean app setting", edit(`<Value>0</Value>`, `<Value>maybe</Value>`), 87, "needs one value true or false"},
		{"duplicate app", edit(`https://example.com/manifests/other.manifest.xml`, `file:///C:/Program%20Files/intact/intact.manifest.xml`), 91, `second App with a manifest named "intact.manifest.xml"`},
		{"same manifest name", edit(`https://example.com/manifests/other.manifest.xml`, `https://example.com/INTACT.manifest.xml?v=2`), 91, `second App with a manifest named "INTACT.manifest.xml"`},
		{"missing attribute", edit(`<Signer ID="ID_SIGNER_BAD"`, `<Signer`), 27, "<Signer> has no ID"},
		{"deep nesting", edit(`<UpdatePolicySigners />`, strings.Repeat("<a>", 70)+strings.Repeat("</a>", 70)), 62, "nested deeper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sipolicy.Parse("policy.xml", tc.data)
			pe, ok := errors.AsType[*sipolicy.ParseError](err)
			if !ok {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if pe.File != "policy.xml" || (tc.line != 0 && pe.Line != tc.line) || pe.Line == 0 {
				t.Errorf("err at %s:%d, want line %d: %v", pe.File, pe.Line, tc.line, err)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "policy.xml:") {
				t.Errorf("err = %v, want it to mention %q", err, tc.msg)
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	_, err := sipolicy.ParseFile("testdata/no-such-policy.xml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := sipolicy.ParseFile("testdata"); err == nil || !strings.Contains(err.Error(), "testdata: not a regular file") {
		t.Errorf("directory: %v", err)
	}
	// Each error names the file once (it was named twice, the error of
	// reading it wrapped again with its name).
	for _, name := range []string{"testdata/no-such-policy.xml", "testdata", "/dev/zero"} {
		if _, err := sipolicy.ParseFile(name); err == nil || strings.Count(err.Error(), name) != 1 {
			t.Errorf("ParseFile(%s) = %v, want an error naming the file once", name, err)
		}
	}
}

// Windows PowerShell writes UTF-16 with a byte-order mark; a UTF-8 BOM is
// common too.
func TestParseEncodings(t *testing.T) {
	full, err := os.ReadFile("testdata/full.xml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := sipolicy.Parse("utf8", full)
	if err != nil {
		t.Fatal(err)
	}
	utf16le := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(strings.Replace(string(full), `encoding="utf-8"`, `encoding="utf-16"`, 1))) {
		utf16le = append(utf16le, byte(u), byte(u>>8))
	}
	for name, data := range map[string][]byte{
		"utf-8 bom": append([]byte{0xEF, 0xBB, 0xBF}, full...),
		"utf-16le":  utf16le,
	} {
		got, err := sipolicy.Parse(name, data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: parsed differently", name)
		}
	}
	latin1 := bytes.Replace(full, []byte(`encoding="utf-8"`), []byte(`encoding="iso-8859-1"`), 1)
	if _, err := sipolicy.Parse("latin1", latin1); err == nil || !strings.Contains(err.Error(), "unsupported encoding") {
		t.Errorf("latin-1: %v", err)
	}
}

func TestVersion(t *testing.T) {
	v, err := sipolicy.ParseVersion("10.0.25880.0")
	if err != nil || uint64(v) != 2814751463178240 || v.String() != "10.0.25880.0" {
		t.Errorf("ParseVersion = %d %s %v, want CiTool's 2814751463178240", v, v, err)
	}
	max, err := sipolicy.ParseVersion("65535.65535.65535.65535")
	if err != nil || uint64(max) != 1<<64-1 {
		t.Errorf("max version = %d, %v", max, err)
	}
	for _, bad := range []string{"", "1.0.0", "1.0.0.0.0", "1.0.0.x", "1.0.0.-1", "1.0.0.+1", "1..0.0", "70000.0.0.0"} {
		if _, err := sipolicy.ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) succeeded", bad)
		}
	}
}
