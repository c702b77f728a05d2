package jsruntime_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/jsruntime"
)

// TestReturnsWhatStoppedTheProgram: RunMain, RunStdin, Eval and REPL return
// the refusal that stopped the program with its status, whether it came
// before anything ran or was thrown inside the program and not caught; a
// program that catches a refusal, or ends for another reason, returns none.
func TestReturnsWhatStoppedTheProgram(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js":     "console.log('main')",
		"requires.js": "require('./evil.js')",
		"catches.js":  "try { require('./evil.js') } catch (e) { console.log(e.code) }",
		"rethrows.js": "let saved; try { require('./evil.js') } catch (e) { saved = e }; throw saved",
		"dynamic.js":  "eval('1')",
		"throws.js":   "throw new Error('plain')",
		"evil.js":     "console.log('CANARY')",
	})
	enforce := a.policy(enforcer.Settings{}, "main.js", "evil.js")
	blocking := a.policy(enforcer.Settings{DisableInteractiveMode: true, DisableDynamicCode: true}, "evil.js")
	violation := func(path string) func(error) bool {
		return func(err error) bool {
			var v *intact.ViolationError
			return errors.As(err, &v) && v.Path == a.path(path)
		}
	}
	blocked := func(f intact.Feature) func(error) bool {
		return func(err error) bool {
			var b *intact.BlockedError
			return errors.As(err, &b) && b.Feature == f
		}
	}
	none := func(err error) bool { return err == nil }
	pipe := func() *os.File {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		w.WriteString("console.log('CANARY stdin')")
		w.Close()
		t.Cleanup(func() { r.Close() })
		return r
	}
	runMain := func(name string) func(*jsruntime.Runtime) (int, error) {
		return func(rt *jsruntime.Runtime) (int, error) { return rt.RunMain(a.path(name)) }
	}
	eval := func(rt *jsruntime.Runtime) (int, error) { return rt.Eval("1", false) }
	for _, tc := range []struct {
		name   string
		policy *intact.Policy
		stdin  *os.File
		run    func(*jsruntime.Runtime) (int, error)
		status int
		want   func(error) bool
	}{
		{"main refused", enforce, nil, runMain("main.js"), 1, violation("main.js")},
		{"require refused", enforce, nil, runMain("requires.js"), 1, violation("evil.js")},
		{"refusal rethrown", enforce, nil, runMain("rethrows.js"), 1, violation("evil.js")},
		{"refusal caught", enforce, nil, runMain("catches.js"), 0, none},
		{"dynamic code blocked", blocking, nil, runMain("dynamic.js"), 1, blocked(intact.FeatureDynamicCode)},
		{"plain error", enforce, nil, runMain("throws.js"), 1, none},
		{"eval blocked", blocking, nil, eval, 1, blocked(intact.FeatureEval)},
		{"eval allowed", enforce, nil, eval, 0, none},
		{"REPL blocked", blocking, nil, (*jsruntime.Runtime).REPL, 1, blocked(intact.FeatureREPL)},
		{"stdin blocked", blocking, pipe(), (*jsruntime.Runtime).RunStdin, 1, blocked(intact.FeatureStdin)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, jsruntime.Config{Policy: tc.policy, Stdin: tc.stdin}, tc.run)
			if res.code != tc.status || !tc.want(res.err) {
				t.Errorf("status %d, error %v; want status %d and the refusal that stopped it\nstderr:\n%s", res.code, res.err, tc.status, res.stderr)
			}
			res.noCanary(t)
		})
	}
}

// TestZeroConfigLoadsThePolicyInForce: a Config without a Policy runs under
// the policy in force for the process (intact.Default), here one that
// INTACT_POLICY adds, and not under none. Each case runs in a child
// process: the policy in force is loaded once per process.
func TestZeroConfigLoadsThePolicyInForce(t *testing.T) {
	policy := newApp(t, map[string]string{"policy.xml": denyInteractivePolicy}).path("policy.xml")
	t.Setenv(intact.EnvPolicy, policy)
	if !isolated(t, time.Minute) {
		return
	}
	res := run(t, jsruntime.Config{}, func(rt *jsruntime.Runtime) (int, error) { return rt.Eval("console.log('CANARY')", false) })
	var b *intact.BlockedError
	if res.code != 1 || !errors.As(res.err, &b) || b.Feature != intact.FeatureEval {
		t.Errorf("status %d, error %v; want eval blocked by %s", res.code, res.err, policy)
	}
	res.noCanary(t)
}

// TestZeroConfigFailsClosed: when the policy in force cannot be loaded, a
// Config without a Policy makes New fail, naming the reason; nothing runs.
func TestZeroConfigFailsClosed(t *testing.T) {
	missing := newApp(t, nil).path("missing.xml")
	t.Setenv(intact.EnvPolicy, missing)
	if !isolated(t, time.Minute) {
		return
	}
	rt, err := jsruntime.New(jsruntime.Config{})
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		if rt != nil {
			rt.Close()
		}
		t.Fatalf("New = %v; want the missing policy's error", err)
	}
}

// denyInteractivePolicy is a WDAC policy that disables interactive mode for
// intact and enforces nothing else.
const denyInteractivePolicy = `<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
  <VersionEx>1.0.0.0</VersionEx>
  <PolicyID>{6C2C7B11-0000-4000-8000-000000000002}</PolicyID>
  <BasePolicyID>{6C2C7B11-0000-4000-8000-000000000002}</BasePolicyID>
  <PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>
  <Rules><Rule><Option>Enabled:UMCI</Option></Rule></Rules>
  <AppSettings>
    <App Manifest="intact.manifest.xml">
      <Setting Name="DisableInteractiveMode"><Value>true</Value></Setting>
    </App>
  </AppSettings>
</SiPolicy>
`
