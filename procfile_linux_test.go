package intact_test

import (
	"testing"

	"github.com/intactdev/intact/enforcer"
)

// TestProcFileRefused: a /proc file is regular but its stat says 0 bytes
// while it has content. ReadCode reads one byte past the size it found and
// refuses the file as changed-while-read, in audit mode too: the one byte
// read is not the file, and must not run.
func TestProcFileRefused(t *testing.T) {
	e := newEnv(t)
	for _, audit := range []bool{false, true} {
		_, spec, cats := withTrusted(e, trustedCode)
		spec.audit = audit
		p, _ := e.load([]string{e.policy("policy.xml", spec)}, cats)
		if data, err := p.ReadCode("/proc/self/status"); !hasReason(err, enforcer.ReasonChanged) {
			t.Errorf("audit %v: ReadCode(/proc/self/status) = %q, %v; want changed-while-read", audit, data, err)
		}
	}
}
