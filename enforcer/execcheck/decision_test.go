package execcheck

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/linuxsec"
)

// These tests pin the decisions that do not depend on the kernel, on every
// system: what puts the enforcer in force, and that being unable to check
// never reads as "allowed".

func openTemp(t *testing.T) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "main.js")
	if err := os.WriteFile(path, []byte("1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestUnavailableInForceRefuses(t *testing.T) {
	kernelErr := errors.New("the kernel does not support execveat(AT_EXECVE_CHECK)")
	f := openTemp(t)
	for _, e := range []*Enforcer{
		{bits: linuxsec.SecbitExecRestrictFile, unavailable: kernelErr},
		{bits: linuxsec.SecbitExecDenyInteractive, unavailable: kernelErr},
		{opts: Options{RestrictFile: true}, unavailable: kernelErr},
		{bitsErr: errors.New("prctl: EPERM"), unavailable: kernelErr},
	} {
		err := e.CheckFile(f, f.Name())
		var d *enforcer.Denial
		if !errors.As(err, &d) || d.Reason != enforcer.ReasonUnavailable || d.Enforcer != Name || !errors.Is(err, kernelErr) {
			t.Errorf("%+v: CheckFile = %v, want an enforcer-unavailable denial", e, err)
		}
		if e.Status().Available {
			t.Errorf("%+v: Status().Available = true", e)
		}
	}
}

func TestNotInForceHasNoOpinion(t *testing.T) {
	f := openTemp(t)
	e := &Enforcer{unavailable: errNotLinux}
	if err := e.CheckFile(f, f.Name()); err != nil {
		t.Errorf("CheckFile with no bit set = %v, want nil", err)
	}
	if s := e.Settings(); s != (enforcer.Settings{}) {
		t.Errorf("Settings = %+v, want none", s)
	}
	// The lock bits alone ask for nothing.
	e.bits = linuxsec.SecbitExecRestrictFileLocked | linuxsec.SecbitExecDenyInteractiveLocked
	if s := e.Settings(); s != (enforcer.Settings{}) {
		t.Errorf("lock bits alone: Settings = %+v, want none", s)
	}
}

func TestSettingsAndSources(t *testing.T) {
	for _, tc := range []struct {
		name        string
		e           Enforcer
		want        enforcer.Settings
		wantSources map[enforcer.SettingName]string
	}{
		{
			name: "restrict-file locked",
			e:    Enforcer{bits: linuxsec.SecbitExecRestrictFile | linuxsec.SecbitExecRestrictFileLocked},
			want: enforcer.Settings{EnforceCodeIntegrity: true},
			wantSources: map[enforcer.SettingName]string{
				"EnforceCodeIntegrity": "securebit SECBIT_EXEC_RESTRICT_FILE (locked)",
			},
		},
		{
			name: "deny-interactive",
			e:    Enforcer{bits: linuxsec.SecbitExecDenyInteractive},
			want: enforcer.Settings{DisableInteractiveMode: true},
			wantSources: map[enforcer.SettingName]string{
				"DisableInteractiveMode": "securebit SECBIT_EXEC_DENY_INTERACTIVE",
			},
		},
		{
			name: "options add to the bits",
			e:    Enforcer{bits: linuxsec.SecbitExecDenyInteractive, opts: Options{RestrictFile: true}},
			want: enforcer.Settings{EnforceCodeIntegrity: true, DisableInteractiveMode: true},
			wantSources: map[enforcer.SettingName]string{
				"EnforceCodeIntegrity":   "execcheck option RestrictFile",
				"DisableInteractiveMode": "securebit SECBIT_EXEC_DENY_INTERACTIVE",
			},
		},
		{
			name: "unreadable securebits fail closed",
			e:    Enforcer{bitsErr: errors.New("prctl(PR_GET_SECUREBITS): EPERM")},
			want: enforcer.Settings{EnforceCodeIntegrity: true, DisableInteractiveMode: true},
			wantSources: map[enforcer.SettingName]string{
				"EnforceCodeIntegrity":   "securebits unreadable, enforced (fail closed)",
				"DisableInteractiveMode": "securebits unreadable, enforced (fail closed)",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.e.Settings(); got != tc.want {
				t.Errorf("Settings = %+v, want %+v", got, tc.want)
			}
			st := tc.e.Status()
			if len(st.Sources) != len(tc.wantSources) {
				t.Errorf("Sources = %v, want %v", st.Sources, tc.wantSources)
			}
			for k, v := range tc.wantSources {
				if st.Sources[k] != v {
					t.Errorf("Sources[%s] = %q, want %q", k, st.Sources[k], v)
				}
			}
		})
	}
}

func TestStatusDetailsNameTheBits(t *testing.T) {
	e := Enforcer{bits: 0xf00}
	got := strings.Join(e.Status().Details, "\n")
	want := "securebits: 0xf00 (SECBIT_EXEC_RESTRICT_FILE|SECBIT_EXEC_RESTRICT_FILE_LOCKED|SECBIT_EXEC_DENY_INTERACTIVE|SECBIT_EXEC_DENY_INTERACTIVE_LOCKED)"
	if !strings.Contains(got, want) {
		t.Errorf("Details = %q, want a line %q", got, want)
	}
}

func TestNewOnThisSystem(t *testing.T) {
	e := New()
	if e.Name() != "execcheck" {
		t.Errorf("Name = %q", e.Name())
	}
	st := e.Status()
	if (e.unavailable == nil) != st.Available {
		t.Errorf("Available = %v with unavailable = %v", st.Available, e.unavailable)
	}
	if !st.Available && !strings.Contains(strings.Join(st.Details, "\n"), "unavailable: ") {
		t.Errorf("unavailable without a reason: %q", st.Details)
	}
}
