//go:build !windows

package wldp

import (
	"fmt"
	"runtime"
)

// systemDLL stands for wldp.dll where there is none: every export is
// missing, so New returns an unavailable enforcer that asks for nothing.
type systemDLL struct{}

func (systemDLL) absent() error {
	return fmt.Errorf("%w: %s is not Windows", errNoDLL, runtime.GOOS)
}

func (d systemDLL) find(string) error { return d.absent() }

func (d systemDLL) canExecuteFile(guid, uint32, uintptr, string) (uint32, error) {
	return 0, d.absent()
}

func (d systemDLL) getApplicationSettingBoolean(string, string) (bool, error) {
	return false, d.absent()
}

func (d systemDLL) querySecurityPolicy(string, string, string) (bool, error) {
	return false, d.absent()
}

func (d systemDLL) getLockdownPolicy() (uint32, error) { return 0, d.absent() }
