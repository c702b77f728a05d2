package intact

import (
	"crypto/sha256"

	"github.com/intactdev/intact/enforcer"
)

// An Explanation says how the enforcers that check code judged a file they
// let through (Policy.ExplainCode).
type Explanation struct {
	// SHA256 is the SHA-256 of the bytes returned, which are the bytes
	// the enforcers judged.
	SHA256 [32]byte
	// Verdicts are the judgements of the enforcers that check code, in
	// the order they judged. It is empty when none does, and the file
	// was read as it is.
	Verdicts []EnforcerVerdict
}

// An EnforcerVerdict is one enforcer's judgement of a file that was let
// through: allowed, or refused in audit mode.
type EnforcerVerdict struct {
	// Enforcer is the enforcer's name.
	Enforcer string
	// Allowance says what vouched for the file's bytes, when the enforcer
	// can say (enforcer.Explainer) and they passed its content check.
	Allowance enforcer.Allowance
	// Audited are the enforcer's denials that audit mode let through,
	// logged as audit events; nil when the enforcer allowed the file.
	Audited []*enforcer.Denial
}

// ExplainCode is ReadCode that also says how each enforcer that checks
// code judged the file, from the same read and the same checks: the bytes
// are read, hashed and judged once, and the events are ReadCode's. A
// refusal is ReadCode's error, whose denials say why.
func (p *Policy) ExplainCode(path string) ([]byte, *Explanation, error) {
	return p.explain(path, asScript)
}

// ExplainImage is ExplainCode for ReadImage: the bytes go to the OS image
// loader, never to a script engine.
func (p *Policy) ExplainImage(path string) ([]byte, *Explanation, error) {
	return p.explain(path, asImage)
}

func (p *Policy) explain(path string, u use) ([]byte, *Explanation, error) {
	ex := new(Explanation)
	data, err := p.read(path, request{use: u, max: p.maxCodeSize, explain: ex})
	if err != nil {
		return nil, nil, err
	}
	if ex.Verdicts == nil {
		// No enforcer judged the file, so nothing hashed it.
		ex.SHA256 = sha256.Sum256(data)
	}
	return data, ex, nil
}

// record fills ex from a read that let the file through: sum is the
// digest of its bytes, judges the enforcers that judged them, and v what
// they said.
func (ex *Explanation) record(sum [32]byte, judges []checkedEnforcer, v *verdict) {
	ex.SHA256 = sum
	ex.Verdicts = make([]EnforcerVerdict, len(judges))
	for i, c := range judges {
		ev := EnforcerVerdict{Enforcer: c.Name(), Allowance: v.allowances[i]}
		for _, d := range v.audited {
			if d.Enforcer == ev.Enforcer {
				ev.Audited = append(ev.Audited, d)
			}
		}
		ex.Verdicts[i] = ev
	}
}
