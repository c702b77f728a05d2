package wldp_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/wldp"
	"github.com/intactdev/intact/internal/scratch"
)

const (
	fromAppSettings = "AppSettings (WldpGetApplicationSettingBoolean)"
	fromLegacy      = "legacy Settings (WldpQuerySecurityPolicy)"
	// WLDP_HOST_OTHER as Microsoft's documentation writes it.
	hostOther = "{626CBEC3-E1FA-4227-9800-ED210274CF7C}"
)

func on(v bool) wldp.FakeResult { return wldp.FakeResult{Value: v} }

func failed(hr uint32) wldp.FakeResult { return wldp.FakeResult{Err: wldp.HRESULT(hr)} }

// enforcing is a wldp.dll whose policy enforces code integrity through
// AppSettings and answers WldpCanExecuteFile with verdicts.
func enforcing(verdicts ...wldp.FakeVerdict) *wldp.FakeDLL {
	return &wldp.FakeDLL{
		AppSettings: map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(true)},
		Verdicts:    verdicts,
	}
}

func details(e *wldp.Enforcer) string { return strings.Join(e.Status().Details, "\n") }

// TestSettingPaths follows each branch of Node.js's setting read for
// EnforceCodeIntegrity.
func TestSettingPaths(t *testing.T) {
	tests := []struct {
		name        string
		dll         *wldp.FakeDLL
		want        bool
		wantSource  string // "" when the setting could not be read
		wantLegacy  bool   // whether WldpQuerySecurityPolicy was asked
		wantDetails []string
	}{
		{
			name:       "AppSettings true",
			dll:        &wldp.FakeDLL{AppSettings: map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(true)}, Legacy: map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(false)}},
			want:       true,
			wantSource: fromAppSettings,
		},
		{
			name:       "AppSettings false",
			dll:        &wldp.FakeDLL{AppSettings: map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(false)}, Legacy: map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(true)}},
			want:       false,
			wantSource: fromAppSettings,
		},
		{
			name:       "E_NOTFOUND then legacy true",
			dll:        &wldp.FakeDLL{Legacy: map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(true)}},
			want:       true,
			wantSource: fromLegacy,
			wantLegacy: true,
		},
		{
			name:       "E_NOTFOUND then legacy false",
			dll:        &wldp.FakeDLL{Legacy: map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(false)}},
			want:       false,
			wantSource: fromLegacy,
			wantLegacy: true,
		},
		{
			name: "AppSettings export missing then legacy true",
			dll: &wldp.FakeDLL{
				Missing: map[string]bool{wldp.ProcGetApplicationSettingBoolean: true},
				Legacy:  map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(true)},
			},
			want:       true,
			wantSource: fromLegacy,
			wantLegacy: true,
		},
		{
			name:        "E_NOTFOUND then legacy fails",
			dll:         &wldp.FakeDLL{Legacy: map[string]wldp.FakeResult{"EnforceCodeIntegrity": failed(0x80070005)}},
			want:        false,
			wantLegacy:  true,
			wantDetails: []string{"EnforceCodeIntegrity: off, not read", "0x80070490 (E_NOTFOUND)", "WldpQuerySecurityPolicy: HRESULT 0x80070005"},
		},
		{
			name: "both exports missing",
			dll: &wldp.FakeDLL{Missing: map[string]bool{
				wldp.ProcGetApplicationSettingBoolean: true, wldp.ProcQuerySecurityPolicy: true,
			}},
			want:        false,
			wantDetails: []string{"EnforceCodeIntegrity: off, not read", "not exported by wldp.dll"},
		},
		{
			name: "other HRESULT means off without fallback",
			dll: &wldp.FakeDLL{
				AppSettings: map[string]wldp.FakeResult{"EnforceCodeIntegrity": failed(0x80070057)},
				Legacy:      map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(true)},
			},
			want:        false,
			wantDetails: []string{"EnforceCodeIntegrity: off, not read: WldpGetApplicationSettingBoolean: HRESULT 0x80070057"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := wldp.NewWithDLL(tt.dll, "")
			if got := e.Settings().EnforceCodeIntegrity; got != tt.want {
				t.Errorf("EnforceCodeIntegrity = %t, want %t\n%s", got, tt.want, details(e))
			}
			if got := e.Status().Sources["EnforceCodeIntegrity"]; got != tt.wantSource {
				t.Errorf("source = %q, want %q", got, tt.wantSource)
			}
			for _, d := range tt.wantDetails {
				if !strings.Contains(details(e), d) {
					t.Errorf("status details lack %q:\n%s", d, details(e))
				}
			}
			var legacy []wldp.Call
			for _, c := range tt.dll.Calls(wldp.ProcQuerySecurityPolicy) {
				if c.ValueName == "EnforceCodeIntegrity" {
					legacy = append(legacy, c)
				}
			}
			if tt.wantLegacy != (len(legacy) == 1) || len(legacy) > 1 {
				t.Fatalf("WldpQuerySecurityPolicy calls for EnforceCodeIntegrity = %+v, want one: %t", legacy, tt.wantLegacy)
			}
			if tt.wantLegacy {
				want := wldp.Call{Proc: wldp.ProcQuerySecurityPolicy, Provider: "intact", Key: "Settings", ValueName: "EnforceCodeIntegrity"}
				if legacy[0] != want {
					t.Errorf("legacy call = %+v, want %+v", legacy[0], want)
				}
			}
		})
	}
}

// TestEachSetting reads the three settings, each from its own source.
func TestEachSetting(t *testing.T) {
	d := &wldp.FakeDLL{
		AppSettings: map[string]wldp.FakeResult{"DisableInteractiveMode": on(true), "EnforceCodeIntegrity": on(false)},
		Legacy:      map[string]wldp.FakeResult{"DisableDynamicCode": on(true)},
	}
	e := wldp.NewWithDLL(d, "")
	want := enforcer.Settings{DisableInteractiveMode: true, DisableDynamicCode: true}
	if got := e.Settings(); got != want {
		t.Errorf("Settings() = %+v, want %+v", got, want)
	}
	wantSources := map[enforcer.SettingName]string{
		"EnforceCodeIntegrity":   fromAppSettings,
		"DisableInteractiveMode": fromAppSettings,
		"DisableDynamicCode":     fromLegacy,
	}
	if got := e.Status().Sources; !reflect.DeepEqual(got, wantSources) {
		t.Errorf("Sources = %v, want %v", got, wantSources)
	}
	var asked []string
	for _, c := range d.Calls(wldp.ProcGetApplicationSettingBoolean) {
		if c.ID != "intact" {
			t.Errorf("WldpGetApplicationSettingBoolean id = %q, want intact", c.ID)
		}
		asked = append(asked, c.Setting)
	}
	if want := []string{"EnforceCodeIntegrity", "DisableInteractiveMode", "DisableDynamicCode"}; !reflect.DeepEqual(asked, want) {
		t.Errorf("settings asked = %v, want %v", asked, want)
	}
	// Status hands out copies.
	e.Status().Sources["EnforceCodeIntegrity"] = "tampered"
	if e.Status().Sources["EnforceCodeIntegrity"] != fromAppSettings {
		t.Error("Status().Sources aliases the enforcer's state")
	}
}

func TestAppID(t *testing.T) {
	if got := wldp.NewWithDLL(enforcing(), "").Status().Details[0]; !strings.Contains(got, `"`+enforcer.DefaultAppID+`"`) {
		t.Errorf("default app id: %q, want enforcer.DefaultAppID %q", got, enforcer.DefaultAppID)
	}
	d := enforcing(wldp.FakeVerdict{Policy: wldp.PolicyAllowed})
	d.Legacy = map[string]wldp.FakeResult{"DisableInteractiveMode": on(true)}
	e := wldp.NewWithDLL(d, "Contoso.App")
	for _, c := range d.Calls(wldp.ProcGetApplicationSettingBoolean) {
		if c.ID != "Contoso.App" {
			t.Errorf("WldpGetApplicationSettingBoolean id = %q", c.ID)
		}
	}
	for _, c := range d.Calls(wldp.ProcQuerySecurityPolicy) {
		if c.Provider != "Contoso.App" {
			t.Errorf("WldpQuerySecurityPolicy provider = %q", c.Provider)
		}
	}
	f := tempFile(t, "1 + 1;")
	if err := e.CheckFile(f, f.Name()); err != nil {
		t.Fatal(err)
	}
	if got := d.Calls(wldp.ProcCanExecuteFile)[0].AuditInfo; got != "Contoso.App" {
		t.Errorf("auditInfo = %q, want the app id", got)
	}
}

func tempFile(t *testing.T, content string) *os.File {
	t.Helper()
	path := filepath.Join(scratch.Dir(t), "app.js")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestVerdicts maps each WldpCanExecuteFile outcome to a decision.
func TestVerdicts(t *testing.T) {
	tests := []struct {
		name       string
		verdict    wldp.FakeVerdict
		missing    bool
		wantReason enforcer.Reason // "" when the file passes
		wantText   string
	}{
		{"allowed", wldp.FakeVerdict{Policy: wldp.PolicyAllowed}, false, "", ""},
		{"blocked", wldp.FakeVerdict{Policy: wldp.PolicyBlocked}, false, enforcer.ReasonBlockedByPolicy, "WLDP_EXECUTION_POLICY_BLOCKED"},
		{"require sandbox", wldp.FakeVerdict{Policy: wldp.PolicyRequireSandbox}, false, enforcer.ReasonRequireSandbox, "WLDP_EXECUTION_POLICY_REQUIRE_SANDBOX"},
		{"unknown verdict", wldp.FakeVerdict{Policy: 3}, false, enforcer.ReasonCheckFailed, "unknown WLDP_EXECUTION_POLICY 3"},
		{"failed HRESULT", wldp.FakeVerdict{Policy: wldp.PolicyAllowed, Err: wldp.HRESULT(0x80070006)}, false, enforcer.ReasonCheckFailed, "WldpCanExecuteFile failed: HRESULT 0x80070006"},
		{"missing export", wldp.FakeVerdict{Policy: wldp.PolicyAllowed}, true, enforcer.ReasonUnavailable, "not exported by wldp.dll"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := enforcing(tt.verdict)
			if tt.missing {
				d.Missing = map[string]bool{wldp.ProcCanExecuteFile: true}
			}
			e := wldp.NewWithDLL(d, "")
			if got := e.Status().Available; got == tt.missing {
				t.Errorf("Available = %t with WldpCanExecuteFile missing = %t", got, tt.missing)
			}
			f := tempFile(t, "1 + 1;")
			err := e.CheckFile(f, f.Name())
			if tt.wantReason == "" {
				if err != nil {
					t.Fatalf("CheckFile = %v, want nil", err)
				}
			} else {
				var denial *enforcer.Denial
				if !errors.As(err, &denial) {
					t.Fatalf("CheckFile = %v, want a *enforcer.Denial", err)
				}
				if denial.Reason != tt.wantReason || denial.Enforcer != "wldp" {
					t.Errorf("denial = %s/%s, want wldp/%s", denial.Enforcer, denial.Reason, tt.wantReason)
				}
				if !strings.Contains(err.Error(), tt.wantText) {
					t.Errorf("CheckFile = %q, want it to contain %q", err, tt.wantText)
				}
				if tt.verdict.Err != nil && !errors.Is(err, tt.verdict.Err) {
					t.Errorf("CheckFile = %v does not wrap %v", err, tt.verdict.Err)
				}
			}
			if tt.missing {
				return
			}
			calls := d.Calls(wldp.ProcCanExecuteFile)
			want := wldp.Call{Proc: wldp.ProcCanExecuteFile, Host: hostOther, Options: 0, Handle: f.Fd(), AuditInfo: "intact"}
			if len(calls) != 1 || calls[0] != want {
				t.Errorf("WldpCanExecuteFile calls = %+v, want [%+v]", calls, want)
			}
		})
	}
}

// TestRewind: the caller reads the whole file even if Windows moved the
// file pointer while it judged the handle.
func TestRewind(t *testing.T) {
	f := tempFile(t, "globalThis.ran = true;")
	d := enforcing(wldp.FakeVerdict{Policy: wldp.PolicyAllowed})
	d.Reading = func() {
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			t.Error(err)
		}
	}
	if err := wldp.NewWithDLL(d, "").CheckFile(f, f.Name()); err != nil {
		t.Fatal(err)
	}
	if data, err := io.ReadAll(f); err != nil || string(data) != "globalThis.ran = true;" {
		t.Errorf("after CheckFile the file reads %q, %v", data, err)
	}
}

// readCode runs the root package's ReadCode over e on a fresh file.
func readCode(t *testing.T, p *intact.Policy) ([]byte, error) {
	t.Helper()
	path := filepath.Join(scratch.Dir(t), "app.js")
	if err := os.WriteFile(path, []byte("globalThis.ran = true;"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p.ReadCode(path)
}

func TestReadCodeThroughRoot(t *testing.T) {
	tests := []struct {
		name       string
		dll        *wldp.FakeDLL
		wantReason enforcer.Reason
	}{
		{"blocked", enforcing(wldp.FakeVerdict{Policy: wldp.PolicyBlocked}), enforcer.ReasonBlockedByPolicy},
		{"require sandbox", enforcing(wldp.FakeVerdict{Policy: wldp.PolicyRequireSandbox}), enforcer.ReasonRequireSandbox},
		{"failed HRESULT", enforcing(wldp.FakeVerdict{Err: wldp.HRESULT(0x8007000D)}), enforcer.ReasonCheckFailed},
		{"missing export", &wldp.FakeDLL{
			Missing: map[string]bool{wldp.ProcCanExecuteFile: true},
			Legacy:  map[string]wldp.FakeResult{"EnforceCodeIntegrity": on(true)},
		}, enforcer.ReasonUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{wldp.NewWithDLL(tt.dll, "")}})
			data, err := readCode(t, p)
			var v *intact.ViolationError
			if !errors.As(err, &v) {
				t.Fatalf("ReadCode = %v, want *intact.ViolationError", err)
			}
			if v.Reason() != tt.wantReason {
				t.Errorf("reason = %s, want %s (%s)", v.Reason(), tt.wantReason, v.Explain())
			}
			if intact.ErrorCode(err) != intact.CodeViolation {
				t.Errorf("ErrorCode = %q", intact.ErrorCode(err))
			}
			if data != nil {
				t.Errorf("refused code was returned: %q", data)
			}
		})
	}

	t.Run("allowed", func(t *testing.T) {
		p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{wldp.NewWithDLL(enforcing(wldp.FakeVerdict{Policy: wldp.PolicyAllowed}), "")}})
		data, err := readCode(t, p)
		if err != nil || string(data) != "globalThis.ran = true;" {
			t.Fatalf("ReadCode = %q, %v", data, err)
		}
	})

	t.Run("not enforcing, export missing", func(t *testing.T) {
		d := &wldp.FakeDLL{Missing: map[string]bool{wldp.ProcCanExecuteFile: true}}
		p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{wldp.NewWithDLL(d, "")}})
		if data, err := readCode(t, p); err != nil || len(data) == 0 {
			t.Fatalf("ReadCode = %q, %v; want the file, nothing being enforced", data, err)
		}
	})
}

// TestNotCached: each read asks Windows again, and a changed verdict counts.
func TestNotCached(t *testing.T) {
	d := enforcing(wldp.FakeVerdict{Policy: wldp.PolicyAllowed}, wldp.FakeVerdict{Policy: wldp.PolicyBlocked})
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{wldp.NewWithDLL(d, "")}})
	path := filepath.Join(scratch.Dir(t), "app.js")
	if err := os.WriteFile(path, []byte("1;"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadCode(path); err != nil {
		t.Fatalf("first ReadCode: %v", err)
	}
	if _, err := p.ReadCode(path); !errors.As(err, new(*intact.ViolationError)) {
		t.Fatalf("second ReadCode = %v, want the new BLOCKED verdict", err)
	}
	if n := len(d.Calls(wldp.ProcCanExecuteFile)); n != 2 {
		t.Errorf("WldpCanExecuteFile called %d times for two reads, want 2", n)
	}
}

func TestInteractiveThroughRoot(t *testing.T) {
	d := &wldp.FakeDLL{
		AppSettings: map[string]wldp.FakeResult{"DisableInteractiveMode": on(true)},
		Legacy:      map[string]wldp.FakeResult{"DisableDynamicCode": on(true)},
	}
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{wldp.NewWithDLL(d, "")}})
	for _, f := range []intact.Feature{intact.FeatureEval, intact.FeatureREPL} {
		err := p.CheckInteractive(f)
		var b *intact.BlockedError
		if !errors.As(err, &b) || b.Feature != f {
			t.Fatalf("CheckInteractive(%s) = %v, want *intact.BlockedError", f, err)
		}
		if !strings.Contains(b.Source, "wldp: "+fromAppSettings) {
			t.Errorf("BlockedError.Source = %q, want the AppSettings source", b.Source)
		}
	}
	var b *intact.BlockedError
	if err := p.CheckDynamicCode(); !errors.As(err, &b) || !strings.Contains(b.Source, "wldp: "+fromLegacy) {
		t.Errorf("CheckDynamicCode = %v (source %q), want blocked from legacy Settings", err, b.Source)
	}
	if p.ChecksCode() {
		t.Error("ChecksCode() with EnforceCodeIntegrity unset")
	}
}

func TestNoDLL(t *testing.T) {
	d := &wldp.FakeDLL{NoDLL: true}
	e := wldp.NewWithDLL(d, "")
	checkUnavailable(t, e)
	for _, proc := range []string{wldp.ProcGetApplicationSettingBoolean, wldp.ProcQuerySecurityPolicy, wldp.ProcGetLockdownPolicy} {
		if n := len(d.Calls(proc)); n != 0 {
			t.Errorf("%s called %d times without wldp.dll", proc, n)
		}
	}
}

// TestNewElsewhere: off Windows, New gives an enforcer that asks for nothing.
func TestNewElsewhere(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows: see TestSystemDLL")
	}
	checkUnavailable(t, wldp.New(""))
}

func checkUnavailable(t *testing.T, e *wldp.Enforcer) {
	t.Helper()
	if e.Status().Available {
		t.Error("Available without wldp.dll")
	}
	if e.Settings() != (enforcer.Settings{}) {
		t.Errorf("Settings() = %+v without wldp.dll, want none", e.Settings())
	}
	if !strings.Contains(details(e), "wldp.dll cannot be loaded from System32") {
		t.Errorf("status does not say why:\n%s", details(e))
	}
}

func TestLockdownStatus(t *testing.T) {
	d := enforcing()
	d.Lockdown = 0x80000004
	if got := details(wldp.NewWithDLL(d, "")); !strings.Contains(got, "WDAC lockdown state: enforce (0x80000004, WldpGetLockdownPolicy)") {
		t.Errorf("status:\n%s", got)
	}
	d = enforcing()
	d.LockdownErr = wldp.HRESULT(0x80004001)
	if got := details(wldp.NewWithDLL(d, "")); !strings.Contains(got, "WDAC lockdown state unknown: WldpGetLockdownPolicy: HRESULT 0x80004001") {
		t.Errorf("status:\n%s", got)
	}
}

// TestLockdownMode decodes states with wldp.h's WLDP_LOCKDOWN_IS_* macros.
func TestLockdownMode(t *testing.T) {
	for state, want := range map[uint32]string{
		0x00000000: "undefined", // WLDP_LOCKDOWN_UNDEFINED
		0x00000004: "undefined",
		0x80000000: "off",     // WLDP_LOCKDOWN_OFF
		0x80000018: "off",     // audit and exclusion bits without UMCI enforcement
		0x80000004: "enforce", // WLDP_LOCKDOWN_ENFORCE
		0x80000007: "enforce", // CONFIG_CI bits are outside the enforce mask
		0x8000001C: "audit",   // WLDP_LOCKDOWN_AUDIT
		0x80000014: "debug",   // WLDP_LOCKDOWN_DEBUG
		0x8000000C: "unknown", // audit without exclusion matches no macro
	} {
		if got := wldp.LockdownMode(state); got != want {
			t.Errorf("LockdownMode(%#08x) = %q, want %q", state, got, want)
		}
	}
}

// TestHRESULT: only failed HRESULTs are errors, and only the low 32 bits
// of the return register count.
func TestHRESULT(t *testing.T) {
	if err := wldp.HRESULTError(syscall.Errno(wldp.ENotFound)); !errors.Is(err, wldp.HRESULT(wldp.ENotFound)) || err.Error() != "HRESULT 0x80070490 (E_NOTFOUND)" {
		t.Errorf("E_NOTFOUND = %v", err)
	}
	for _, ok := range []uint32{0, 1 /* S_FALSE */, 0x7FFFFFFF} {
		if err := wldp.HRESULTError(syscall.Errno(ok)); err != nil {
			t.Errorf("HRESULT %#x = %v, want success", ok, err)
		}
	}
	if err := wldp.HRESULTError(syscall.Errno(0x80004005)); err == nil || err.Error() != "HRESULT 0x80004005" {
		t.Errorf("E_FAIL = %v", err)
	}
	if ^uintptr(0)>>32 != 0 {
		upper := uint64(1) << 32
		if err := wldp.HRESULTError(syscall.Errno(upper)); err != nil {
			t.Errorf("S_OK with garbage upper bits = %v", err)
		}
		if err := wldp.HRESULTError(syscall.Errno(upper | 0x80070005)); err == nil || err.Error() != "HRESULT 0x80070005" {
			t.Errorf("E_ACCESSDENIED with garbage upper bits = %v", err)
		}
	}
}
