package intact

import (
	"slices"

	"github.com/intactdev/intact/enforcer"
)

// Status describes the policy in force, for operators (`intact status`).
type Status struct {
	// Settings are the combined settings and where each came from.
	Settings Settings
	// Enforcers are the enforcers in force, in the order they judge files.
	Enforcers []EnforcerStatus
	// Inactive are enforcers that were considered and left out because they
	// cannot work here and ask for nothing; their Details say why.
	Inactive []EnforcerStatus
	// EventSinks are the sinks the system's events.conf names, as its
	// lines name them ("file /var/log/intact/events.jsonl", "syslog",
	// "journald"): where every intact process's events go.
	EventSinks []string
}

// EnforcerStatus is one enforcer's name, settings and own status.
type EnforcerStatus struct {
	Name     string
	Settings enforcer.Settings
	enforcer.Status
}

// Warm has enforcers that read what they judge by on first use
// (enforcer.Loader: the catalogs enforcer reads, verifies and indexes its
// catalogs) do so now, and returns when they are done. A host may call it
// in a goroutine right after loading the policy, to overlap that work with
// its own start-up; ReadCode waits for it as needed. It is safe for
// concurrent use.
func (p *Policy) Warm() {
	for _, es := range [][]enforcer.Enforcer{p.enforcers, p.inactive} {
		for _, e := range es {
			if l, ok := e.(enforcer.Loader); ok {
				l.Load()
			}
		}
	}
}

// Status returns a description of the policy in force. It first warms the
// policy, so that the description of what loads lazily (catalogs) is
// complete.
func (p *Policy) Status() Status {
	p.Warm()
	st := Status{Settings: p.settings, EventSinks: slices.Clone(p.systemSinks)}
	describe := func(es []enforcer.Enforcer) []EnforcerStatus {
		out := make([]EnforcerStatus, 0, len(es))
		for _, e := range es {
			out = append(out, EnforcerStatus{Name: e.Name(), Settings: e.Settings(), Status: e.Status()})
		}
		return out
	}
	st.Enforcers = describe(p.enforcers)
	st.Inactive = describe(p.inactive)
	return st
}
