package wldp

import (
	"fmt"
	"sync"
	"syscall"
)

// This file lets the external tests (package wldp_test, which may import
// intact) script wldp.dll on any OS.

// NewWithDLL is newEnforcer over a fake wldp.dll.
func NewWithDLL(d *FakeDLL, appID string) *Enforcer { return newEnforcer(d, appID) }

// The verdicts and exports, as wldp.h names them.
const (
	PolicyBlocked        = policyBlocked
	PolicyAllowed        = policyAllowed
	PolicyRequireSandbox = policyRequireSandbox

	ProcCanExecuteFile               = procCanExecuteFile
	ProcGetApplicationSettingBoolean = procGetApplicationSettingBoolean
	ProcQuerySecurityPolicy          = procQuerySecurityPolicy
	ProcGetLockdownPolicy            = procGetLockdownPolicy
)

var (
	ErrNoDLL       = errNoDLL
	ErrNotExported = errNotExported
	LockdownMode   = lockdownMode
	HRESULTError   = hresultError
)

// HRESULT returns the error a wldp.dll function reports for hr.
func HRESULT(hr uint32) error { return hresult(hr) }

// ENotFound is E_NOTFOUND.
const ENotFound = uint32(eNotFound)

// FakeResult is a fake function's answer: a value or an error.
type FakeResult struct {
	Value bool
	Err   error
}

// FakeVerdict is one answer of the fake WldpCanExecuteFile.
type FakeVerdict struct {
	Policy uint32
	Err    error
}

// Call records one call of the fake, with the arguments it was given.
type Call struct {
	Proc string
	// WldpCanExecuteFile
	Host      string
	Options   uint32
	Handle    uintptr
	AuditInfo string
	// WldpGetApplicationSettingBoolean
	ID, Setting string
	// WldpQuerySecurityPolicy
	Provider, Key, ValueName string
}

// FakeDLL is a scripted wldp.dll.
type FakeDLL struct {
	NoDLL   bool            // wldp.dll cannot be loaded
	Missing map[string]bool // exports it lacks
	// AppSettings and Legacy answer by setting name; a setting not in the
	// map is E_NOTFOUND, the policy not defining it.
	AppSettings map[string]FakeResult
	Legacy      map[string]FakeResult
	Lockdown    uint32
	LockdownErr error
	// Verdicts are WldpCanExecuteFile's answers in turn; the last repeats.
	Verdicts []FakeVerdict
	// Reading, when set, is called by WldpCanExecuteFile, as Windows reads
	// the file through the handle.
	Reading func()

	mu    sync.Mutex
	calls []Call
}

// Calls returns the calls made to proc, in order.
func (f *FakeDLL) Calls(proc string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var calls []Call
	for _, c := range f.calls {
		if c.Proc == proc {
			calls = append(calls, c)
		}
	}
	return calls
}

func (f *FakeDLL) find(proc string) error {
	if f.NoDLL {
		return fmt.Errorf("%w: %w", errNoDLL, syscall.ENOENT)
	}
	if f.Missing[proc] {
		return errNotExported
	}
	return nil
}

// record notes c and reports whether the export exists.
func (f *FakeDLL) record(c Call) error {
	if err := f.find(c.Proc); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	return nil
}

func (f *FakeDLL) canExecuteFile(host guid, options uint32, handle uintptr, auditInfo string) (uint32, error) {
	c := Call{Proc: procCanExecuteFile, Host: host.String(), Options: options, Handle: handle, AuditInfo: auditInfo}
	if err := f.record(c); err != nil {
		return 0, err
	}
	if f.Reading != nil {
		f.Reading()
	}
	n := len(f.Calls(procCanExecuteFile))
	v := f.Verdicts[min(n, len(f.Verdicts))-1]
	return v.Policy, v.Err
}

func (f *FakeDLL) getApplicationSettingBoolean(id, setting string) (bool, error) {
	if err := f.record(Call{Proc: procGetApplicationSettingBoolean, ID: id, Setting: setting}); err != nil {
		return false, err
	}
	return answer(f.AppSettings, setting)
}

func (f *FakeDLL) querySecurityPolicy(provider, key, valueName string) (bool, error) {
	if err := f.record(Call{Proc: procQuerySecurityPolicy, Provider: provider, Key: key, ValueName: valueName}); err != nil {
		return false, err
	}
	return answer(f.Legacy, valueName)
}

func answer(m map[string]FakeResult, setting string) (bool, error) {
	r, ok := m[setting]
	if !ok {
		return false, eNotFound
	}
	return r.Value, r.Err
}

func (f *FakeDLL) getLockdownPolicy() (uint32, error) {
	if err := f.record(Call{Proc: procGetLockdownPolicy}); err != nil {
		return 0, err
	}
	return f.Lockdown, f.LockdownErr
}
