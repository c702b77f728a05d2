package intact

import (
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/wldp"
)

// osEnforcers returns the OS's own enforcers: on Windows, WDAC through
// wldp.dll for the application id.
func osEnforcers(appID string) []enforcer.Enforcer {
	return []enforcer.Enforcer{wldp.New(appID)}
}
