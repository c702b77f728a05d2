package intact_test

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/testpki"
)

// testPKI is made once per test binary: key generation is the slow part.
// Every key is ECDSA P-256, so every certificate is signed with
// ECDSA-SHA256 and its WDAC TBS value is a SHA-256.
type testPKI struct {
	root      *testpki.Cert // the root the test policies pin
	signer    *testpki.Cert // code signing, issued by root: the trusted publisher
	expired   *testpki.Cert // issued by root, expired yesterday
	noEKU     *testpki.Cert // issued by root, server authentication only
	denied    *testpki.Cert // code signing, issued by root, pinned as a denied signer
	otherRoot *testpki.Cert // a root no policy trusts
	other     *testpki.Cert // code signing, issued by otherRoot
}

var getPKI = testpki.Shared(func(t testing.TB) *testPKI {
	t.Helper()
	org := testpki.Organization("intact tests (TEST ONLY)")
	codeSigning := testpki.EKU(x509.ExtKeyUsageCodeSigning)
	now := time.Now()
	var p testPKI
	p.root = testpki.SelfSigned(t, "intact test root", testpki.CA(), org)
	p.signer = p.root.Issue(t, "intact test publisher", codeSigning, org)
	p.expired = p.root.Issue(t, "intact expired publisher", codeSigning, org, testpki.Valid(now.Add(-48*time.Hour), now.Add(-24*time.Hour)))
	p.noEKU = p.root.Issue(t, "intact server", testpki.EKU(x509.ExtKeyUsageServerAuth), org)
	p.denied = p.root.Issue(t, "intact denied publisher", codeSigning, org)
	p.otherRoot = testpki.SelfSigned(t, "other root", testpki.CA(), org)
	p.other = p.otherRoot.Issue(t, "other publisher", codeSigning, org)
	return &p
})

// tbs is the certificate's WDAC TBS value (SHA-256 of the tbsCertificate,
// as every test certificate is signed with ECDSA-SHA256), in policy hex.
func tbs(c *testpki.Cert) string { return hexSHA256(c.Cert.RawTBSCertificate) }

// policySpec describes a test policy.
type policySpec struct {
	id          string // PolicyID GUID; a fixed one when empty
	version     string // VersionEx; "1.0.0.0" when empty
	audit       bool
	noScripts   bool // Disabled:Script Enforcement
	enforce     bool // EnforceCodeIntegrity
	interactive bool // DisableInteractiveMode
	allowed     []*testpki.Cert
	publisher   string // CertPublisher of every allowed signer
	denied      []*testpki.Cert
	allowHashes []string // hex SHA-256 of files allowed by hash
	denyHashes  []string // hex SHA-256 of files denied by hash
}

// xml returns the policy as WDAC policy XML.
func (s policySpec) xml() string {
	var b strings.Builder
	id := s.id
	if id == "" {
		id = "{6C2C7B11-0000-4000-8000-000000000001}"
	}
	version := s.version
	if version == "" {
		version = "1.0.0.0"
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
  <VersionEx>%s</VersionEx>
  <PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>
  <PolicyID>%s</PolicyID>
  <BasePolicyID>%s</BasePolicyID>
  <Rules>
    <Rule><Option>Enabled:UMCI</Option></Rule>
`, version, id, id)
	if s.audit {
		b.WriteString("    <Rule><Option>Enabled:Audit Mode</Option></Rule>\n")
	}
	if s.noScripts {
		b.WriteString("    <Rule><Option>Disabled:Script Enforcement</Option></Rule>\n")
	}
	b.WriteString("  </Rules>\n  <FileRules>\n")
	for i, h := range s.allowHashes {
		fmt.Fprintf(&b, "    <Allow ID=\"ID_ALLOW_%d\" FriendlyName=\"allowed %d\" Hash=\"%s\" />\n", i, i, h)
	}
	for i, h := range s.denyHashes {
		fmt.Fprintf(&b, "    <Deny ID=\"ID_DENY_%d\" FriendlyName=\"denied %d\" Hash=\"%s\" />\n", i, i, h)
	}
	b.WriteString("  </FileRules>\n  <Signers>\n")
	for i, c := range s.allowed {
		publisher := ""
		if s.publisher != "" {
			publisher = fmt.Sprintf("<CertPublisher Value=\"%s\" />", s.publisher)
		}
		fmt.Fprintf(&b, "    <Signer ID=\"ID_SIGNER_A%d\" Name=\"%s\"><CertRoot Type=\"TBS\" Value=\"%s\" />%s</Signer>\n", i, c.Cert.Subject.CommonName, tbs(c), publisher)
	}
	for i, c := range s.denied {
		fmt.Fprintf(&b, "    <Signer ID=\"ID_SIGNER_D%d\" Name=\"%s\"><CertRoot Type=\"TBS\" Value=\"%s\" /></Signer>\n", i, c.Cert.Subject.CommonName, tbs(c))
	}
	b.WriteString(`  </Signers>
  <SigningScenarios>
    <SigningScenario Value="12" ID="ID_SIGNINGSCENARIO_UMCI" FriendlyName="User Mode">
      <ProductSigners>
`)
	if len(s.allowed) > 0 {
		b.WriteString("        <AllowedSigners>\n")
		for i := range s.allowed {
			fmt.Fprintf(&b, "          <AllowedSigner SignerId=\"ID_SIGNER_A%d\" />\n", i)
		}
		b.WriteString("        </AllowedSigners>\n")
	}
	if len(s.denied) > 0 {
		b.WriteString("        <DeniedSigners>\n")
		for i := range s.denied {
			fmt.Fprintf(&b, "          <DeniedSigner SignerId=\"ID_SIGNER_D%d\" />\n", i)
		}
		b.WriteString("        </DeniedSigners>\n")
	}
	if len(s.allowHashes)+len(s.denyHashes) > 0 {
		b.WriteString("        <FileRulesRef>\n")
		for i := range s.allowHashes {
			fmt.Fprintf(&b, "          <FileRuleRef RuleID=\"ID_ALLOW_%d\" />\n", i)
		}
		for i := range s.denyHashes {
			fmt.Fprintf(&b, "          <FileRuleRef RuleID=\"ID_DENY_%d\" />\n", i)
		}
		b.WriteString("        </FileRulesRef>\n")
	}
	b.WriteString(`      </ProductSigners>
    </SigningScenario>
  </SigningScenarios>
  <UpdatePolicySigners />
  <CiSigners />
  <HvciOptions>0</HvciOptions>
  <AppSettings>
    <App Manifest="intact.manifest.xml">
`)
	fmt.Fprintf(&b, "      <Setting Name=\"EnforceCodeIntegrity\"><Value>%t</Value></Setting>\n", s.enforce)
	fmt.Fprintf(&b, "      <Setting Name=\"DisableInteractiveMode\"><Value>%t</Value></Setting>\n", s.interactive)
	b.WriteString("    </App>\n  </AppSettings>\n</SiPolicy>\n")
	return b.String()
}

func hexSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}
