//go:build linux

package nodeguard_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/nodeguard"
)

// TestInteractiveRefused: when the policy disables interactive mode, code
// given as a string, the REPL, node's debugger client, the inspector and
// code on a pipe are refused with ERR_CODE_INTEGRITY_BLOCKED before node
// starts; `- < signed.js` runs (the descriptor passes), `- < unsigned.js`
// does not. Inside node, require('inspector'), require('repl') and SIGUSR1
// open nothing.
func TestInteractiveRefused(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"main.js": canaryJS("main") + "console.log('main');\n",
		"inside.js": `for (const id of ['inspector', 'repl', 'node:inspector/promises']) {
  try { require(id); console.log(id, 'loaded'); } catch (e) { console.log(id, e.code); }
}
for (const id of ['inspector', 'node:repl']) {
  try { process.getBuiltinModule(id); console.log(id, 'got'); } catch (e) { console.log('getBuiltinModule', id, e.code); }
}
process.kill(process.pid, 'SIGUSR1');
setTimeout(() => console.log('alive'), 300);
`,
	})
	s := sign(t, dir)
	unsigned := filepath.Join(dir, "unsigned.js")
	write(t, dir, map[string]string{"unsigned.js": "console.log('unsigned');\n"})
	n := nodes(t)[0]

	for _, tc := range []struct {
		name    string
		args    []string
		feature intact.Feature
	}{
		{"-e", []string{"-e", "console.log(1)"}, intact.FeatureEval},
		{"-p", []string{"-p", "1"}, intact.FeatureEval},
		{"-pe", []string{"-pe", "1"}, intact.FeatureEval},
		{"--eval=", []string{"--eval=1"}, intact.FeatureEval},
		{"--import data:", []string{"--import", "data:text/javascript,console.log(1)", "main.js"}, intact.FeatureEval},
		{"--require data:", []string{"--require", "data:text/javascript,console.log(1)", "main.js"}, intact.FeatureEval},
		{"-i", []string{"-i"}, intact.FeatureREPL},
		{"inspect", []string{"inspect", "main.js"}, intact.FeatureREPL},
		{"--inspect", []string{"--inspect", "main.js"}, intact.FeatureREPL},
		{"--inspect-brk=0", []string{"--inspect-brk=0", "main.js"}, intact.FeatureREPL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			canaryDir := t.TempDir()
			res := s.run(t, n, "strict", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, tc.args...)
			var blocked *intact.BlockedError
			if !errors.As(res.Err, &blocked) || blocked.Feature != tc.feature {
				t.Fatalf("got %v (exit %+v, stdout %q), want a BlockedError for %q", res.Err, res.Exit, res.Stdout, tc.feature)
			}
			if c := canaries(t, canaryDir); len(c) > 0 || res.Stdout != "" {
				t.Errorf("code ran: %v %q", c, res.Stdout)
			}
		})
	}

	t.Run("stdin", func(t *testing.T) {
		for _, tc := range []struct {
			name, file, want string
			blocked          bool
		}{
			{"signed", filepath.Join(dir, "main.js"), "main\n", false},
			{"unsigned", unsigned, "", true},
		} {
			canaryDir := t.TempDir()
			f, err := os.Open(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			res := s.run(t, n, "strict", runOpts{stdin: f, env: []string{"CANARY_DIR=" + canaryDir}}, "-")
			f.Close()
			var blocked *intact.BlockedError
			if got := errors.As(res.Err, &blocked) && blocked.Feature == intact.FeatureStdin; got != tc.blocked || res.Stdout != tc.want {
				t.Errorf("- < %s file: err %v, stdout %q; want blocked %v, stdout %q\n%s", tc.name, res.Err, res.Stdout, tc.blocked, tc.want, res.Stderr)
			}
		}
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("console.log('piped')"))
		w.Close()
		res := s.run(t, n, "strict", runOpts{stdin: r}, "-")
		r.Close()
		var blocked *intact.BlockedError
		if !errors.As(res.Err, &blocked) || blocked.Feature != intact.FeatureStdin || res.Stdout != "" {
			t.Errorf("code on a pipe: err %v, stdout %q; want a BlockedError for stdin", res.Err, res.Stdout)
		}
	})

	t.Run("inside", func(t *testing.T) {
		res := s.run(t, n, "strict", runOpts{}, "inside.js")
		want := "inspector ERR_CODE_INTEGRITY_BLOCKED\nrepl ERR_CODE_INTEGRITY_BLOCKED\nnode:inspector/promises ERR_CODE_INTEGRITY_BLOCKED\n" +
			"getBuiltinModule inspector ERR_CODE_INTEGRITY_BLOCKED\ngetBuiltinModule node:repl ERR_CODE_INTEGRITY_BLOCKED\nalive\n"
		if res.Stdout != want || strings.Contains(res.Stderr, "Debugger listening") {
			t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
		}
	})

	t.Run("allowed", func(t *testing.T) {
		// Under a policy that enforces code integrity only, -e runs.
		res := s.run(t, n, "enforce", runOpts{}, "-p", "6*7")
		if res.Err != nil || res.Stdout != "42\n" {
			t.Errorf("-p under an enforcing policy: %v %q\n%s", res.Err, res.Stdout, res.Stderr)
		}
	})
}

// TestExitAndSignals: node's exit status and the signal that ended it pass
// through; a signal sent to the broker reaches node.
func TestExitAndSignals(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"exit.js": "process.exitCode = 7;\n",
		"kill.js": "process.kill(process.pid, 'SIGKILL');\n",
		"wait.js": "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(3); });\n" +
			"console.log('ready');\nrequire('fs').writeFileSync(process.env.READY, '');\nsetInterval(() => {}, 1000);\n",
	})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		if res := s.run(t, n, "enforce", runOpts{}, "exit.js"); res.Err != nil || res.Exit != (nodeguard.Exit{Code: 7}) {
			t.Errorf("exit.js: %v %+v", res.Err, res.Exit)
		}
		if res := s.run(t, n, "enforce", runOpts{}, "kill.js"); res.Err != nil || res.Exit != (nodeguard.Exit{Signal: syscall.SIGKILL}) {
			t.Errorf("kill.js: %v %+v", res.Err, res.Exit)
		}
		// SIGTERM to this process (the broker) is passed on to node.
		ready := filepath.Join(t.TempDir(), "ready")
		go func() {
			for !fileExists(ready) {
				time.Sleep(10 * time.Millisecond)
			}
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
		}()
		if res := s.run(t, n, "enforce", runOpts{env: []string{"READY=" + ready}}, "wait.js"); res.Exit.Code != 3 || res.Stdout != "ready\ngot SIGTERM\n" {
			t.Errorf("wait.js: %v %+v %q\n%s", res.Err, res.Exit, res.Stdout, res.Stderr)
		}
	})
}

// TestDebuggerClientRefused: node starts its debugger client when the
// first argument left after option parsing is "inspect", "--" or not. The
// client runs no bootstrap and starts the real node with the inspector
// open; with NODE_INSPECT_RESUME_ON_START it runs the script straight
// away. Under every policy in force, and however it is spelt, it is refused
// before node starts and the unsigned script's canary stays absent.
func TestDebuggerClientRefused(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": "console.log('main');\n"})
	s := sign(t, dir)
	write(t, dir, map[string]string{"evil.js": canaryJS("evil") + "console.log('EVIL');\n"})
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, policy := range []string{"enforce", "dynamic", "locked"} {
			for _, args := range [][]string{
				{"--", "inspect", "evil.js"},
				{"--no-warnings", "--", "inspect", "evil.js"},
				{"inspect", "evil.js"},
				{"--help", "--", "inspect", "evil.js"},
			} {
				canaryDir := t.TempDir()
				res := s.run(t, n, policy, runOpts{env: []string{"CANARY_DIR=" + canaryDir, "NODE_INSPECT_RESUME_ON_START=1"}}, args...)
				var blocked *intact.BlockedError
				var flag *nodeguard.FlagError
				if !errors.As(res.Err, &blocked) && !errors.As(res.Err, &flag) {
					t.Errorf("%s %q: got %v (exit %+v), want a refusal\nstdout: %s\nstderr: %s", policy, args, res.Err, res.Exit, res.Stdout, res.Stderr)
				}
				if c := canaries(t, canaryDir); len(c) > 0 || strings.Contains(res.Stdout, "EVIL") {
					t.Errorf("%s %q: the unsigned script ran: %v %q", policy, args, c, res.Stdout)
				}
			}
		}
	})
}

// TestSIGUSR1OpensNoInspector: under a policy that disables dynamic code
// only, SIGUSR1 sent to node opens no inspector (whose Runtime.evaluate
// would compile strings), and the app keeps running.
func TestSIGUSR1OpensNoInspector(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"app.js": `const fs = require('fs');
// An inspector listening on 9229 is a LISTEN (0A) line for port 240D in
// /proc/net/tcp or tcp6 whose socket inode is one of this process's.
const listening = () => {
  const own = new Set(fs.readdirSync('/proc/self/fd').map((fd) => { try { return fs.readlinkSync('/proc/self/fd/' + fd); } catch { return ''; } }));
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((f) => {
    try {
      return fs.readFileSync(f, 'utf8').split('\n').some((l) => {
        const w = l.trim().split(/\s+/);
        return /:240D$/.test(w[1] || '') && w[3] === '0A' && own.has('socket:[' + w[9] + ']');
      });
    } catch { return false; }
  });
};
process.kill(process.pid, 'SIGUSR1');
setTimeout(() => console.log('alive', listening() ? 'inspector listening' : 'no inspector'), 500);
`,
	})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		res := s.run(t, n, "dynamic", runOpts{}, "app.js")
		if res.Err != nil || res.Stdout != "alive no inspector\n" || strings.Contains(res.Stderr, "Debugger listening") {
			t.Errorf("err %v, exit %+v\nstdout: %s\nstderr: %s", res.Err, res.Exit, res.Stdout, res.Stderr)
		}
	})
}

// TestInspectorClosed: whenever the policy checks files, interactive code
// allowed or not, the inspector module is closed (ERR_ACCESS_DENIED), by
// require, import and process.getBuiltinModule. A debugger reads closures:
// through an in-process inspector.Session, code in node took the original
// process.dlopen out of the bootstrap's closure ([[Scopes]]) and loaded an
// addon no catalog lists (outside review rt87). The REPL module stays as
// the policy says.
func TestInspectorClosed(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `for (const id of ['inspector', 'node:inspector/promises']) {
  try { require(id); console.log('require', id, 'loaded'); } catch (e) { console.log('require', id, e.code); }
  try { process.getBuiltinModule(id); console.log('getBuiltinModule', id, 'got'); } catch (e) { console.log('getBuiltinModule', id, e.code); }
}
try { require('repl'); console.log('repl loaded'); } catch (e) { console.log('repl', e.code); }
import('node:inspector').then(() => console.log('import loaded'), (e) => console.log('import', e.code));
`})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		res := s.run(t, n, "enforce", runOpts{}, "main.js")
		const want = "require inspector ERR_ACCESS_DENIED\ngetBuiltinModule inspector ERR_ACCESS_DENIED\n" +
			"require node:inspector/promises ERR_ACCESS_DENIED\ngetBuiltinModule node:inspector/promises ERR_ACCESS_DENIED\n" +
			"repl loaded\nimport ERR_ACCESS_DENIED\n"
		if res.Stdout != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", res.Stdout, want, res.Stderr)
		}
	})
}
