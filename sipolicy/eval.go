package sipolicy

import (
	"crypto/sha1"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/intactdev/intact/enforcer"
)

// HasOption reports whether the policy has the rule option text opt.
func (p *Policy) HasOption(opt string) bool { return slices.Contains(p.Options, opt) }

// Audit reports whether the policy is in audit mode (Enabled:Audit Mode):
// would-be denials are logged, not enforced.
func (p *Policy) Audit() bool { return p.HasOption(OptionAuditMode) }

// ScriptEnforcement reports whether scripts are checked, which is WDAC's
// default; Disabled:Script Enforcement turns it off, and with it intact's
// file checks.
func (p *Policy) ScriptEnforcement() bool { return !p.HasOption(OptionDisabledScriptEnforcement) }

// Scenario returns the signing scenario with the given Value (UserMode or
// KernelMode), or nil.
func (p *Policy) Scenario(value int) *Scenario {
	for _, s := range p.Scenarios {
		if s.Value == value {
			return s
		}
	}
	return nil
}

// Signer returns the signer with the given ID, or nil.
func (p *Policy) Signer(id string) *Signer {
	if i := slices.IndexFunc(p.Signers, func(s *Signer) bool { return s.ID == id }); i >= 0 {
		return p.Signers[i]
	}
	return nil
}

// FileRule returns the file rule with the given ID, or nil.
func (p *Policy) FileRule(id string) *FileRule {
	if i := slices.IndexFunc(p.FileRules, func(r *FileRule) bool { return r.ID == id }); i >= 0 {
		return p.FileRules[i]
	}
	return nil
}

// AllowedSigners returns the signers trusted for user-mode code (scenario
// 12), leaving out those with Unevaluated conditions: intact cannot honour
// a narrowing it does not understand, so it trusts nothing through them.
func (p *Policy) AllowedSigners() []*Signer {
	var out []*Signer
	if sc := p.Scenario(UserMode); sc != nil {
		for _, a := range sc.Allowed {
			if len(a.Signer.Unevaluated) == 0 {
				out = append(out, a.Signer)
			}
		}
	}
	return out
}

// DeniedSigners returns the signers refused for user-mode code (scenario
// 12), including those with Unevaluated conditions or ExceptAllowRules: a
// denial intact cannot narrow is applied in full.
func (p *Policy) DeniedSigners() []*Signer {
	var out []*Signer
	if sc := p.Scenario(UserMode); sc != nil {
		for _, d := range sc.Denied {
			out = append(out, d.Signer)
		}
	}
	return out
}

// AllowedHashes returns the Allow hash rules of scenario 12 (FileRulesRef).
func (p *Policy) AllowedHashes() *HashSet {
	s := newHashSet()
	if sc := p.Scenario(UserMode); sc != nil {
		for _, r := range sc.FileRules {
			if r.Kind == Allow {
				s.add(r)
			}
		}
	}
	return s
}

// DeniedHashes returns the Deny hash rules of scenario 12: those of
// FileRulesRef and those an allowed signer names in ExceptDenyRule. intact
// applies the latter to every file rather than to that signer's files only,
// which is stricter than Windows when another signer would allow the file.
func (p *Policy) DeniedHashes() *HashSet {
	s := newHashSet()
	if sc := p.Scenario(UserMode); sc != nil {
		for _, r := range sc.FileRules {
			if r.Kind == Deny {
				s.add(r)
			}
		}
		for _, a := range sc.Allowed {
			for _, r := range a.ExceptDenyRules {
				s.add(r)
			}
		}
	}
	return s
}

// DeniedPaths returns the Deny rules of scenario 12 that name a FilePath,
// from FileRulesRef and allowed signers' ExceptDenyRule, as DeniedHashes
// does.
func (p *Policy) DeniedPaths() []*FileRule {
	var rules []*FileRule
	add := func(r *FileRule) {
		if r.Kind == Deny && r.FilePath != "" && !slices.Contains(rules, r) {
			rules = append(rules, r)
		}
	}
	if sc := p.Scenario(UserMode); sc != nil {
		for _, r := range sc.FileRules {
			add(r)
		}
		for _, a := range sc.Allowed {
			for _, r := range a.ExceptDenyRules {
				add(r)
			}
		}
	}
	return rules
}

// MatchFilePath reports whether path matches pattern, a FilePath rule's
// path, with WDAC's wildcards: * stands for any characters, path
// separators included, and ? for one. With fold (Windows), letters match
// in either case and / and \ are the same separator. Macros (%OSDRIVE%
// and the like) are the caller's to expand first.
func MatchFilePath(pattern, path string, fold bool) bool {
	same := func(a, b rune) bool {
		if !fold {
			return a == b
		}
		if a == '/' {
			a = '\\'
		}
		if b == '/' {
			b = '\\'
		}
		if a == b {
			return true
		}
		for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
			if f == b {
				return true
			}
		}
		return false
	}
	p, s := []rune(pattern), []rune(path)
	// Greedy matching that goes back only to the last *: linear in
	// practice, never exponential.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || same(p[pi], s[si])):
			pi++
			si++
		case star >= 0:
			pi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// A HashSet is a set of hash rules, found by their hashes. A rule does not
// say what its hash was computed over: Match looks for the hashes of a
// file's exact bytes, Lookup for any digest the caller computed, such as a
// PE image's Authenticode digest.
type HashSet struct {
	rules   map[string]*FileRule // by string(hash)
	ordered []*FileRule
	sha1    bool // some rule is a SHA-1 hash, so Match must compute one
}

func newHashSet() *HashSet { return &HashSet{rules: make(map[string]*FileRule)} }

func (s *HashSet) add(r *FileRule) {
	if len(r.Hash) == 0 {
		return
	}
	if _, dup := s.rules[string(r.Hash)]; dup {
		return
	}
	s.rules[string(r.Hash)] = r
	s.ordered = append(s.ordered, r)
	s.sha1 = s.sha1 || len(r.Hash) == sha1.Size
}

// Len returns the number of distinct hashes in s.
func (s *HashSet) Len() int { return len(s.ordered) }

// HasSHA1 reports whether some rule of s is a SHA-1 hash, which only the
// SHA-1 of a file's bytes (or of its Authenticode digest) can match.
func (s *HashSet) HasSHA1() bool { return s.sha1 }

// Rules returns the rules of s in policy order.
func (s *HashSet) Rules() []*FileRule { return slices.Clone(s.ordered) }

// Match returns the rule whose hash is the SHA-256 or SHA-1 of data, its
// exact bytes, or nil. sum256 is the SHA-256 of data, which the caller has
// already computed; the SHA-1 is computed only when s holds SHA-1 rules.
// For a PE file, Windows compares its Authenticode digest instead: a caller
// that does too looks that digest up with Lookup.
func (s *HashSet) Match(data []byte, sum256 [32]byte) *FileRule {
	if r := s.Lookup(sum256[:]); r != nil {
		return r
	}
	if s.sha1 {
		sum1 := sha1.Sum(data)
		return s.Lookup(sum1[:])
	}
	return nil
}

// Lookup returns the rule whose hash is hash, or nil. hash may be any
// digest: for a PE image, its Authenticode SHA-256 or SHA-1, which Windows
// tools write into hash rules for PE files.
func (s *HashSet) Lookup(hash []byte) *FileRule { return s.rules[string(hash)] }

// SettingSource says which form of a policy defined an application setting.
type SettingSource int

const (
	NotSet          SettingSource = iota // the policy does not define it
	FromAppSettings                      // AppSettings/App/Setting
	FromSettings                         // legacy Settings/Setting Provider=appID Key="Settings"
)

// String names the source: "AppSettings", "Settings" or "not set".
func (s SettingSource) String() string {
	switch s {
	case FromAppSettings:
		return "AppSettings"
	case FromSettings:
		return "Settings"
	}
	return "not set"
}

// AppSetting returns the boolean application setting name for appID, the
// way Windows answers WldpGetApplicationSettingBoolean and, when that finds
// nothing, WldpQuerySecurityPolicy:
//
//  1. AppSettings: the App whose manifest is appID's (ManifestMatches), its
//     Setting name (names compare case-insensitively), with a single value
//     "true", "false", "1" or "0" (any case). A value that is not a boolean
//     counts as not set.
//  2. Otherwise the legacy form: the Setting with Provider appID, Key
//     "Settings" and ValueName name (case-insensitive) of type Boolean.
func (p *Policy) AppSetting(appID, name string) (value, found bool) {
	v, src := p.LookupAppSetting(appID, name)
	return v, src != NotSet
}

// LookupAppSetting is AppSetting that also says which form defined the
// setting.
func (p *Policy) LookupAppSetting(appID, name string) (value bool, src SettingSource) {
	for _, app := range p.Apps {
		if !ManifestMatches(app.Manifest, appID) {
			continue
		}
		for _, s := range app.Settings {
			if strings.EqualFold(s.Name, name) && len(s.Values) == 1 {
				if b, ok := parseBool(s.Values[0]); ok {
					return b, FromAppSettings
				}
			}
		}
	}
	for _, s := range p.Settings {
		if strings.EqualFold(s.Provider, appID) && strings.EqualFold(s.Key, "Settings") &&
			strings.EqualFold(s.ValueName, name) && s.Value.Type == Boolean {
			return s.Value.Boolean, FromSettings
		}
	}
	return false, NotSet
}

// ManifestMatches reports whether an App's Manifest URI names the manifest
// of appID. Windows keys AppSettings by the Id inside the manifest, which it
// reads when the policy is compiled; intact does not read manifest files
// when it enforces (a file the policy points to could be changed by someone
// who cannot change the policy). Instead the manifest's file name carries
// the id: the last segment of the URI or path (after the last '/' or '\',
// without any query or fragment) must be ManifestFileName(appID), compared
// case-insensitively. The shipped manifest, "intact.manifest.xml", has Id
// "intact".
func ManifestMatches(manifest, appID string) bool {
	return appID != "" && strings.EqualFold(manifestBase(manifest), ManifestFileName(appID))
}

// manifestBase returns the file name a Manifest URI or path ends in.
func manifestBase(manifest string) string {
	if i := strings.IndexAny(manifest, "?#"); i >= 0 {
		manifest = manifest[:i]
	}
	if i := strings.LastIndexAny(manifest, `/\`); i >= 0 {
		manifest = manifest[i+1:]
	}
	return manifest
}

// parseBool parses an xs:boolean ("true", "false", "1", "0"), accepting any
// case as .NET's bool.Parse does ("True" in Microsoft's examples).
func parseBool(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// FileChecks is what a policy does with the files an application runs.
type FileChecks int

// What a policy does with files.
const (
	// FilesUnchecked: no file is checked, so any file runs.
	FilesUnchecked FileChecks = iota
	// FilesAudited: files are checked and would-be refusals logged, not
	// enforced (Enabled:Audit Mode).
	FilesAudited
	// FilesEnforced: a file runs only if the policy allows it.
	FilesEnforced
)

// String returns "off", "audit" or "enforce".
func (f FileChecks) String() string {
	switch f {
	case FilesAudited:
		return "audit"
	case FilesEnforced:
		return "enforce"
	}
	return "off"
}

// MarshalText returns String's text, so that JSON reports carry the words.
func (f FileChecks) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// FileChecks says what p does with the files application appID runs and,
// when it checks none, why, in words for operators. Files are checked when
// the application setting EnforceCodeIntegrity is true and the rule option
// Disabled:Script Enforcement is absent; the rule option Enabled:Audit Mode
// then only logs what would be refused.
func (p *Policy) FileChecks(appID string) (FileChecks, string) {
	on, src := p.LookupAppSetting(appID, string(enforcer.EnforceCodeIntegrity))
	switch {
	case !on && src == NotSet:
		return FilesUnchecked, fmt.Sprintf("%s is not set for app id %q", enforcer.EnforceCodeIntegrity, appID)
	case !on:
		return FilesUnchecked, fmt.Sprintf("%s is false for app id %q (%s)", enforcer.EnforceCodeIntegrity, appID, src)
	case !p.ScriptEnforcement():
		return FilesUnchecked, fmt.Sprintf("the rule option %q turns file checks off", OptionDisabledScriptEnforcement)
	case p.Audit():
		return FilesAudited, ""
	}
	return FilesEnforced, ""
}
