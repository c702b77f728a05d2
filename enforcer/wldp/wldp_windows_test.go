package wldp_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/wldp"
	"github.com/intactdev/intact/internal/scratch"
)

// These tests call the real wldp.dll from System32. They pass on any
// Windows and under Wine, where scripts/wine-test.sh runs them with no
// wldp.dll (Wine 8 has none) and with the scripted stubs of
// scripts/wine/wldpstub.c (INTACT_WLDP_STUB=full or legacy).

// TestSystemDLL: whatever wldp.dll offers, New does not panic, and its
// status agrees with what System32's wldp.dll exports.
func TestSystemDLL(t *testing.T) {
	e := wldp.New("")
	t.Logf("status: available=%t\n%s", e.Status().Available, details(e))
	dll := windows.NewLazySystemDLL("wldp.dll")
	if err := dll.Load(); err != nil {
		t.Logf("wldp.dll: %v", err)
		checkUnavailable(t, e)
		return
	}
	exported := dll.NewProc("WldpCanExecuteFile").Find() == nil
	if got := e.Status().Available; got != exported {
		t.Errorf("Available = %t, WldpCanExecuteFile exported = %t", got, exported)
	}
	for _, s := range []enforcer.SettingName{enforcer.EnforceCodeIntegrity, enforcer.DisableInteractiveMode, enforcer.DisableDynamicCode} {
		if e.Status().Sources[s] == "" && !strings.Contains(details(e), string(s)+": off, not read") {
			t.Errorf("%s has neither a source nor a reason:\n%s", s, details(e))
		}
	}

	path := filepath.Join(scratch.Dir(t), "app.js")
	if err := os.WriteFile(path, []byte("1 + 1;"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = e.CheckFile(f, path)
	if !exported {
		var d *enforcer.Denial
		if !errors.As(err, &d) || d.Reason != enforcer.ReasonUnavailable || !errors.Is(err, wldp.ErrNotExported) {
			t.Errorf("CheckFile without WldpCanExecuteFile = %v, want %s", err, enforcer.ReasonUnavailable)
		}
		return
	}
	// The machine's policy decides; any answer but a panic will do.
	t.Logf("WldpCanExecuteFile on an unsigned file: %v", err)
}

// stub skips the test unless scripts/wine-test.sh installed the stand-in
// variant as wldp.dll, and returns the enforcer over it. Both variants set
// EnforceCodeIntegrity and DisableDynamicCode, from wherever they can.
func stub(t *testing.T, variant string) *wldp.Enforcer {
	t.Helper()
	if got := os.Getenv("INTACT_WLDP_STUB"); got != variant {
		t.Skipf("needs the %s wldp.dll stub of scripts/wine-test.sh (INTACT_WLDP_STUB=%s)", variant, variant)
	}
	e := wldp.New("")
	want := enforcer.Settings{EnforceCodeIntegrity: true, DisableDynamicCode: true}
	if got := e.Settings(); got != want {
		t.Errorf("Settings() = %+v, want %+v\n%s", got, want, details(e))
	}
	return e
}

// TestStubFull runs the real bindings against the stub with every export:
// settings from both sources, verdicts on the handle intact opened.
func TestStubFull(t *testing.T) {
	e := stub(t, "full")
	for s, want := range map[enforcer.SettingName]string{
		"EnforceCodeIntegrity":   fromAppSettings,
		"DisableInteractiveMode": fromAppSettings,
		"DisableDynamicCode":     fromLegacy,
	} {
		if got := e.Status().Sources[s]; got != want {
			t.Errorf("source of %s = %q, want %q", s, got, want)
		}
	}
	if !e.Status().Available || !strings.Contains(details(e), "WDAC lockdown state: enforce (0x80000004") {
		t.Errorf("status:\n%s", details(e))
	}

	dir := scratch.Dir(t)
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{e}})
	for file, want := range map[string]enforcer.Reason{
		"app.js":     "",
		"blocked.js": enforcer.ReasonBlockedByPolicy,
		"sandbox.js": enforcer.ReasonRequireSandbox,
	} {
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, []byte("globalThis.ran = true;"), 0o644); err != nil {
			t.Fatal(err)
		}
		data, err := p.ReadCode(path)
		if want == "" {
			if err != nil || string(data) != "globalThis.ran = true;" {
				t.Errorf("ReadCode(%s) = %q, %v", file, data, err)
			}
			continue
		}
		var v *intact.ViolationError
		if !errors.As(err, &v) || v.Reason() != want || data != nil {
			t.Errorf("ReadCode(%s) = %q, %v; want %s", file, data, err, want)
		}
	}

	// Negative control for the stub's share-mode check: os.Open lets
	// others write, which the stub reports as E_UNEXPECTED.
	f, err := os.Open(filepath.Join(dir, "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := e.CheckFile(f, f.Name()); err == nil || !strings.Contains(err.Error(), "HRESULT 0x8000FFFF") {
		t.Errorf("CheckFile on a handle that shares writing = %v, want the stub's E_UNEXPECTED", err)
	}
}

// TestStubLegacy: a Windows 10 wldp.dll, with legacy Settings only and no
// WldpCanExecuteFile. Enforcement is on, so every file is refused.
func TestStubLegacy(t *testing.T) {
	e := stub(t, "legacy")
	if got := e.Status().Sources["EnforceCodeIntegrity"]; got != fromLegacy {
		t.Errorf("source = %q, want %q", got, fromLegacy)
	}
	if e.Status().Available {
		t.Error("Available without WldpCanExecuteFile")
	}
	path := filepath.Join(scratch.Dir(t), "app.js")
	if err := os.WriteFile(path, []byte("globalThis.ran = true;"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{e}})
	data, err := p.ReadCode(path)
	var v *intact.ViolationError
	if !errors.As(err, &v) || v.Reason() != enforcer.ReasonUnavailable || !errors.Is(err, wldp.ErrNotExported) || data != nil {
		t.Errorf("ReadCode = %q, %v; want %s", data, err, enforcer.ReasonUnavailable)
	}
}
