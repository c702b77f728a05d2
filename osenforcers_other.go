//go:build !linux && !windows

package intact

import "github.com/intactdev/intact/enforcer"

// osEnforcers returns nil: this OS offers no code-integrity interface intact
// knows; the catalogs enforcer is the only source of policy.
func osEnforcers(appID string) []enforcer.Enforcer { return nil }
