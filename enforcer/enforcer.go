// Package enforcer defines the contract between intact and the sources of
// code-integrity policy: Windows WDAC, the Linux kernel, and signed catalogs.
//
// An Enforcer reports the settings its source asks for and judges code in one
// or both of two ways: an OS enforcer judges the open file (FileChecker), a
// content enforcer judges the exact bytes that were read (ContentChecker). The
// root package intact opens, reads and hashes each file once and asks every
// enforcer; enforcers know nothing of runtimes or JavaScript.
package enforcer

import (
	"fmt"
	"iter"
	"os"
)

// DefaultAppID is the application id intact asks policies about when the
// host names none: the WDAC App Manifest Id (the shipped manifest's, see
// package sipolicy) and the Provider of the policy's legacy Settings.
// Embedders may choose their own.
const DefaultAppID = "intact"

// A SettingName names a setting as policies spell it: the Name of an
// AppSettings Setting, the ValueName of a legacy Setting, and the key of
// Status.Sources.
type SettingName string

// The settings intact knows. The first three are application settings a
// policy defines for an app id; Audit is the policy's "Enabled:Audit Mode"
// rule option, or whatever else puts a source in audit mode.
const (
	EnforceCodeIntegrity   SettingName = "EnforceCodeIntegrity"
	DisableInteractiveMode SettingName = "DisableInteractiveMode"
	DisableDynamicCode     SettingName = "DisableDynamicCode"
	Audit                  SettingName = "Audit"
)

// Settings are what one policy source asks of the code that runs under it.
// Settings from several sources combine with OR.
type Settings struct {
	// EnforceCodeIntegrity: files must pass this source's checks to run.
	EnforceCodeIntegrity bool
	// DisableInteractiveMode: eval strings, the REPL and code on stdin are
	// refused (stdin only when the stdin descriptor itself fails the checks).
	DisableInteractiveMode bool
	// DisableDynamicCode: code built from strings at run time (eval,
	// Function, vm) is refused. An intact extension; WDAC has no equivalent
	// for scripts.
	DisableDynamicCode bool
	// Audit: this source's denials are logged, not enforced.
	Audit bool
}

// Or returns the union of s and t.
func (s Settings) Or(t Settings) Settings {
	return Settings{
		EnforceCodeIntegrity:   s.EnforceCodeIntegrity || t.EnforceCodeIntegrity,
		DisableInteractiveMode: s.DisableInteractiveMode || t.DisableInteractiveMode,
		DisableDynamicCode:     s.DisableDynamicCode || t.DisableDynamicCode,
		Audit:                  s.Audit || t.Audit,
	}
}

// All yields each setting's name and value, in the order above, which is
// the order intact reports them in.
func (s Settings) All() iter.Seq2[SettingName, bool] {
	return func(yield func(SettingName, bool) bool) {
		_ = yield(EnforceCodeIntegrity, s.EnforceCodeIntegrity) &&
			yield(DisableInteractiveMode, s.DisableInteractiveMode) &&
			yield(DisableDynamicCode, s.DisableDynamicCode) &&
			yield(Audit, s.Audit)
	}
}

// Enforcer is one source of code-integrity policy. Implementations must be
// safe for concurrent use and must not cache per-file verdicts.
type Enforcer interface {
	// Name is a short stable identifier: "catalogs", "execcheck", "wldp".
	Name() string
	// Settings reports what this source asks for. It is read once, when
	// the enforcer is loaded, and does not change afterwards.
	Settings() Settings
	// Status describes the enforcer for `intact status`.
	Status() Status
}

// FileChecker is implemented by enforcers that judge an open file, such as
// the OS kernel's own verdict on an inode. f is open for reading, positioned
// at the start, and is the descriptor the bytes will be read from.
// CheckFile returns nil when the file may run and a *Denial when it may not.
type FileChecker interface {
	CheckFile(f *os.File, path string) error
}

// ContentChecker is implemented by enforcers that judge the exact bytes that
// will run. CheckContent returns nil when the content may run and a *Denial
// when it may not. It must not retain or modify c.Data.
type ContentChecker interface {
	CheckContent(c Content) error
}

// DigestChecker is implemented by content enforcers that can refuse a file
// by the SHA-256 of its bytes and its size alone, before the bytes are read
// into memory. CheckDigest returns a *Denial only when no content with that
// SHA-256 and size can ever be allowed to run as script (the Denial's reason
// is the one CheckContent would give, or one it might give when several
// apply), and nil when it allows the content or cannot tell without the
// bytes; CheckContent still judges the bytes of every file it lets through.
type DigestChecker interface {
	CheckDigest(sha256 [32]byte, size int64) error
}

// Loader is implemented by enforcers that read what they judge by on first
// use, as the catalogs enforcer reads, verifies and indexes its catalogs.
// Load does that now, unless it is done, and returns when it is done; the
// enforcer's Status describes what was read only afterwards. intact's
// Policy.Warm and Policy.Status call it. Load must be safe for concurrent
// use, with itself and with the checks.
type Loader interface {
	Load()
}

// Explainer is implemented by content enforcers that can say what vouched
// for content they allow. ExplainContent judges c exactly as CheckContent
// does and returns the same error; when that is nil, the Allowance says
// why the content may run. intact's Policy.ExplainCode asks it instead of
// CheckContent, so that one read both judges and explains a file.
type Explainer interface {
	ExplainContent(c Content) (Allowance, error)
}

// An Allowance says what vouched for content an enforcer allowed. Fields
// that do not apply are empty.
type Allowance struct {
	// HashRule names the policy's Allow hash rule that names the content.
	HashRule string
	// Catalog is the catalog file that lists the content's digest.
	Catalog string
	// PolicySigner names the policy's signer (WDAC's Signer element)
	// through which the catalog is trusted, and SignedBy is the subject of
	// the certificate that signed the catalog, which chains to the
	// certificate that signer pins.
	PolicySigner string
	SignedBy     string
}

// Content is a file's bytes as read from the checked descriptor.
type Content struct {
	Path   string   // the path the caller asked for
	Data   []byte   // the exact bytes that will run
	SHA256 [32]byte // SHA-256 of Data, computed once by the caller
	// File is the fstat of the descriptor Data was read from, or nil when
	// the bytes did not come from an open file. Path is the name the
	// caller gave, which need not name that file: with "dir/link/.."
	// cleaned textually, or a link swapped since. An enforcer that
	// vouches for content by path (empty files, which catalogs record by
	// path) must check that the file at Path is File (os.SameFile).
	File os.FileInfo
	// Image is set when the host hands Data to the OS image loader
	// (dlopen, LoadLibrary) and never to a script engine (intact's
	// Policy.ReadImage). Only then may a PE image be vouched for by its
	// Authenticode digest, which leaves out the image's checksum, its
	// certificate-table entry and the certificate table at the end:
	// bytes the loader does not map, but that a script engine would run
	// if the file is also a script. It is never derived from the file's
	// name. Bytes that will run as script, JSON or WebAssembly are
	// judged by the digest of all of them.
	Image bool
}

// Status describes an enforcer for operators.
type Status struct {
	// Available is false when the source cannot work here (an old
	// kernel, a missing DLL export). An unavailable enforcer that is asked
	// to enforce refuses everything.
	Available bool
	// Policy identifies the policy in force, e.g. a WDAC PolicyID and
	// VersionEx. Empty when the source has no such identity.
	PolicyID      string
	PolicyVersion string
	// Sources says where each setting came from, e.g. "securebit
	// SECBIT_EXEC_RESTRICT_FILE" for EnforceCodeIntegrity.
	Sources map[SettingName]string
	// Details are further facts, one per line (catalogs loaded, signers,
	// ignored policy elements, the reason a source is unavailable).
	Details []string
	// Catalogs are the catalogs the enforcer has read, and what its
	// policy makes of each, for scripts (intact status --json).
	Catalogs []CatalogStatus
}

// CatalogStatus is what a policy makes of one catalog.
type CatalogStatus struct {
	File string
	// Trust is "trusted", "denied" (signed by a denied signer),
	// "untrusted" (by no allowed signer), "unverifiable" (its signature
	// does not match its content) or "unreadable".
	Trust string
	// PolicySigner is the policy's signer that trusts or denies the
	// catalog; Reason says why it is not trusted.
	PolicySigner, Reason string
	// Signer and Issuer are the signing certificate's subject and issuer,
	// empty when the catalog is unsigned or unreadable.
	Signer, Issuer string
	Version        int // 1 (SHA-1 members) or 2 (SHA-256)
	Files          int // members, without version 2 SHA-1 compatibility entries
	// Index says how the catalog's index was had when the system folder
	// has a folder of cached indexes in use: "cached" (taken from it),
	// "stored" (scanned, then stored there), "scanned"; "" when none is.
	Index string
}

// Reason is a stable, machine-readable reason for a denial or a block: a
// short lowercase code, never free text (which goes in Denial.Detail).
// Events carry it as "reason", for rules to match on.
type Reason string

// The reasons intact reports. Their string values are stable. The last two
// are the reasons of blocks (intact's BlockedError), not of denials.
const (
	ReasonNotRegular        Reason = "not-regular-file"      // a FIFO, device or directory
	ReasonUnreadable        Reason = "unreadable"            // open or read failed while enforcing
	ReasonChanged           Reason = "changed-while-read"    // the file changed between check and read
	ReasonTooLarge          Reason = "too-large"             // larger than the maximum code size; refused before reading
	ReasonImageAsScript     Reason = "image-as-script"       // a PE image read to run as script (ReadCode), whatever its name
	ReasonNotInCatalog      Reason = "not-in-catalog"        // no trusted catalog lists the file's hash
	ReasonChangedSinceSign  Reason = "changed-since-signing" // not-in-catalog, but a trusted catalog lists another digest at the file's path
	ReasonUntrustedSigner   Reason = "untrusted-signer"      // listed only in catalogs whose signer the policy does not allow
	ReasonDeniedSigner      Reason = "denied-signer"         // listed only in catalogs signed by a denied signer
	ReasonDeniedByHash      Reason = "denied-by-hash"        // a policy Deny rule names the file's hash
	ReasonDeniedByPath      Reason = "denied-by-path"        // a policy Deny rule names the file's path
	ReasonKernelRefused     Reason = "kernel-refused"        // execveat(AT_EXECVE_CHECK) refused the file
	ReasonUnlinked          Reason = "unlinked-file"         // a descriptor with no path: a memfd, an O_TMPFILE or deleted file
	ReasonBlockedByPolicy   Reason = "blocked-by-policy"     // WDAC returned BLOCKED
	ReasonRequireSandbox    Reason = "require-sandbox"       // WDAC returned REQUIRE_SANDBOX, which intact cannot honour
	ReasonCheckFailed       Reason = "check-failed"          // the check itself failed (fail closed)
	ReasonPolicyUnavailable Reason = "policy-unavailable"    // the policy or a catalog could not be read or verified
	ReasonUnavailable       Reason = "enforcer-unavailable"

	ReasonInteractiveDisabled Reason = "interactive-mode-disabled" // DisableInteractiveMode blocked eval, the REPL or stdin
	ReasonDynamicCodeDisabled Reason = "dynamic-code-disabled"     // DisableDynamicCode blocked eval(), Function() and the like
	ReasonHostRefused         Reason = "host-refused"              // the host refused, whatever the settings, what would run code unchecked
)

// Denial is an enforcer's refusal of one file. Err, when set, is the
// underlying cause (an errno, an HRESULT, a parse error).
type Denial struct {
	Enforcer string
	Reason   Reason
	Detail   string // human-readable specifics, e.g. "EACCES" or the catalog's name
	Err      error
}

func (d *Denial) Error() string {
	msg := fmt.Sprintf("%s: %s", d.Enforcer, d.Reason)
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	if d.Err != nil {
		msg += ": " + d.Err.Error()
	}
	return msg
}

func (d *Denial) Unwrap() error { return d.Err }
