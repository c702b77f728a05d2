//go:build linux

package nodeguard_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact"
)

// childrenApp starts node children every way an app does and prints what
// came of each.
var childrenApp = map[string]string{
	"parent.js": `const { fork, spawnSync } = require('child_process');
const { Worker } = require('worker_threads');
const path = require('path');
const here = (f) => path.join(__dirname, f);
const violation = (s) => /ERR_CODE_INTEGRITY_VIOLATION/.test(s);
const child = fork(here('child.js'));
child.on('message', (m) => {
  console.log('fork signed:', m);
  const evil = fork(here('evil.js'), { stdio: 'pipe' });
  let stderr = '';
  evil.stderr.on('data', (d) => { stderr += d; });
  evil.on('exit', (code) => {
    console.log('fork unsigned:', code, violation(stderr));
    let r = spawnSync(process.execPath, [here('evil.js')], { encoding: 'utf8' });
    console.log('spawn execPath unsigned:', r.status, violation(r.stderr));
    r = spawnSync(here('tool'), { encoding: 'utf8' });
    console.log('shebang signed:', r.status, r.stdout.trim());
    r = spawnSync(here('eviltool'), { encoding: 'utf8' });
    console.log('shebang unsigned:', r.status, violation(r.stderr));
    // A scrubbed environment loses neither the node nor the policies.
    r = spawnSync(process.execPath, [here('evil.js')], { encoding: 'utf8', env: { PATH: process.env.NODE_DIR, CANARY_DIR: process.env.CANARY_DIR } });
    console.log('spawn execPath unsigned, scrubbed env:', r.status, violation(r.stderr));
    const w = new Worker(here('worker.js'), { execArgv: [] });
    w.on('message', (m) => {
      console.log('worker signed:', m);
      const ew = new Worker(here('evilworker.js'), { execArgv: [] });
      ew.on('error', (e) => { console.log('worker unsigned:', e.code); accessor(); });
      ew.on('message', (m) => console.log('worker unsigned:', m));
    });
  });
});
child.send('hi');
// An accessor on Object.prototype must not take the bootstrap out of a
// worker's options.
function accessor() {
  Object.defineProperty(Object.prototype, 'execArgv', { get() { return []; }, set(v) {}, configurable: true });
  const aw = new Worker(here('evilworker.js'));
  aw.on('error', (e) => console.log('worker unsigned, accessor:', e.code));
  aw.on('message', (m) => console.log('worker unsigned, accessor:', m));
}
`,
	"child.js":  "process.on('message', (m) => { process.send('child got ' + m); process.disconnect(); });\n",
	"worker.js": "require('worker_threads').parentPort.postMessage('hello from worker');\n",
	"tool":      "#!/usr/bin/env node\nconsole.log('tool ran');\n",
}

// TestChildren: fork(), spawn(process.execPath), #!/usr/bin/env node
// scripts and worker threads (even given an empty execArgv) run under the
// same policy: signed code runs, with fork's IPC working, and unsigned code
// is refused in the child, with no statement of it run.
func TestChildren(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, childrenApp)
	os.Chmod(filepath.Join(dir, "tool"), 0o755)
	s := sign(t, dir)
	write(t, dir, map[string]string{
		"evil.js":       canaryJS("evil") + "console.log('EVIL');\n",
		"evilworker.js": canaryJS("evilworker") + "require('worker_threads').parentPort.postMessage('EVIL');\n",
		"eviltool":      "#!/usr/bin/env node\n" + canaryJS("eviltool") + "console.log('EVIL');\n",
	})
	os.Chmod(filepath.Join(dir, "eviltool"), 0o755)
	want := "fork signed: child got hi\nfork unsigned: 1 true\nspawn execPath unsigned: 1 true\n" +
		"shebang signed: 0 tool ran\nshebang unsigned: 1 true\nspawn execPath unsigned, scrubbed env: 1 true\nworker signed: hello from worker\n" +
		"worker unsigned: ERR_CODE_INTEGRITY_VIOLATION\nworker unsigned, accessor: ERR_CODE_INTEGRITY_VIOLATION\n"
	forEachNode(t, func(t *testing.T, n testNode) {
		canaryDir := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir, "NODE_DIR=" + filepath.Dir(n.Path)}}, "parent.js")
		if res.Stdout != want {
			t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("statements of refused files ran: %v", c)
		}
		if strings.Contains(res.Stdout, "EVIL") {
			t.Error("an unsigned child ran")
		}
	})
}

// TestWorkerExecArgv: a worker's execArgv is judged by the same allow-list
// as the command line, by canonical names ("_" for "-"), and an execArgv
// inherited from a polluted Object.prototype is not read. An unsigned
// loader given to a worker never runs.
func TestWorkerExecArgv(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"main.js": `const { Worker } = require('worker_threads');
const path = require('path');
const loader = path.join(process.env.CANARY_DIR, '..', 'loader.mjs');
const cases = [
  ['underscore=', ['--experimental_loader=' + loader]],
  ['underscore', ['--experimental_loader', loader]],
  ['--loader', ['--loader=' + loader]],
  ['--import_', ['--import', loader]],
  ['-r', ['-r', loader]],
  ['inspect_brk', ['--inspect_brk']],
  ['allowed', ['--no_warnings', '-C', 'dev']],
];
let next = 0;
function run() {
  if (next === cases.length) return polluted();
  const [name, execArgv] = cases[next++];
  try {
    const w = new Worker(path.join(__dirname, 'worker.js'), { execArgv });
    w.on('message', (m) => { console.log(name, m); });
    w.on('error', (e) => { console.log(name, e.code); });
    w.on('exit', run);
  } catch (e) { console.log(name, e.code); run(); }
}
function polluted() {
  Object.prototype.execArgv = ['--experimental_loader=' + loader];
  const w = new Worker(path.join(__dirname, 'worker.js'));
  w.on('message', (m) => console.log('polluted', m));
  w.on('error', (e) => console.log('polluted', e.code));
}
run();
`,
		"worker.js": "require('worker_threads').parentPort.postMessage('worker ran');\n",
	})
	s := sign(t, dir)
	want := "underscore= ERR_CODE_INTEGRITY_BLOCKED\nunderscore ERR_CODE_INTEGRITY_BLOCKED\n--loader ERR_CODE_INTEGRITY_BLOCKED\n" +
		"--import_ ERR_CODE_INTEGRITY_BLOCKED\n-r ERR_CODE_INTEGRITY_BLOCKED\ninspect_brk ERR_CODE_INTEGRITY_BLOCKED\n" +
		"allowed worker ran\npolluted worker ran\n"
	forEachNode(t, func(t *testing.T, n testNode) {
		base := t.TempDir()
		canaryDir := filepath.Join(base, "canaries")
		os.Mkdir(canaryDir, 0o755)
		write(t, base, map[string]string{"loader.mjs": canaryESM("loader") +
			"export async function load(u, c, next) { return next(u, c); }\n"})
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "main.js")
		if res.Stdout != want {
			t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("an unsigned loader given to a worker ran: %v", c)
		}
	})
}

// TestShimTrust: a node child takes its node binary and policies from its
// broker only. The application (same user) cannot replace the fork target
// (process.execPath), cannot point a child at another node by writing a
// shim.json beside the shim or by INTACT_NODE in the child's environment,
// and the broker's private folder does not follow TMPDIR. The fake node
// leaves a canary whenever it is run, even for a probe.
func TestShimTrust(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"swap.js": `const fs = require('fs');
const path = require('path');
const { fork, spawnSync } = require('child_process');
const fake = process.env.FAKE_NODE;
const shimDir = process.env.PATH.split(':')[0];
console.log('private folder under TMPDIR:', shimDir.startsWith(process.env.TMPDIR));
try { fs.rmSync(process.execPath, { force: true }); fs.symlinkSync(fake, process.execPath); console.log('execPath replaced'); }
catch (e) { console.log('execPath kept'); }
fs.writeFileSync(path.join(shimDir, 'shim.json'), JSON.stringify({ node: fake, policies: [], catalogs: [] }));
let r = spawnSync(process.execPath, [path.join(__dirname, 'child.js')], { encoding: 'utf8' });
console.log('execPath child:', r.stdout.trim());
r = spawnSync('node', [path.join(__dirname, 'child.js')], { encoding: 'utf8', env: { ...process.env, INTACT_NODE: fake } });
console.log('PATH child, INTACT_NODE set:', r.stdout.trim());
const c = fork(path.join(__dirname, 'child.js'));
c.on('exit', () => console.log('forked'));
`,
		"child.js": "console.log('child ran');\n",
	})
	s := sign(t, dir)
	want := "private folder under TMPDIR: false\nexecPath kept\nexecPath child: child ran\nPATH child, INTACT_NODE set: child ran\nchild ran\nforked\n"
	forEachNode(t, func(t *testing.T, n testNode) {
		canaryDir := t.TempDir()
		fake := filepath.Join(t.TempDir(), "fake-node")
		write(t, filepath.Dir(fake), map[string]string{"fake-node": "#!/bin/sh\n: > " + filepath.Join(canaryDir, "fake-node") + "\nexec " + n.Path + " \"$@\"\n"})
		os.Chmod(fake, 0o755)
		t.Setenv("TMPDIR", t.TempDir())
		res := s.run(t, n, "enforce", runOpts{env: []string{"FAKE_NODE=" + fake}}, "swap.js")
		if res.Stdout != want {
			t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("the application's fake node ran: %v", c)
		}
	})
}

// TestShimWithoutBroker: intact started as node by no intact node broker
// (say, an application's child given INTACT_NODE, with its broker gone)
// refuses to run rather than take a node binary from its environment.
func TestShimWithoutBroker(t *testing.T) {
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	n := nodes(t)[0]
	bin := t.TempDir()
	if err := os.Symlink(intactBin, filepath.Join(bin, "node")); err != nil {
		t.Fatal(err)
	}
	canaryDir := t.TempDir()
	fake := filepath.Join(bin, "fake-node")
	write(t, bin, map[string]string{"fake-node": "#!/bin/sh\n: > " + filepath.Join(canaryDir, "fake-node") + "\nexec " + n.Path + " \"$@\"\n"})
	os.Chmod(fake, 0o755)
	cmd := exec.Command(filepath.Join(bin, "node"), "-e", "1")
	cmd.Env = append(os.Environ(), "INTACT_NODE="+fake)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "was started by no intact node broker") {
		t.Errorf("got %v:\n%s\nwant a refusal", err, out)
	}
	if c := canaries(t, canaryDir); len(c) > 0 {
		t.Errorf("the environment's node ran: %v", c)
	}
}

// TestWorkerChannelNotInFolder: a worker's channel to the broker is opened
// through /proc/<broker>/fd, not as FIFOs in a folder that whoever can
// write it could swap (serving the worker any source). While workers
// start, nothing but the name node appears in the broker's folder.
func TestWorkerChannelNotInFolder(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"main.js": `const fs = require('fs');
const path = require('path');
const { Worker } = require('worker_threads');
const shimDir = process.env.PATH.split(':')[0];
const seen = new Set(fs.readdirSync(shimDir));
const watcher = fs.watch(shimDir, (ev, name) => { if (name) seen.add(name); });
let left = 3;
for (let i = 0; i < 3; i++) {
  const w = new Worker(path.join(__dirname, 'worker.js'));
  w.on('message', (m) => {
    if (--left === 0) setTimeout(() => { watcher.close(); console.log(m, [...seen].sort().join(',')); }, 100);
  });
}
`,
		"worker.js": "require('worker_threads').parentPort.postMessage('worker ran');\n",
	})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		res := s.run(t, n, "enforce", runOpts{}, "main.js")
		if res.Stdout != "worker ran node\n" {
			t.Errorf("exit %+v\nstdout:\n%s\nwant: worker ran node\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
		}
	})
}

// TestBootstrapSealed: the bootstrap that every thread runs first is read
// from a sealed memfd of the broker, named in node's command line. The
// application, running as the same user, can neither write, truncate nor
// grow it, and a worker started afterwards still runs the bootstrap (its
// refusal of a changed file shows it) rather than code the application
// wrote.
func TestBootstrapSealed(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"main.js": `const fs = require('fs');
const path = require('path');
const { Worker } = require('worker_threads');
const argv = fs.readFileSync('/proc/self/cmdline', 'latin1').split('\0');
// The bootstrap's call: node's --import (a data: URL), or the module node
// runs as its main, a file too.
const files = [];
let call;
if (argv.includes('--import')) {
  call = Buffer.from(argv[argv.indexOf('--import') + 1].split(',')[1], 'base64').toString();
} else {
  files.push(argv[argv.indexOf('--preserve-symlinks-main') + 1]);
  call = fs.readFileSync(files[0], 'utf8');
}
files.push(JSON.parse(call.match(/readFileSync\(("[^"]+")/)[1]));
console.log('files', files.length);
const evil = 'require("fs").writeFileSync(process.env.CANARY_DIR + "/bootstrap", "ran");';
const before = files.map((file) => fs.readFileSync(file, 'utf8'));
for (const [name, f] of Object.entries({
  write: (file) => fs.writeFileSync(file, evil),
  append: (file) => fs.appendFileSync(file, evil),
  truncate: (file) => fs.truncateSync(file, 0),
})) {
  console.log(name, [...new Set(files.map((file) => { try { f(file); return 'done'; } catch (e) { return e.code; } }))].join());
}
console.log('unchanged', files.every((file, i) => fs.readFileSync(file, 'utf8') === before[i]));
const w = new Worker(path.join(__dirname, 'worker.js'));
w.on('message', (m) => console.log(m));
w.on('error', (e) => console.log('worker', e.code));
`,
		"worker.js": "require('./evil.js');\n",
	})
	s := sign(t, dir)
	write(t, dir, map[string]string{"evil.js": canaryJS("evil")})
	canaryDir := t.TempDir()
	forEachNode(t, func(t *testing.T, n testNode) {
		// With the script alone, node runs the bootstrap as its main
		// module (a file of its own); with an option, through --import.
		for _, c := range []struct {
			args  []string
			files int
		}{{[]string{"main.js"}, 2}, {[]string{"--no-warnings", "main.js"}, 1}} {
			res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, c.args...)
			want := fmt.Sprintf("files %d\nwrite EPERM\nappend EPERM\ntruncate EPERM\nunchanged true\nworker ERR_CODE_INTEGRITY_VIOLATION\n", c.files)
			if res.Stdout != want {
				t.Errorf("%q: exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", c.args, res.Exit, res.Stdout, want, res.Stderr)
			}
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("code the application wrote ran: %v", c)
		}
	})
}

// TestNodeBinaryChecked: under an enforcing policy, a node binary that
// others than root could write must be in a catalog. An unlisted one (a
// fake that leaves a canary whenever it runs) is refused before anything
// executes it, the probe included; a listed copy of node runs the app.
func TestNodeBinaryChecked(t *testing.T) {
	n := nodes(t)[0]
	app := t.TempDir()
	write(t, app, map[string]string{"main.js": "console.log('main ran');\n"})
	// A folder anyone may write: the binary in it is not root's alone.
	open := filepath.Join(app, "bin")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o777)
	copyFile(t, n.Path, filepath.Join(open, "node"))
	os.Chmod(filepath.Join(open, "node"), 0o755)
	s := sign(t, app)

	canaryDir := t.TempDir()
	fake := filepath.Join(open, "fake-node")
	write(t, open, map[string]string{"fake-node": "#!/bin/sh\n: > " + filepath.Join(canaryDir, "fake-node") + "\nexec " + n.Path + " \"$@\"\n"})
	os.Chmod(fake, 0o755)
	res := s.run(t, n, "enforce", runOpts{wrap: fake}, "main.js")
	var violation *intact.ViolationError
	if !errors.As(res.Err, &violation) || !strings.Contains(res.Err.Error(), "the node binary "+fake) {
		t.Errorf("unlisted node: got %v (exit %+v, stdout %q), want a violation naming %s", res.Err, res.Exit, res.Stdout, fake)
	}
	if c := canaries(t, canaryDir); len(c) > 0 {
		t.Errorf("the unlisted node ran: %v", c)
	}

	res = s.run(t, n, "enforce", runOpts{wrap: filepath.Join(open, "node")}, "main.js")
	if res.Err != nil || res.Stdout != "main ran\n" {
		t.Errorf("listed node: %v, exit %+v, stdout %q\n%s", res.Err, res.Exit, res.Stdout, res.Stderr)
	}
}

// TestChildRefusalLogged: a node child's refusals go to its broker's event
// log, also when the application starts it with an environment of its own
// (outside review rt57: with {env: {PATH}} the child's refusal reached no
// log). The child takes the log from its broker, as its policies.
func TestChildRefusalLogged(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{"parent.js": `const { spawnSync } = require('child_process');
const r = spawnSync(process.execPath, [require('path').join(__dirname, 'evil.js')], { env: { PATH: process.env.PATH } });
console.log('child', r.status);
`})
	s := sign(t, dir)
	write(t, dir, map[string]string{"evil.js": "console.log('EVIL');\n"})
	log := filepath.Join(t.TempDir(), "events.jsonl")
	t.Setenv(intact.EnvEventLog, log)
	res := s.run(t, n, "enforce", runOpts{}, "parent.js")
	if res.Stdout != "child 1\n" {
		t.Fatalf("exit %+v\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
	}
	events, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(events), `"event":"denied","path":"`+filepath.Join(dir, "evil.js")+`"`) {
		t.Errorf("the event log holds no refusal of the child's script:\n%s", events)
	}
}

// TestChildrenIgnoreTheirEnvironment: a node child's policies and
// catalogs are its broker's alone, not also whatever files node's
// environment names (which intact node sets for programs of node's tree,
// and the application can change): a child's refusal is logged once, and
// a policy file rewritten since the broker loaded it, as garbage, does
// not keep a signed child from starting (outside review rt70).
func TestChildrenIgnoreTheirEnvironment(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const fs = require('fs'), path = require('path');
const { spawnSync } = require('child_process');
const run = (file) => spawnSync(process.execPath, [path.join(__dirname, file)], { encoding: 'utf8' });
const planted = run('planted.js');
console.log('planted', /ERR_CODE_INTEGRITY_VIOLATION/.test(planted.stderr) ? 'refused' : 'not refused: ' + planted.stdout + planted.stderr);
fs.writeFileSync(process.env.ENFORCE_POLICY, '<garbage');
const child = run('child.js');
console.log('child', child.status, child.stdout.trim() || child.stderr.trim());
`, "child.js": "console.log('child ok');\n",
		// A child's environment that names other policies, catalogs, log,
		// event format and code size, each unusable: the child still
		// takes its broker's, and starts.
		"env.js": `const r = require('child_process').spawnSync(process.execPath, [require('path').join(__dirname, 'child.js')], { encoding: 'utf8',
  env: { ...process.env, INTACT_POLICY: '/nonexistent.xml', INTACT_CATALOGS: '/nonexistent.cat', INTACT_EVENT_LOG: '/nonexistent/events.jsonl',
    INTACT_EVENT_FORMAT: 'xml', INTACT_MAX_CODE_SIZE: 'lots' } });
console.log('child', r.status, r.stdout.trim() || r.stderr.trim());
`})
	s := sign(t, dir)
	write(t, dir, map[string]string{"planted.js": "console.log('PLANTED RAN');\n"}) // after signing
	enforce, err := os.ReadFile(s.policies["enforce"])
	if err != nil {
		t.Fatal(err)
	}
	forEachNode(t, func(t *testing.T, n testNode) {
		defer os.WriteFile(s.policies["enforce"], enforce, 0o644)
		events := filepath.Join(t.TempDir(), "events.jsonl")
		t.Setenv(intact.EnvEventLog, events)
		res := s.run(t, n, "enforce", runOpts{env: []string{"ENFORCE_POLICY=" + s.policies["enforce"]}}, "main.js")
		if got, want := strings.TrimSpace(res.Stdout), "planted refused\nchild 0 child ok"; got != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", got, want, res.Stderr)
		}
		data, err := os.ReadFile(events)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), `"path":"`+filepath.Join(dir, "planted.js")+`"`); n != 1 {
			t.Errorf("the child's refusal of planted.js logged %d times, want once:\n%s", n, data)
		}
		if err := os.WriteFile(s.policies["enforce"], enforce, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, policy := range []string{"enforce", "audit"} { // audit events go to stderr too, in the format
			if res := s.run(t, n, policy, runOpts{}, "env.js"); strings.TrimSpace(res.Stdout) != "child 0 child ok" {
				t.Errorf("%s: a child's environment kept it from starting:\n%s\nstderr:\n%s", policy, res.Stdout, res.Stderr)
			}
		}
	})
}
