//go:build linux

package nodeguard_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestBootstrapRefusalsLogged: the refusals the bootstrap makes inside
// node on its own account (a worker's options, a hook's answer, a closed
// API), which no request shows the broker, are logged as blocked events
// with reason host-refused, like a node option refused on the command
// line (outside review rt58); and nothing of the refused code runs.
func TestBootstrapRefusalsLogged(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"main.js": `
const { Worker, SHARE_ENV } = require('node:worker_threads');
const m = require('node:module');
const unsigned = require('path').join(__dirname, 'unsigned.js');
const tries = {
  'module.register': () => m.register('./x.mjs', 'file:///'),
  'worker eval': () => new Worker('1', { eval: true }),
  'worker --inspect': () => new Worker(__filename, { execArgv: ['--inspect'] }),
  'worker NUL': () => new Worker(__filename, { execArgv: ['--no-warnings\0--inspect'] }),
  'worker NODE_OPTIONS': () => new Worker(__filename, { env: { NODE_OPTIONS: '--require=' + unsigned } }),
  'worker SHARE_ENV': () => new Worker(__filename, { env: SHARE_ENV }),
  'process.binding': () => process.binding('fs'),
  'hook without source': () => {
    m.registerHooks({ load: (url, ctx, next) => url.endsWith('unsigned.js') ? { format: 'commonjs', source: null, shortCircuit: true } : next(url, ctx) });
    require(unsigned);
  },
};
for (const [name, f] of Object.entries(tries)) {
  try { f(); console.log(name, 'ALLOWED'); } catch (e) { console.log(name, e.code); }
}
`})
		s := sign(t, dir)
		write(t, dir, map[string]string{"unsigned.js": canaryJS("unsigned")})
		events := filepath.Join(t.TempDir(), "events.json")
		t.Setenv(intact.EnvEventLog, events)
		canary := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canary}}, "main.js")
		want := "module.register ERR_CODE_INTEGRITY_BLOCKED\nworker eval ERR_CODE_INTEGRITY_BLOCKED\n" +
			"worker --inspect ERR_CODE_INTEGRITY_BLOCKED\nworker NUL ERR_CODE_INTEGRITY_BLOCKED\nworker NODE_OPTIONS ERR_CODE_INTEGRITY_BLOCKED\n" +
			"worker SHARE_ENV ERR_CODE_INTEGRITY_BLOCKED\nprocess.binding ERR_ACCESS_DENIED\n" +
			"hook without source ERR_CODE_INTEGRITY_VIOLATION\n"
		if res.Err != nil || res.Stdout != want {
			t.Fatalf("got %q (err %v, exit %+v, stderr %s), want %q", res.Stdout, res.Err, res.Exit, res.Stderr, want)
		}
		log, _ := os.ReadFile(events)
		for _, feature := range []string{"module.register", "new Worker(code, {eval: true})", "worker option --inspect",
			`worker option --no-warnings\0--inspect`,
			"worker option --require=" + filepath.Join(dir, "unsigned.js"), "worker env SHARE_ENV", "process.binding",
			filepath.Join(dir, "unsigned.js")} {
			entry := `"feature":` + strconv.Quote(feature) + `,"reason":"host-refused"`
			if !strings.Contains(string(log), entry) {
				t.Errorf("event log lacks %s:\n%s", entry, log)
			}
		}
		if got := canaries(t, canary); len(got) != 0 {
			t.Errorf("refused code ran: canaries %v", got)
		}
	})
}

// TestChannelClosedLogged: code in node that closes its channel to the
// broker stops the broker from hearing of refusals on that thread, which
// still refuse; the broker logs that the channel ended while node ran
// (outside review rt63), at once, not after a grace for node's exit: code
// that exited within it left no record (rt65).
func TestChannelClosedLogged(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"main.js": `
const fs = require('node:fs');
const vm = require('node:vm');
const tryVM = (when) => {
  try { new vm.Script('1'); console.log(when, 'ALLOWED'); } catch (e) { console.log(when, e.code); }
};
tryVM('before');
fs.closeSync(3);
tryVM('after');
setTimeout(() => {}, 200); // well within channelEndGrace
`})
		s := sign(t, dir)
		events := filepath.Join(t.TempDir(), "events.json")
		t.Setenv(intact.EnvEventLog, events)
		res := s.run(t, n, "dynamic", runOpts{}, "main.js")
		want := "before ERR_CODE_INTEGRITY_BLOCKED\nafter ERR_CODE_INTEGRITY_VIOLATION\n"
		if res.Err != nil || res.Stdout != want {
			t.Fatalf("got %q (err %v, exit %+v, stderr %s), want %q", res.Stdout, res.Err, res.Exit, res.Stderr, want)
		}
		log, _ := os.ReadFile(events)
		entry := `"feature":"the main thread's channel to the broker","reason":"host-refused","detail":"closed by node's process while node runs`
		if !strings.Contains(string(log), entry) {
			t.Errorf("event log lacks %s:\n%s", entry, log)
		}
	})
}

// TestNoChannelLeftLogged: code in node that takes every worker channel
// (raw channel requests on the main thread's socket) leaves the workers
// started after it without one; each refuses every file, and the broker
// logs that none was left (outside review rt65).
func TestNoChannelLeftLogged(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"worker.js": "require('node:worker_threads').parentPort.postMessage('worker ran');\n",
		"main.js": `
const fs = require('node:fs');
const { Worker } = require('node:worker_threads');
for (let i = 0; i < 64; i++) {
  const id = Buffer.from(process.pid + '-0-taken' + i);
  const frame = Buffer.alloc(9 + id.length);
  frame.writeUInt32LE(5 + id.length, 0);
  frame[4] = 0x43; // 'C'
  id.copy(frame, 9);
  fs.writeSync(3, frame);
}
setTimeout(() => {
  const w = new Worker(require('node:path').join(__dirname, 'worker.js'));
  w.on('message', (m) => console.log(m));
  w.on('error', (e) => console.log('worker', e.code));
}, 500);
`})
	s := sign(t, dir)
	events := filepath.Join(t.TempDir(), "events.json")
	t.Setenv(intact.EnvEventLog, events)
	res := s.run(t, n, "enforce", runOpts{timeout: time.Minute}, "main.js")
	if res.Err != nil || res.Stdout != "worker ERR_CODE_INTEGRITY_VIOLATION\n" {
		t.Fatalf("got %q (err %v, exit %+v, stderr %s)", res.Stdout, res.Err, res.Exit, res.Stderr)
	}
	log, _ := os.ReadFile(events)
	entry := `"feature":"a worker thread's channel to the broker","reason":"host-refused","detail":"none is left`
	if strings.Count(string(log), entry) != 1 {
		t.Errorf("event log lacks %s, once:\n%s", entry, log)
	}
}

// TestRefusalCountAtExit: the refusals code in node asked the broker to
// log beyond the bound are counted whole, those it left in the channel as
// it exited included (outside review rt66: 179 of 2,900 were).
func TestRefusalCountAtExit(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `
const frames = [];
for (let i = 0; i < 3000; i++) {
  const payload = Buffer.from('junk\0x');
  const frame = Buffer.alloc(9 + payload.length);
  frame.writeUInt32LE(5 + payload.length, 0);
  frame[4] = 0x4c; // 'L'
  payload.copy(frame, 9);
  frames.push(frame);
}
require('node:fs').writeSync(3, Buffer.concat(frames));
process.exit(0);
`})
	s := sign(t, dir)
	events := filepath.Join(t.TempDir(), "events.json")
	t.Setenv(intact.EnvEventLog, events)
	res := s.run(t, n, "enforce", runOpts{timeout: time.Minute}, "main.js")
	if res.Err != nil || res.Exit != (nodeguard.Exit{}) {
		t.Fatalf("err %v, exit %+v, stderr %s", res.Err, res.Exit, res.Stderr)
	}
	log, _ := os.ReadFile(events)
	if got := strings.Count(string(log), `"feature":"junk"`); got != 100 {
		t.Errorf("%d of the refusals logged, want 100", got)
	}
	if want := `"detail":"2900 more not logged`; !strings.Contains(string(log), want) {
		t.Errorf("event log lacks %s:\n%s", want, log[max(0, len(log)-600):])
	}
}
