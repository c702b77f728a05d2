package intact

import (
	"errors"
	"strings"

	"github.com/intactdev/intact/enforcer"
)

// A Refusal says, for an operator, why code was refused and what to do
// next (Explain). Hosts print it after the refusal's own message, which
// stays Node.js's.
type Refusal struct {
	// Code is the refusal's error code: CodeViolation or CodeBlocked.
	Code string `json:"code"`
	// Path is the refused file; empty for a blocked feature.
	Path string `json:"path,omitempty"`
	// Reason is the stable reason of the denial that decides (the first
	// one, in the order the enforcers judged), or of the block.
	Reason enforcer.Reason `json:"reason"`
	// Why says in a sentence why, with the denial's details.
	Why string `json:"why"`
	// Next says what to do next.
	Next string `json:"next"`
	// Check is the command that explains the verdict in full, for a
	// refused file: "intact check PATH".
	Check string `json:"check,omitempty"`
}

// Explain returns the refusal that err reports, or nil when err is no
// policy refusal (ErrorCode returns "").
func Explain(err error) *Refusal {
	var b *BlockedError
	if errors.As(err, &b) {
		r := &Refusal{Code: CodeBlocked, Reason: b.Reason()}
		switch {
		case b.Feature == FeatureDynamicCode:
			r.Why = "the policy disables code built from strings at run time (eval(), new Function() and the like)"
			r.Next = "build no code from strings, or run under a policy without DisableDynamicCode (intact policy set --deny-dynamic-code=false)"
		case b.Feature == FeatureStdin && b.Err != nil:
			r.Why = "the policy disables interactive mode, and standard input is not a file the policy allows: " + b.Err.Error()
			r.Next = "run the program from a file the policy allows (intact run FILE)"
		default:
			r.Why = "the policy disables interactive mode: eval, the REPL and code on standard input"
			r.Next = "run the program from a file the policy allows (intact run FILE)"
		}
		if b.Source != "" {
			r.Why += " (" + b.Source + ")"
		}
		return r
	}
	var v *ViolationError
	if !errors.As(err, &v) {
		return nil
	}
	r := &Refusal{Code: CodeViolation, Path: v.Path, Reason: v.Reason()}
	var d *enforcer.Denial
	if len(v.Denials) > 0 {
		d = v.Denials[0]
	}
	detail := ""
	if d != nil {
		detail = d.Detail
		if d.Err != nil {
			detail = strings.TrimPrefix(detail+": "+d.Err.Error(), ": ")
		}
		if detail != "" {
			detail = ": " + detail
		}
	}
	why, next := reasonText(r.Reason)
	r.Why = why + detail
	r.Next = next
	r.Check = "intact check " + v.Path
	return r
}

// reasonText is the why and the what-next of each reason, without details.
func reasonText(reason enforcer.Reason) (why, next string) {
	switch reason {
	case enforcer.ReasonNotInCatalog:
		return "no catalog the policy trusts lists the file, and no Allow hash rule names it",
			"sign it into a catalog (intact catalog new) and deploy the catalog, or allow its hash (intact policy set --allow-hash FILE POLICY)"
	case enforcer.ReasonChangedSinceSign:
		return "the file changed since it was signed",
			"restore the signed file, or sign this version into a catalog (intact catalog new) and deploy the catalog"
	case enforcer.ReasonUntrustedSigner:
		return "only catalogs signed by a signer the policy does not trust list the file",
			"sign the catalog with a certificate under a CA the policy trusts (intact policy show lists them), or trust that CA (intact policy set --add-signer CA.pem POLICY)"
	case enforcer.ReasonDeniedSigner:
		return "the catalogs that list the file are signed by a signer the policy denies",
			"sign the file's catalog with a certificate the policy does not deny"
	case enforcer.ReasonDeniedByHash:
		return "a Deny hash rule of the policy names the file",
			"the policy refuses these bytes on purpose; remove the rule (intact policy set --remove-rule ID POLICY) only if it is wrong"
	case enforcer.ReasonDeniedByPath:
		return "a Deny FilePath rule of the policy names the file's path",
			"the policy refuses files at this path on purpose; remove the rule (intact policy set --remove-rule ID POLICY) only if it is wrong"
	case enforcer.ReasonKernelRefused:
		return "the kernel refused to execute the file (AT_EXECVE_CHECK)",
			"make the file executable (chmod +x) on a file system not mounted noexec; if neither is the cause, a security module (Landlock, IMA, IPE, fapolicyd) refused it: see its rules"
	case enforcer.ReasonPolicyUnavailable:
		return "a policy or catalog that could allow the file cannot be read or verified",
			"check the catalogs (intact catalog verify) and the policy (intact status), re-sign or replace the broken one"
	case enforcer.ReasonUnlinked:
		return "the code has no path in any folder (a memfd, a deleted or O_TMPFILE file), so no policy judged it",
			"run the code from a file"
	case enforcer.ReasonNotRegular:
		return "the file is not a regular file (a FIFO, device or folder)",
			"run a regular file"
	case enforcer.ReasonTooLarge:
		return "the file is larger than the largest file intact reads as code",
			"raise INTACT_MAX_CODE_SIZE if the file is meant to run"
	case enforcer.ReasonImageAsScript:
		return "the file is a PE image, which intact never runs as script",
			"load it as the native module or program it is"
	case enforcer.ReasonChanged:
		return "the file changed while it was read",
			"run it again once nothing writes to it"
	}
	return "the policy refused the file", "see the denials"
}
