//go:build linux

package nodeguard_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/nodeguard"
)

// TestRefusedOptionsLogged: a node option refused as a side door, on the
// command line or in NODE_OPTIONS, is refused under an audit policy too,
// and logged as a blocked event with reason host-refused under either, so
// that an operator reading the log sees it; nothing of the app runs.
func TestRefusedOptionsLogged(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": canaryJS("main")})
	s := sign(t, dir)
	cases := []struct {
		name string
		args []string
		env  []string
		flag string
	}{
		{"command line", []string{"--inspect", "main.js"}, nil, "--inspect"},
		{"NODE_OPTIONS", []string{"main.js"}, []string{"NODE_OPTIONS=--experimental-loader=./l.mjs"}, "--experimental-loader=./l.mjs"},
		{"ShadowRealm", []string{"--experimental-shadow-realm", "main.js"}, nil, "--experimental-shadow-realm"},
		{"ShadowRealm in NODE_OPTIONS", []string{"main.js"}, []string{"NODE_OPTIONS=--experimental-shadow-realm"}, "--experimental-shadow-realm"},
	}
	for _, policy := range []string{"enforce", "audit"} {
		for _, c := range cases {
			t.Run(policy+"/"+c.name, func(t *testing.T) {
				events := filepath.Join(t.TempDir(), "events.json")
				t.Setenv(intact.EnvEventLog, events)
				canary := t.TempDir()
				res := s.run(t, n, policy, runOpts{env: append([]string{"CANARY_DIR=" + canary}, c.env...)}, c.args...)
				var flag *nodeguard.FlagError
				if !errors.As(res.Err, &flag) || flag.Flag != c.flag {
					t.Fatalf("got %v (exit %+v), want the FlagError of %s", res.Err, res.Exit, c.flag)
				}
				log, _ := os.ReadFile(events)
				want := `"feature":"node option ` + c.flag + `","reason":"host-refused"`
				if !strings.Contains(string(log), want) || !strings.Contains(string(log), `"event":"blocked"`) {
					t.Errorf("event log lacks %s:\n%s", want, log)
				}
				if got := canaries(t, canary); len(got) != 0 {
					t.Errorf("the app ran: canaries %v", got)
				}
			})
		}
	}
}

// TestRefusalExplainedInNode: a file refused inside node says, beside
// Node's code and message, why and what to do next, and the intact check
// command that explains it in full: as properties of the error, which node
// prints with an uncaught one.
func TestRefusalExplainedInNode(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"main.js": "try { require('./evil.js'); } catch (e) { console.log(e.code, typeof e.why, typeof e.next, e.check); }\nrequire('./evil.js');\n",
	})
	s := sign(t, dir)
	write(t, dir, map[string]string{"evil.js": canaryJS("evil")})
	canary := t.TempDir()
	res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canary}}, "main.js")
	evil := filepath.Join(dir, "evil.js")
	if want := "ERR_CODE_INTEGRITY_VIOLATION string string intact check " + evil + "\n"; res.Stdout != want {
		t.Errorf("caught: stdout %q, want %q\nstderr:\n%s", res.Stdout, want, res.Stderr)
	}
	for _, want := range []string{"did not pass OS Code Integrity validation", "why: ", "next: ", "check: 'intact check " + evil + "'"} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("uncaught: stderr lacks %q:\n%s", want, res.Stderr)
		}
	}
	if c := canaries(t, canary); len(c) != 0 {
		t.Errorf("the refused file ran: %v", c)
	}
}
