package main

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/sipolicy"
	"github.com/spf13/cobra"
)

func init() { register("policy", newPolicyCmd) }

func newPolicyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Make and explain WDAC code-integrity policies (SiPolicy XML)",
		Long: `A policy is a Windows Defender Application Control policy XML (SiPolicy): the
signers whose catalogs are trusted, hash rules, audit mode and the settings for
an application id. Windows enforces it there; intact enforces it elsewhere.`,
	}
	cmd.AddCommand(newPolicyNewCmd(), newPolicySetCmd(), newPolicyShowCmd(), newPolicyManifestCmd())
	return cmd
}

// policyOptions are the choices `intact policy new` turns into a policy.
type policyOptions struct {
	signers          []string
	publisher        string
	enforce          bool
	noFileChecks     bool
	denyInteractive  bool
	denyDynamicCode  bool
	audit            bool
	denyHashes       []string
	allowHashes      []string
	allowImageHashes []string
	id               string
	name             string
	appID            string
	manifest         string
	version          string
	output           string
}

func newPolicyNewCmd() *cobra.Command {
	var o policyOptions
	cmd := &cobra.Command{
		Use:   "new --signer CERT.pem [--signer CERT.pem]... -o policy.xml",
		Short: "Write a policy that trusts catalogs signed under the given certificates",
		Long: `New writes a complete base policy. Say what it does with files: --enforce
refuses every file no trusted catalog or hash rule allows; --audit checks them
the same way but only logs what it would refuse, and lets it run (with both,
--audit wins); --no-file-checks writes a policy that checks no file, for its
--deny-interactive or --deny-dynamic-code alone. The policy has the rule options Enabled:UMCI, Enabled:Unsigned
System Integrity Policy and Enabled:Update Policy No Reboot (and Enabled:Audit
Mode with --audit); one signer per --signer certificate, pinned by its TBS hash
(give the root or intermediate CA you trust, not a leaf that will be renewed);
user-mode signing scenario 12 allowing those signers and the hash rules; and the
settings for the application id, both as AppSettings (naming the manifest
<app-id>.manifest.xml, see 'intact policy manifest') and in the legacy Settings
form that older Windows reads. Windows' policy compiler reads that manifest:
with --manifest give where it will be (a path, or a file:, http: or https:
URI, ending in <app-id>.manifest.xml, the name by which intact ties
AppSettings to the id).

--deny-hash FILE refuses the file's exact bytes and, for a PE image, its
Authenticode digests. --allow-hash FILE allows the file's exact bytes only
(as script or as image). --allow-image-hash FILE allows a PE image by its
Authenticode SHA-256, with any checksum or signature, for hosts that hand it to
the OS image loader; a policy cannot mark that rule as Authenticode, so it also
vouches for any bytes whose SHA-256 equals that digest (the image without its
checksum, certificate-table entry and certificate table), as script too: use it
only for images you trust.

Deployed alone on Windows as a base policy it would block Windows itself: merge
it with Microsoft's templates or deploy it as a supplemental policy.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case !o.enforce && !o.audit && !o.noFileChecks:
				return exitstatus.UsageError(errors.New("say what the policy does with files: --enforce refuses those no catalog or hash rule allows, " +
					"--audit logs them and lets them run, --no-file-checks checks none"))
			case o.noFileChecks && (o.enforce || o.audit):
				return exitstatus.UsageError(errors.New("--no-file-checks contradicts --enforce and --audit"))
			}
			p, err := buildPolicy(&o)
			if err != nil {
				return exitstatus.UsageError(err)
			}
			data, err := p.Marshal()
			if err != nil {
				return err
			}
			if err := writeFileAtomic(o.output, data); err != nil {
				return err
			}
			printPolicySummary(cmd.OutOrStdout(), o.output, p, o.appID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.signers, "signer", nil, "trust catalogs whose chain contains this `certificate` (PEM or DER, one certificate per file; repeatable)")
	f.StringVar(&o.publisher, "publisher", "", "also require the signing (leaf) certificate's common name to be `CN`")
	f.BoolVar(&o.enforce, "enforce", false, "check files and refuse those no trusted catalog or hash rule allows (EnforceCodeIntegrity; this, --audit or --no-file-checks is required)")
	f.BoolVar(&o.noFileChecks, "no-file-checks", false, "check no files: the policy only blocks what --deny-interactive and --deny-dynamic-code say")
	f.BoolVar(&o.denyInteractive, "deny-interactive", false, "set DisableInteractiveMode: refuse eval, the REPL and code on stdin")
	f.BoolVar(&o.denyDynamicCode, "deny-dynamic-code", false, "set DisableDynamicCode: refuse code built from strings at run time")
	f.BoolVar(&o.audit, "audit", false, "check files but only log would-be refusals (EnforceCodeIntegrity and Enabled:Audit Mode; --deny-interactive and --deny-dynamic-code still block)")
	f.StringArrayVar(&o.denyHashes, "deny-hash", nil, "refuse files with this SHA-256 or SHA-1 hex hash, or with the hashes of this `file` (repeatable)")
	f.StringArrayVar(&o.allowHashes, "allow-hash", nil, "allow files with this SHA-256 or SHA-1 hex hash, or with the SHA-256 of this `file`'s exact bytes (repeatable)")
	f.StringArrayVar(&o.allowImageHashes, "allow-image-hash", nil, "allow the PE image `file` by its Authenticode SHA-256, with any checksum or signature, for the OS image loader; "+
		"the rule also vouches for any bytes whose SHA-256 equals that digest, as script too, so give only images you trust (repeatable)")
	f.StringVar(&o.id, "id", "", "policy `GUID` (PolicyID and BasePolicyID; default: a new random one)")
	f.StringVar(&o.name, "name", "intact policy", "policy `name` (FriendlyName and PolicyInfo Name)")
	f.StringVar(&o.appID, "app-id", enforcer.DefaultAppID, "application `id` the settings are for")
	f.StringVar(&o.manifest, "manifest", "", "App Manifest `URI` for AppSettings (default <app-id>.manifest.xml)")
	f.StringVar(&o.version, "version", "1.0.0.0", "policy `version` a.b.c.d (VersionEx; raise it to replace a deployed policy)")
	f.StringVarP(&o.output, "output", "o", "", "write the policy to `file` (required)")
	cmd.MarkFlagRequired("output")
	return cmd
}

// buildPolicy turns the options into a policy. The same options and --id
// give the same bytes.
func buildPolicy(o *policyOptions) (*sipolicy.Policy, error) {
	t := sipolicy.Template{
		ID:        o.id,
		Name:      o.name,
		Publisher: o.publisher,
		Settings: enforcer.Settings{
			// Audit mode audits file checks: it needs them on.
			EnforceCodeIntegrity:   o.enforce || o.audit,
			DisableInteractiveMode: o.denyInteractive,
			DisableDynamicCode:     o.denyDynamicCode,
			Audit:                  o.audit,
		},
		AppID:    o.appID,
		Manifest: o.manifest,
	}
	if t.ID != "" {
		var err error
		if t.ID, err = sipolicy.ParseGUID(o.id); err != nil {
			return nil, fmt.Errorf("--id: %w", err)
		}
	}
	var err error
	if t.Version, err = sipolicy.ParseVersion(o.version); err != nil {
		return nil, fmt.Errorf("--version: %w", err)
	}
	for _, name := range o.signers {
		cert, err := readCertificate(name)
		if err != nil {
			return nil, err
		}
		t.Signers = append(t.Signers, cert)
	}
	for _, rules := range []struct {
		flag   string
		use    sipolicy.HashRuleUse
		values []string
		dst    *[]sipolicy.RuleHash
	}{
		{"deny-hash", sipolicy.DenyFile, o.denyHashes, &t.DenyHashes},
		{"allow-hash", sipolicy.AllowFile, o.allowHashes, &t.AllowHashes},
		{"allow-image-hash", sipolicy.AllowImage, o.allowImageHashes, &t.AllowHashes},
	} {
		hashes, err := flagHashes(rules.flag, rules.use, rules.values)
		if err != nil {
			return nil, err
		}
		*rules.dst = append(*rules.dst, hashes...)
	}
	return sipolicy.New(t)
}

// readCertificate reads the one certificate in a PEM or DER file. A file
// with several certificates is refused: which one to trust must be explicit.
func readCertificate(name string) (*x509.Certificate, error) {
	data, err := readRegularFile(name, 1<<20)
	if err != nil {
		return nil, err
	}
	der := data
	if bytes.Contains(data, []byte("-----BEGIN")) {
		der = nil
		for rest := data; ; {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			if block.Type != "CERTIFICATE" {
				continue
			}
			if der != nil {
				return nil, fmt.Errorf("%s: more than one certificate; give the one to trust in a file of its own", name)
			}
			der = block.Bytes
		}
		if der == nil {
			return nil, fmt.Errorf("%s: no CERTIFICATE in the PEM file", name)
		}
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cert, nil
}

func newPolicyShowCmd() *cobra.Command {
	var asJSON bool
	var appID string
	cmd := &cobra.Command{
		Use:   "show policy.xml",
		Short: "Explain a policy in plain words",
		Long: `Show explains a policy: its identity and version, whether it enforces or audits,
whether scripts are checked, the signers it trusts and denies for user-mode code,
its hash rules, the settings for the application id and where each comes from,
and what intact ignores in it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := sipolicy.ParseFile(args[0])
			if err != nil {
				return exitstatus.UsageError(err)
			}
			r := explainPolicy(args[0], p, appID)
			if asJSON {
				return writeIndentedJSON(cmd.OutOrStdout(), r)
			}
			r.print(cmd.OutOrStdout())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&appID, "app-id", enforcer.DefaultAppID, "show the settings for application `id`")
	return cmd
}

// policyReport is what `intact policy show` says about a policy.
type policyReport struct {
	File              string `json:"file"`
	PolicyID          string `json:"policyId"`
	BasePolicyID      string `json:"basePolicyId,omitempty"`
	PolicyTypeID      string `json:"policyTypeId,omitempty"`
	Type              string `json:"type,omitempty"`
	Name              string `json:"name,omitempty"`
	Version           string `json:"version"`
	Mode              string `json:"mode"` // "enforce" or "audit": the Enabled:Audit Mode option
	ScriptEnforcement bool   `json:"scriptEnforcement"`
	// Files is what the policy does with the application's files:
	// "enforce", "audit" or "off" (sipolicy.FileChecks), with the reason
	// when off.
	Files          sipolicy.FileChecks `json:"files"`
	FilesOffReason string              `json:"filesOffReason,omitempty"`
	Options        []string            `json:"options"`
	AllowedSigners []signerReport      `json:"allowedSigners"`
	DeniedSigners  []signerReport      `json:"deniedSigners"`
	AllowedHashes  []hashReport        `json:"allowedHashes"`
	DeniedHashes   []hashReport        `json:"deniedHashes"`
	DeniedPaths    []pathReport        `json:"deniedPaths"`
	AppID          string              `json:"appId"`
	Settings       []settingReport     `json:"settings"`
	Ignored        []string            `json:"ignored"`
}

// pathReport is a Deny rule by path.
type pathReport struct {
	ID       string `json:"id"`
	FilePath string `json:"filePath"`
}

type signerReport struct {
	ID        string   `json:"id"`
	Name      string   `json:"name,omitempty"`
	Root      string   `json:"root"` // "TBS" or "Wellknown"
	Value     string   `json:"value"`
	Hash      string   `json:"hash,omitempty"` // of a TBS root
	Publisher string   `json:"publisher,omitempty"`
	EKUs      []string `json:"ekus,omitempty"`
	// Effective is false for an allowed signer intact never trusts, with
	// the reason in Note.
	Effective bool   `json:"effective"`
	Note      string `json:"note,omitempty"`
}

type hashReport struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Algorithm string `json:"algorithm"`
	Hash      string `json:"hash"`
}

type settingReport struct {
	Name   string `json:"name"`
	Value  bool   `json:"value"`
	Source string `json:"source"` // "AppSettings", "Settings" or "not set"
}

func explainPolicy(file string, p *sipolicy.Policy, appID string) *policyReport {
	r := &policyReport{
		File: file, PolicyID: p.PolicyID, BasePolicyID: p.BasePolicyID, PolicyTypeID: p.PolicyTypeID,
		Type: p.Type, Name: p.FriendlyName, Version: p.Version.String(), Mode: "enforce",
		ScriptEnforcement: p.ScriptEnforcement(), Options: p.Options, AppID: appID,
		AllowedSigners: []signerReport{}, DeniedSigners: []signerReport{}, Ignored: []string{},
	}
	if r.Name == "" {
		for _, s := range p.Settings {
			if s.Provider == "PolicyInfo" && s.Key == "Information" && s.ValueName == "Name" && s.Value.Type == sipolicy.String {
				r.Name = s.Value.String
			}
		}
	}
	if p.Audit() {
		r.Mode = "audit"
	}
	r.Files, r.FilesOffReason = p.FileChecks(appID)
	if sc := p.Scenario(sipolicy.UserMode); sc != nil {
		for _, a := range sc.Allowed {
			sr := reportSigner(a.Signer)
			if why := a.Signer.Ineffective(); why != "" {
				sr.Effective, sr.Note = false, why
			}
			r.AllowedSigners = append(r.AllowedSigners, sr)
		}
	}
	for _, s := range p.DeniedSigners() {
		r.DeniedSigners = append(r.DeniedSigners, reportSigner(s))
	}
	r.AllowedHashes = describeHashes(p.AllowedHashes())
	r.DeniedHashes = describeHashes(p.DeniedHashes())
	r.DeniedPaths = []pathReport{}
	for _, rule := range p.DeniedPaths() {
		r.DeniedPaths = append(r.DeniedPaths, pathReport{ID: rule.ID, FilePath: rule.FilePath})
	}
	for _, name := range []enforcer.SettingName{enforcer.EnforceCodeIntegrity, enforcer.DisableInteractiveMode, enforcer.DisableDynamicCode} {
		v, src := p.LookupAppSetting(appID, string(name))
		r.Settings = append(r.Settings, settingReport{Name: string(name), Value: v, Source: src.String()})
	}
	for _, n := range p.Notes {
		r.Ignored = append(r.Ignored, n.String())
	}
	return r
}

// reportSigner is the report of an allowed or denied signer, effective
// unless the caller says otherwise.
func reportSigner(s *sipolicy.Signer) signerReport {
	sr := signerReport{ID: s.ID, Name: s.Name, Root: s.RootType, Value: upperHex(s.Root), Publisher: s.Publisher, Effective: true}
	if h := s.HashAlgorithm(); h != 0 {
		sr.Hash = h.String()
	}
	for _, e := range s.EKUs {
		sr.EKUs = append(sr.EKUs, e.OID.String())
	}
	return sr
}

func describeHashes(s *sipolicy.HashSet) []hashReport {
	out := []hashReport{}
	for _, r := range s.Rules() {
		alg := "SHA-256"
		if len(r.Hash) == 20 {
			alg = "SHA-1"
		}
		out = append(out, hashReport{ID: r.ID, Name: r.FriendlyName, Algorithm: alg, Hash: upperHex(r.Hash)})
	}
	return out
}

func (r *policyReport) print(w io.Writer) {
	printf(w, "policy %s\n", r.File)
	line := func(label, format string, args ...any) {
		printf(w, "  %-16s %s\n", label+":", fmt.Sprintf(format, args...))
	}
	if r.Name != "" {
		line("name", "%s", r.Name)
	}
	if r.PolicyTypeID != "" {
		line("policy type id", "%s (legacy single-policy format)", r.PolicyTypeID)
	}
	if r.PolicyID != "" {
		line("policy id", "%s", r.PolicyID)
	}
	if r.BasePolicyID != "" {
		line("base policy id", "%s", r.BasePolicyID)
	}
	if r.Type != "" {
		line("type", "%s", r.Type)
	}
	line("version", "%s", r.Version)
	switch {
	case r.Files == sipolicy.FilesUnchecked:
		line("mode", "%s, but no file is checked (see files)", r.Mode)
	case r.Mode == "audit":
		line("mode", "audit: would-be denials of files are logged, the files run (Enabled:Audit Mode)")
	default:
		line("mode", "enforce: denials refuse code")
	}
	if r.ScriptEnforcement {
		line("script checks", "on: files are checked when EnforceCodeIntegrity is set")
	} else {
		line("script checks", "off (Disabled:Script Enforcement): intact checks no files")
	}
	line("files", "%s", filesSummary(r.Files, r.FilesOffReason, r.AppID))
	line("options", "%s", strings.Join(r.Options, ", "))

	signers := func(title string, list []signerReport) {
		if len(list) == 0 {
			printf(w, "%s: none\n", title)
			return
		}
		printf(w, "%s:\n", title)
		for _, s := range list {
			printf(w, "  %s %q\n", s.ID, s.Name)
			if s.Hash != "" {
				printf(w, "    certificate in the chain with TBS %s %s\n", s.Hash, s.Value)
			} else {
				printf(w, "    %s root %s\n", s.Root, s.Value)
			}
			if s.Publisher != "" {
				printf(w, "    signing certificate's common name: %q\n", s.Publisher)
			}
			if len(s.EKUs) > 0 {
				printf(w, "    signing certificate's EKUs include: %s\n", strings.Join(s.EKUs, ", "))
			}
			if s.Note != "" {
				printf(w, "    NOT TRUSTED by intact: %s\n", s.Note)
			}
		}
	}
	signers("trusted signers (user mode)", r.AllowedSigners)
	signers("denied signers (user mode)", r.DeniedSigners)
	hashes := func(title string, list []hashReport) {
		if len(list) == 0 {
			printf(w, "%s: none\n", title)
			return
		}
		printf(w, "%s:\n", title)
		for _, h := range list {
			printf(w, "  %s %s %s\n", h.ID, h.Algorithm, h.Hash)
		}
	}
	hashes("files allowed by hash", r.AllowedHashes)
	hashes("files denied by hash", r.DeniedHashes)
	if len(r.DeniedPaths) > 0 {
		printf(w, "files denied by path:\n")
		for _, d := range r.DeniedPaths {
			printf(w, "  %s %s\n", d.ID, d.FilePath)
		}
	}
	printf(w, "settings for app id %q:\n", r.AppID)
	for _, s := range r.Settings {
		if s.Source == sipolicy.NotSet.String() {
			printf(w, "  %-23s not set (false)\n", s.Name+":")
		} else {
			printf(w, "  %-23s %v (from %s)\n", s.Name+":", s.Value, s.Source)
		}
	}
	if len(r.Ignored) > 0 {
		fmt.Fprintln(w, "ignored by intact:")
		for _, n := range r.Ignored {
			printf(w, "  %s\n", n)
		}
	}
}

// filesSummary says in a line what a policy does with the files of
// application appID: the first thing an operator needs to know of it.
func filesSummary(files sipolicy.FileChecks, offReason, appID string) string {
	switch files {
	case sipolicy.FilesEnforced:
		return "ENFORCED: a file runs only if a trusted catalog or an Allow hash rule vouches for it"
	case sipolicy.FilesAudited:
		return "AUDITED: files are checked, and those that would be refused are logged and run"
	}
	return fmt.Sprintf("NOT CHECKED for app id %q: %s; any file runs", appID, offReason)
}

// printPolicySummary is the line that says what a policy written to file
// does: its id and version, what it does with files, what else it blocks,
// and what it trusts.
func printPolicySummary(w io.Writer, file string, p *sipolicy.Policy, appID string) {
	files, why := p.FileChecks(appID)
	var blocks []string
	if on, _ := p.AppSetting(appID, string(enforcer.DisableInteractiveMode)); on {
		blocks = append(blocks, "eval, REPL and stdin blocked")
	}
	if on, _ := p.AppSetting(appID, string(enforcer.DisableDynamicCode)); on {
		blocks = append(blocks, "dynamic code blocked")
	}
	extra := ""
	if len(blocks) > 0 {
		extra = "; " + strings.Join(blocks, ", ")
	}
	printf(w, "wrote %s: policy %s version %s (%s), %d signer(s), %d hash rule(s)%s\n",
		file, p.PolicyID, p.Version, files, len(p.Signers), len(p.FileRules), extra)
	printf(w, "  files: %s\n", filesSummary(files, why, appID))
}

func newPolicyManifestCmd() *cobra.Command {
	var appID, output string
	cmd := &cobra.Command{
		Use:   "manifest [-o FILE]",
		Short: "Write the App Manifest that policies' AppSettings name",
		Long: `Manifest writes the App Manifest for the application id (by default intact's own,
shipped with intact) to FILE or standard output. Windows reads it when it compiles
a policy whose AppSettings name it; keep its file name <app-id>.manifest.xml, which
is how intact ties AppSettings to the application id.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			data := sipolicy.IntactManifest()
			if appID != enforcer.DefaultAppID {
				m, err := sipolicy.ParseManifest(sipolicy.ManifestFileName(enforcer.DefaultAppID), data)
				if err != nil {
					return err
				}
				m.ID = appID
				if data, err = m.Marshal(); err != nil {
					return err
				}
			}
			if output == "" {
				_, err := cmd.OutOrStdout().Write(data)
				return err
			}
			return writeFileAtomic(output, data)
		},
	}
	cmd.Flags().StringVar(&appID, "app-id", enforcer.DefaultAppID, "application `id` of the manifest")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to `file` instead of standard output")
	return cmd
}

// ruleHashes returns the hashes a --deny-hash, --allow-hash or
// --allow-image-hash value names: the value itself when it is a SHA-256 or
// SHA-1 in hex (not for --allow-image-hash, which must read the image),
// else those sipolicy.FileHashes gives for the file it names, named after
// it.
func ruleHashes(value string, use sipolicy.HashRuleUse) ([]sipolicy.RuleHash, error) {
	if use != sipolicy.AllowImage {
		if h, err := hex.DecodeString(value); err == nil && (len(h) == sha1.Size || len(h) == sha256.Size) {
			return []sipolicy.RuleHash{{Hash: h}}, nil
		}
	}
	data, err := readRegularFile(value, maxHashedFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && use != sipolicy.AllowImage {
			return nil, fmt.Errorf("%q: neither a SHA-256 (64 hex digits) or SHA-1 (40 hex digits) hash nor a file", value)
		}
		return nil, err
	}
	return sipolicy.FileHashes(value, data, use)
}

// maxHashedFile bounds the files the hash rule flags read whole.
const maxHashedFile = 1 << 30
