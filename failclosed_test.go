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
