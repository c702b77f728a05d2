package intact

import "github.com/intactdev/intact/enforcer"

// A readMode is how one read of code is judged and reported, settled from
// the request and the input before any check runs.
type readMode struct {
	input input
	use   use
	max   int64 // the largest file read
	// explain, when not nil, is filled from a read that passes.
	explain *Explanation
	// judges are the enforcers whose checks run, in order.
	judges []checkedEnforcer
	// audit lets the denials of an enforcer in audit mode through, logged
	// as audit events.
	audit bool
	// log has the verdict logged as events.
	log bool
}

// modeFor returns how a read that q asks for, of an input in, is judged
// and reported.
func (p *Policy) modeFor(q request, in input) readMode {
	m := readMode{input: in, use: q.use, max: q.max, explain: q.explain, log: !q.ahead}
	switch in {
	case fileInput:
		// Files are judged by the enforcers that enforce code integrity,
		// whose audit mode lets their denials through; but a read
		// ahead returns only bytes that pass outright, since the read
		// that uses the file must still decide, and log, as always.
		m.judges = p.enforced
		m.audit = !q.ahead
	case interactiveInput:
		// Interactive input runs only if every enforcer that can judge
		// code allows it outright, those that only disable interactive
		// mode too: the setting is never audited. It is run as script.
		m.judges = p.checked
		m.use = asScript
	}
	return m
}

// audits reports whether m lets the denials of enforcer c through.
func (m readMode) audits(c checkedEnforcer) bool { return m.audit && c.settings.Audit }

// A verdict gathers what the checks of one read say, step by step: the
// denials that refuse the file, those that audit mode lets through, and,
// when the read is explained, what vouched for the bytes.
type verdict struct {
	refusing []*enforcer.Denial
	audited  []*enforcer.Denial
	// allowances are by judge, when explaining (readMode.explain).
	allowances []enforcer.Allowance
}

// refuse adds d, a denial of intact's own, as refusing the file whatever
// audit mode says: the file cannot or must not be read, or its bytes must
// never run.
func (v *verdict) refuse(d *enforcer.Denial) { v.refusing = append(v.refusing, d) }

// note adds err, what enforcer c's check returned, as a denial: audited
// when m lets c's denials through, refusing otherwise. A nil err adds
// nothing.
func (v *verdict) note(c checkedEnforcer, err error, m readMode) {
	switch {
	case err == nil:
	case m.audits(c):
		v.audited = append(v.audited, asDenial(c.Name(), err))
	default:
		v.refusing = append(v.refusing, asDenial(c.Name(), err))
	}
}

// refused reports whether a denial refuses the file.
func (v *verdict) refused() bool { return len(v.refusing) > 0 }

// report delivers v, the verdict on the file at path: the audited denials
// are logged, and then the file is refused as m says, or data returned,
// explained when m asks. sum is the SHA-256 of data, which events carry;
// it is nil when the bytes were not read or nothing judged them.
func (p *Policy) report(path string, data []byte, sum *[32]byte, v *verdict, m readMode) ([]byte, error) {
	for _, d := range v.audited {
		p.logDenial(EventAudit, path, sum, d, m.explain != nil)
	}
	if v.refused() {
		return nil, p.refusal(path, sum, v.refusing, m)
	}
	if m.explain != nil && sum != nil {
		m.explain.record(*sum, m.judges, v)
	}
	return data, nil
}

// refusal returns the error that refuses the file at path for denials,
// having logged it as m says: each denial as an event for a file; one
// block event, whose error holds them, for interactive input.
func (p *Policy) refusal(path string, sum *[32]byte, denials []*enforcer.Denial, m readMode) error {
	err := &ViolationError{Path: path, Denials: denials}
	if m.input == interactiveInput {
		blocked := &BlockedError{Feature: FeatureStdin, Source: p.settings.DisableInteractiveMode.source(enforcer.DisableInteractiveMode), Err: err}
		if m.log {
			p.logBlock(blocked)
		}
		return blocked
	}
	if m.log {
		for _, d := range denials {
			p.logDenial(EventDenied, path, sum, d, m.explain != nil)
		}
	}
	return err
}
