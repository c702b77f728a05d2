package main

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/sipolicy"
	"github.com/spf13/cobra"
)

// policyEdits are the changes `intact policy set` makes to a policy.
type policyEdits struct {
	enforce, audit, noFileChecks     bool
	denyInteractive, denyDynamicCode bool
	appID                            string
	addSigners, removeSigners        []string
	publisher                        string
	denyHashes, allowHashes          []string
	allowImageHashes, removeRules    []string
	version                          string
	bump                             bool
	merge                            []string
	output                           string
}

func newPolicySetCmd() *cobra.Command {
	var e policyEdits
	cmd := &cobra.Command{
		Use:   "set [flags] policy.xml",
		Short: "Edit a policy in place, keeping its PolicyID: mode, signers, hash rules, version, merge",
		Long: `Set edits a policy and writes it back (or to -o FILE), keeping its PolicyID and
BasePolicyID, like Microsoft's Set-RuleOption, Set-CIPolicyVersion and
Merge-CIPolicy:

  --enforce, --audit, --no-file-checks   what the policy does with files
  (--enforce and --audit also remove the rule option Disabled:Script
  Enforcement, which would leave the policy checking no file;
  --no-file-checks keeps Enabled:Audit Mode as it is, since on Windows
  that option applies to all user-mode code)
  --deny-interactive[=false], --deny-dynamic-code[=false]
  --add-signer CERT [--publisher CN], --remove-signer ID|CERT
  --allow-hash, --allow-image-hash, --deny-hash (as for policy new),
  --remove-rule ID|HASH|FILE (by certificate, hash or file, only what trusts is
  removed: a denied signer or a Deny rule goes only when named by its ID;
  the Deny rules a removed signer names as exceptions stay)
  --version a.b.c.d (never lower than the policy's), --bump (raise the last
  field by one)
  --merge OTHER.xml: add OTHER's user-mode signers and hash rules, as
  Merge-CIPolicy does; the policy keeps its identity, version, rule options
  and settings, and every denial of either policy (a signer both allow
  keeps the exceptions of both). OTHER must be one intact could write back
  whole, as below

Changes apply in that order, merges last. Raise the version (--bump) when the
policy replaces a deployed one: Windows keeps a deployed policy over one with
a lower version. The output is Microsoft-shaped XML, so diffs stay small. A
policy with parts intact ignores, which it would not write back, is refused,
and so is merging one (edit it with Microsoft's tools).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := sipolicy.ParseFile(args[0])
			if err != nil {
				return exitstatus.UsageError(err)
			}
			if err := p.Rewritable(); err != nil {
				return exitstatus.UsageError(fmt.Errorf("%s: %w; edit it with Microsoft's tools", args[0], err))
			}
			before, err := p.Marshal()
			if err != nil {
				return err
			}
			if err := e.apply(cmd, p); err != nil {
				return err
			}
			data, err := p.Marshal()
			if err != nil {
				return err
			}
			if bytes.Equal(data, before) {
				return exitstatus.UsageError(fmt.Errorf("%s: nothing to change", args[0]))
			}
			out := e.output
			if out == "" {
				out = args[0]
			}
			if err := writeFileAtomic(out, data); err != nil {
				return err
			}
			printPolicySummary(cmd.OutOrStdout(), out, p, e.appID)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&e.enforce, "enforce", false, "check files and refuse those no trusted catalog or hash rule allows (leaves audit mode, removes Disabled:Script Enforcement)")
	f.BoolVar(&e.audit, "audit", false, "check files but only log would-be refusals (Enabled:Audit Mode; removes Disabled:Script Enforcement)")
	f.BoolVar(&e.noFileChecks, "no-file-checks", false, "check no files (EnforceCodeIntegrity false; the rule option Enabled:Audit Mode, WDAC-wide on Windows, is kept as it is)")
	f.BoolVar(&e.denyInteractive, "deny-interactive", false, "set DisableInteractiveMode (--deny-interactive=false clears it)")
	f.BoolVar(&e.denyDynamicCode, "deny-dynamic-code", false, "set DisableDynamicCode (--deny-dynamic-code=false clears it)")
	f.StringVar(&e.appID, "app-id", enforcer.DefaultAppID, "application `id` whose settings to change")
	f.StringArrayVar(&e.addSigners, "add-signer", nil, "trust catalogs whose chain contains this `certificate` (repeatable)")
	f.StringVar(&e.publisher, "publisher", "", "narrow the signers added to signing certificates with this common name `CN`")
	f.StringArrayVar(&e.removeSigners, "remove-signer", nil, "remove the signer with this `ID`, or the trust of every signer pinning this certificate file, leaving denials (repeatable)")
	f.StringArrayVar(&e.denyHashes, "deny-hash", nil, "add Deny rules for this hash or `file`, as policy new does (repeatable)")
	f.StringArrayVar(&e.allowHashes, "allow-hash", nil, "add an Allow rule for this hash or `file`'s exact bytes (repeatable)")
	f.StringArrayVar(&e.allowImageHashes, "allow-image-hash", nil, "add an Allow rule for the PE image `file` by its Authenticode SHA-256 (repeatable; see policy new)")
	f.StringArrayVar(&e.removeRules, "remove-rule", nil, "remove the file rule with this `ID`, every Allow rule with this hex hash, or every Allow rule that allows this file by any digest; a Deny rule only by its ID (repeatable)")
	f.StringVar(&e.version, "version", "", "set VersionEx to `a.b.c.d`, which must not be lower than the policy's")
	f.BoolVar(&e.bump, "bump", false, "raise VersionEx by one in its last field")
	f.StringArrayVar(&e.merge, "merge", nil, "merge this policy `file`'s user-mode signers and hash rules (repeatable)")
	f.StringVarP(&e.output, "output", "o", "", "write to `file` instead of editing the policy in place")
	cmd.MarkFlagsMutuallyExclusive("enforce", "audit", "no-file-checks")
	cmd.MarkFlagsMutuallyExclusive("version", "bump")
	return cmd
}

// apply makes the edits to p, in the order the help gives. A bad value is
// a usage error.
func (e *policyEdits) apply(cmd *cobra.Command, p *sipolicy.Policy) error {
	usage := exitstatus.UsageError
	for _, mode := range []struct {
		flag         string
		check, audit bool
	}{{"enforce", true, false}, {"audit", true, true}, {"no-file-checks", false, false}} {
		if cmd.Flags().Changed(mode.flag) {
			if err := p.SetAppSetting(e.appID, string(enforcer.EnforceCodeIntegrity), mode.check); err != nil {
				return usage(err)
			}
			// Audit mode is a WDAC rule option, policy-wide on Windows:
			// only a mode that checks files decides it. Dropping it with
			// the checks of intact's files would turn Windows' user-mode
			// code integrity from audit to enforce.
			audit := p.HasOption(sipolicy.OptionAuditMode)
			switch {
			case !mode.check && audit:
				printf(cmd.OutOrStdout(), "kept the rule option %q: on Windows it applies to all user-mode code, not only intact's\n", sipolicy.OptionAuditMode)
			case mode.check && audit != mode.audit:
				p.SetAudit(mode.audit)
				verb := "removed"
				if mode.audit {
					verb = "added"
				}
				printf(cmd.OutOrStdout(), "%s the rule option %q\n", verb, sipolicy.OptionAuditMode)
			}
			// Checking files means lifting the rule option that turns
			// them off, as Set-RuleOption -Delete would: otherwise the
			// policy would still check nothing.
			if mode.check && !p.ScriptEnforcement() {
				p.SetScriptEnforcement(true)
				printf(cmd.OutOrStdout(), "removed the rule option %q, which turned file checks off\n", sipolicy.OptionDisabledScriptEnforcement)
			}
		}
	}
	for _, setting := range []struct {
		flag string
		name enforcer.SettingName
		on   bool
	}{
		{"deny-interactive", enforcer.DisableInteractiveMode, e.denyInteractive},
		{"deny-dynamic-code", enforcer.DisableDynamicCode, e.denyDynamicCode},
	} {
		if cmd.Flags().Changed(setting.flag) {
			if err := p.SetAppSetting(e.appID, string(setting.name), setting.on); err != nil {
				return usage(err)
			}
		}
	}
	for _, name := range e.addSigners {
		cert, err := readCertificate(name)
		if err != nil {
			return usage(err)
		}
		if _, err := p.AddSigner(cert, e.publisher); err != nil {
			return usage(err)
		}
	}
	for _, v := range e.removeSigners {
		ids := []string{v}
		if p.Signer(v) == nil {
			cert, err := readCertificate(v)
			if err != nil {
				return usage(fmt.Errorf("--remove-signer %q: neither a signer ID of the policy nor a certificate: %w", v, err))
			}
			if ids, err = p.SignersOf(cert); err != nil {
				return usage(err)
			}
			if len(ids) == 0 {
				if denied, _ := p.DeniedSignersOf(cert); len(denied) > 0 {
					return usage(fmt.Errorf("--remove-signer %s: the policy denies this certificate (%s) and trusts it through no signer; to lift the denial, name the denied signer by its ID", v, strings.Join(denied, ", ")))
				}
				return usage(fmt.Errorf("--remove-signer %s: no signer of the policy pins this certificate", v))
			}
		}
		remove := p.Untrust
		if p.Signer(v) != nil {
			remove = p.RemoveSigner // named by its ID: all of it
		}
		for _, id := range ids {
			if err := remove(id); err != nil {
				return usage(err)
			}
		}
	}
	for _, rules := range []struct {
		flag   string
		use    sipolicy.HashRuleUse
		kind   sipolicy.FileRuleKind
		values []string
	}{
		{"deny-hash", sipolicy.DenyFile, sipolicy.Deny, e.denyHashes},
		{"allow-hash", sipolicy.AllowFile, sipolicy.Allow, e.allowHashes},
		{"allow-image-hash", sipolicy.AllowImage, sipolicy.Allow, e.allowImageHashes},
	} {
		hashes, err := flagHashes(rules.flag, rules.use, rules.values)
		if err != nil {
			return usage(err)
		}
		for _, h := range hashes {
			if _, err := p.AddHashRule(rules.kind, h); err != nil {
				return usage(err)
			}
		}
	}
	for _, v := range e.removeRules {
		if err := removeRule(p, v); err != nil {
			return usage(err)
		}
	}
	switch {
	case e.version != "":
		v, err := sipolicy.ParseVersion(e.version)
		if err != nil {
			return usage(fmt.Errorf("--version: %w", err))
		}
		if err := p.SetVersion(v); err != nil {
			return usage(fmt.Errorf("--version: %w; a policy replaces a deployed one only with a higher version", err))
		}
	case e.bump:
		if _, err := p.BumpVersion(); err != nil {
			return usage(err)
		}
	}
	for _, name := range e.merge {
		other, err := sipolicy.ParseFile(name)
		if err != nil {
			return usage(fmt.Errorf("--merge: %w", err))
		}
		if err := p.Merge(other); err != nil {
			return usage(fmt.Errorf("--merge %s: %w; edit it with Microsoft's tools", name, err))
		}
	}
	return nil
}

// flagHashes returns the hash rules that the values of a --deny-hash,
// --allow-hash or --allow-image-hash flag name (ruleHashes), each named
// after the flag and what it named.
func flagHashes(flag string, use sipolicy.HashRuleUse, values []string) ([]sipolicy.RuleHash, error) {
	var out []sipolicy.RuleHash
	for _, v := range values {
		hashes, err := ruleHashes(v, use)
		if err != nil {
			return nil, fmt.Errorf("--%s %w", flag, err)
		}
		for _, h := range hashes {
			// The rule's name says which flag wrote it.
			name := "--" + flag
			if h.Name != "" {
				name += " " + h.Name
			}
			out = append(out, sipolicy.RuleHash{Name: name, Hash: h.Hash})
		}
	}
	return out, nil
}

// removeRule removes what --remove-rule v names: the file rule with ID v;
// every Allow rule with the hex hash v, refused while Allow rules of the
// other algorithm remain, which may allow the same file by its other
// digest; or every Allow rule that allows the file v by any digest the
// policy may hold of it, so that no hash rule allows it any more.
func removeRule(p *sipolicy.Policy, v string) error {
	if p.FileRule(v) != nil {
		return p.RemoveRule(v)
	}
	var ids []string
	h, err := hex.DecodeString(v)
	if hashLen := len(h); err == nil && (hashLen == sha1.Size || hashLen == sha256.Size) {
		if ids = p.RulesWithHash(sipolicy.Allow, h); len(ids) == 0 {
			if denied := p.RulesWithHash(sipolicy.Deny, h); len(denied) > 0 {
				return fmt.Errorf("--remove-rule %s: only Deny rules (%s) have this hash; to lift a denial, name the rule by its ID", v, strings.Join(denied, ", "))
			}
			return fmt.Errorf("--remove-rule %s: no file rule of the policy has this hash", v)
		}
		var others []string
		for _, r := range p.AllowedHashes().Rules() {
			if len(r.Hash) != hashLen {
				others = append(others, r.ID)
			}
		}
		if len(others) > 0 {
			return fmt.Errorf("--remove-rule %s: the policy also has Allow rules of another digest (%s), which may allow the same file: give the file (--remove-rule FILE) to remove every rule that allows it, or name rules by their IDs", v, strings.Join(others, ", "))
		}
	} else {
		data, err := readRegularFile(v, maxHashedFile)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("--remove-rule %q: neither a file rule ID of the policy, nor a SHA-1 or SHA-256 hash, nor a file", v)
			}
			return fmt.Errorf("--remove-rule %w", err)
		}
		ids = allowRulesOf(p, data)
		if len(ids) == 0 {
			return fmt.Errorf("--remove-rule %s: no Allow rule of the policy allows this file", v)
		}
	}
	for _, id := range ids {
		if err := p.RemoveRule(id); err != nil {
			return err
		}
	}
	return nil
}

// allowRulesOf returns the IDs of the Allow rules that allow a file whose
// bytes are data by any digest: the SHA-1 or SHA-256 of its bytes, and for
// a PE image its Authenticode SHA-1 and SHA-256.
func allowRulesOf(p *sipolicy.Policy, data []byte) []string {
	flat1, flat256 := sha1.Sum(data), sha256.Sum256(data)
	digests := [][]byte{flat1[:], flat256[:]}
	if sums, err := authenticode.Digest(bytes.NewReader(data), int64(len(data)), crypto.SHA256, crypto.SHA1); err == nil {
		digests = append(digests, sums...)
	}
	var ids []string
	for _, d := range digests {
		for _, id := range p.RulesWithHash(sipolicy.Allow, d) {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}
