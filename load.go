package intact

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/catalogs"
	"github.com/intactdev/intact/internal/sysfolder"
)

// LoadOptions say where Load finds policy beyond the system's own.
type LoadOptions struct {
	// AppID is the application id settings are read for: the WDAC App
	// Manifest Id and the legacy Settings provider. Default
	// enforcer.DefaultAppID, "intact".
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
	// INTACT_EVENT_LOG when set, and to stderr in audit mode (one line for
	// people on a terminal; see EnvEventFormat). The sinks of the system's
	// events.conf receive them too, whatever Events is.
	Events *slog.Logger
	// Enforcers are further enforcers supplied by an embedder.
	Enforcers []enforcer.Enforcer
	// MaxCodeSize is Config.MaxCodeSize. Zero means INTACT_MAX_CODE_SIZE
	// when it is set, else DefaultMaxCodeSize.
	MaxCodeSize int64
}

// Load returns the policy in force for this process: the system policy and
// catalogs, the policies and catalogs named in opts and in the environment,
// and the OS enforcers.
//
// Every policy file becomes its own catalogs enforcer, and every enforcer
// must allow a file, so a policy named by the caller can add checks but
// never lift the system policy's. All policies share one set of catalogs,
// loaded on first use; a catalog counts for a policy only if that policy
// trusts its signer.
//
// Load fails closed: it returns an error, and the caller must run nothing,
// when a system file can be changed by anyone but root (Administrators on
// Windows), when a named policy or catalog is missing, or when a policy
// cannot be parsed. A catalog that cannot be read or verified is found out
// when catalogs are first used; files it might have allowed are then
// refused with enforcer.ReasonPolicyUnavailable.
func Load(opts LoadOptions) (*Policy, error) {
	appID := opts.AppID
	if appID == "" {
		appID = enforcer.DefaultAppID
	}
	systemDir := opts.SystemDir
	if systemDir == "" {
		systemDir = sysfolder.Default()
	}
	src, err := findSources(systemDir, opts)
	if err != nil {
		return nil, err
	}

	var active, inactive []enforcer.Enforcer
	for _, e := range osEnforcers(appID) {
		// An OS enforcer that cannot work here and asks for nothing is
		// only reported; one that asks for enforcement stays in force and
		// refuses what it cannot check.
		if e.Status().Available || e.Settings() != (enforcer.Settings{}) {
			active = append(active, e)
		} else {
			inactive = append(inactive, e)
		}
	}
	set := catalogs.NewSet(src.catalogs)
	policies := src.policies
	if src.systemPolicy != "" {
		policies = append([]string{src.systemPolicy}, policies...)
	}
	var system *catalogs.Enforcer
	for i, path := range policies {
		e, err := catalogs.Open(path, set, appID)
		if err != nil {
			return nil, err
		}
		if i == 0 && src.systemPolicy != "" {
			system = e
		}
		active = append(active, e)
	}
	set.CacheIndexes(src.indexCache, system)
	active = append(active, opts.Enforcers...)

	events, sinks, err := loadEvents(opts.Events, active, src.systemEvents)
	if err != nil {
		return nil, err
	}
	maxCodeSize := opts.MaxCodeSize
	if env := os.Getenv(EnvMaxCodeSize); env != "" && maxCodeSize == 0 {
		if maxCodeSize, err = ParseCodeSize(env); err != nil {
			return nil, fmt.Errorf("%s: %w", EnvMaxCodeSize, err)
		}
	}
	p := New(Config{Enforcers: active, Inactive: inactive, Events: events, MaxCodeSize: maxCodeSize})
	p.systemSinks = sinks
	return p, nil
}

// loadEvents returns the logger of policy events: the caller's, or when
// it gives none JSON lines appended to INTACT_EVENT_LOG when it is set, and
// to stderr when an enforcer is in audit mode, where nothing else would
// show a would-be denial; and in any case the sinks the system's
// events.conf names, which nothing in the process can turn off. It returns
// nil when there is no sink at all. It also returns the system's sinks as
// events.conf names them.
func loadEvents(caller *slog.Logger, enforcers []enforcer.Enforcer, systemConf string) (*slog.Logger, []string, error) {
	var handlers []slog.Handler
	var names []string
	if systemConf != "" {
		sinks, n, err := systemSinks(systemConf)
		if err != nil {
			return nil, nil, err
		}
		handlers, names = append(handlers, sinks...), n
	}
	if caller != nil {
		handlers = append(handlers, caller.Handler())
	} else {
		own, err := defaultEvents(enforcers)
		if err != nil {
			return nil, nil, err
		}
		handlers = append(handlers, own...)
	}
	switch len(handlers) {
	case 0:
		return nil, names, nil
	case 1:
		return slog.New(handlers[0]), names, nil
	}
	return slog.New(slog.NewMultiHandler(handlers...)), names, nil
}

// defaultEvents returns the handlers Load uses when the caller gives no
// logger: INTACT_EVENT_LOG's, and stderr's in audit mode.
func defaultEvents(enforcers []enforcer.Enforcer) ([]slog.Handler, error) {
	var handlers []slog.Handler
	if path := os.Getenv(EnvEventLog); path != "" {
		// Absolute, so that a host that changes its working folder
		// keeps logging to the same file.
		path, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("event log (%s): %w", EnvEventLog, err)
		}
		// Fail early, and closed, on a log that cannot be written or
		// that someone else could have planted or could redirect: a host
		// asked to log its refusals must not run without a safe log.
		h, err := openEventFile(path)
		if err != nil {
			return nil, fmt.Errorf("event log (%s) refused: %w", EnvEventLog, err)
		}
		handlers = append(handlers, h)
	}
	for _, e := range enforcers {
		if s := e.Settings(); s.Audit && s.EnforceCodeIntegrity {
			h, err := stderrEvents()
			if err != nil {
				return nil, err
			}
			handlers = append(handlers, h)
			break
		}
	}
	return handlers, nil
}

// appendFile appends each write to the event log, opening and closing it
// every time in the folder resolved at Load, so that a rotated log is
// recreated and a folder swapped for a link after Load changes nothing.
// Every open checks the log again: a log that became unsafe after Load gets
// no more events (the refusals themselves stand). The JSON handler writes
// each event with one Write call, which O_APPEND keeps whole.
//
// An event the log does not take goes to stderr, with why: log/slog drops
// a handler's error, and a process out of descriptors would otherwise
// refuse files with no record (outside review rt56).
type appendFile struct {
	log *eventLog
}

func (a *appendFile) Write(p []byte) (int, error) {
	n, err := a.append(p)
	if err != nil {
		fmt.Fprintf(os.Stderr, "intact: not written to the event log (%v): %s", err, p)
	}
	return n, err
}

func (a *appendFile) append(p []byte) (int, error) {
	f, err := a.log.open()
	if err != nil {
		return 0, err
	}
	n, err := f.Write(p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// Default returns the policy in force for this process, loaded once with
// Load(LoadOptions{}): the system policy and catalogs, INTACT_POLICY,
// INTACT_CATALOGS and the OS enforcers. If loading fails, every call returns
// the same error and the caller must run nothing.
func Default() (*Policy, error) { return loadDefault() }

var loadDefault = sync.OnceValues(func() (*Policy, error) { return Load(LoadOptions{}) })

// ReadCode is Default().ReadCode(path): the bytes of the file at path if the
// policy in force allows them to run. It fails closed when the policy cannot
// be loaded.
func ReadCode(path string) ([]byte, error) {
	p, err := Default()
	if err != nil {
		return nil, err
	}
	return p.ReadCode(path)
}

// ReadImage is Default().ReadImage(path): the bytes of the file at path if
// the policy in force allows the OS image loader to map them. Never hand
// them to a script engine: see Policy.ReadImage.
func ReadImage(path string) ([]byte, error) {
	p, err := Default()
	if err != nil {
		return nil, err
	}
	return p.ReadImage(path)
}
