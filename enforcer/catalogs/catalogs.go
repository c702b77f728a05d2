// Package catalogs is intact's portable enforcer: WDAC's signing model,
// enforced in user space on any OS.
//
// An Enforcer enforces one WDAC policy file (package sipolicy). A file may
// run when its exact bytes pass, in this order:
//
//  1. no Deny hash rule of the policy names them (else denied-by-hash);
//     hash rules name the SHA-256 or SHA-1 of the exact bytes, or the
//     Authenticode SHA-256 of a PE image, as Windows tools write them;
//     and no Deny FilePath rule names the file's path, as read or with its
//     symbolic links resolved (else denied-by-path);
//  2. an Allow hash rule names them; or
//  3. a catalog lists their digest and the policy trusts the catalog: its
//     signature verifies over its content and its signing certificate
//     chains, at the present time and for code signing, to a certificate
//     the policy pins as an allowed signer (CertRoot TBS, with CertPublisher
//     and CertEKU when given), and no denied signer matches it.
//
// Digests are the SHA-256 of the exact bytes (SHA-1 for version 1
// catalogs), and the Authenticode digest when the bytes are a PE image that
// the host hands to the OS image loader (enforcer.Content.Image, set by
// intact's Policy.ReadImage), never because of the file's name. An
// Authenticode digest leaves out the image's checksum, its certificate
// table entry and the certificate table at the end of the file, so a file
// that is both a PE image and a script would otherwise run whatever was
// appended as its "certificate table". Which digests each kind of hash rule
// matches, by how the bytes will be used:
//
//	rule                            script, JSON, WebAssembly   OS image loader
//	Allow, SHA-256/SHA-1 of bytes   matches                     matches
//	Allow, Authenticode digest      see below                   matches
//	Deny, SHA-256/SHA-1 of bytes    matches                     matches
//	Deny, Authenticode digest       matches                     matches
//
// A Deny rule on an Authenticode digest refuses the image however it is
// used, since deny wins and refusing more is safe. A policy does not say
// which of its hashes are Authenticode digests, and an Authenticode digest
// is the plain digest of another byte string (the image without its
// checksum, certificate-table entry and certificate table): an Allow rule
// on one never vouches for the image as script, but does vouch, in any
// use, for that byte string, which anyone can save as a script. So only
// images one trusts should be allowed by Authenticode digest (intact policy
// new --allow-image-hash). Catalogs record each member's kind, and a
// member vouches only in the use its digest was made for: a flat member
// for the bytes in either use, a PE member only for an image handed to
// the loader, never for bytes whose plain digest its digest is.
//
// Catalogs come from a Set shared by every policy of a process and loaded
// once, on first use. A catalog that cannot be read or parsed, or whose
// signature does not match its content, makes the files it may have allowed
// fail with enforcer.ReasonPolicyUnavailable: nothing it could have vouched
// for runs, and files other catalogs allow still do.
package catalogs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/sipolicy"
)

// An Enforcer enforces one policy over the catalogs of a Set. It is safe for
// concurrent use and caches no per-file verdict; which catalogs it trusts is
// decided once, on first use.
type Enforcer struct {
	name     string
	path     string
	policy   *sipolicy.Policy
	set      *Set
	settings enforcer.Settings
	sources  map[enforcer.SettingName]string
	notes    []string

	allowed, denied []*sipolicy.Signer
	allowHashes     *sipolicy.HashSet
	denyHashes      *sipolicy.HashSet
	denyPaths       []*sipolicy.FileRule

	once   sync.Once
	trusts []*trust
	loaded atomic.Bool // trusts is set: the catalogs have been read
}

// Open reads the WDAC policy XML file at path and returns its Enforcer over
// the catalogs of set, with settings read for appID. A policy that cannot be
// read or parsed is an error: the caller must run nothing.
func Open(path string, set *Set, appID string) (*Enforcer, error) {
	p, err := sipolicy.ParseFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return New(p, path, set, appID), nil
}

// New returns the Enforcer of a parsed policy over the catalogs of set, with
// settings read for appID. source names where the policy came from (its
// file), for Status and events.
func New(p *sipolicy.Policy, source string, set *Set, appID string) *Enforcer {
	e := &Enforcer{
		name:        "catalogs:" + source,
		path:        source,
		policy:      p,
		set:         set,
		sources:     make(map[enforcer.SettingName]string),
		allowed:     p.AllowedSigners(),
		denied:      p.DeniedSigners(),
		allowHashes: p.AllowedHashes(),
		denyHashes:  p.DeniedHashes(),
		denyPaths:   p.DeniedPaths(),
	}
	setting := func(name enforcer.SettingName) bool {
		v, src := p.LookupAppSetting(appID, string(name))
		if v {
			e.sources[name] = fmt.Sprintf("%s for app id %q", src, appID)
		}
		return v
	}
	e.settings.EnforceCodeIntegrity = setting(enforcer.EnforceCodeIntegrity)
	e.settings.DisableInteractiveMode = setting(enforcer.DisableInteractiveMode)
	e.settings.DisableDynamicCode = setting(enforcer.DisableDynamicCode)
	if e.settings.EnforceCodeIntegrity && !p.ScriptEnforcement() {
		e.settings.EnforceCodeIntegrity = false
		delete(e.sources, enforcer.EnforceCodeIntegrity)
		e.notes = append(e.notes, fmt.Sprintf("%s is set but the rule option %q turns file checks off",
			enforcer.EnforceCodeIntegrity, sipolicy.OptionDisabledScriptEnforcement))
	}
	if p.Audit() {
		e.settings.Audit = true
		e.sources[enforcer.Audit] = fmt.Sprintf("rule option %q", sipolicy.OptionAuditMode)
	}
	return e
}

// Name returns "catalogs:" followed by the policy's file, which tells the
// policies of one process apart in events and errors.
func (e *Enforcer) Name() string { return e.name }

// Settings returns the policy's settings for the enforcer's app id.
func (e *Enforcer) Settings() enforcer.Settings { return e.settings }

// CheckContent returns nil if the policy allows c's bytes to run, and a
// *enforcer.Denial saying why not otherwise.
func (e *Enforcer) CheckContent(c enforcer.Content) error {
	if _, d := e.explain(contentDigests(c), c.Path, c.File); d != nil {
		return d
	}
	return nil
}

// ExplainContent judges c's bytes as CheckContent does and, when the policy
// allows them, says why: the Allow hash rule that names them, or the
// catalog that lists them with the signer through which the policy trusts
// it.
func (e *Enforcer) ExplainContent(c enforcer.Content) (enforcer.Allowance, error) {
	a, d := e.explain(contentDigests(c), c.Path, c.File)
	if d != nil {
		return enforcer.Allowance{}, d
	}
	return a.describe(), nil
}

func contentDigests(c enforcer.Content) *digests {
	return &digests{data: c.Data, size: int64(len(c.Data)), sha256: c.SHA256, image: c.Image}
}

// allowance is what allows a file: an Allow hash rule or a trusted catalog
// that lists it. Described only when asked (ExplainContent): CheckContent
// runs for every file a program loads, and a certificate's subject as text
// costs more than the lookup.
type allowance struct {
	rule  *sipolicy.FileRule
	trust *trust
}

func (a allowance) describe() enforcer.Allowance {
	if a.rule != nil {
		return enforcer.Allowance{HashRule: a.rule.String()}
	}
	t := a.trust
	return enforcer.Allowance{Catalog: t.cat.path, PolicySigner: t.signer, SignedBy: t.cat.signer.Subject.String()}
}

// CheckDigest returns a *enforcer.Denial when no bytes of the given SHA-256
// and size may run as script under the policy: no Allow rule names that
// SHA-256 and no trusted catalog lists it. It returns nil when they may,
// and when it cannot tell without the bytes: for an empty file (judged by
// path), when the policy has SHA-1 Allow rules, or when a trusted catalog
// is of version 1 (SHA-1 members). The reason is CheckContent's, except
// that a Deny rule on the SHA-1 or the Authenticode digest of the bytes
// is not seen: the file is refused either way, for another reason.
func (e *Enforcer) CheckDigest(sum [32]byte, size int64) error {
	if size == 0 || e.allowHashes.HasSHA1() {
		return nil
	}
	for _, t := range e.catalogTrust() {
		if t.state == trusted && t.cat.cat.Version == 1 {
			return nil
		}
	}
	if _, d := e.explain(&digests{size: size, sha256: sum}, "", nil); d != nil {
		return d
	}
	return nil
}

// explain judges the file whose digests d are: those of its bytes, or,
// when d.data is nil, only its SHA-256 and size. It returns what allows
// the file, or the denial. An empty file is judged by path, and file, the
// stat of the descriptor it was read from, must be the file at that path
// (enforcer.Content.File).
func (e *Enforcer) explain(d *digests, path string, file os.FileInfo) (allowance, *enforcer.Denial) {
	if r := matchRule(e.denyHashes, d, true); r != nil {
		return e.deny(enforcer.ReasonDeniedByHash, "Deny rule "+r.String())
	}
	if detail := e.deniedPath(path, file); detail != "" {
		return e.deny(enforcer.ReasonDeniedByPath, detail)
	}
	if r := matchRule(e.allowHashes, d, d.image); r != nil {
		return allowance{rule: r}, nil
	}
	var deny, tampered, distrust, unknown []string
	for _, t := range e.catalogTrust() {
		if !t.cat.usable() {
			unknown = append(unknown, t.String())
			continue
		}
		if !t.cat.lists(d) && (d.size > 0 || !t.cat.listsEmpty(path, file)) {
			continue
		}
		switch t.state {
		case trusted:
			return allowance{trust: t}, nil
		case denied:
			deny = append(deny, t.String())
		case unverifiable:
			tampered = append(tampered, t.String())
		default:
			distrust = append(distrust, t.String())
		}
	}
	// Deny first; then a catalog that would have vouched for the file but
	// cannot be verified; then the signers the policy does not trust; then
	// catalogs whose members are unknown, any of which might have listed it.
	switch {
	case len(deny) > 0:
		return e.deny(enforcer.ReasonDeniedSigner, strings.Join(deny, "; "))
	case len(tampered) > 0:
		return e.deny(enforcer.ReasonPolicyUnavailable, strings.Join(tampered, "; "))
	case len(distrust) > 0:
		return e.deny(enforcer.ReasonUntrustedSigner, strings.Join(distrust, "; "))
	case len(unknown) > 0:
		return e.deny(enforcer.ReasonPolicyUnavailable, strings.Join(unknown, "; "))
	}
	changed, sameName := e.listedElsewise(path, d)
	if changed != "" {
		return e.deny(enforcer.ReasonChangedSinceSign, changed)
	}
	detail := fmt.Sprintf("no catalog trusted by %s lists SHA-256 %X", e.path, d.sha256)
	if sameName != "" {
		detail += "; " + sameName
	}
	return e.deny(enforcer.ReasonNotInCatalog, detail)
}

// listedElsewise says which trusted catalog lists another digest for the
// file at path, which therefore changed since that catalog was signed.
// Only a catalog that records its tree's root places its members exactly;
// one without matches by relative path alone, and a file that merely
// shares a signed member's name (anyone can make one anywhere) did not
// change since signing: for it sameName says only that a catalog lists a
// file of that name, at another place.
func (e *Enforcer) listedElsewise(path string, d *digests) (changed, sameName string) {
	if path == "" {
		return "", ""
	}
	for _, t := range e.catalogTrust() {
		if t.state != trusted || !t.cat.usable() {
			continue
		}
		m, rel, exact := t.cat.memberAt(path)
		if m == nil || (m.DigestKind() == catalog.KindPE && !d.image) {
			// A PE member vouches for the image, not for its bytes as
			// script: that is no change.
			continue
		}
		if !exact {
			if sameName == "" {
				// Said so that an operator can tell a changed file, which
				// this may well be, from a stray one (outside review rt64).
				sameName = fmt.Sprintf("catalog %s lists a file named %s with other contents, and records no place for its files: "+
					"if this is that file, it was modified after signing (a catalog made with --install-dir records the place, and tells the two apart)",
					t.cat.path, filepath.ToSlash(rel))
			}
			continue
		}
		listed := fmt.Sprintf("%v %X", m.DigestAlgorithm, m.Digest)
		if m.Compat {
			listed = fmt.Sprintf("SHA-1 %X", m.Tag)
		}
		return fmt.Sprintf("catalog %s lists %s with %s, not this file's SHA-256 %X",
			t.cat.path, filepath.ToSlash(rel), listed, d.sha256), ""
	}
	return "", sameName
}

// deniedPath says which Deny FilePath rule names the file read through
// path (from file, its fstat, when not nil), or "" when none does. A rule
// names the file by path made absolute, or by the path its symbolic links
// lead to: a link of the application's own does not get a denied file
// past a rule. When that path cannot be worked out, or no longer leads to
// the file read (a link swapped since), the file is refused too: the
// policy denies by path, and the path is not known. A hard link or a bind
// mount is another path to the same bytes; Deny hash rules refuse those
// wherever they are.
func (e *Enforcer) deniedPath(path string, file os.FileInfo) string {
	if len(e.denyPaths) == 0 || path == "" {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Sprintf("the policy denies files by path, and the path of %s cannot be made absolute: %v", path, err)
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err == nil && file != nil {
		if fi, serr := os.Stat(resolved); serr != nil || !os.SameFile(fi, file) {
			err = fmt.Errorf("it no longer leads to the file read")
		}
	}
	if err != nil {
		return fmt.Sprintf("the policy denies files by path, and the real path of %s cannot be established: %v", abs, err)
	}
	for _, r := range e.denyPaths {
		pattern := expandPathMacros(r.FilePath)
		for _, name := range []string{abs, resolved} {
			if sipolicy.MatchFilePath(pattern, name, foldPaths) {
				return fmt.Sprintf("Deny rule %s names %s (FilePath %s)", r, name, r.FilePath)
			}
		}
	}
	return ""
}

// matchRule returns the rule of set that names the file: by the SHA-256 or
// SHA-1 of its exact bytes, or, for a PE image when authenticode is set,
// by its Authenticode SHA-256 or SHA-1, which is what Windows tools write
// into hash rules for PE files (and which, unlike the hash of the bytes, a
// change to the image's checksum or signature does not alter). A rule does
// not say which digest it names, so one written as an image's Authenticode
// digest also matches, by the SHA-256 or SHA-1 of its exact bytes, the
// byte string that digest covers. The package documentation has the table
// of which rule matches which use.
func matchRule(set *sipolicy.HashSet, d *digests, authenticode bool) *sipolicy.FileRule {
	if set.Len() == 0 {
		return nil
	}
	if r := set.Lookup(d.sha256[:]); r != nil {
		return r
	}
	if set.HasSHA1() {
		if sum := d.flatSHA1(); sum != nil {
			if r := set.Lookup(sum[:]); r != nil {
				return r
			}
		}
	}
	if !authenticode {
		return nil
	}
	if pe := d.pe(); pe != nil {
		if r := set.Lookup(pe.sha256[:]); r != nil {
			return r
		}
		return set.Lookup(pe.sha1[:])
	}
	return nil
}

func (e *Enforcer) deny(r enforcer.Reason, detail string) (allowance, *enforcer.Denial) {
	return allowance{}, &enforcer.Denial{Enforcer: e.name, Reason: r, Detail: detail}
}

var (
	_ enforcer.Enforcer       = (*Enforcer)(nil)
	_ enforcer.ContentChecker = (*Enforcer)(nil)
	_ enforcer.DigestChecker  = (*Enforcer)(nil)
	_ enforcer.Explainer      = (*Enforcer)(nil)
	_ enforcer.Loader         = (*Enforcer)(nil)
)
