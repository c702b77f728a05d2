package sipolicy

import (
	"crypto"
	"encoding/asn1"
	"fmt"
	"strconv"
	"strings"
)

// Namespace is the XML namespace of SiPolicy documents.
const Namespace = "urn:schemas-microsoft-com:sipolicy"

// PlatformID is the PlatformID of Microsoft's policy templates, written by
// intact into new policies.
const PlatformID = "{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}"

// Policy types (the PolicyType attribute of SiPolicy).
const (
	BasePolicy         = "Base Policy"
	SupplementalPolicy = "Supplemental Policy"
)

// Signing scenarios (the Value attribute of SigningScenario).
const (
	UserMode   = 12  // user-mode code and scripts (UMCI): the one intact enforces
	KernelMode = 131 // drivers (KMCI): read and kept, never used by intact
)

// Rule options intact acts on or writes. Any other option text is kept in
// Policy.Options as read.
const (
	OptionUMCI                      = "Enabled:UMCI"
	OptionAuditMode                 = "Enabled:Audit Mode"
	OptionUnsignedPolicy            = "Enabled:Unsigned System Integrity Policy"
	OptionUpdatePolicyNoReboot      = "Enabled:Update Policy No Reboot"
	OptionDisabledScriptEnforcement = "Disabled:Script Enforcement"
)

// Policy is a parsed SiPolicy document: the subset of WDAC's policy XML that
// intact enforces, plus the identity fields Windows needs. References
// between elements (a scenario's signers, a signer's EKUs, rule references)
// are pointers into the policy's own lists; Marshal writes them back as IDs.
type Policy struct {
	Type         string  // PolicyType attribute: BasePolicy, SupplementalPolicy, or "" (legacy format)
	FriendlyName string  // FriendlyName attribute
	Version      Version // VersionEx
	PolicyID     string  // "{GUID}"
	BasePolicyID string  // "{GUID}"; equals PolicyID for a base policy
	PolicyTypeID string  // "{GUID}"; legacy single-policy format only
	PlatformID   string  // "{GUID}"
	Options      []string

	EKUs      []*EKU
	FileRules []*FileRule
	Signers   []*Signer
	Scenarios []*Scenario
	Settings  []*Setting // the legacy Settings form, read by WldpQuerySecurityPolicy
	Apps      []*App     // AppSettings, read by WldpGetApplicationSetting*

	// Notes lists what Parse read but ignored, with line numbers, for
	// operators (`intact status`). Marshal does not use it.
	Notes []Note
}

// Version is a VersionEx "a.b.c.d" packed as Windows does: four 16-bit
// fields, a<<48 | b<<32 | c<<16 | d.
type Version uint64

// ParseVersion parses a VersionEx string "a.b.c.d" with each field in 0..65535.
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return 0, fmt.Errorf("version %q: want four dot-separated numbers", s)
	}
	var v Version
	for _, p := range parts {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || p == "" || p[0] == '+' {
			return 0, fmt.Errorf("version %q: %q is not a number in 0..65535", s, p)
		}
		v = v<<16 | Version(n)
	}
	return v, nil
}

// String formats v as "a.b.c.d".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d.%d", uint16(v>>48), uint16(v>>32), uint16(v>>16), uint16(v))
}

// EKU is an extended key usage that signers may require (CertEKU).
type EKU struct {
	ID           string
	FriendlyName string
	OID          asn1.ObjectIdentifier
}

// FileRuleKind says whether a file rule allows or denies.
type FileRuleKind int

// The kinds of file rule.
const (
	Allow FileRuleKind = iota + 1 // an Allow element
	Deny                          // a Deny element
)

// String returns the element name, "Allow" or "Deny".
func (k FileRuleKind) String() string {
	switch k {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return fmt.Sprintf("FileRuleKind(%d)", int(k))
}

// FileRule is an Allow or Deny element of FileRules. intact enforces hash
// rules only: a rule without a Hash (a file name or path rule) is kept so
// that references to it resolve, and matches nothing.
type FileRule struct {
	Kind         FileRuleKind
	ID           string
	FriendlyName string
	// Hash is a SHA-1 (20 bytes) or SHA-256 (32 bytes) hash, or nil: of
	// a file's exact bytes or, as Windows tools write them for PE files,
	// of an image's Authenticode digest. The rule does not say which.
	Hash []byte
	// FilePath, of a Deny rule, is the path of the files it denies, with
	// WDAC's wildcards: * for any characters, path separators included,
	// and ? for one (see DeniedPaths). It is not read on Allow rules,
	// which intact never honours by path.
	FilePath string
}

// String names the rule by its ID and, when it has another, its friendly
// name: "ID_ALLOW_A_1 (tool.js)".
func (r *FileRule) String() string {
	if r.FriendlyName != "" && r.FriendlyName != r.ID {
		return fmt.Sprintf("%s (%s)", r.ID, r.FriendlyName)
	}
	return r.ID
}

// Root types of a signer's CertRoot.
const (
	RootTBS       = "TBS"       // Value is the TBS hash of a certificate (see TBS)
	RootWellknown = "Wellknown" // Value is the number of a Microsoft root; never matches in intact
)

// Signer is a Signer element: a certificate that must appear in a chain,
// optionally narrowed to a leaf common name and leaf EKUs.
type Signer struct {
	ID   string
	Name string
	// RootType is RootTBS or RootWellknown; Root is its value.
	RootType string
	Root     []byte
	// EKUs (CertEKU) must all be present on the leaf certificate.
	EKUs []*EKU
	// Publisher (CertPublisher), when not empty, must equal the leaf
	// certificate's subject common name.
	Publisher string
	// Unevaluated names the conditions of this signer that intact read but
	// cannot evaluate (for example "FileAttribRef", "CertIssuer",
	// "SignTimeAfter"). Such a signer is never trusted by AllowedSigners,
	// and denies regardless of those conditions in DeniedSigners. Parse
	// sets it; Marshal does not write those conditions.
	Unevaluated []string
}

// HashAlgorithm returns the hash that produced a TBS root, from its length:
// SHA-1, SHA-256, SHA-384 or SHA-512. It returns 0 for a Wellknown root or
// a TBS value of another length.
func (s *Signer) HashAlgorithm() crypto.Hash {
	if s.RootType != RootTBS {
		return 0
	}
	return hashBySize(len(s.Root), crypto.SHA1, crypto.SHA256, crypto.SHA384, crypto.SHA512)
}

// String names the signer by its ID and, when it has another, its name:
// "ID_SIGNER_S_1 (Contoso Root)".
func (s *Signer) String() string {
	if s.Name != "" && s.Name != s.ID {
		return fmt.Sprintf("%s (%s)", s.ID, s.Name)
	}
	return s.ID
}

// Describe says which certificate the signer pins, and the publisher it
// requires: "TBS 0A1B…, publisher "Contoso"".
func (s *Signer) Describe() string {
	d := s.RootType + " " + hexString(s.Root)
	if s.Publisher != "" {
		d += fmt.Sprintf(", publisher %q", s.Publisher)
	}
	return d
}

// Ineffective says why intact never trusts code through s as an allowed
// signer, or returns "" when it may: s has conditions intact cannot
// evaluate (Unevaluated, and AllowedSigners leaves it out), pins a
// Wellknown root, or pins a TBS value whose length is no hash's.
func (s *Signer) Ineffective() string {
	switch {
	case len(s.Unevaluated) > 0:
		return "intact cannot evaluate " + strings.Join(s.Unevaluated, ", ") + ": it trusts nothing through this signer"
	case s.RootType == RootWellknown:
		return "a Wellknown (Microsoft) root: never matches in intact"
	case s.HashAlgorithm() == 0:
		return "a TBS value of unknown length: never matches"
	}
	return ""
}

// Scenario is a SigningScenario: the signers and file rules for user-mode
// (Value 12) or kernel-mode (Value 131) code.
type Scenario struct {
	Value        int
	ID           string
	FriendlyName string
	Allowed      []*AllowedSigner
	Denied       []*DeniedSigner
	FileRules    []*FileRule // FileRulesRef
}

// AllowedSigner trusts Signer for the scenario, except files matched by
// ExceptDenyRules.
type AllowedSigner struct {
	Signer          *Signer
	ExceptDenyRules []*FileRule
}

// DeniedSigner refuses code signed by Signer, except files matched by
// ExceptAllowRules (which intact does not honour: the denial stands).
type DeniedSigner struct {
	Signer           *Signer
	ExceptAllowRules []*FileRule
}

// Setting is one element of the legacy Settings form, read on Windows by
// WldpQuerySecurityPolicy(Provider, Key, ValueName).
type Setting struct {
	Provider  string
	Key       string
	ValueName string
	Value     Value
}

// ValueType is the type of a Setting's value.
type ValueType int

// The value types of a Setting, named after their XML elements.
const (
	Boolean ValueType = iota + 1
	DWord
	String
	Binary
)

// String returns the element name of the type, such as "Boolean".
func (t ValueType) String() string {
	switch t {
	case Boolean:
		return "Boolean"
	case DWord:
		return "DWord"
	case String:
		return "String"
	case Binary:
		return "Binary"
	}
	return fmt.Sprintf("ValueType(%d)", int(t))
}

// Value is a typed Setting value; the field named by Type holds it.
type Value struct {
	Type    ValueType
	Boolean bool
	DWord   uint32
	String  string
	Binary  []byte
}

// App is an App element of AppSettings: the settings of the application
// whose manifest Manifest names (see AppSetting for how intact resolves it).
type App struct {
	Manifest string
	Settings []*AppSetting
}

// AppSetting is one Setting of an App, with its values as written.
type AppSetting struct {
	Name   string
	Values []string
}

// Note is something Parse read but ignored, such as an element intact does
// not enforce.
type Note struct {
	Line  int    // line of the first occurrence
	Text  string // "ignored <HvciOptions>"
	Count int    // number of occurrences, at least 1
	// Dropped is true for what Marshal does not write back: an element
	// or attribute intact ignores (see Policy.Rewritable).
	Dropped bool
}

// String formats the note as "ignored <HvciOptions> at line 40", adding
// "(and N more)" when it occurred more than once.
func (n Note) String() string {
	s := fmt.Sprintf("%s at line %d", n.Text, n.Line)
	if n.Count > 1 {
		s += fmt.Sprintf(" (and %d more)", n.Count-1)
	}
	return s
}

// ParseError is a policy that cannot be read: malformed XML, a wrong root,
// bad hex, a dangling reference, a duplicate ID.
type ParseError struct {
	File string // the name given to Parse
	Line int    // 0 when unknown
	Err  error
}

// Error returns "file:line: reason", or "file: reason" without a line.
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// hashBySize returns the hash among hs whose output is n bytes, or 0.
func hashBySize(n int, hs ...crypto.Hash) crypto.Hash {
	for _, h := range hs {
		if h.Size() == n {
			return h
		}
	}
	return 0
}
