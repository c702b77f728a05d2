package intact

import (
	"errors"
	"fmt"

	"github.com/intactdev/intact/enforcer"
)

// Error codes, the same as Node.js's.
const (
	CodeViolation = "ERR_CODE_INTEGRITY_VIOLATION"
	CodeBlocked   = "ERR_CODE_INTEGRITY_BLOCKED"
)

// A ViolationError reports that a file did not pass code-integrity
// validation. Its message is Node.js's. The denials say why; errors.As
// reaches each *enforcer.Denial.
type ViolationError struct {
	Path    string
	Denials []*enforcer.Denial
}

func (e *ViolationError) Error() string {
	return fmt.Sprintf("The file %s did not pass OS Code Integrity validation", e.Path)
}

// Code returns ERR_CODE_INTEGRITY_VIOLATION.
func (e *ViolationError) Code() string { return CodeViolation }

// Reason returns the first denial's reason.
func (e *ViolationError) Reason() enforcer.Reason {
	if len(e.Denials) == 0 {
		return ""
	}
	return e.Denials[0].Reason
}

// Unwrap returns the denials, so errors.As and errors.Is reach them and
// their causes.
func (e *ViolationError) Unwrap() []error {
	errs := make([]error, len(e.Denials))
	for i, d := range e.Denials {
		errs[i] = d
	}
	return errs
}

// Explain returns the message followed by every denial, for diagnostics.
func (e *ViolationError) Explain() string {
	msg := e.Error()
	for _, d := range e.Denials {
		msg += "\n  " + d.Error()
	}
	return msg
}

// Feature names a kind of ad-hoc code.
type Feature string

// The features CheckInteractive and CheckDynamicCode know.
const (
	FeatureEval        Feature = "eval"         // code given as a command-line string
	FeatureREPL        Feature = "REPL"         // an interactive prompt
	FeatureStdin       Feature = "stdin"        // code read from standard input
	FeatureDynamicCode Feature = "dynamic code" // eval(), Function() and the like inside running code
)

// A BlockedError reports that a feature is disabled by policy. Its code and
// message template are Node.js's. Node.js's callers pass the feature name
// with its quotes already in it ('"eval"'), so that Node.js prints
// ""eval""; intact prints the name quoted once.
type BlockedError struct {
	Feature Feature
	What    string // the attempt the host named (CheckDynamicCodeOf), or ""
	Source  string // which setting blocked it, and where that setting came from
	Err     error  // for stdin: why the stdin descriptor did not pass, if it was checked
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("The feature %q is blocked by OS Code Integrity policy", string(e.Feature))
}

// Code returns ERR_CODE_INTEGRITY_BLOCKED.
func (e *BlockedError) Code() string { return CodeBlocked }

func (e *BlockedError) Unwrap() error { return e.Err }

// Reason returns the stable reason for the block: the setting that
// disables the feature, enforcer.ReasonDynamicCodeDisabled for
// FeatureDynamicCode and enforcer.ReasonInteractiveDisabled for the others.
func (e *BlockedError) Reason() enforcer.Reason {
	if e.Feature == FeatureDynamicCode {
		return enforcer.ReasonDynamicCodeDisabled
	}
	return enforcer.ReasonInteractiveDisabled
}

// ErrorCode returns the stable code of an intact error anywhere in err's
// chain, or "" when there is none.
func ErrorCode(err error) string {
	var v *ViolationError
	var b *BlockedError
	switch {
	case errors.As(err, &b):
		return CodeBlocked
	case errors.As(err, &v):
		return CodeViolation
	}
	return ""
}
