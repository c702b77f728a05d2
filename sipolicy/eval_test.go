package sipolicy_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/testpki"
	"github.com/intactdev/intact/internal/testvectors"
	"github.com/intactdev/intact/sipolicy"
	"github.com/sassoftware/relic/v7/lib/pkcs7"
)

// tbsOf hashes the tbsCertificate found by decoding the certificate's DER
// independently of crypto/x509's RawTBSCertificate.
func tbsOf(t *testing.T, c *x509.Certificate, h crypto.Hash) []byte {
	t.Helper()
	var outer struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.Raw, &outer); err != nil {
		t.Fatal(err)
	}
	switch h {
	case crypto.SHA1:
		s := sha1.Sum(outer.TBS.FullBytes)
		return s[:]
	case crypto.SHA256:
		s := sha256.Sum256(outer.TBS.FullBytes)
		return s[:]
	case crypto.SHA384:
		s := sha512.Sum384(outer.TBS.FullBytes)
		return s[:]
	case crypto.SHA512:
		s := sha512.Sum512(outer.TBS.FullBytes)
		return s[:]
	}
	t.Fatalf("hash %v", h)
	return nil
}

var (
	oidCodeSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 3}
	oidWindows     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 10, 3, 6}
)

func rsaKey(t *testing.T) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ecKey(t *testing.T, c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTBSGenerated(t *testing.T) {
	r, p256, p384, p521 := rsaKey(t), ecKey(t, elliptic.P256()), ecKey(t, elliptic.P384()), ecKey(t, elliptic.P521())
	for _, tc := range []struct {
		key  crypto.Signer
		alg  x509.SignatureAlgorithm
		hash crypto.Hash
	}{
		{r, x509.SHA256WithRSA, crypto.SHA256},
		{r, x509.SHA384WithRSA, crypto.SHA384},
		{r, x509.SHA512WithRSA, crypto.SHA512},
		{r, x509.SHA256WithRSAPSS, crypto.SHA256},
		{p256, x509.ECDSAWithSHA256, crypto.SHA256},
		{p384, x509.ECDSAWithSHA384, crypto.SHA384},
		{p521, x509.ECDSAWithSHA512, crypto.SHA512},
	} {
		t.Run(tc.alg.String(), func(t *testing.T) {
			c := testpki.SelfSigned(t, "CA "+tc.alg.String(), testpki.CA(), testpki.Key(tc.key), testpki.SignatureAlgorithm(tc.alg)).Cert
			tbs, h, err := sipolicy.TBS(c)
			if err != nil {
				t.Fatal(err)
			}
			if h != tc.hash || !bytes.Equal(tbs, tbsOf(t, c, tc.hash)) {
				t.Errorf("TBS = %X (%v), want %X (%v)", tbs, h, tbsOf(t, c, tc.hash), tc.hash)
			}
		})
	}
}

// catalogCerts returns the certificates embedded in a vector catalog.
func catalogCerts(t *testing.T, elem ...string) []*x509.Certificate {
	t.Helper()
	der, err := os.ReadFile(testvectors.Path(t, append([]string{"cat"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	if len(der) == 0 {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	sd, err := pkcs7.Unmarshal(der)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := sd.Content.Certificates.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return certs
}

// The TBS of "Microsoft Code Signing PCA 2011", embedded in the PowerShell
// Archive module's catalog, is the value Microsoft's policies pin it by.
func TestTBSMicrosoftPCA(t *testing.T) {
	const published = "F6F717A43AD9ABDDC8CEFDDE1C505462535E7D1307E630F9544A2D14FE8BF26E"
	var found bool
	for _, c := range catalogCerts(t, "powershell-archive", "Microsoft.PowerShell.Archive.cat") {
		if c.Subject.CommonName != "Microsoft Code Signing PCA 2011" {
			continue
		}
		found = true
		tbs, h, err := sipolicy.TBS(c)
		if err != nil || h != crypto.SHA256 || hex.EncodeToString(tbs) != hex.EncodeToString(mustHex(t, published)) {
			t.Errorf("TBS = %X %v %v, want %s", tbs, h, err, published)
		}
	}
	if !found {
		t.Fatal("PCA 2011 not in the catalog")
	}
}

// Every certificate embedded in the vector catalogs (SHA-1 and SHA-256
// signed, by Microsoft, GlobalSign, DigiCert, libwdi and others) has the TBS
// computed independently: the hash named by the certificate's own
// signatureAlgorithm OID over the tbsCertificate bytes.
func TestTBSVectorCatalogs(t *testing.T) {
	hashByOID := map[string]crypto.Hash{
		"1.2.840.113549.1.1.5":  crypto.SHA1,   // sha1WithRSAEncryption
		"1.2.840.113549.1.1.11": crypto.SHA256, // sha256WithRSAEncryption
		"1.2.840.113549.1.1.12": crypto.SHA384,
		"1.2.840.113549.1.1.13": crypto.SHA512,
		"1.2.840.10045.4.3.2":   crypto.SHA256, // ecdsa-with-SHA256
		"1.2.840.10045.4.3.3":   crypto.SHA384,
	}
	cats, err := filepath.Glob(testvectors.Path(t, "cat", "*", "*.cat"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(testvectors.Path(t, "cat", "*", "*", "*.cat"))
	var n int
	seen := make(map[crypto.Hash]bool)
	for _, cat := range append(cats, more...) {
		rel, _ := filepath.Rel(testvectors.Path(t, "cat"), cat)
		for _, c := range catalogCerts(t, rel) {
			var outer struct {
				TBS asn1.RawValue
				Alg pkix.AlgorithmIdentifier
			}
			if _, err := asn1.Unmarshal(c.Raw, &outer); err != nil {
				t.Fatal(err)
			}
			want, ok := hashByOID[outer.Alg.Algorithm.String()]
			if !ok {
				t.Errorf("%s: %q: unexpected algorithm %v", rel, c.Subject.CommonName, outer.Alg.Algorithm)
				continue
			}
			tbs, h, err := sipolicy.TBS(c)
			if err != nil || h != want || !bytes.Equal(tbs, tbsOf(t, c, want)) {
				t.Errorf("%s: %q: TBS = %X %v %v, want %X %v", rel, c.Subject.CommonName, tbs, h, err, tbsOf(t, c, want), want)
			}
			seen[want] = true
			n++
		}
	}
	if n < 20 || !seen[crypto.SHA1] || !seen[crypto.SHA256] {
		t.Errorf("checked %d certificates, hashes %v; want SHA-1 and SHA-256 ones among 20 or more", n, seen)
	}
}

func TestTBSUnsupported(t *testing.T) {
	c := testpki.SelfSigned(t, "CA", testpki.CA(), testpki.RSA(), testpki.SignatureAlgorithm(x509.SHA256WithRSA)).Cert
	c.SignatureAlgorithm = x509.MD5WithRSA
	if _, _, err := sipolicy.TBS(c); err == nil {
		t.Error("TBS accepted an MD5 certificate")
	}
	if _, _, err := sipolicy.TBS(&x509.Certificate{SignatureAlgorithm: x509.SHA256WithRSA}); err == nil {
		t.Error("TBS accepted a certificate without DER")
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSignerMatches(t *testing.T) {
	// The certificates are signed with different hashes, so that both
	// SHA-256 and SHA-384 TBS values are matched.
	rootCA := testpki.SelfSigned(t, "Test Root", testpki.CA(), testpki.RSA(), testpki.SignatureAlgorithm(x509.SHA256WithRSA))
	interCA := rootCA.Issue(t, "Test Catalog CA", testpki.CA(), testpki.ECDSA(elliptic.P384()), testpki.SignatureAlgorithm(x509.SHA384WithRSA))
	root, inter := rootCA.Cert, interCA.Cert
	leaf := interCA.Issue(t, "Test Catalog Signer", testpki.EKU(x509.ExtKeyUsageCodeSigning), testpki.SignatureAlgorithm(x509.ECDSAWithSHA384)).Cert
	other := testpki.SelfSigned(t, "Other Root", testpki.CA(), testpki.RSA(), testpki.SignatureAlgorithm(x509.SHA256WithRSA)).Cert
	chain := []*x509.Certificate{leaf, inter, root}
	tbs := func(c *x509.Certificate) []byte {
		b, _, err := sipolicy.TBS(c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	codeSigning := &sipolicy.EKU{ID: "cs", OID: oidCodeSigning}
	windows := &sipolicy.EKU{ID: "win", OID: oidWindows}
	rootTBS := tbs(root)
	for _, tc := range []struct {
		name   string
		signer sipolicy.Signer
		chain  []*x509.Certificate
		want   bool
	}{
		{"root", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS}, chain, true},
		{"intermediate (SHA-384 TBS)", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: tbs(inter)}, chain, true},
		{"leaf", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: tbs(leaf)}, chain, true},
		{"other root", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: tbs(other)}, chain, false},
		{"root missing from chain", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS}, chain[:2], false},
		{"empty chain", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS}, nil, false},
		{"TBS with another hash", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: tbsOf(t, root, crypto.SHA384)}, chain, false},
		{"one byte off", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: append(slices.Clone(rootTBS[:31]), rootTBS[31]^1)}, chain, false},
		{"publisher", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS, Publisher: "Test Catalog Signer"}, chain, true},
		{"publisher is the leaf's", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS, Publisher: "Test Catalog CA"}, chain, false},
		{"publisher is exact", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS, Publisher: "test catalog signer"}, chain, false},
		{"EKU on leaf", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS, EKUs: []*sipolicy.EKU{codeSigning}}, chain, true},
		{"EKU missing", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS, EKUs: []*sipolicy.EKU{codeSigning, windows}}, chain, false},
		{"EKU but leaf has none", sipolicy.Signer{RootType: sipolicy.RootTBS, Root: rootTBS, EKUs: []*sipolicy.EKU{codeSigning}}, []*x509.Certificate{inter, root}, false},
		{"wellknown", sipolicy.Signer{RootType: sipolicy.RootWellknown, Root: []byte{6}}, chain, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.signer.Matches(tc.chain); got != tc.want {
				t.Errorf("Matches = %v, want %v", got, tc.want)
			}
		})
	}
}

// The Microsoft-style policy's catalog signer (PCA 2011 + publisher
// "Microsoft Corporation") matches the chain in a real Microsoft catalog;
// the same signer narrowed by a FileAttribRef is not trusted at all.
func TestAllowedSignersMicrosoftCatalog(t *testing.T) {
	p := mustParseFile(t, "testdata/microsoft-style.xml")
	certs := catalogCerts(t, "powershell-archive", "Microsoft.PowerShell.Archive.cat")
	// Leaf first: the catalog lists the leaf "Microsoft Corporation" first.
	if certs[0].Subject.CommonName != "Microsoft Corporation" {
		t.Fatalf("leaf is %q", certs[0].Subject.CommonName)
	}
	var allowed []string
	for _, s := range p.AllowedSigners() {
		allowed = append(allowed, s.ID)
		if got, want := s.Matches(certs), s.ID == "ID_SIGNER_CATALOG"; got != want {
			t.Errorf("%s.Matches = %v, want %v", s.ID, got, want)
		}
	}
	if want := []string{"ID_SIGNER_WINDOWS_PRODUCTION_USER", "ID_SIGNER_STORE", "ID_SIGNER_CATALOG"}; !slices.Equal(allowed, want) {
		t.Errorf("AllowedSigners = %q, want %q (ID_SIGNER_REFRESH has a FileAttribRef)", allowed, want)
	}
	if !p.Audit() || !p.ScriptEnforcement() {
		t.Errorf("Audit %v ScriptEnforcement %v", p.Audit(), p.ScriptEnforcement())
	}
}

func TestDeniedSignersAndHashes(t *testing.T) {
	p := mustParseFile(t, "testdata/full.xml")
	var denied []string
	for _, s := range p.DeniedSigners() {
		denied = append(denied, s.ID)
	}
	if !slices.Equal(denied, []string{"ID_SIGNER_BAD"}) {
		t.Errorf("DeniedSigners = %q", denied)
	}
	// "hello" has SHA-256 2CF24DBA..., "test"
	// SHA-1 A94A8FE5... The ExceptDenyRule of an allowed signer
	// (SHA-256 of "Hello!") denies too.
	allow, deny := p.AllowedHashes(), p.DeniedHashes()
	if allow.Len() != 1 || deny.Len() != 2 {
		t.Fatalf("allow %d deny %d rules", allow.Len(), deny.Len())
	}
	match := func(s *sipolicy.HashSet, data string) string {
		if r := s.Match([]byte(data), sha256.Sum256([]byte(data))); r != nil {
			return r.ID
		}
		return ""
	}
	for _, tc := range []struct {
		set  *sipolicy.HashSet
		data string
		want string
	}{
		{allow, "test", "ID_ALLOW_A_1"}, // by SHA-1
		{allow, "test\n", ""},
		{allow, "hello", ""},
		{deny, "hello", "ID_DENY_D_1"},  // by SHA-256
		{deny, "Hello!", "ID_DENY_D_2"}, // ExceptDenyRule
		{deny, "hellp", ""},
		{deny, "test", ""},
	} {
		if got := match(tc.set, tc.data); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.data, got, tc.want)
		}
	}
	if rules := deny.Rules(); len(rules) != 2 || rules[0].ID != "ID_DENY_D_1" {
		t.Errorf("Rules = %v", rules)
	}
	// A policy without a user-mode scenario allows and denies nothing.
	p.Scenarios = p.Scenarios[:1]
	if p.AllowedSigners() != nil || p.DeniedSigners() != nil || p.AllowedHashes().Len() != 0 || p.DeniedHashes().Len() != 0 {
		t.Error("rules without scenario 12")
	}
}

func TestAppSetting(t *testing.T) {
	p := mustParseFile(t, "testdata/full.xml")
	for _, tc := range []struct {
		app, name string
		value     bool
		src       sipolicy.SettingSource
	}{
		// AppSettings wins over the legacy form (which says false).
		{"intact", "EnforceCodeIntegrity", true, sipolicy.FromAppSettings},
		{"INTACT", "enforcecodeintegrity", true, sipolicy.FromAppSettings},
		{"intact", "DisableDynamicCode", false, sipolicy.FromAppSettings},
		// Only the legacy form has it.
		{"intact", "DisableInteractiveMode", true, sipolicy.FromSettings},
		{"intact", "Unknown", false, sipolicy.NotSet},
		{"other", "EnforceCodeIntegrity", false, sipolicy.NotSet},
		// "other"'s setting is a list, not a boolean.
		{"other", "Extensions", false, sipolicy.NotSet},
		// A DWord in the legacy form is not a boolean.
		{"Other", "Limit", false, sipolicy.NotSet},
		{"", "EnforceCodeIntegrity", false, sipolicy.NotSet},
	} {
		v, src := p.LookupAppSetting(tc.app, tc.name)
		if v != tc.value || src != tc.src {
			t.Errorf("LookupAppSetting(%q, %q) = %v, %v; want %v, %v", tc.app, tc.name, v, src, tc.value, tc.src)
		}
		v, found := p.AppSetting(tc.app, tc.name)
		if v != tc.value || found != (tc.src != sipolicy.NotSet) {
			t.Errorf("AppSetting(%q, %q) = %v, %v", tc.app, tc.name, v, found)
		}
	}
	// Node.js's setting lives in the legacy form of microsoft-style.xml;
	// its App names "wdac-manifest.xml", which carries no id.
	m := mustParseFile(t, "testdata/microsoft-style.xml")
	if v, src := m.LookupAppSetting("Node.js", "EnforceCodeIntegrity"); !v || src != sipolicy.FromSettings {
		t.Errorf("Node.js = %v %v", v, src)
	}
	if v, src := m.LookupAppSetting("Node.js", "DisableInteractiveMode"); v || src != sipolicy.NotSet {
		t.Errorf("Node.js DisableInteractiveMode = %v %v", v, src)
	}
}

func TestManifestMatches(t *testing.T) {
	for _, tc := range []struct {
		manifest, app string
		want          bool
	}{
		{"intact.manifest.xml", "intact", true},
		{"file:///C:/Program%20Files/intact/intact.manifest.xml", "intact", true},
		{`C:\Policies\INTACT.Manifest.XML`, "intact", true},
		{"https://example.com/m/intact.manifest.xml?v=2#x", "intact", true},
		{"myapp.manifest.xml", "myapp", true},
		{"myapp.manifest.xml", "intact", false},
		{"notintact.manifest.xml", "intact", false},
		{"intact.manifest.xml/evil.xml", "intact", false},
		{"wdac-manifest.xml", "Node.js", false},
		{"intact.manifest.xml", "", false},
	} {
		if got := sipolicy.ManifestMatches(tc.manifest, tc.app); got != tc.want {
			t.Errorf("ManifestMatches(%q, %q) = %v", tc.manifest, tc.app, got)
		}
	}
}

func TestShippedManifest(t *testing.T) {
	data := sipolicy.IntactManifest()
	m, err := sipolicy.ParseManifest(sipolicy.ManifestFileName(enforcer.DefaultAppID), data)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != enforcer.DefaultAppID {
		t.Errorf("Id = %q", m.ID)
	}
	// It defines every application setting of the enforcer contract.
	for name := range (enforcer.Settings{}).All() {
		if name == enforcer.Audit {
			continue // a rule option, not an application setting
		}
		if d := m.Definition(string(name)); d == nil || d.Type != "Bool" || d.IgnoreAuditPolicies {
			t.Errorf("%s: %+v", name, d)
		}
	}
	if !bytes.Contains(data, []byte(`<AppManifest xmlns="urn:schemas-microsoft-com:windows-defender-application-control" Id="intact">`)) {
		t.Errorf("manifest:\n%s", data)
	}
	// The shipped bytes cannot be changed through the returned slice.
	data[0] = 'X'
	if sipolicy.IntactManifest()[0] == 'X' {
		t.Error("IntactManifest returned the embedded slice")
	}
	// Marshal writes what ParseManifest reads.
	m.ID = "myapp"
	out, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := sipolicy.ParseManifest("myapp.manifest.xml", out)
	if err != nil || again.ID != "myapp" || !slices.Equal(again.Settings, m.Settings) {
		t.Errorf("manifest round trip: %+v %v\n%s", again, err, out)
	}
	for _, bad := range []string{
		`<AppManifest xmlns="urn:schemas-microsoft-com:windows-defender-application-control"/>`,
		`<AppManifest xmlns="urn:other" Id="x"/>`,
		`<AppManifest xmlns="urn:schemas-microsoft-com:windows-defender-application-control" Id="x"><SettingDefinition Name="A" Type="Int" IgnoreAuditPolicies="false"/></AppManifest>`,
		`<AppManifest xmlns="urn:schemas-microsoft-com:windows-defender-application-control" Id="x"><SettingDefinition Name="A" Type="Bool"/></AppManifest>`,
		`<AppManifest xmlns="urn:schemas-microsoft-com:windows-defender-application-control" Id="x"><SettingDefinition Name="A" Type="Bool" IgnoreAuditPolicies="true"/><SettingDefinition Name="a" Type="Bool" IgnoreAuditPolicies="true"/></AppManifest>`,
	} {
		if _, err := sipolicy.ParseManifest("bad.xml", []byte(bad)); err == nil {
			t.Errorf("ParseManifest accepted %s", bad)
		}
	}
}

func TestMatchFilePath(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		fold, want    bool
	}{
		{"/opt/app/evil.js", "/opt/app/evil.js", false, true},
		{"/opt/app/evil.js", "/opt/app/evil.jsx", false, false},
		{"/opt/app/*", "/opt/app/lib/deep/x.js", false, true}, // * crosses separators
		{"/opt/app/*", "/opt/apps/x.js", false, false},
		{"*/node_modules/evil/*", "/srv/a/node_modules/evil/index.js", false, true},
		{"/opt/a?p/x.js", "/opt/app/x.js", false, true},
		{"/opt/a?p/x.js", "/opt/ap/x.js", false, false},
		{"/opt/*.js", "/opt/x.mjs", false, false},
		{"/opt/*.*js", "/opt/x.mjs", false, true},
		{"*", "", false, true},
		{"", "/x", false, false},
		{"/OPT/App/*", "/opt/app/x.js", false, false},
		{`C:\Users\*\Downloads\*`, `c:/users/ann/downloads/x.js`, true, true},
		{`C:\Users\*\Downloads\*`, `C:\Users\ann\Documents\x.js`, true, false},
		{"/opt/ǅ/*", "/opt/ǆ/x", true, true}, // folding beyond ASCII
		// Many stars against a long path: no exponential backtracking.
		{strings.Repeat("*a", 40) + "b", strings.Repeat("a", 4000), false, false},
	} {
		if got := sipolicy.MatchFilePath(c.pattern, c.path, c.fold); got != c.want {
			t.Errorf("MatchFilePath(%q, %q, %v) = %v, want %v", c.pattern, c.path, c.fold, got, c.want)
		}
	}
}

// TestDeniedPaths: a Deny rule's FilePath is read, kept through Marshal,
// and listed by DeniedPaths when scenario 12 refers to it; on an Allow rule
// it is ignored and noted.
func TestDeniedPaths(t *testing.T) {
	data, err := os.ReadFile("testdata/full.xml")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(`<Deny ID`), []byte(`<Deny FilePath="/opt/evil/*" ID`), 1)
	data = bytes.Replace(data, []byte(`<Allow ID`), []byte(`<Allow FilePath="/opt/good/*" ID`), 1)
	p, err := sipolicy.Parse("paths.xml", data)
	if err != nil {
		t.Fatal(err)
	}
	denied := p.DeniedPaths()
	if len(denied) != 1 || denied[0].FilePath != "/opt/evil/*" {
		t.Fatalf("DeniedPaths = %v", denied)
	}
	var allowNote bool
	for _, n := range p.Notes {
		allowNote = allowNote || n.Text == "ignored attribute FilePath on <Allow>"
	}
	if !allowNote {
		t.Errorf("no note for the FilePath of an Allow rule: %v", p.Notes)
	}
	out, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	q, err := sipolicy.Parse("again.xml", out)
	if err != nil {
		t.Fatal(err)
	}
	if d := q.DeniedPaths(); len(d) != 1 || d[0].FilePath != "/opt/evil/*" || d[0].ID != denied[0].ID {
		t.Errorf("after Marshal, DeniedPaths = %v", d)
	}
}
