package sipolicy

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The methods of this file edit a policy in place, keeping its identity
// (PolicyID, BasePolicyID) as Microsoft's Set-RuleOption,
// Set-CIPolicyVersion and Merge-CIPolicy do. They edit user-mode signing
// scenario 12, the one intact enforces, creating it when missing, and name
// what they add as New does (ID_SIGNER_S_n, ID_ALLOW_A_n, ID_DENY_D_n, with
// the first free n), so that a policy made by New and edited is the policy
// New would have made.

// Rewritable returns nil when Marshal writes back everything Parse read of
// p, so that an edited policy differs from the original by the edit alone.
// Otherwise it names what a rewrite would lose: an element or attribute
// intact ignores (Note.Dropped), or the conditions of a signer intact
// cannot evaluate, without which the signer would trust more. Edit such a
// policy with Microsoft's tools.
func (p *Policy) Rewritable() error {
	for _, s := range p.Signers {
		if len(s.Unevaluated) > 0 {
			return fmt.Errorf("signer %q: intact cannot write back its %s, and without them the signer would trust more",
				s.ID, strings.Join(s.Unevaluated, ", "))
		}
	}
	for _, n := range p.Notes {
		if n.Dropped {
			return fmt.Errorf("line %d: intact cannot write back what it ignores (%s)", n.Line, n.Text)
		}
	}
	return nil
}

// SetAudit turns audit mode on or off: the rule option Enabled:Audit Mode.
func (p *Policy) SetAudit(on bool) {
	p.setOption(OptionAuditMode, on)
}

// SetScriptEnforcement turns file checks on or off as WDAC's rule options
// do: off adds Disabled:Script Enforcement, on removes it.
func (p *Policy) SetScriptEnforcement(on bool) {
	p.setOption(OptionDisabledScriptEnforcement, !on)
}

// setOption adds or removes the rule option opt.
func (p *Policy) setOption(opt string, on bool) {
	i := slices.Index(p.Options, opt)
	switch {
	case on && i < 0:
		p.Options = append(p.Options, opt)
	case !on && i >= 0:
		p.Options = slices.Delete(p.Options, i, i+1)
	}
}

// SetAppSetting sets the boolean application setting name for appID, in
// both forms New writes: the App of AppSettings whose manifest is appID's
// (ManifestMatches; one named ManifestFileName(appID) is added when none
// is) and the legacy Settings element of Provider appID, Key "Settings".
// Each form's existing element is changed in place.
func (p *Policy) SetAppSetting(appID, name string, on bool) error {
	if appID == "" || strings.ContainsAny(appID, `/\?#`) {
		return fmt.Errorf("app id %q: want an id without / \\ ? #", appID)
	}
	value := strconv.FormatBool(on)
	i := slices.IndexFunc(p.Apps, func(a *App) bool { return ManifestMatches(a.Manifest, appID) })
	if i < 0 {
		p.Apps = append(p.Apps, &App{Manifest: ManifestFileName(appID)})
		i = len(p.Apps) - 1
	}
	app := p.Apps[i]
	if j := slices.IndexFunc(app.Settings, func(s *AppSetting) bool { return strings.EqualFold(s.Name, name) }); j >= 0 {
		app.Settings[j].Values = []string{value}
	} else {
		app.Settings = append(app.Settings, &AppSetting{Name: name, Values: []string{value}})
	}
	legacy := func(s *Setting) bool {
		return strings.EqualFold(s.Provider, appID) && strings.EqualFold(s.Key, "Settings") && strings.EqualFold(s.ValueName, name)
	}
	if j := slices.IndexFunc(p.Settings, legacy); j >= 0 {
		p.Settings[j].Value = Value{Type: Boolean, Boolean: on}
	} else {
		p.Settings = append(p.Settings, &Setting{Provider: appID, Key: "Settings", ValueName: name, Value: Value{Type: Boolean, Boolean: on}})
	}
	return nil
}

// ErrVersionLower is the error of SetVersion for a version lower than the
// policy's: Windows keeps a deployed policy when a lower version is offered
// to replace it.
var ErrVersionLower = errors.New("lower than the policy's version")

// SetVersion sets VersionEx to v, which must not be lower than the
// policy's version (ErrVersionLower).
func (p *Policy) SetVersion(v Version) error {
	if v < p.Version {
		return fmt.Errorf("version %s: %w %s", v, ErrVersionLower, p.Version)
	}
	p.Version = v
	return nil
}

// BumpVersion raises VersionEx by one in its last field, carrying into
// the fields before it, and returns the new version.
func (p *Policy) BumpVersion() (Version, error) {
	if p.Version == ^Version(0) {
		return p.Version, fmt.Errorf("version %s is the highest", p.Version)
	}
	p.Version++
	return p.Version, nil
}

// userMode returns the user-mode signing scenario, added as New writes it
// when the policy has none.
func (p *Policy) userMode() *Scenario {
	if sc := p.Scenario(UserMode); sc != nil {
		return sc
	}
	sc := &Scenario{Value: UserMode, ID: p.freeID("ID_SIGNINGSCENARIO_WINDOWS"), FriendlyName: "User Mode"}
	p.Scenarios = append(p.Scenarios, sc)
	return sc
}

// usedIDs returns the IDs the policy's elements have.
func (p *Policy) usedIDs() map[string]bool {
	used := make(map[string]bool)
	for _, e := range p.EKUs {
		used[e.ID] = true
	}
	for _, r := range p.FileRules {
		used[r.ID] = true
	}
	for _, s := range p.Signers {
		used[s.ID] = true
	}
	for _, sc := range p.Scenarios {
		used[sc.ID] = true
	}
	return used
}

// nextID returns prefix followed by the first number from 1 that makes an
// ID the policy does not use: "ID_SIGNER_S_3".
func (p *Policy) nextID(prefix string) string {
	used := p.usedIDs()
	for n := 1; ; n++ {
		if id := prefix + strconv.Itoa(n); !used[id] {
			return id
		}
	}
}

// freeID returns id when the policy does not use it, else another ID the
// policy does not use: for a numbered ID such as New writes
// ("ID_SIGNER_S_1") the next free number, for another id followed by "_"
// and a number.
func (p *Policy) freeID(id string) string {
	if !p.usedIDs()[id] {
		return id
	}
	prefix := id + "_"
	if i := strings.LastIndexByte(id, '_'); i >= 0 && i < len(id)-1 && strings.Trim(id[i+1:], "0123456789") == "" {
		prefix = id[:i+1]
	}
	return p.nextID(prefix)
}

// AddSigner trusts cert for user-mode code: a signer that pins it by its
// TBS hash (NewSigner), narrowed to signing certificates whose common name
// is publisher when that is not empty, allowed in scenario 12. It refuses
// a certificate the policy already pins with the same publisher.
func (p *Policy) AddSigner(cert *x509.Certificate, publisher string) (*Signer, error) {
	s, err := NewSigner(p.nextID("ID_SIGNER_S_"), cert)
	if err != nil {
		return nil, fmt.Errorf("signer %q: %w", cert.Subject.String(), err)
	}
	s.Publisher = publisher
	if slices.ContainsFunc(p.Signers, func(o *Signer) bool { return o.same(s) }) {
		return nil, fmt.Errorf("signer %q: the same certificate is given twice", cert.Subject.String())
	}
	p.Signers = append(p.Signers, s)
	sc := p.userMode()
	sc.Allowed = append(sc.Allowed, &AllowedSigner{Signer: s})
	return s, nil
}

// same reports whether s and o pin the same certificate with the same
// conditions.
func (s *Signer) same(o *Signer) bool {
	return s.RootType == o.RootType && bytes.Equal(s.Root, o.Root) && s.Publisher == o.Publisher &&
		slices.EqualFunc(s.EKUs, o.EKUs, func(a, b *EKU) bool { return a.OID.Equal(b.OID) }) &&
		slices.Equal(s.Unevaluated, o.Unevaluated)
}

// AddHashRule adds a hash rule of kind Allow or Deny for user-mode code,
// named h.Name, and returns it; when the policy has a rule of that kind
// and hash already, it returns that one and adds nothing.
func (p *Policy) AddHashRule(kind FileRuleKind, h RuleHash) (*FileRule, error) {
	if n := len(h.Hash); n != 20 && n != 32 {
		return nil, fmt.Errorf("%s hash rule %q: %d bytes, not a SHA-1 or SHA-256", kind, h.Name, n)
	}
	sc := p.userMode()
	for _, r := range sc.FileRules {
		if r.Kind == kind && bytes.Equal(r.Hash, h.Hash) {
			return r, nil
		}
	}
	prefix := "ID_ALLOW_A_"
	if kind == Deny {
		prefix = "ID_DENY_D_"
	} else if kind != Allow {
		return nil, fmt.Errorf("hash rule %q: kind %v", h.Name, kind)
	}
	r := &FileRule{Kind: kind, ID: p.nextID(prefix), FriendlyName: h.Name, Hash: h.Hash}
	p.FileRules = append(p.FileRules, r)
	sc.FileRules = append(sc.FileRules, r)
	return r, nil
}

// RemoveSigner removes the signer with the given ID, and every reference
// to it in the signing scenarios.
func (p *Policy) RemoveSigner(id string) error {
	i := slices.IndexFunc(p.Signers, func(s *Signer) bool { return s.ID == id })
	if i < 0 {
		return fmt.Errorf("no signer has ID %q", id)
	}
	s := p.Signers[i]
	p.Signers = slices.Delete(p.Signers, i, i+1)
	p.disallow(s)
	for _, sc := range p.Scenarios {
		sc.Denied = slices.DeleteFunc(sc.Denied, func(d *DeniedSigner) bool { return d.Signer == s })
	}
	return nil
}

// disallow removes every allowed-signer reference to s. The Deny rules
// such a reference names as exceptions stay in force: intact applies an
// ExceptDenyRule of scenario 12 to every file (DeniedHashes), so one the
// scenario would no longer name becomes a plain Deny rule of it.
// Removing trust must never lift a denial.
func (p *Policy) disallow(s *Signer) {
	for _, sc := range p.Scenarios {
		var except []*FileRule
		sc.Allowed = slices.DeleteFunc(sc.Allowed, func(a *AllowedSigner) bool {
			if a.Signer == s {
				except = append(except, a.ExceptDenyRules...)
			}
			return a.Signer == s
		})
		if sc.Value != UserMode {
			continue
		}
		for _, r := range except {
			named := slices.Contains(sc.FileRules, r) || slices.ContainsFunc(sc.Allowed, func(a *AllowedSigner) bool {
				return slices.Contains(a.ExceptDenyRules, r)
			})
			if !named {
				sc.FileRules = append(sc.FileRules, r)
			}
		}
	}
}

// SignersOf returns the IDs of the signers that pin cert by its TBS hash
// and that a signing scenario allows: the signers through which the policy
// trusts cert.
func (p *Policy) SignersOf(cert *x509.Certificate) ([]string, error) {
	return p.signersOf(cert, p.allows)
}

// DeniedSignersOf returns the IDs of the signers that pin cert by its TBS
// hash and that a signing scenario denies.
func (p *Policy) DeniedSignersOf(cert *x509.Certificate) ([]string, error) {
	return p.signersOf(cert, p.denies)
}

func (p *Policy) signersOf(cert *x509.Certificate, referenced func(*Signer) bool) ([]string, error) {
	tbs, _, err := TBS(cert)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, s := range p.Signers {
		if s.RootType == RootTBS && bytes.Equal(s.Root, tbs) && referenced(s) {
			ids = append(ids, s.ID)
		}
	}
	return ids, nil
}

// allows reports whether a signing scenario allows s.
func (p *Policy) allows(s *Signer) bool {
	for _, sc := range p.Scenarios {
		if slices.ContainsFunc(sc.Allowed, func(a *AllowedSigner) bool { return a.Signer == s }) {
			return true
		}
	}
	return false
}

// denies reports whether a signing scenario denies s.
func (p *Policy) denies(s *Signer) bool {
	for _, sc := range p.Scenarios {
		if slices.ContainsFunc(sc.Denied, func(d *DeniedSigner) bool { return d.Signer == s }) {
			return true
		}
	}
	return false
}

// Untrust removes the trust the signer with the given ID gives: its
// allowed-signer references in the signing scenarios, and the signer
// itself unless a scenario denies it. A denial of the same signer stays:
// undoing trust must never lift one (RemoveSigner does, by ID).
func (p *Policy) Untrust(id string) error {
	s := p.Signer(id)
	if s == nil {
		return fmt.Errorf("no signer has ID %q", id)
	}
	if p.denies(s) {
		p.disallow(s)
		return nil
	}
	return p.RemoveSigner(id)
}

// RemoveRule removes the file rule with the given ID, and every reference
// to it in the signing scenarios.
func (p *Policy) RemoveRule(id string) error {
	i := slices.IndexFunc(p.FileRules, func(r *FileRule) bool { return r.ID == id })
	if i < 0 {
		return fmt.Errorf("no file rule has ID %q", id)
	}
	r := p.FileRules[i]
	p.FileRules = slices.Delete(p.FileRules, i, i+1)
	is := func(o *FileRule) bool { return o == r }
	for _, sc := range p.Scenarios {
		sc.FileRules = slices.DeleteFunc(sc.FileRules, is)
		for _, a := range sc.Allowed {
			a.ExceptDenyRules = slices.DeleteFunc(a.ExceptDenyRules, is)
		}
		for _, d := range sc.Denied {
			d.ExceptAllowRules = slices.DeleteFunc(d.ExceptAllowRules, is)
		}
	}
	return nil
}

// RulesWithHash returns the IDs of the file rules of kind (Allow or Deny)
// whose hash is h. The kind is asked for so that removing an Allow rule by
// its hash never lifts a Deny of the same bytes.
func (p *Policy) RulesWithHash(kind FileRuleKind, h []byte) []string {
	var ids []string
	for _, r := range p.FileRules {
		if r.Kind == kind && bytes.Equal(r.Hash, h) {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// Merge adds other's user-mode rules to p, as Merge-CIPolicy merges
// policies for the subset intact supports: p keeps its identity, version,
// rule options and settings; other's allowed and denied signers of
// scenario 12 (with their EKUs and the exceptions they name) and its hash
// rules are added, each unless p has the same already; a signer both
// allow keeps the exceptions of both, since intact enforces each as a
// Deny rule (DeniedHashes) and a merge never lifts a denial; what other adds
// gets IDs p does not use. Merge refuses an other that intact could not
// write back whole (Rewritable), as editing it directly is refused: a rule
// merged without its conditions (a Deny's file name and version, an
// exception naming a rule intact ignores, a signer's conditions) is a
// different rule, often one that trusts more.
func (p *Policy) Merge(other *Policy) error {
	if err := other.Rewritable(); err != nil {
		return fmt.Errorf("intact cannot merge it whole: %w", err)
	}
	sc := other.Scenario(UserMode)
	if sc == nil {
		return nil
	}
	mine := p.userMode()
	rules := make(map[*FileRule]*FileRule) // other's rule -> p's
	rule := func(r *FileRule) *FileRule {
		if m, ok := rules[r]; ok {
			return m
		}
		var m *FileRule
		if i := slices.IndexFunc(p.FileRules, func(o *FileRule) bool {
			return o.Kind == r.Kind && bytes.Equal(o.Hash, r.Hash) && o.FilePath == r.FilePath &&
				(r.Hash != nil || r.FilePath != "" || o.ID == r.ID)
		}); i >= 0 {
			m = p.FileRules[i]
		} else {
			m = &FileRule{Kind: r.Kind, ID: p.freeID(r.ID), FriendlyName: r.FriendlyName, Hash: r.Hash, FilePath: r.FilePath}
			p.FileRules = append(p.FileRules, m)
		}
		rules[r] = m
		return m
	}
	rulesOf := func(rs []*FileRule) []*FileRule {
		out := make([]*FileRule, len(rs))
		for i, r := range rs {
			out[i] = rule(r)
		}
		return out
	}
	signer := func(s *Signer) *Signer {
		if i := slices.IndexFunc(p.Signers, func(o *Signer) bool { return o.same(s) }); i >= 0 {
			return p.Signers[i]
		}
		m := *s
		m.ID = p.freeID(s.ID)
		m.EKUs = nil
		for _, e := range s.EKUs {
			m.EKUs = append(m.EKUs, p.eku(e))
		}
		p.Signers = append(p.Signers, &m)
		return &m
	}
	for _, a := range sc.Allowed {
		s := signer(a.Signer)
		except := rulesOf(a.ExceptDenyRules)
		i := slices.IndexFunc(mine.Allowed, func(o *AllowedSigner) bool { return o.Signer == s })
		if i < 0 {
			mine.Allowed = append(mine.Allowed, &AllowedSigner{Signer: s, ExceptDenyRules: except})
			continue
		}
		// Windows would keep only what both policies except, but intact
		// enforces every exception as a Deny rule for every file
		// (DeniedHashes): dropping one would lift a denial that both
		// policies make. Each exception of either stays.
		for _, r := range except {
			if !slices.Contains(mine.Allowed[i].ExceptDenyRules, r) {
				mine.Allowed[i].ExceptDenyRules = append(mine.Allowed[i].ExceptDenyRules, r)
			}
		}
	}
	for _, d := range sc.Denied {
		s := signer(d.Signer)
		if slices.ContainsFunc(mine.Denied, func(o *DeniedSigner) bool { return o.Signer == s }) {
			continue
		}
		mine.Denied = append(mine.Denied, &DeniedSigner{Signer: s, ExceptAllowRules: rulesOf(d.ExceptAllowRules)})
	}
	for _, r := range sc.FileRules {
		m := rule(r)
		if !slices.Contains(mine.FileRules, m) {
			mine.FileRules = append(mine.FileRules, m)
		}
	}
	return nil
}

// eku returns p's EKU with e's OID, added with e's ID (or a free one) when
// p has none.
func (p *Policy) eku(e *EKU) *EKU {
	if i := slices.IndexFunc(p.EKUs, func(o *EKU) bool { return o.OID.Equal(e.OID) }); i >= 0 {
		return p.EKUs[i]
	}
	m := &EKU{ID: p.freeID(e.ID), FriendlyName: e.FriendlyName, OID: e.OID}
	p.EKUs = append(p.EKUs, m)
	return m
}
