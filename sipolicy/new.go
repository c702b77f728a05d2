package sipolicy

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/enforcer"
)

// A Template says what New writes into a policy.
type Template struct {
	// ID is the policy's PolicyID and BasePolicyID: a GUID, with or
	// without braces. Empty means a new random one (NewGUID).
	ID string
	// Name is the policy's FriendlyName and PolicyInfo Name.
	Name string
	// Version is the policy's VersionEx; raise it to replace a deployed
	// policy.
	Version Version
	// Signers are the certificates whose catalogs the policy trusts for
	// user-mode code, each pinned by its TBS hash (NewSigner). Give the
	// root or intermediate CA that is trusted, not a leaf that will be
	// renewed.
	Signers []*x509.Certificate
	// Publisher, when not empty, narrows every signer to signing
	// certificates with that subject common name (CertPublisher).
	Publisher string
	// DenyHashes and AllowHashes become the Deny and Allow hash rules of
	// user-mode code; FileHashes gives those of a file.
	DenyHashes, AllowHashes []RuleHash
	// Settings are the application settings the policy sets for AppID;
	// its Audit is the policy's audit mode (the Enabled:Audit Mode
	// option).
	Settings enforcer.Settings
	// AppID is the application id the settings are for; empty means
	// enforcer.DefaultAppID.
	AppID string
	// Manifest is the App Manifest URI the AppSettings name, where
	// Windows' policy compiler finds the manifest. It must end in
	// ManifestFileName(AppID), by which intact ties AppSettings to the
	// app id (ManifestMatches); empty means that file name.
	Manifest string
}

// A RuleHash is the hash a hash rule names, with the rule's FriendlyName.
type RuleHash struct {
	Name string
	Hash []byte // a SHA-256 or SHA-1
}

// New returns a complete base policy made from t: the rule options
// Enabled:UMCI, Enabled:Unsigned System Integrity Policy and Enabled:Update
// Policy No Reboot (and Enabled:Audit Mode in audit mode); one signer per
// certificate; user-mode signing scenario 12 allowing those signers and
// the hash rules; the PolicyInfo Name and Id that Windows shows in its
// events; and the three application settings for the app id, true or
// false, both as AppSettings and in the legacy Settings form older Windows
// reads. The same template gives the same policy, but for the random ID
// when t.ID is empty.
//
// A policy that trusts only these signers blocks Windows itself when
// deployed alone as a base policy there: merge it with Microsoft's
// templates or deploy it as a supplemental policy.
func New(t Template) (*Policy, error) {
	if len(t.Signers) == 0 && len(t.AllowHashes) == 0 {
		return nil, errors.New("a policy with neither signers nor Allow hash rules trusts nothing")
	}
	appID := t.AppID
	if appID == "" {
		appID = enforcer.DefaultAppID
	}
	if strings.ContainsAny(appID, `/\?#`) {
		return nil, fmt.Errorf("app id %q: want an id without / \\ ? #", appID)
	}
	id := NewGUID()
	if t.ID != "" {
		var err error
		if id, err = ParseGUID(t.ID); err != nil {
			return nil, fmt.Errorf("policy id: %w", err)
		}
	}
	manifest := t.Manifest
	if manifest == "" {
		manifest = ManifestFileName(appID)
	} else if !ManifestMatches(manifest, appID) {
		return nil, fmt.Errorf("manifest %q: the file name must be %s, by which intact recognises the app id", manifest, ManifestFileName(appID))
	}
	p := &Policy{
		Type:         BasePolicy,
		FriendlyName: t.Name,
		Version:      t.Version,
		PolicyID:     id,
		BasePolicyID: id,
		PlatformID:   PlatformID,
		Options:      []string{OptionUMCI, OptionUnsignedPolicy, OptionUpdatePolicyNoReboot},
	}
	if t.Settings.Audit {
		p.Options = append(p.Options, OptionAuditMode)
	}
	p.Scenarios = []*Scenario{{Value: UserMode, ID: "ID_SIGNINGSCENARIO_WINDOWS", FriendlyName: "User Mode"}}
	for _, cert := range t.Signers {
		if _, err := p.AddSigner(cert, t.Publisher); err != nil {
			return nil, err
		}
	}
	for _, rules := range []struct {
		kind   FileRuleKind
		hashes []RuleHash
	}{{Deny, t.DenyHashes}, {Allow, t.AllowHashes}} {
		for _, h := range rules.hashes {
			if _, err := p.AddHashRule(rules.kind, h); err != nil {
				return nil, err
			}
		}
	}

	// PolicyInfo Name and Id, as Microsoft's templates carry them; Windows
	// shows them in its policy events. Microsoft's templates use a date as
	// Id; the PolicyID keeps the output reproducible and ties the events to
	// the policy.
	p.Settings = []*Setting{
		{Provider: "PolicyInfo", Key: "Information", ValueName: "Name", Value: Value{Type: String, String: t.Name}},
		{Provider: "PolicyInfo", Key: "Information", ValueName: "Id", Value: Value{Type: String, String: strings.Trim(id, "{}")}},
	}
	p.Apps = []*App{{Manifest: manifest}}
	for name, on := range t.Settings.All() {
		if name == enforcer.Audit {
			continue // a rule option, above
		}
		if err := p.SetAppSetting(appID, string(name), on); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ParseGUID returns s, a GUID with or without braces, as policies write
// it: in braces, upper case.
func ParseGUID(s string) (string, error) {
	g := "{" + strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}") + "}"
	if !guidPattern().MatchString(g) {
		return "", fmt.Errorf("%q is not a GUID", s)
	}
	return strings.ToUpper(g), nil
}

// NewGUID returns a random (version 4) GUID as policies write it.
func NewGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("{%X-%X-%X-%X-%X}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// A HashRuleUse is what a hash rule made from a file is for, which decides
// the digests of the file it names (FileHashes).
type HashRuleUse int

const (
	// DenyFile: a Deny rule. It names the SHA-256 of the bytes and, for a
	// PE image, its Authenticode SHA-256 and SHA-1, as New-CIPolicy
	// writes them: a rule on the bytes alone misses a copy whose checksum
	// or signature was changed, which Authenticode, and so the catalogs,
	// leave out. A Deny rule may name more than needed: refusing more is
	// safe.
	DenyFile HashRuleUse = iota
	// AllowFile: an Allow rule for the exact bytes, by their SHA-256 only.
	// No SHA-1, which would allow whatever file an attacker made to
	// collide with it, and no Authenticode digest, which a policy cannot
	// mark as one: it is the plain SHA-256 of the image without its
	// checksum, certificate-table entry and certificate table, bytes
	// anyone can save as a script.
	AllowFile
	// AllowImage: an Allow rule for a PE image handed to the OS image
	// loader, by its Authenticode SHA-256 only: it lets the image through
	// with any checksum or signature and, as script, the bytes whose
	// SHA-256 that digest is. Only images one trusts should be allowed so.
	AllowImage
)

// FileHashes returns the hashes a hash rule for use names for the file
// called name whose bytes are data, each with a FriendlyName: name, and
// name followed by the kind of digest for an Authenticode one. AllowImage
// needs a PE image (authenticode.ErrNotPE otherwise).
func FileHashes(name string, data []byte, use HashRuleUse) ([]RuleHash, error) {
	flat := sha256.Sum256(data)
	if use == AllowFile {
		return []RuleHash{{name, flat[:]}}, nil
	}
	sums, err := authenticode.Digest(bytes.NewReader(data), int64(len(data)), crypto.SHA256, crypto.SHA1)
	switch {
	case err == nil && use == AllowImage:
		return []RuleHash{{name + " (Authenticode SHA-256)", sums[0]}}, nil
	case err == nil:
		return []RuleHash{{name, flat[:]}, {name + " (Authenticode SHA-256)", sums[0]}, {name + " (Authenticode SHA-1)", sums[1]}}, nil
	case errors.Is(err, authenticode.ErrNotPE) && use == DenyFile:
		return []RuleHash{{name, flat[:]}}, nil
	}
	return nil, fmt.Errorf("%s: %w", name, err)
}
