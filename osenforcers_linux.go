package intact

import (
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/execcheck"
)

// osEnforcers returns the OS's own enforcers: on Linux, the kernel's verdict
// through execveat(AT_EXECVE_CHECK) under the exec securebits.
func osEnforcers(appID string) []enforcer.Enforcer {
	return []enforcer.Enforcer{execcheck.New()}
}
