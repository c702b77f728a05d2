//go:build linux

package nodeguard_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/nodeguard"
)

// realmApp imports a module into a ShadowRealm. Node loads the realm's
// modules with a loader of the realm's own, which intact's load hook does
// not see.
var realmApp = map[string]string{
	"main.mjs": canaryESM("main") + `const r = new ShadowRealm();
try {
  console.log('realm:', await r.importValue(new URL('planted.mjs', import.meta.url).href, 'x'));
} catch (e) { console.log('realm:', e.name); }
`,
	// A worker given the option in its execArgv (node refuses it there
	// itself, but the bootstrap judges first).
	"worker.js": `const { Worker } = require('worker_threads');
try { new Worker(__dirname + '/w.js', { execArgv: ['--experimental-shadow-realm'] }).on('error', (e) => console.log('worker:', e.code)); }
catch (e) { console.log('worker:', e.code); }
`,
	"w.js": "",
}

// TestShadowRealmRefused: under a policy that checks code, audit mode
// included, --experimental-shadow-realm is refused (TestRefusedOptionsLogged
// checks the events), before node runs anything, and a worker may not be
// given it either. Under a policy that checks no files (one that only
// disables interactive code) it is passed on: the realm's module is not
// checked, as no file is then.
func TestShadowRealmRefused(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, realmApp)
		s := sign(t, dir)
		// Written after signing: in no catalog.
		write(t, dir, map[string]string{"planted.mjs": "export const x = 'unsigned ran';\n"})
		for _, policy := range []string{"locked", "audit"} {
			canary := t.TempDir()
			res := s.run(t, n, policy, runOpts{env: []string{"CANARY_DIR=" + canary}}, "--experimental-shadow-realm", "main.mjs")
			var flag *nodeguard.FlagError
			if !errors.As(res.Err, &flag) || !strings.Contains(flag.Reason, "ShadowRealm") {
				t.Errorf("%s: got %v (exit %+v, stdout %q), want a FlagError saying why", policy, res.Err, res.Exit, res.Stdout)
			}
			if got := canaries(t, canary); len(got) != 0 {
				t.Errorf("%s: the app ran: canaries %v", policy, got)
			}
		}
		res := s.run(t, n, "locked", runOpts{}, "worker.js")
		if res.Err != nil || res.Stdout != "worker: ERR_CODE_INTEGRITY_BLOCKED\n" {
			t.Errorf("a worker given the option: %v, stdout %q, stderr %q", res.Err, res.Stdout, res.Stderr)
		}

		interactiveOnly := filepath.Join(t.TempDir(), "interactive.xml")
		intactCLI(t, "policy", "new", "--signer", filepath.Join(pki, "root.pem"), "-o", interactiveOnly, "--no-file-checks", "--deny-interactive")
		p, err := intact.Load(intact.LoadOptions{Policies: []string{interactiveOnly}, SystemDir: s.system})
		if err != nil {
			t.Fatal(err)
		}
		if p.ChecksCode() {
			t.Fatal("a policy that only disables interactive code checks code")
		}
		canary := t.TempDir()
		res = s.runPolicy(t, n, p, []string{interactiveOnly}, runOpts{env: []string{"CANARY_DIR=" + canary}}, "--experimental-shadow-realm", "main.mjs")
		if res.Err != nil || res.Exit.Code != 0 || res.Stdout != "realm: unsigned ran\n" {
			t.Errorf("no files checked: %v, exit %+v, stdout %q, stderr %q", res.Err, res.Exit, res.Stdout, res.Stderr)
		}
	})
}
