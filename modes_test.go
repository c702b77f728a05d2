package intact_test

import (
	"fmt"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// refuseAll is a content enforcer that refuses every file.
type refuseAll struct{ settings enforcer.Settings }

func (r refuseAll) Name() string                { return fmt.Sprintf("refuse-all %+v", r.settings) }
func (r refuseAll) Settings() enforcer.Settings { return r.settings }
func (r refuseAll) Status() enforcer.Status     { return enforcer.Status{Available: true} }
func (r refuseAll) CheckContent(enforcer.Content) error {
	return &enforcer.Denial{Reason: enforcer.ReasonNotInCatalog}
}

// TestModes: ChecksCode, Enforcing and Auditing say what ReadCode does
// with a file that fails its checks: reads it unjudged, refuses it, or
// logs and runs it. One enforcer outside audit mode makes the policy
// enforce, whatever others audit.
func TestModes(t *testing.T) {
	enforce := enforcer.Settings{EnforceCodeIntegrity: true}
	audit := enforcer.Settings{EnforceCodeIntegrity: true, Audit: true}
	for _, tc := range []struct {
		name                        string
		settings                    []enforcer.Settings
		checks, enforcing, auditing bool
	}{
		{"no enforcer", nil, false, false, false},
		{"interactive mode only", []enforcer.Settings{{DisableInteractiveMode: true}}, false, false, false},
		{"audit option without checks", []enforcer.Settings{{Audit: true}}, false, false, false},
		{"enforced", []enforcer.Settings{enforce}, true, true, false},
		{"audited", []enforcer.Settings{audit}, true, false, true},
		{"audited and enforced", []enforcer.Settings{audit, enforce}, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var es []enforcer.Enforcer
			for _, s := range tc.settings {
				es = append(es, refuseAll{s})
			}
			p := intact.New(intact.Config{Enforcers: es})
			if p.Settings().Audit.Enabled != p.Auditing() {
				t.Errorf("Settings().Audit %v, Auditing() %t: one meaning, two answers", p.Settings().Audit, p.Auditing())
			}
			if p.ChecksCode() != tc.checks || p.Enforcing() != tc.enforcing || p.Auditing() != tc.auditing {
				t.Errorf("ChecksCode %t, Enforcing %t, Auditing %t; want %t, %t, %t",
					p.ChecksCode(), p.Enforcing(), p.Auditing(), tc.checks, tc.enforcing, tc.auditing)
			}
			_, err := p.ReadCode(newEnv(t).write("a.js", []byte("a()")))
			if refused := err != nil; refused != tc.enforcing {
				t.Errorf("ReadCode of a file every enforcer refuses: %v; want refused = Enforcing() = %t", err, tc.enforcing)
			}
		})
	}
}
