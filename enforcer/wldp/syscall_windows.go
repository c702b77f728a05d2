package wldp

import (
	"errors"
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The bindings are generated: mkwinsyscall loads wldp.dll with
// windows.NewLazySystemDLL, from System32 only, and the "?" suffix makes a
// missing export an error from LazyProc.Find instead of a panic (find
// checks first anyway, to tell a missing export from a missing DLL). A named
// "hr error" result is the raw HRESULT boxed as a syscall.Errno; result
// turns it into an hresult. The prototypes follow wldp.h: GUIDs by pointer, BOOL
// as 4 bytes, UNICODE_STRING as windows.NTUnicodeString. The go:generate
// line is in api.go, which every OS builds, so `go generate` runs anywhere.

//sys	wldpCanExecuteFile(host *windows.GUID, options uint32, fileHandle windows.Handle, auditInfo *uint16, result *uint32) (hr error) = wldp.WldpCanExecuteFile?
//sys	wldpGetApplicationSettingBoolean(id *uint16, setting *uint16, result *int32) (hr error) = wldp.WldpGetApplicationSettingBoolean?
//sys	wldpQuerySecurityPolicy(providerName *windows.NTUnicodeString, keyName *windows.NTUnicodeString, valueName *windows.NTUnicodeString, valueType *uint32, valueAddress unsafe.Pointer, valueSize *uint32) (hr error) = wldp.WldpQuerySecurityPolicy?
//sys	wldpGetLockdownPolicy(hostInformation *hostInformation, lockdownState *uint32, lockdownFlags uint32) (hr error) = wldp.WldpGetLockdownPolicy?

// hostInformation is WLDP_HOST_INFORMATION.
type hostInformation struct {
	revision     uint32         // WLDP_HOST_INFORMATION_REVISION
	hostID       uint32         // WLDP_HOST_ID
	source       *uint16        // a script's path; nil for the global policy
	sourceHandle windows.Handle // optional handle to that script
}

const (
	hostInformationRevision = 1 // WLDP_HOST_INFORMATION_REVISION
	hostIDGlobal            = 1 // WLDP_HOST_ID_GLOBAL: the system policy
	settingTypeBoolean      = 0 // WLDP_SECURE_SETTING_VALUE_TYPE_BOOLEAN
)

// systemDLL is wldp.dll from System32.
type systemDLL struct{}

var procs = map[string]*windows.LazyProc{
	procCanExecuteFile:               procWldpCanExecuteFile,
	procGetApplicationSettingBoolean: procWldpGetApplicationSettingBoolean,
	procQuerySecurityPolicy:          procWldpQuerySecurityPolicy,
	procGetLockdownPolicy:            procWldpGetLockdownPolicy,
}

// find loads wldp.dll and resolves proc. LazyDLL.Load reports a missing DLL
// as a bare Errno, which must not be mistaken for an HRESULT, so every
// method calls find before its binding.
func (systemDLL) find(proc string) error {
	if err := modwldp.Load(); err != nil {
		return fmt.Errorf("%w: %w", errNoDLL, err)
	}
	p, ok := procs[proc]
	if !ok {
		return errNotExported
	}
	if p.Find() != nil {
		// The *windows.DLLError says no more than errNotExported.
		return errNotExported
	}
	return nil
}

// result turns the error a generated binding returned after find succeeded,
// the raw HRESULT boxed as a syscall.Errno, into nil or an hresult.
func result(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return hresultError(errno)
	}
	return err
}

func (d systemDLL) canExecuteFile(host guid, options uint32, handle uintptr, auditInfo string) (uint32, error) {
	if err := d.find(procCanExecuteFile); err != nil {
		return 0, err
	}
	info, err := windows.UTF16PtrFromString(auditInfo)
	if err != nil {
		return 0, err
	}
	g := windows.GUID(host)
	var verdict uint32
	if err := result(wldpCanExecuteFile(&g, options, windows.Handle(handle), info, &verdict)); err != nil {
		return 0, err
	}
	return verdict, nil
}

func (d systemDLL) getApplicationSettingBoolean(id, setting string) (bool, error) {
	if err := d.find(procGetApplicationSettingBoolean); err != nil {
		return false, err
	}
	i, err := windows.UTF16PtrFromString(id)
	if err != nil {
		return false, err
	}
	s, err := windows.UTF16PtrFromString(setting)
	if err != nil {
		return false, err
	}
	var on int32 // BOOL
	if err := result(wldpGetApplicationSettingBoolean(i, s, &on)); err != nil {
		return false, err
	}
	return on != 0, nil
}

func (d systemDLL) querySecurityPolicy(provider, key, valueName string) (bool, error) {
	if err := d.find(procQuerySecurityPolicy); err != nil {
		return false, err
	}
	var names [3]*windows.NTUnicodeString
	for i, s := range []string{provider, key, valueName} {
		u, err := windows.NewNTUnicodeString(s)
		if err != nil {
			return false, err
		}
		names[i] = u
	}
	// As Node.js: ask for a boolean in an int-sized buffer.
	valueType := uint32(settingTypeBoolean)
	var value uint32
	size := uint32(unsafe.Sizeof(value))
	err := wldpQuerySecurityPolicy(names[0], names[1], names[2], &valueType, unsafe.Pointer(&value), &size)
	if err := result(err); err != nil {
		return false, err
	}
	return value != 0, nil
}

func (d systemDLL) getLockdownPolicy() (uint32, error) {
	if err := d.find(procGetLockdownPolicy); err != nil {
		return 0, err
	}
	info := hostInformation{revision: hostInformationRevision, hostID: hostIDGlobal}
	var state uint32
	if err := result(wldpGetLockdownPolicy(&info, &state, 0)); err != nil {
		return 0, err
	}
	return state, nil
}
