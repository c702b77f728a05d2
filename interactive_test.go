package intact_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// TestInteractiveBlocked: with DisableInteractiveMode, eval and the REPL are
// blocked with Node.js's message and code, and one "blocked" event each.
func TestInteractiveBlocked(t *testing.T) {
	e := newEnv(t)
	spec := e.trusting()
	spec.interactive = true
	policyPath := e.policy("policy.xml", spec)
	p, log := e.load([]string{policyPath}, nil)
	for _, f := range []intact.Feature{intact.FeatureEval, intact.FeatureREPL} {
		err := p.CheckInteractive(f)
		var b *intact.BlockedError
		if !errors.As(err, &b) || b.Feature != f || intact.ErrorCode(err) != intact.CodeBlocked {
			t.Fatalf("CheckInteractive(%s) = %v", f, err)
		}
		if want := `The feature "` + string(f) + `" is blocked by OS Code Integrity policy`; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	}
	evs := log.events(t)
	if len(evs) != 2 || evs[0]["event"] != intact.EventBlocked || evs[0]["feature"] != "eval" || evs[1]["feature"] != "REPL" {
		t.Fatalf("events = %v", evs)
	}
	// The reason is a stable code, as in file events; the detail says
	// which setting, from where.
	if r := evs[0]["reason"]; r != string(enforcer.ReasonInteractiveDisabled) {
		t.Errorf("event reason = %q, want %q", r, enforcer.ReasonInteractiveDisabled)
	}
	if d := evs[0]["detail"]; d != "DisableInteractiveMode (catalogs:"+policyPath+`: AppSettings for app id "intact")` {
		t.Errorf("event detail = %q", d)
	}
	// Dynamic code is a separate setting, off here.
	if err := p.CheckDynamicCode(); err != nil {
		t.Errorf("CheckDynamicCode = %v", err)
	}

	// Without the setting nothing is blocked.
	p, _ = e.load([]string{e.policy("enforce.xml", e.trusting())}, nil)
	if err := p.CheckInteractive(intact.FeatureEval); err != nil {
		t.Errorf("CheckInteractive without the setting = %v", err)
	}
}

// TestReadStdin: under DisableInteractiveMode code on stdin runs only if the
// descriptor passes the checks a file would: a pipe never does, a trusted
// file does, a tampered file does not.
func TestReadStdin(t *testing.T) {
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	spec.interactive = true
	p, _ := e.load([]string{e.policy("policy.xml", spec)}, cats)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(evilCode)
	w.Close()
	defer r.Close()
	data, err := p.ReadStdin(r)
	var b *intact.BlockedError
	if !errors.As(err, &b) || b.Feature != intact.FeatureStdin || data != nil {
		t.Fatalf("pipe: ReadStdin = %q, %v; want blocked", data, err)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if data, err := p.ReadStdin(f); err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("trusted file on stdin: %q, %v", data, err)
	}

	evil, err := os.Open(e.write("evil.js", evilCode))
	if err != nil {
		t.Fatal(err)
	}
	defer evil.Close()
	if data, err := p.ReadStdin(evil); !errors.As(err, &b) || data != nil {
		t.Fatalf("tampered file on stdin: %q, %v; want blocked", data, err)
	}

	// Without the setting stdin is simply read.
	p, _ = e.load(nil, nil)
	r2, w2, _ := os.Pipe()
	w2.Write(evilCode)
	w2.Close()
	defer r2.Close()
	if data, err := p.ReadStdin(r2); err != nil || !bytes.Equal(data, evilCode) {
		t.Fatalf("no policy: ReadStdin = %q, %v", data, err)
	}
}
