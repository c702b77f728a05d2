package sipolicy

import (
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/regularfile"
)

// MaxFileSize bounds the policies ParseFile reads. Microsoft's largest
// published policies (block lists) are a few megabytes.
const MaxFileSize = 64 << 20

// ParseFile reads and parses the policy at path; errors name path, once. A
// policy that cannot be parsed is a *ParseError; one that cannot be read
// (missing, too large, not a regular file) is regularfile.Read's error,
// which names path already. Only a regular file is read: opening a FIFO
// would block.
func ParseFile(path string) (*Policy, error) {
	data, err := regularfile.Read(path, MaxFileSize)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a SiPolicy document; name (usually the file name) is used
// in errors. It returns a *ParseError for malformed XML, a root other than
// SiPolicy in Namespace, bad hex, GUIDs or versions, a dangling reference,
// a duplicate ID, or an AppSettings setting that the shipped manifest does
// not define. Elements and attributes outside the supported subset are
// ignored and listed in Policy.Notes.
func Parse(name string, data []byte) (*Policy, error) {
	root, err := readTree(data)
	if err == nil {
		var p *Policy
		p, err = newParser().policy(root)
		if err == nil {
			return p, nil
		}
	}
	pe := &ParseError{File: name, Err: err}
	if le, ok := errors.AsType[*lineError](err); ok {
		pe.Line, pe.Err = le.line, le.err
	}
	return nil, pe
}

// parser holds the state of one Parse: the IDs seen and the notes so far.
type parser struct {
	p          *Policy
	ids        map[string]int // every ID attribute → line
	ekus       map[string]*EKU
	rules      map[string]*FileRule
	signers    map[string]*Signer
	ignoredIDs map[string]string // IDs of elements intact ignores → element name
	notes      map[string]int    // note text → index in p.Notes
	// settingKeys and appManifests find duplicates in one lookup each: a
	// comparison with every earlier element made a policy of 20,000
	// AppSettings take 80 s to parse.
	settingKeys    map[settingKey]bool
	appManifests   map[string]bool // foldKey of each App's manifest file name
	scenarioValues map[uint64]bool
	// duplicateLookups counts the lookups made to find duplicate names, so
	// that a test can bound the work of parsing without timing it.
	duplicateLookups int
}

// settingKey identifies a Setting: Provider, Key and ValueName, each
// folded by foldKey.
type settingKey struct{ provider, key, valueName string }

func newParser() *parser {
	return &parser{
		p:              &Policy{},
		ids:            make(map[string]int),
		ekus:           make(map[string]*EKU),
		rules:          make(map[string]*FileRule),
		signers:        make(map[string]*Signer),
		ignoredIDs:     make(map[string]string),
		notes:          make(map[string]int),
		settingKeys:    make(map[settingKey]bool),
		appManifests:   make(map[string]bool),
		scenarioValues: make(map[uint64]bool),
	}
}

// firstUse records key in seen and reports whether it was not there yet.
func firstUse[K comparable](ps *parser, seen map[K]bool, key K) bool {
	ps.duplicateLookups++
	if seen[key] {
		return false
	}
	seen[key] = true
	return true
}

// foldKey returns a string that is the same for two strings exactly when
// strings.EqualFold reports them equal, so that names WDAC compares
// case-insensitively can key a map. EqualFold compares rune by rune under
// Unicode simple folding; foldKey maps each rune to the smallest member of
// its unicode.SimpleFold orbit. (strings.ToLower or ToUpper would not do:
// they map U+0130 'İ' to 'i' and 'I', which EqualFold holds apart from it.)
// Invalid UTF-8 decodes to U+FFFD here as it does in EqualFold.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		smallest := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			smallest = min(smallest, f)
		}
		b.WriteRune(smallest)
	}
	return b.String()
}

func (ps *parser) note(line int, format string, args ...any) {
	ps.addNote(false, line, format, args...)
}

// drop notes something intact ignores and Marshal does not write back.
func (ps *parser) drop(line int, format string, args ...any) {
	ps.addNote(true, line, format, args...)
}

func (ps *parser) addNote(dropped bool, line int, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if i, ok := ps.notes[text]; ok {
		ps.p.Notes[i].Count++
		return
	}
	ps.notes[text] = len(ps.p.Notes)
	ps.p.Notes = append(ps.p.Notes, Note{Line: line, Text: text, Count: 1, Dropped: dropped})
}

// ignore notes an element intact does not use, unless it is empty.
func (ps *parser) ignore(n *node) {
	if !n.empty() {
		ps.drop(n.line, "ignored <%s>", n.name.Local)
	}
}

// attrs returns n's attributes by name. required must be present and not
// empty; optional may be; any other attribute is noted and ignored.
func (ps *parser) attrs(n *node, required []string, optional ...string) (map[string]string, error) {
	m := make(map[string]string, len(n.attrs))
	for _, a := range n.attrs {
		switch {
		case isNamespaceDecl(a):
		case a.Name.Space == "" && (slices.Contains(required, a.Name.Local) || slices.Contains(optional, a.Name.Local)):
			if _, dup := m[a.Name.Local]; dup {
				return nil, errorAt(n.line, "<%s> has attribute %s twice", n.name.Local, a.Name.Local)
			}
			m[a.Name.Local] = a.Value
		default:
			ps.drop(n.line, "ignored attribute %s on <%s>", a.Name.Local, n.name.Local)
		}
	}
	for _, r := range required {
		if m[r] == "" {
			return nil, errorAt(n.line, "<%s> has no %s", n.name.Local, r)
		}
	}
	return m, nil
}

// kids calls handle for each child of n in the policy namespace whose name is
// a key of handle, and notes the others.
func (ps *parser) kids(n *node, handle map[string]func(*node) error) error {
	for _, k := range n.kids {
		if f := handle[k.name.Local]; f != nil && k.name.Space == Namespace {
			if err := f(k); err != nil {
				return err
			}
			continue
		}
		ps.ignore(k)
	}
	return nil
}

// each returns a handler that calls f for each child of the handled element
// named child, noting other children.
func (ps *parser) each(child string, f func(*node) error) func(*node) error {
	return func(n *node) error {
		if _, err := ps.attrs(n, nil); err != nil {
			return err
		}
		return ps.kids(n, map[string]func(*node) error{child: f})
	}
}

// defineID records a new ID.
func (ps *parser) defineID(n *node, id string) error {
	if first, dup := ps.ids[id]; dup {
		return errorAt(n.line, "duplicate ID %q (first defined at line %d)", id, first)
	}
	ps.ids[id] = n.line
	return nil
}

// sections are the children of SiPolicy that hold definitions, in the order
// they must be read so that references resolve.
var sections = []string{"Rules", "EKUs", "FileRules", "Signers", "SigningScenarios", "Settings", "AppSettings"}

func (ps *parser) policy(root *node) (*Policy, error) {
	if root.name.Local != "SiPolicy" || root.name.Space != Namespace {
		return nil, errorAt(root.line, "root element is <%s> in namespace %q, want <SiPolicy> in %q",
			root.name.Local, root.name.Space, Namespace)
	}
	a, err := ps.attrs(root, nil, "PolicyType", "FriendlyName")
	if err != nil {
		return nil, err
	}
	p := ps.p
	p.Type, p.FriendlyName = a["PolicyType"], a["FriendlyName"]
	if t, ok := a["PolicyType"]; ok && t != BasePolicy && t != SupplementalPolicy {
		return nil, errorAt(root.line, "PolicyType %q: want %q or %q", t, BasePolicy, SupplementalPolicy)
	}

	guid := func(dst *string) func(*node) error {
		return func(n *node) error {
			if !guidPattern().MatchString(n.content()) {
				return errorAt(n.line, "<%s> %q is not a {GUID}", n.name.Local, n.content())
			}
			*dst = strings.ToUpper(n.content())
			return nil
		}
	}
	var hasVersion bool
	handlers := map[string]func(*node) error{
		"VersionEx": func(n *node) error {
			v, err := ParseVersion(n.content())
			if err != nil {
				return errorAt(n.line, "VersionEx: %v", err)
			}
			p.Version, hasVersion = v, true
			return nil
		},
		"PolicyID":     guid(&p.PolicyID),
		"BasePolicyID": guid(&p.BasePolicyID),
		"PolicyTypeID": guid(&p.PolicyTypeID),
		"PlatformID":   guid(&p.PlatformID),
		"HvciOptions": func(n *node) error {
			if n.content() != "0" || len(n.kids) > 0 {
				ps.drop(n.line, "ignored <HvciOptions>")
			}
			return nil
		},
	}
	// Sections are read after the other children, in dependency order.
	found := make(map[string]*node)
	for _, s := range sections {
		handlers[s] = func(n *node) error { found[s] = n; return nil }
	}
	seen := make(map[string]int)
	for _, k := range root.kids {
		if k.name.Space == Namespace && handlers[k.name.Local] != nil {
			if first, dup := seen[k.name.Local]; dup {
				return nil, errorAt(k.line, "second <%s> (first at line %d)", k.name.Local, first)
			}
			seen[k.name.Local] = k.line
		}
	}
	if err := ps.kids(root, handlers); err != nil {
		return nil, err
	}
	if !hasVersion {
		return nil, errorAt(root.line, "<SiPolicy> has no <VersionEx>")
	}
	sectionReaders := map[string]func(*node) error{
		"Rules":            ps.each("Rule", ps.rule),
		"EKUs":             ps.each("EKU", ps.eku),
		"FileRules":        ps.fileRules,
		"Signers":          ps.each("Signer", ps.signer),
		"SigningScenarios": ps.each("SigningScenario", ps.scenario),
		"Settings":         ps.each("Setting", ps.setting),
		"AppSettings":      ps.each("App", ps.app),
	}
	for _, s := range sections {
		if n := found[s]; n != nil {
			if err := sectionReaders[s](n); err != nil {
				return nil, err
			}
		}
	}
	slices.SortStableFunc(p.Notes, func(a, b Note) int { return a.Line - b.Line })
	return p, nil
}

var guidPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$`)
})

// knownOptions are the rule option texts of WDAC (reference B.2).
var knownOptions = []string{
	"Enabled:UMCI", "Enabled:Boot Menu Protection", "Required:WHQL", "Enabled:Audit Mode",
	"Disabled:Flight Signing", "Enabled:Inherit Default Policy", "Enabled:Unsigned System Integrity Policy",
	"Required:EV Signers", "Enabled:Advanced Boot Options Menu", "Enabled:Boot Audit On Failure",
	"Disabled:Script Enforcement", "Required:Enforce Store Applications", "Enabled:Managed Installer",
	"Enabled:Intelligent Security Graph Authorization", "Enabled:Invalidate EAs on Reboot",
	"Enabled:Update Policy No Reboot", "Enabled:Allow Supplemental Policies",
	"Disabled:Runtime FilePath Rule Protection", "Enabled:Dynamic Code Security",
	"Enabled:Revoked Expired As Unsigned", "Enabled:Developer Mode Dynamic Code Trust",
	"Enabled:Secure Setting Policy", "Enabled:Conditional Windows Lockdown Policy",
}

func (ps *parser) rule(n *node) error {
	if _, err := ps.attrs(n, nil); err != nil {
		return err
	}
	var option *node
	err := ps.kids(n, map[string]func(*node) error{"Option": func(o *node) error {
		if option != nil {
			return errorAt(o.line, "<Rule> has a second <Option>")
		}
		option = o
		return nil
	}})
	if err != nil {
		return err
	}
	if option == nil || option.content() == "" {
		return errorAt(n.line, "<Rule> has no <Option>")
	}
	// WDAC's tools refuse an option they do not know, and so does intact:
	// a misspelt "Enabled:Audit Mode" must not leave a policy enforcing
	// that its author meant to audit, nor the reverse.
	text := option.content()
	if !slices.Contains(knownOptions, text) {
		return errorAt(option.line, "unknown rule option %q%s", text, suggestOption(text))
	}
	if slices.Contains(ps.p.Options, text) {
		return errorAt(option.line, "rule option %q is given twice", text)
	}
	ps.p.Options = append(ps.p.Options, text)
	return nil
}

// suggestOption returns ` (did you mean "X"?)` for the known option that
// text differs from in case and spacing and at most two edits, or "".
func suggestOption(text string) string {
	if len(text) > 100 {
		return "" // no option is that long; spare the edit distance
	}
	squash := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "")) }
	for _, o := range knownOptions {
		if editDistance(squash(o), squash(text)) <= 2 {
			return fmt.Sprintf(" (did you mean %q?)", o)
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (ps *parser) eku(n *node) error {
	a, err := ps.attrs(n, []string{"ID", "Value"}, "FriendlyName")
	if err != nil {
		return err
	}
	if err := ps.defineID(n, a["ID"]); err != nil {
		return err
	}
	v, err := decodeHex(n, "Value", a["Value"])
	if err != nil {
		return err
	}
	oid, err := parseEKUValue(v)
	if err != nil {
		return errorAt(n.line, "EKU %q: %v", a["ID"], err)
	}
	e := &EKU{ID: a["ID"], FriendlyName: a["FriendlyName"], OID: oid}
	ps.ekus[e.ID] = e
	ps.p.EKUs = append(ps.p.EKUs, e)
	return ps.kids(n, nil)
}

func (ps *parser) fileRules(n *node) error {
	if _, err := ps.attrs(n, nil); err != nil {
		return err
	}
	rule := func(kind FileRuleKind) func(*node) error {
		return func(r *node) error {
			optional := []string{"FriendlyName", "Hash"}
			if kind == Deny {
				optional = append(optional, "FilePath")
				optional = append(optional, ps.unmatchedDenyAttrs(r)...)
			}
			a, err := ps.attrs(r, []string{"ID"}, optional...)
			if err != nil {
				return err
			}
			if err := ps.defineID(r, a["ID"]); err != nil {
				return err
			}
			fr := &FileRule{Kind: kind, ID: a["ID"], FriendlyName: a["FriendlyName"], FilePath: a["FilePath"]}
			if h, ok := a["Hash"]; ok {
				if fr.Hash, err = decodeHex(r, "Hash", h); err != nil {
					return err
				}
				if len(fr.Hash) != 20 && len(fr.Hash) != 32 {
					return errorAt(r.line, "file rule %q: a Hash of %d bytes is neither SHA-1 nor SHA-256", fr.ID, len(fr.Hash))
				}
			}
			ps.rules[fr.ID] = fr
			ps.p.FileRules = append(ps.p.FileRules, fr)
			return ps.kids(r, nil)
		}
	}
	ignored := func(r *node) error {
		ps.ignore(r)
		for _, a := range r.attrs {
			if a.Name.Space == "" && a.Name.Local == "ID" {
				if err := ps.defineID(r, a.Value); err != nil {
					return err
				}
				ps.ignoredIDs[a.Value] = r.name.Local
			}
		}
		return nil
	}
	return ps.kids(n, map[string]func(*node) error{
		"Allow": rule(Allow), "Deny": rule(Deny), "FileAttrib": ignored, "FileRule": ignored,
	})
}

// unmatchedDenyAttrs notes, and returns, the conditions of Deny rule r that
// intact does not match: the attributes of a PE image's version resource
// and of packaged apps, which no script has (Windows matches them on PE
// images only). The note says what that means for the rule: it denies
// only by its Hash or FilePath, if it has one.
func (ps *parser) unmatchedDenyAttrs(r *node) []string {
	var names []string
	for _, a := range r.attrs {
		switch a.Name.Local {
		case "FileName", "InternalName", "FileDescription", "ProductName", "PackageFamilyName",
			"PackageVersion", "MinimumFileVersion", "MaximumFileVersion", "AppIDs":
			if a.Name.Space == "" {
				ps.drop(r.line, "Deny rule: intact does not match %s (a PE image's version resource or an app package, which no script has); the rule denies only by Hash or FilePath", a.Name.Local)
				names = append(names, a.Name.Local)
			}
		}
	}
	return names
}

func (ps *parser) signer(n *node) error {
	a, err := ps.attrs(n, []string{"ID"}, "Name", "SignTimeAfter")
	if err != nil {
		return err
	}
	if err := ps.defineID(n, a["ID"]); err != nil {
		return err
	}
	s := &Signer{ID: a["ID"], Name: a["Name"]}
	unevaluated := func(what string, line int) {
		if !slices.Contains(s.Unevaluated, what) {
			s.Unevaluated = append(s.Unevaluated, what)
		}
		ps.note(line, "signer %q: intact cannot evaluate %s; it trusts nothing through this signer and applies its denials in full", s.ID, what)
	}
	if _, ok := a["SignTimeAfter"]; ok {
		unevaluated("SignTimeAfter", n.line)
	}
	var root *node
	err = ps.kids(n, map[string]func(*node) error{
		"CertRoot": func(k *node) error {
			if root != nil {
				return errorAt(k.line, "signer %q has a second <CertRoot>", s.ID)
			}
			root = k
			a, err := ps.attrs(k, []string{"Type", "Value"})
			if err != nil {
				return err
			}
			if a["Type"] != RootTBS && a["Type"] != RootWellknown {
				return errorAt(k.line, "signer %q: CertRoot Type %q is not TBS or Wellknown", s.ID, a["Type"])
			}
			s.RootType = a["Type"]
			if s.Root, err = decodeHex(k, "Value", a["Value"]); err != nil {
				return err
			}
			switch {
			case s.RootType == RootWellknown:
				ps.note(k.line, "signer %q: a Wellknown root never matches in intact", s.ID)
			case s.HashAlgorithm() == 0:
				ps.note(k.line, "signer %q: a TBS value of %d bytes is no SHA-1, SHA-256, SHA-384 or SHA-512 hash and never matches", s.ID, len(s.Root))
			}
			return nil
		},
		"CertEKU": func(k *node) error {
			a, err := ps.attrs(k, []string{"ID"})
			if err != nil {
				return err
			}
			e := ps.ekus[a["ID"]]
			if e == nil {
				return errorAt(k.line, "signer %q: CertEKU ID %q names no EKU", s.ID, a["ID"])
			}
			s.EKUs = append(s.EKUs, e)
			return nil
		},
		"CertPublisher": func(k *node) error {
			a, err := ps.attrs(k, []string{"Value"})
			s.Publisher = a["Value"]
			return err
		},
		"CertIssuer":    func(k *node) error { unevaluated("<CertIssuer>", k.line); return nil },
		"CertOemID":     func(k *node) error { unevaluated("<CertOemID>", k.line); return nil },
		"FileAttribRef": func(k *node) error { unevaluated("<FileAttribRef>", k.line); return nil },
	})
	if err != nil {
		return err
	}
	if root == nil {
		return errorAt(n.line, "signer %q has no <CertRoot>", s.ID)
	}
	ps.signers[s.ID] = s
	ps.p.Signers = append(ps.p.Signers, s)
	return nil
}

func (ps *parser) scenario(n *node) error {
	a, err := ps.attrs(n, []string{"ID", "Value"}, "FriendlyName", "InheritedScenarios", "MinimumHashAlgorithm")
	if err != nil {
		return err
	}
	if err := ps.defineID(n, a["ID"]); err != nil {
		return err
	}
	for _, ignored := range []string{"InheritedScenarios", "MinimumHashAlgorithm"} {
		if _, ok := a[ignored]; ok {
			ps.drop(n.line, "ignored attribute %s on <SigningScenario>", ignored)
		}
	}
	value, err := strconv.ParseUint(a["Value"], 10, 8)
	if err != nil {
		return errorAt(n.line, "SigningScenario %q: Value %q is not a number in 0..255", a["ID"], a["Value"])
	}
	if !firstUse(ps, ps.scenarioValues, value) {
		return errorAt(n.line, "second SigningScenario with Value %d", value)
	}
	sc := &Scenario{Value: int(value), ID: a["ID"], FriendlyName: a["FriendlyName"]}
	err = ps.kids(n, map[string]func(*node) error{"ProductSigners": func(k *node) error {
		if _, err := ps.attrs(k, nil); err != nil {
			return err
		}
		return ps.kids(k, map[string]func(*node) error{
			"AllowedSigners": ps.each("AllowedSigner", func(s *node) error {
				signer, except, err := ps.signerRef(s, "ExceptDenyRule", "DenyRuleID", Deny)
				if err != nil {
					return err
				}
				sc.Allowed = append(sc.Allowed, &AllowedSigner{Signer: signer, ExceptDenyRules: except})
				return nil
			}),
			"DeniedSigners": ps.each("DeniedSigner", func(s *node) error {
				signer, except, err := ps.signerRef(s, "ExceptAllowRule", "AllowRuleID", Allow)
				if err != nil {
					return err
				}
				if len(except) > 0 {
					ps.note(s.line, "denied signer %q: intact does not honour ExceptAllowRule; the denial stands", signer.ID)
				}
				sc.Denied = append(sc.Denied, &DeniedSigner{Signer: signer, ExceptAllowRules: except})
				return nil
			}),
			"FileRulesRef": ps.each("FileRuleRef", func(r *node) error {
				a, err := ps.attrs(r, []string{"RuleID"})
				if err != nil {
					return err
				}
				rule, err := ps.ruleRef(r, a["RuleID"], 0)
				if rule != nil {
					sc.FileRules = append(sc.FileRules, rule)
				}
				return err
			}),
		})
	}})
	if err != nil {
		return err
	}
	ps.p.Scenarios = append(ps.p.Scenarios, sc)
	return nil
}

// signerRef reads an AllowedSigner or DeniedSigner: its SignerId and its
// exception rules (children named except, attribute attr, of kind kind).
func (ps *parser) signerRef(n *node, except, attr string, kind FileRuleKind) (*Signer, []*FileRule, error) {
	a, err := ps.attrs(n, []string{"SignerId"})
	if err != nil {
		return nil, nil, err
	}
	s := ps.signers[a["SignerId"]]
	if s == nil {
		return nil, nil, errorAt(n.line, "SignerId %q names no signer", a["SignerId"])
	}
	var rules []*FileRule
	err = ps.kids(n, map[string]func(*node) error{except: func(k *node) error {
		a, err := ps.attrs(k, []string{attr})
		if err != nil {
			return err
		}
		r, err := ps.ruleRef(k, a[attr], kind)
		if r != nil {
			rules = append(rules, r)
		}
		return err
	}})
	return s, rules, err
}

// ruleRef resolves a reference to a file rule, of kind kind unless kind is
// 0. A reference to a rule intact ignores returns nil and a note.
func (ps *parser) ruleRef(n *node, id string, kind FileRuleKind) (*FileRule, error) {
	if r := ps.rules[id]; r != nil {
		if kind != 0 && r.Kind != kind {
			return nil, errorAt(n.line, "<%s> names %q, a %v rule, want a %v rule", n.name.Local, id, r.Kind, kind)
		}
		return r, nil
	}
	if el, ok := ps.ignoredIDs[id]; ok {
		ps.drop(n.line, "ignored reference to <%s ID=%q>", el, id)
		return nil, nil
	}
	return nil, errorAt(n.line, "<%s> names %q, which is no file rule", n.name.Local, id)
}

func (ps *parser) setting(n *node) error {
	a, err := ps.attrs(n, []string{"Provider", "Key", "ValueName"})
	if err != nil {
		return err
	}
	s := &Setting{Provider: a["Provider"], Key: a["Key"], ValueName: a["ValueName"]}
	if !firstUse(ps, ps.settingKeys, settingKey{foldKey(s.Provider), foldKey(s.Key), foldKey(s.ValueName)}) {
		return errorAt(n.line, "second Setting %s/%s/%s", s.Provider, s.Key, s.ValueName)
	}
	var value *node
	err = ps.kids(n, map[string]func(*node) error{"Value": func(v *node) error {
		if value != nil {
			return errorAt(v.line, "Setting %s/%s/%s has a second <Value>", s.Provider, s.Key, s.ValueName)
		}
		value = v
		if _, err := ps.attrs(v, nil); err != nil {
			return err
		}
		typed := func(t ValueType, parse func(string) error) func(*node) error {
			return func(k *node) error {
				if s.Value.Type != 0 {
					return errorAt(k.line, "Setting %s/%s/%s has two values", s.Provider, s.Key, s.ValueName)
				}
				s.Value.Type = t
				if err := parse(k.content()); err != nil {
					return errorAt(k.line, "Setting %s/%s/%s: %v", s.Provider, s.Key, s.ValueName, err)
				}
				return ps.kids(k, nil)
			}
		}
		return ps.kids(v, map[string]func(*node) error{
			"Boolean": typed(Boolean, func(t string) error {
				var ok bool
				if s.Value.Boolean, ok = parseBool(t); !ok {
					return fmt.Errorf("Boolean %q is not true or false", t)
				}
				return nil
			}),
			"DWord": typed(DWord, func(t string) error {
				d, err := strconv.ParseUint(t, 10, 32)
				if err != nil {
					return fmt.Errorf("DWord %q is not a number in 0..4294967295", t)
				}
				s.Value.DWord = uint32(d)
				return nil
			}),
			"String": typed(String, func(t string) error { s.Value.String = t; return nil }),
			"Binary": typed(Binary, func(t string) error {
				b, err := hex.DecodeString(t)
				if err != nil {
					return fmt.Errorf("Binary %q is not hex", t)
				}
				s.Value.Binary = b
				return nil
			}),
		})
	}})
	if err != nil {
		return err
	}
	if s.Value.Type == 0 {
		return errorAt(n.line, "Setting %s/%s/%s has no value", s.Provider, s.Key, s.ValueName)
	}
	ps.p.Settings = append(ps.p.Settings, s)
	return nil
}

func (ps *parser) app(n *node) error {
	a, err := ps.attrs(n, []string{"Manifest"})
	if err != nil {
		return err
	}
	app := &App{Manifest: a["Manifest"]}
	// intact ties an App to its id by the manifest's file name, so two Apps
	// with the same file name would make one id ambiguous.
	if !firstUse(ps, ps.appManifests, foldKey(manifestBase(app.Manifest))) {
		return errorAt(n.line, "second App with a manifest named %q", manifestBase(app.Manifest))
	}
	// An App that names the shipped manifest is checked against it, as
	// Windows' policy compiler checks every App against its manifest.
	var manifest *Manifest
	if ManifestMatches(app.Manifest, enforcer.DefaultAppID) {
		manifest = shippedManifest()
	}
	settingNames := make(map[string]bool) // foldKey of each Setting's Name
	err = ps.kids(n, map[string]func(*node) error{"Setting": func(k *node) error {
		a, err := ps.attrs(k, []string{"Name"})
		if err != nil {
			return err
		}
		s := &AppSetting{Name: a["Name"]}
		if !firstUse(ps, settingNames, foldKey(s.Name)) {
			return errorAt(k.line, "App %q has a second Setting %q", app.Manifest, s.Name)
		}
		err = ps.kids(k, map[string]func(*node) error{"Value": func(v *node) error {
			s.Values = append(s.Values, v.content())
			if _, err := ps.attrs(v, nil); err != nil {
				return err
			}
			return ps.kids(v, nil)
		}})
		if err != nil {
			return err
		}
		if manifest != nil {
			d := manifest.Definition(s.Name)
			if d == nil {
				return errorAt(k.line, "setting %q is not defined in %s", s.Name, ManifestFileName(manifest.ID))
			}
			if d.Type == "Bool" {
				if _, ok := parseBool(strings.Join(s.Values, "")); len(s.Values) != 1 || !ok {
					return errorAt(k.line, "setting %q is Bool and needs one value true or false, not %q", s.Name, s.Values)
				}
			}
		}
		app.Settings = append(app.Settings, s)
		return nil
	}})
	if err != nil {
		return err
	}
	ps.p.Apps = append(ps.p.Apps, app)
	return nil
}

func decodeHex(n *node, attr, s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, errorAt(n.line, "<%s> %s %q is not hex", n.name.Local, attr, s)
	}
	return b, nil
}
