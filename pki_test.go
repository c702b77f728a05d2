package intact_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// testCert is a certificate of the test PKI and its key.
type testCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// tbs is the certificate's WDAC TBS value (SHA-256 of the tbsCertificate,
// as every test certificate is signed with ECDSA-SHA256), in policy hex.
func (c *testCert) tbs() string {
	sum := sha256.Sum256(c.cert.RawTBSCertificate)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// testPKI is made once per test binary: key generation is the slow part.
type testPKI struct {
	root      *testCert // the root the test policies pin
	signer    *testCert // code signing, issued by root: the trusted publisher
	expired   *testCert // issued by root, expired yesterday
	noEKU     *testCert // issued by root, server authentication only
	denied    *testCert // code signing, issued by root, pinned as a denied signer
	otherRoot *testCert // a root no policy trusts
	other     *testCert // code signing, issued by otherRoot
}

var pkiOnce = sync.OnceValue(func() *testPKI {
	var p testPKI
	now := time.Now()
	p.root = makeCert("intact test root", nil, now.Add(-time.Hour), now.Add(24*time.Hour), nil, true)
	codeSigning := []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}
	p.signer = makeCert("intact test publisher", p.root, now.Add(-time.Hour), now.Add(24*time.Hour), codeSigning, false)
	p.expired = makeCert("intact expired publisher", p.root, now.Add(-48*time.Hour), now.Add(-24*time.Hour), codeSigning, false)
	p.noEKU = makeCert("intact server", p.root, now.Add(-time.Hour), now.Add(24*time.Hour), []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, false)
	p.denied = makeCert("intact denied publisher", p.root, now.Add(-time.Hour), now.Add(24*time.Hour), codeSigning, false)
	p.otherRoot = makeCert("other root", nil, now.Add(-time.Hour), now.Add(24*time.Hour), nil, true)
	p.other = makeCert("other publisher", p.otherRoot, now.Add(-time.Hour), now.Add(24*time.Hour), codeSigning, false)
	return &p
})

var serial int64

// makeCert issues a certificate (self-signed when issuer is nil).
func makeCert(cn string, issuer *testCert, notBefore, notAfter time.Time, eku []x509.ExtKeyUsage, ca bool) *testCert {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"intact tests (TEST ONLY)"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		ExtKeyUsage:           eku,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  ca,
	}
	if ca {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	parent, signKey := tmpl, crypto.Signer(key)
	if issuer != nil {
		parent, signKey = issuer.cert, issuer.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signKey)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return &testCert{cert: cert, key: key}
}

// policySpec describes a test policy.
type policySpec struct {
	id          string // PolicyID GUID; a fixed one when empty
	version     string // VersionEx; "1.0.0.0" when empty
	audit       bool
	noScripts   bool // Disabled:Script Enforcement
	enforce     bool // EnforceCodeIntegrity
	interactive bool // DisableInteractiveMode
	allowed     []*testCert
	publisher   string // CertPublisher of every allowed signer
	denied      []*testCert
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
		fmt.Fprintf(&b, "    <Signer ID=\"ID_SIGNER_A%d\" Name=\"%s\"><CertRoot Type=\"TBS\" Value=\"%s\" />%s</Signer>\n", i, c.cert.Subject.CommonName, c.tbs(), publisher)
	}
	for i, c := range s.denied {
		fmt.Fprintf(&b, "    <Signer ID=\"ID_SIGNER_D%d\" Name=\"%s\"><CertRoot Type=\"TBS\" Value=\"%s\" /></Signer>\n", i, c.cert.Subject.CommonName, c.tbs())
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
