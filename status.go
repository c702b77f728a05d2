package intact

import "github.com/intactdev/intact/enforcer"

// Status describes the policy in force, for operators (`intact status`).
type Status struct {
	// Settings are the combined settings and where each came from.
	Settings Settings
	// Enforcers are the enforcers in force, in the order they judge files.
	Enforcers []EnforcerStatus
	// Inactive are enforcers that were considered and left out because they
	// cannot work here and ask for nothing; their Details say why.
	Inactive []EnforcerStatus
}

// EnforcerStatus is one enforcer's name, settings and own status.
type EnforcerStatus struct {
	Name     string
	Settings enforcer.Settings
	enforcer.Status
}

// loader is implemented by enforcers that read what they judge by on first
// use (the catalogs enforcer); Status has them read it, to describe it.
type loader interface{ Load() }

// Status returns a description of the policy in force. It first has
// enforcers that load lazily load now (the catalogs enforcer reads its
// catalogs), so that the description is complete.
func (p *Policy) Status() Status {
	st := Status{Settings: p.settings}
	describe := func(es []enforcer.Enforcer) []EnforcerStatus {
		out := make([]EnforcerStatus, 0, len(es))
		for _, e := range es {
			if l, ok := e.(loader); ok {
				l.Load()
			}
			out = append(out, EnforcerStatus{Name: e.Name(), Settings: e.Settings(), Status: e.Status()})
		}
		return out
	}
	st.Enforcers = describe(p.enforcers)
	st.Inactive = describe(p.inactive)
	return st
}
