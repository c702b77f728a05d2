// Package wldp is the Windows enforcer: Windows Defender Application Control
// (WDAC, "App Control for Business") decides, intact asks, exactly as the
// Node.js integration does (nodejs/node #63418).
//
// Settings are read once, from the WDAC policy in force, for an application
// id (enforcer.DefaultAppID unless the host chooses another): first with
// WldpGetApplicationSettingBoolean(id, name), the policy's <AppSettings>;
// when that export is missing or the policy does not define the setting
// (E_NOTFOUND), with WldpQuerySecurityPolicy(provider id, key "Settings",
// value name), the legacy <Settings>. Any other failure leaves the setting
// off. The settings read are EnforceCodeIntegrity, DisableInteractiveMode
// and DisableDynamicCode.
//
// Each file is judged by WldpCanExecuteFile(WLDP_HOST_OTHER, NONE, handle,
// id) on the handle it will be read from; only ALLOWED passes. Verdicts are
// never cached. A missing WldpCanExecuteFile export while enforcement is on
// refuses every file (Node.js does not check for it).
//
// wldp.dll is loaded from System32 only. When it cannot be loaded, or on any
// other operating system, the enforcer is unavailable and asks for nothing:
// WDAC cannot be in force without the DLL, so nothing is enforced (Node.js
// instead fails to start, with ERR_INVALID_STATE). When the DLL loads but a
// setting cannot be read, the setting is off, as in Node.js. Package wldp
// compiles everywhere so that hosts need no build tags.
package wldp

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/intactdev/intact/enforcer"
)

// name is the enforcer's name in settings sources, denials and events.
const name = "wldp"

// Where a setting was read, as Status reports it.
const (
	sourceAppSettings = "AppSettings (WldpGetApplicationSettingBoolean)"
	sourceLegacy      = "legacy Settings (WldpQuerySecurityPolicy)"
)

// An Enforcer asks WDAC, through wldp.dll, for settings and verdicts. It
// implements enforcer.Enforcer and enforcer.FileChecker and is safe for
// concurrent use.
type Enforcer struct {
	dll      dll
	appID    string
	settings enforcer.Settings
	status   enforcer.Status
}

// New returns the enforcer for the WDAC policy in force, reading its
// settings for appID once, now; "" means enforcer.DefaultAppID.
// Where wldp.dll cannot be loaded (any other OS) it is unavailable and
// enforces nothing.
func New(appID string) *Enforcer {
	return newEnforcer(systemDLL{}, appID)
}

// newEnforcer reads the settings for appID through d, once.
func newEnforcer(d dll, appID string) *Enforcer {
	if appID == "" {
		appID = enforcer.DefaultAppID
	}
	e := &Enforcer{
		dll:    d,
		appID:  appID,
		status: enforcer.Status{Sources: map[enforcer.SettingName]string{}},
	}
	e.note("app id %q (the App Manifest Id, and the Provider of legacy Settings)", appID)

	err := d.find(procCanExecuteFile)
	if errors.Is(err, errNoDLL) {
		// Nothing can be read, and WDAC cannot be in force without the
		// DLL: nothing is enforced. (Node.js throws ERR_INVALID_STATE.)
		e.note("unavailable, no setting read, nothing enforced: %v", err)
		return e
	}
	if err != nil {
		e.note("unavailable: %s: %v: files cannot be judged (Windows 11 build 22621 or later has it); "+
			"if the policy enforces code integrity, every file is refused", procCanExecuteFile, err)
	} else {
		e.status.Available = true
		e.note("file verdicts: %s with WLDP_HOST_OTHER %s on the handle the file is read from; only ALLOWED passes",
			procCanExecuteFile, hostOther)
	}

	if state, err := d.getLockdownPolicy(); err != nil {
		e.note("WDAC lockdown state unknown: %s: %v", procGetLockdownPolicy, err)
	} else {
		e.note("WDAC lockdown state: %s (0x%08X, %s)", lockdownMode(state), state, procGetLockdownPolicy)
	}

	e.settings.EnforceCodeIntegrity = e.readSetting(enforcer.EnforceCodeIntegrity)
	e.settings.DisableInteractiveMode = e.readSetting(enforcer.DisableInteractiveMode)
	e.settings.DisableDynamicCode = e.readSetting(enforcer.DisableDynamicCode)
	return e
}

// readSetting reads one boolean setting as Node.js does and records where
// it came from, or why it could not be read.
func (e *Enforcer) readSetting(setting enforcer.SettingName) bool {
	on, err := e.dll.getApplicationSettingBoolean(e.appID, string(setting))
	source := sourceAppSettings
	if errors.Is(err, eNotFound) || missing(err) {
		appErr := err
		on, err = e.dll.querySecurityPolicy(e.appID, settingsKey, string(setting))
		source = sourceLegacy
		if err != nil {
			err = fmt.Errorf("%s: %w; %s: %w", procGetApplicationSettingBoolean, appErr, procQuerySecurityPolicy, err)
		}
	} else if err != nil {
		err = fmt.Errorf("%s: %w", procGetApplicationSettingBoolean, err)
	}
	if err != nil {
		e.note("%s: off, not read: %v", setting, err)
		return false
	}
	e.status.Sources[setting] = source
	e.note("%s: %t, from %s", setting, on, source)
	return on
}

func (e *Enforcer) note(format string, args ...any) {
	e.status.Details = append(e.status.Details, fmt.Sprintf(format, args...))
}

// Name returns "wldp".
func (e *Enforcer) Name() string { return name }

// Settings returns the settings read from the WDAC policy when the enforcer
// was made. Audit is never set: in WDAC audit mode Windows itself allows
// and logs, and intact follows its verdicts.
func (e *Enforcer) Settings() enforcer.Settings { return e.settings }

// Status describes the enforcer: whether files can be judged, the WDAC
// lockdown state, and each setting with its source or the reason it could
// not be read.
func (e *Enforcer) Status() enforcer.Status {
	s := e.status
	s.Sources = maps.Clone(s.Sources)
	s.Details = slices.Clone(s.Details)
	return s
}

// CheckFile asks WldpCanExecuteFile about f, the handle the file will be
// read from, and returns nil only for WLDP_EXECUTION_POLICY_ALLOWED. Each
// call asks Windows again.
func (e *Enforcer) CheckFile(f *os.File, path string) error {
	verdict, err := e.dll.canExecuteFile(hostOther, optionNone, f.Fd(), e.appID)
	switch {
	case missing(err):
		return &enforcer.Denial{Enforcer: name, Reason: enforcer.ReasonUnavailable,
			Detail: procCanExecuteFile + " is not available, so no file can pass", Err: err}
	case err != nil:
		return &enforcer.Denial{Enforcer: name, Reason: enforcer.ReasonCheckFailed,
			Detail: procCanExecuteFile + " failed", Err: err}
	}
	// WDAC reads the file through this handle, and whether it puts the file
	// pointer back is not documented: the caller reads from the start.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return &enforcer.Denial{Enforcer: name, Reason: enforcer.ReasonCheckFailed,
			Detail: "rewinding the file after " + procCanExecuteFile, Err: err}
	}
	switch verdict {
	case policyAllowed:
		return nil
	case policyBlocked:
		return &enforcer.Denial{Enforcer: name, Reason: enforcer.ReasonBlockedByPolicy,
			Detail: "WDAC returned WLDP_EXECUTION_POLICY_BLOCKED"}
	case policyRequireSandbox:
		return &enforcer.Denial{Enforcer: name, Reason: enforcer.ReasonRequireSandbox,
			Detail: "WDAC returned WLDP_EXECUTION_POLICY_REQUIRE_SANDBOX; intact has no sandbox to run it in"}
	}
	return &enforcer.Denial{Enforcer: name, Reason: enforcer.ReasonCheckFailed,
		Detail: fmt.Sprintf("%s returned unknown WLDP_EXECUTION_POLICY %d", procCanExecuteFile, verdict)}
}

var (
	_ enforcer.Enforcer    = (*Enforcer)(nil)
	_ enforcer.FileChecker = (*Enforcer)(nil)
)
