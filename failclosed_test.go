package intact_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// settingsOnly asks for settings but judges nothing.
type settingsOnly struct{ s enforcer.Settings }

func (e settingsOnly) Name() string                { return "settings-only" }
func (e settingsOnly) Settings() enforcer.Settings { return e.s }
func (e settingsOnly) Status() enforcer.Status     { return enforcer.Status{Available: true} }

// TestEnforcerThatCannotJudgeFailsClosed: an embedder's enforcer that asks
// for enforcement, or for interactive mode off, without implementing a
// checker must refuse files and stdin, not let them through unjudged.
func TestEnforcerThatCannotJudgeFailsClosed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "unsigned.js")
	if err := os.WriteFile(file, []byte("canary()"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, s := range []enforcer.Settings{
		{EnforceCodeIntegrity: true},
		{DisableInteractiveMode: true},
	} {
		p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{settingsOnly{s}}})
		if s.EnforceCodeIntegrity {
			data, err := p.ReadCode(file)
			var v *intact.ViolationError
			if !errors.As(err, &v) || v.Reason() != enforcer.ReasonUnavailable || data != nil {
				t.Errorf("%+v: ReadCode = %q, %v; want enforcer-unavailable", s, data, err)
			}
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		data, err := p.ReadStdin(f)
		f.Close()
		var b *intact.BlockedError
		if s.DisableInteractiveMode && (!errors.As(err, &b) || data != nil) {
			t.Errorf("%+v: ReadStdin = %q, %v; want blocked", s, data, err)
		}
		if !s.DisableInteractiveMode && (err != nil || !bytes.Equal(data, []byte("canary()"))) {
			t.Errorf("%+v: ReadStdin = %q, %v; want the file (interactive mode allowed)", s, data, err)
		}
	}
}

// auditing enforces code integrity in audit mode, or not, judging nothing
// as acceptable.
type auditing struct {
	name  string
	audit bool
}

func (e auditing) Name() string { return e.name }
func (e auditing) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true, Audit: e.audit}
}
func (e auditing) Status() enforcer.Status { return enforcer.Status{Available: true} }
func (e auditing) CheckContent(enforcer.Content) error {
	return &enforcer.Denial{Reason: enforcer.ReasonNotInCatalog}
}

// TestAuditOnlyWhenNothingEnforces: the combined Audit setting says the
// truth when one policy audits and another enforces: the file is refused,
// so Audit is off.
func TestAuditOnlyWhenNothingEnforces(t *testing.T) {
	file := filepath.Join(t.TempDir(), "main.js")
	if err := os.WriteFile(file, []byte("main()"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		enforcers []enforcer.Enforcer
		audit     bool
	}{
		{[]enforcer.Enforcer{auditing{"a", true}}, true},
		{[]enforcer.Enforcer{auditing{"a", true}, auditing{"b", true}}, true},
		{[]enforcer.Enforcer{auditing{"a", true}, auditing{"b", false}}, false},
	} {
		p := intact.New(intact.Config{Enforcers: tc.enforcers})
		_, err := p.ReadCode(file)
		if got := p.Settings().Audit.Enabled; got != tc.audit || (err == nil) != tc.audit {
			t.Errorf("%v: Audit = %v, ReadCode error %v; want Audit %v and a refusal unless auditing", tc.enforcers, got, err, tc.audit)
		}
	}
}
