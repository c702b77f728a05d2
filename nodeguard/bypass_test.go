//go:build linux

package nodeguard_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/nodeguard"
)

// bypassApp drives the known bypasses of Node's removed policy feature
// (--experimental-policy) and the V8 code cache, one case a line: the
// case's name and what it gave or the code of the error it threw. evil.js
// is not in the catalog; every way of reaching it must be refused.
var bypassApp = map[string]string{
	"bypass.js": `const path = require('path');
const vm = require('vm');
const Module = require('module');
const evil = path.join(__dirname, 'evil.js');
function attempt(name, f) {
  try { console.log(name, 'gave', String(f())); } catch (e) { console.log(name, e.code || e.name); }
}
// CVE-2023-23918: process.mainModule.require.
attempt('CVE-2023-23918', () => process.mainModule.require('./evil.js'));
// CVE-2023-30581: mainModule.__proto__.require.
attempt('CVE-2023-30581', () => process.mainModule.__proto__.require.call(process.mainModule, './evil.js'));
// CVE-2023-32002: Module._load, and the loader's pieces called directly.
attempt('CVE-2023-32002', () => Module._load(evil, module));
attempt('CVE-2023-32002-constructor', () => module.constructor._load('./evil.js', module));
attempt('CVE-2023-32002-extensions', () => { const m = new Module(evil, module); m.filename = evil; Module._extensions['.js'](m, evil); return m.exports; });
attempt('CVE-2023-32002-load', () => { const m = new Module(evil, module); m.load(evil); return m.exports; });
// CVE-2023-32006: createRequire.
attempt('CVE-2023-32006', () => module.constructor.createRequire(__filename)('./evil.js'));
// CVE-2023-32559: process.binding reaches internals.
attempt('CVE-2023-32559', () => process.binding('fs'));
attempt('CVE-2023-32559-linked', () => process._linkedBinding('node_fs'));
attempt('CVE-2023-32559-redefine', () => { Object.defineProperty(process, 'binding', { value: () => 'open' }); return process.binding('fs'); });
// V8 flags that re-enable code generation or reach the engine's internals.
attempt('v8.setFlagsFromString', () => require('v8').setFlagsFromString('--allow-natives-syntax'));
attempt('v8.setFlagsFromString-gc', () => { require('v8').setFlagsFromString('--expose-gc'); return 'set'; });
// V8 code caches: bytecode made from other source of the same length.
attempt('cachedData', () => {
  const made = new vm.Script('globalThis.cc = "evil!"').createCachedData();
  new vm.Script('globalThis.cc = "good!"', { cachedData: made }).runInThisContext();
  return globalThis.cc;
});
attempt('compileCache', () => Module.enableCompileCache(require('os').tmpdir()).status === Module.constants.compileCacheStatus.ENABLED);
// The CVE-2023-38552 class: application code patches the built-ins that
// carry a module's bytes into node, then loads a signed file and the
// unsigned one.
attempt('CVE-2023-38552', () => {
  const swap = () => 'globalThis.swapped = true; module.exports = "SWAPPED";';
  Buffer.prototype.utf8Slice = swap;
  Buffer.prototype.toString = swap;
  String.prototype.startsWith = () => false;
  String.prototype.endsWith = () => false;
  Array.prototype.includes = () => false;
  Map.prototype.get = () => undefined;
  JSON.parse = () => ({ message: 'forged', status: 0 });
  Object.assign = (t) => t;
  // What lets go of a reply's memory (the bootstrap's release): patched,
  // they would see the reply's bytes.
  ArrayBuffer.prototype.transfer = function () { globalThis.patchedUsed = true; return new ArrayBuffer(0); };
  Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'buffer', { get() { globalThis.patchedUsed = true; return new ArrayBuffer(0); }, configurable: true });
  return require('./fresh.js') + ' ' + (globalThis.swapped === true) + ' ' + require('./big') + ' ' + (globalThis.patchedUsed === true);
});
attempt('CVE-2023-38552-evil', () => require('./evil2.js'));
// The same class through accessors on Object.prototype, which objects
// built on the way to node would inherit.
Object.defineProperty(Object.prototype, 'source', { get() { return 'globalThis.swapped = true; module.exports = "SWAPPED";'; }, set(v) {}, configurable: true });
import('./fresh2.cjs').then((m) => console.log('prototype-accessor gave', m.default, globalThis.swapped === true),
  (e) => console.log('prototype-accessor', e.code || e.name));
`,
	"fresh2.cjs": "module.exports = 'fresh';\n",
	"fresh.js":   "module.exports = 'fresh';\n",
	// A package of its own, one file of more than 4 KiB: its reply holds
	// nothing else, and is released as soon as its code is made.
	"big/package.json": `{"name": "big"}` + "\n",
	"big/index.js":     "module.exports = 'big';\n//" + strings.Repeat("x", 5000) + "\n",
}

// TestKnownBypasses runs every known bypass of Node's removed policy
// feature, and the code-cache one, in one node process per major under an
// enforcing policy (dynamic code allowed, so that vm works): each is
// refused, and no statement of the unsigned files ran.
func TestKnownBypasses(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, bypassApp)
	s := sign(t, dir)
	write(t, dir, map[string]string{
		"evil.js":  canaryJS("evil") + "module.exports = 'EVIL';\n",
		"evil2.js": canaryJS("evil2") + "module.exports = 'EVIL';\n",
	})
	want := []string{
		"CVE-2023-23918 ERR_CODE_INTEGRITY_VIOLATION",
		"CVE-2023-30581 ERR_CODE_INTEGRITY_VIOLATION",
		"CVE-2023-32002 ERR_CODE_INTEGRITY_VIOLATION",
		"CVE-2023-32002-constructor ERR_CODE_INTEGRITY_VIOLATION",
		"CVE-2023-32002-extensions ERR_CODE_INTEGRITY_VIOLATION",
		"CVE-2023-32002-load ERR_CODE_INTEGRITY_VIOLATION",
		"CVE-2023-32006 ERR_CODE_INTEGRITY_VIOLATION",
		"CVE-2023-32559 ERR_ACCESS_DENIED",
		"CVE-2023-32559-linked ERR_ACCESS_DENIED",
		"CVE-2023-32559-redefine TypeError",
		"v8.setFlagsFromString ERR_ACCESS_DENIED",
		"v8.setFlagsFromString-gc gave set",
		"cachedData gave good!",
		"compileCache gave false",
		"CVE-2023-38552 gave fresh false big false",
		"CVE-2023-38552-evil ERR_CODE_INTEGRITY_VIOLATION",
		"prototype-accessor gave fresh false",
	}
	forEachNode(t, func(t *testing.T, n testNode) {
		canaryDir := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "bypass.js")
		got := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("exit %+v\ngot:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, strings.Join(want, "\n"), res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("statements of refused files ran: %v", c)
		}
	})
}

// TestDynamicCode: under DisableDynamicCode every way of making code at run
// time is refused with ERR_CODE_INTEGRITY_BLOCKED, and each refusal is an
// event in intact's log: those --disallow-code-generation-from-strings
// misses, and eval and the Function constructors, which V8 used to refuse
// alone, unlogged (outside review rt70);
// node's own WebAssembly (undici's llhttp behind fetch) still works. Under
// an enforcing policy that allows dynamic code the same calls run.
func TestDynamicCode(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"dynamic.js": `const vm = require('vm');
const Module = require('module');
const { Worker } = require('worker_threads');
const cases = {
  eval: () => eval('1'),
  'indirect eval': () => (0, eval)('1'),
  Function: () => new Function('return 1')(),
  'a function\'s constructor': () => (() => {}).constructor('return 1')(),
  AsyncFunction: () => new (Object.getPrototypeOf(async function () {}).constructor)('return 1') && 1,
  GeneratorFunction: () => new (Object.getPrototypeOf(function* () {}).constructor)('yield 1') && 1,
  AsyncGeneratorFunction: () => new (Object.getPrototypeOf(async function* () {}).constructor)('yield 1') && 1,
  'vm.Script': () => new vm.Script('1').runInThisContext(),
  'vm.runInNewContext': () => vm.runInNewContext('1'),
  'vm.compileFunction': () => vm.compileFunction('return 1')(),
  'vm.runInContext': () => vm.runInContext('1', vm.createContext({})),
  'module._compile': () => { const m = new Module('x'); m._compile('module.exports = 1', __filename + '.other'); return m.exports; },
  'Worker eval': () => { new Worker('1', { eval: true }).terminate(); return 1; },
  'WebAssembly.Module': () => new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) && 1,
  registerHooks: () => { Module.registerHooks({ load: (u, c, next) => { const r = next(u, c); return u.endsWith('other.js') ? { ...r, source: 'module.exports = 2' } : r; } }); return require('./other.js'); },
  // node's createScript builds node's own Script, not the guarded export.
  'vm.createScript': () => vm.createScript('1').runInThisContext(),
  // Once either is set, node compiles Module.wrap(content) for CommonJS.
  'Module.wrap': () => {
    const wrap = Module.wrap;
    Module.wrap = () => wrap('module.exports = 3;');
    try { return require('./wrapped.js'); } finally { Module.wrap = wrap; }
  },
  'Module.wrapper': () => {
    const head = Module.wrapper[0];
    Module.wrapper[0] += 'module.exports = 4; return;';
    try { return require('./wrapped2.js'); } finally { Module.wrapper[0] = head; }
  },
};
for (const [name, f] of Object.entries(cases)) {
  try { console.log(name, 'ran', f()); } catch (e) { console.log(name, e.code || e.message); }
}
try { eval('1'); } catch (e) { console.log('eval refused as an EvalError', e instanceof EvalError); }
try { require('inspector'); console.log('inspector ran', 1); } catch (e) { console.log('inspector', e.code); }
import('data:text/javascript,export default 1').then((m) => console.log('data: import ran', m.default), (e) => console.log('data: import', e.code || e.message))
  .then(() => fetch(process.env.URL)).then((r) => console.log('fetch', r.status), (e) => console.log('fetch', e.message));
`, "other.js": "module.exports = 1;\n",
		"wrapped.js":  "module.exports = 'signed';\n",
		"wrapped2.js": "module.exports = 'signed';\n",
		"victim.mjs":  "export default 'victim';\n",
		// The same doors reached as named imports of ES module facades,
		// which node builds from the built-ins' exports on first import.
		"esm.mjs": `import { Script, compileFunction } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
const cases = {
  'esm vm.Script': () => new Script('1').runInThisContext(),
  'esm vm.compileFunction': () => compileFunction('return 1')(),
  'esm Worker eval': () => { new Worker('1', { eval: true }).terminate(); return 1; },
};
for (const [name, f] of Object.entries(cases)) {
  try { console.log(name, 'ran', f()); } catch (e) { console.log(name, e.code || e.message); }
}
try { setFlagsFromString('--allow-natives-syntax'); console.log('esm v8.setFlagsFromString ran'); } catch (e) { console.log('esm v8.setFlagsFromString', e.code); }
// A load hook whose source is an accessor: the checked source while it is
// checked, other code when node reads it.
import { registerHooks } from 'node:module';
registerHooks({ load(url, context, nextLoad) {
  const r = nextLoad(url, context);
  if (!url.endsWith('/victim.mjs')) return r;
  let reads = 0;
  const out = { format: r.format, shortCircuit: true };
  Object.defineProperty(out, 'source', { enumerable: true, get() { return ++reads <= 2 ? r.source : "export default 'INJECTED'"; } });
  return out;
} });
try { console.log('esm load hook accessor gave', (await import('./victim.mjs')).default); } catch (e) { console.log('esm load hook accessor', e.code || e.message); }
`})
	s := sign(t, dir)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	names := []string{"eval", "indirect eval", "Function", "a function's constructor", "AsyncFunction", "GeneratorFunction", "AsyncGeneratorFunction", "vm.Script", "vm.runInNewContext", "vm.runInContext", "vm.compileFunction",
		"module._compile", "Worker eval", "WebAssembly.Module", "data: import", "registerHooks", "inspector",
		"vm.createScript", "Module.wrap", "Module.wrapper"}
	forEachNode(t, func(t *testing.T, n testNode) {
		events := filepath.Join(t.TempDir(), "events.json")
		t.Setenv(intact.EnvEventLog, events)
		res := s.run(t, n, "dynamic", runOpts{env: []string{"URL=" + srv.URL}}, "dynamic.js")
		for _, name := range names {
			blocked := name + " ERR_CODE_INTEGRITY_BLOCKED\n"
			if !strings.Contains(res.Stdout, blocked) {
				t.Errorf("dynamic code disabled: want %q\nstdout:\n%s\nstderr:\n%s", blocked, res.Stdout, res.Stderr)
			}
		}
		if !strings.Contains(res.Stdout, "fetch 200\n") {
			t.Errorf("fetch under DisableDynamicCode: want status 200\nstdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
		}
		const esmWant = "esm vm.Script ERR_CODE_INTEGRITY_BLOCKED\nesm vm.compileFunction ERR_CODE_INTEGRITY_BLOCKED\n" +
			"esm Worker eval ERR_CODE_INTEGRITY_BLOCKED\nesm v8.setFlagsFromString ERR_ACCESS_DENIED\n" +
			"esm load hook accessor gave victim\n"
		if res := s.run(t, n, "dynamic", runOpts{}, "esm.mjs"); res.Stdout != esmWant {
			t.Errorf("named imports under DisableDynamicCode: want\n%s\ngot:\n%s\nstderr:\n%s", esmWant, res.Stdout, res.Stderr)
		}
		log, _ := os.ReadFile(events)
		if got, want := strings.Count(string(log), `"feature":"dynamic code"`), len(names); got < want {
			t.Errorf("%d dynamic-code blocks logged, want at least %d:\n%s", got, want, log)
		}
		for _, what := range []string{"eval", "Function", "AsyncGeneratorFunction", "vm.Script"} {
			if !strings.Contains(string(log), `"what":"`+what+`"`) {
				t.Errorf("no dynamic-code block names %s:\n%s", what, log)
			}
		}
		if !strings.Contains(res.Stdout, "eval refused as an EvalError true\n") {
			t.Errorf("eval's refusal is no EvalError:\n%s", res.Stdout)
		}

		res = s.run(t, n, "enforce", runOpts{env: []string{"URL=" + srv.URL}}, "dynamic.js")
		for _, name := range names {
			want := name + " ran "
			if name == "Worker eval" {
				// A worker's eval code runs with no bootstrap, so where files
				// are checked it is refused whatever the policy says of
				// dynamic code (TestEvalWorkerRefused).
				want = name + " ERR_CODE_INTEGRITY_BLOCKED"
			}
			if name == "inspector" {
				// Closed wherever files are checked: a debugger reaches the
				// originals the guards keep (TestInspectorClosed).
				want = name + " ERR_ACCESS_DENIED"
			}
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("dynamic code allowed: want %q\nstdout:\n%s\nstderr:\n%s", want, res.Stdout, res.Stderr)
			}
		}
	})
}

// TestGuardsOnFirstUse: the doors of node:v8 (setFlagsFromString) and
// node:worker_threads (a Worker running code from a string) are closed when
// the application first reaches the module, whichever way it first does:
// each way is tried first in a node of its own, under DisableDynamicCode.
func TestGuardsOnFirstUse(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"first.js": `const Module = require('module');
const ways = {
  require: (id) => require(id),
  import: (id) => import(id),
  getBuiltinModule: (id) => process.getBuiltinModule(id),
  'Module._load': (id) => Module._load(id, module),
  'Module.prototype.require': (id) => new Module('x', module).require(id),
  createRequire: (id) => Module.createRequire(__filename)(id),
};
const get = ways[process.argv[2]];
(async () => {
  const v8 = await get('node:v8');
  try { v8.setFlagsFromString('--allow-natives-syntax'); console.log('setFlagsFromString ran'); } catch (e) { console.log('setFlagsFromString', e.code); }
  const { Worker } = await get('node:worker_threads');
  try { new Worker('1', { eval: true }).terminate(); console.log('Worker eval ran'); } catch (e) { console.log('Worker eval', e.code); }
})();
`})
	s := sign(t, dir)
	const want = "setFlagsFromString ERR_ACCESS_DENIED\nWorker eval ERR_CODE_INTEGRITY_BLOCKED\n"
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, way := range []string{"require", "import", "getBuiltinModule", "Module._load", "Module.prototype.require", "createRequire"} {
			if res := s.run(t, n, "dynamic", runOpts{}, "first.js", way); res.Stdout != want {
				t.Errorf("first reached by %s: want\n%s\ngot:\n%s\nstderr:\n%s", way, want, res.Stdout, res.Stderr)
			}
		}
	})
}

// TestOpenSSLConf: OPENSSL_CONF makes stock node load a native OpenSSL
// engine before any JavaScript runs. Run directly, node runs the engine's
// constructor (the control); through intact node the variable is dropped
// and it does not.
func TestOpenSSLConf(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": "console.log('main');\n"})
	s := sign(t, dir)
	engine := buildAddon(t, n, "engine", addonSource("engine", true))
	conf := filepath.Join(t.TempDir(), "openssl.cnf")
	write(t, filepath.Dir(conf), map[string]string{"openssl.cnf": "nodejs_conf = nodejs_init\n[nodejs_init]\nengines = engines\n" +
		"[engines]\nevil = evil\n[evil]\ndynamic_path = " + engine + "\ninit = 1\n"})

	canaryDir := t.TempDir()
	if len(control(t, n, canaryDir, filepath.Join(dir, "main.js"), "OPENSSL_CONF="+conf)) == 0 {
		t.Fatal("control: stock node did not load the engine OPENSSL_CONF names")
	}

	res := s.run(t, n, "enforce", runOpts{env: []string{"OPENSSL_CONF=" + conf, "CANARY_DIR=" + canaryDir}}, "main.js")
	if res.Stdout != "main\n" {
		t.Errorf("exit %+v\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
	}
	if c := canaries(t, canaryDir); len(c) > 0 {
		t.Errorf("the OpenSSL engine ran under intact node: %v", c)
	}
}

// TestEnvironmentNamedTwice: an environment a host passes as Config.Env
// may name a variable twice (Go keeps only the first of its own
// process's). Node gets the value intact judged, the first, where os/exec
// alone hands it the last: intact decided on NODE_PRESERVE_SYMLINKS's first
// value how node starts the script, and node took the last. A second
// NODE_OPTIONS is dropped, not passed on.
func TestEnvironmentNamedTwice(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": "console.log(process.env.SEEN, process.env.NODE_OPTIONS);\n"})
	s := sign(t, dir)
	planted := t.TempDir()
	canaryDir := t.TempDir()
	write(t, planted, map[string]string{"evil.js": canaryJS("preload")})
	res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir, "SEEN=first", "SEEN=second",
		"NODE_OPTIONS=--no-warnings", "NODE_OPTIONS=--require " + filepath.Join(planted, "evil.js")}}, "main.js")
	if res.Err != nil || res.Stdout != "first --no-warnings\n" {
		t.Errorf("got %v, exit %+v, stdout %q; want \"first --no-warnings\"\nstderr:\n%s", res.Err, res.Exit, res.Stdout, res.Stderr)
	}
	if c := canaries(t, canaryDir); len(c) > 0 {
		t.Errorf("the preload ran: %v", c)
	}
}

// TestOldNodeRefused: under a policy, a node without module.registerHooks
// (Node.js 20, the system's here) is refused with a message saying why;
// nothing runs.
func TestOldNodeRefused(t *testing.T) {
	old, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": canaryJS("main")})
	s := sign(t, dir)
	probe := testNode{Path: old}
	canaryDir := t.TempDir()
	res := s.run(t, probe, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "main.js")
	if res.Err == nil {
		if v, _ := exec.Command(old, "--version").Output(); !strings.HasPrefix(string(v), "v20.") {
			t.Skipf("the node on PATH is %s, not an old one", v)
		}
		t.Fatalf("old node ran: exit %+v\n%s", res.Exit, res.Stderr)
	}
	var verr *nodeguard.VersionError
	if !errors.As(res.Err, &verr) || !strings.Contains(res.Err.Error(), "intact node runs Node.js 22 (from 22.22.3), 24 (from 24.11.1), 26") {
		t.Errorf("error %T %q: want a *VersionError saying why", res.Err, res.Err)
	}
	if c := canaries(t, canaryDir); len(c) > 0 {
		t.Errorf("code ran: %v", c)
	}
}

// control runs script with stock node, outside intact node, and returns
// the canaries it left in canaryDir, removing them: proof that the attack a
// test makes works on node itself.
func control(t testing.TB, n testNode, canaryDir, script string, env ...string) []string {
	t.Helper()
	cmd := exec.Command(n.Path, script)
	cmd.Env = append(append(os.Environ(), "CANARY_DIR="+canaryDir), env...)
	cmd.CombinedOutput()
	left := canaries(t, canaryDir)
	for _, c := range left {
		os.Remove(filepath.Join(canaryDir, c))
	}
	return left
}

// spoofCalls are a signed file's attempts to pass for node's own code:
// compiling another source through Module.prototype._compile (allowed for
// node:internal/process/execution) and WebAssembly from the file's bytes
// (allowed for node:internal/deps/...).
const spoofCalls = `const Module = require('module');
const path = require('path');
function attempt(name, f) { try { console.log(name, 'ran', f()); } catch (e) { console.log(name, e.code || e.message); } }
attempt('_compile', () => { const m = new Module('x'); m._compile(` + "`" + `require('fs').writeFileSync(require('path').join(process.env.CANARY_DIR, 'compiled'), 'ran'); module.exports = 1;` + "`" + `, __filename + '.other'); return m.exports; });
attempt('WebAssembly.Module', () => new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) && 1);
`

// sourceMapTo is a source map that names source as the origin of every
// line of the file it maps.
func sourceMapTo(source string) string {
	return `{"version":3,"sources":["` + source + `"],"names":[],"mappings":"AAAA` + strings.Repeat(";AACA", 20) + `"}`
}

// TestCallerSpoofing: under DisableDynamicCode, what node's own code may
// compile is decided by V8's call sites, not by the text of a stack frame.
// A signed file in a folder named like node's internals, or one whose
// source map names node's internals (with --enable-source-maps), may not
// compile another source or WebAssembly from its own bytes.
func TestCallerSpoofing(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"(node:internal/process/execution:/spoof.js": spoofCalls,
		"(node:internal/deps/undici/spoof.js":        spoofCalls,
		"mapexec.js":                                 spoofCalls + "//# sourceMappingURL=mapexec.js.map\n",
		"mapexec.js.map":                             sourceMapTo("node:internal/process/execution"),
		"mapdeps.js":                                 spoofCalls + "//# sourceMappingURL=mapdeps.js.map\n",
		"mapdeps.js.map":                             sourceMapTo("node:internal/deps/undici"),
		"setmaps.js":                                 "process.setSourceMapsEnabled(true);\nrequire('./mapexec.js');\nrequire('./mapdeps.js');\n",
		// Real call sites kept from a stack through undici, handed back
		// by an accessor in place of the bootstrap's prepareStackTrace.
		"accessor.js": `let kept;
Error.prepareStackTrace = (e, cs) => { if (cs.some((c) => String(c.getFileName()).startsWith('node:internal/deps/'))) kept = cs; return 'x'; };
try { new Request('http://a b'); } catch (e) { e.stack; }
const keptNow = kept;
if (!keptNow) console.log('no undici call sites kept');
Object.defineProperty(Error, 'prepareStackTrace', { get() { return () => keptNow; }, set(v) {}, configurable: true });
` + spoofCalls,
	})
	s := sign(t, dir)
	want := "_compile ERR_CODE_INTEGRITY_BLOCKED\nWebAssembly.Module ERR_CODE_INTEGRITY_BLOCKED\n"
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, args := range [][]string{
			{"(node:internal/process/execution:/spoof.js"},
			{"(node:internal/deps/undici/spoof.js"},
			{"--enable-source-maps", "mapexec.js"},
			{"--enable-source-maps", "mapdeps.js"},
			{"setmaps.js"},
			{"accessor.js"},
		} {
			canaryDir := t.TempDir()
			res := s.run(t, n, "dynamic", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, args...)
			w := want
			if args[0] == "setmaps.js" {
				w = want + want
			}
			if res.Stdout != w {
				t.Errorf("%q: stdout:\n%s\nwant:\n%s\nstderr:\n%s", args, res.Stdout, w, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 {
				t.Errorf("%q: code compiled by a spoofed caller ran: %v", args, c)
			}
		}
		// node's own caller still may: -p code, approved before node
		// started, is compiled through _compile by node:internal/process/execution.
		if res := s.run(t, n, "dynamic", runOpts{}, "-p", "6*7"); res.Err != nil || res.Stdout != "42\n" {
			t.Errorf("-p under DisableDynamicCode: %v %q\n%s", res.Err, res.Stdout, res.Stderr)
		}
	})
}

// TestReplyMemoryUnreachable: the checked bytes of files read ahead wait in
// the bootstrap until node asks for them. Application code overwriting them
// there, found through memory it can reach (Buffer's shared pool, which
// holds small Buffers) or handed to it by accessors on the prototypes of
// the buffers node's fs functions are given, must not change what runs: the file read ahead
// runs as signed, and nothing of the injected code runs.
func TestReplyMemoryUnreachable(t *testing.T) {
	dir := t.TempDir()
	injected := canaryJS("injected") + "module.exports = 'INJECTED';"
	signed := "module.exports = 'other-original-value';/*" + strings.Repeat(" ", len(injected)) + "*/\n"
	write(t, dir, map[string]string{
		"main.js": `console.log('index gave', require('pkg'));
const marker = Buffer.from(` + fmt.Sprintf("%q", signed) + `);
const injected = Buffer.alloc(marker.length, 0x20);
Buffer.from(` + fmt.Sprintf("%q", injected) + `).copy(injected);
let found = 0;
for (const bytes of [Buffer.allocUnsafe(1).buffer, Buffer.allocUnsafe(64).buffer]) {
  const view = Buffer.from(bytes);
  for (let at = view.indexOf(marker); at >= 0; at = view.indexOf(marker, at + 1)) { injected.copy(view, at); found++; }
}
console.log('other gave', require('pkg/other.js'));
`,
		// The same bytes sought in every buffer node's fs functions are
		// given, through accessors they read on them.
		"accessors.js": `const TA = Object.getPrototypeOf(Uint8Array.prototype);
const keys = ['length', 'byteLength', 'byteOffset', 'buffer'];
const own = Object.fromEntries(keys.map((k) => [k, Object.getOwnPropertyDescriptor(TA, k)]));
const seen = new Set();
for (const proto of [Buffer.prototype, Uint8Array.prototype, TA]) {
  for (const k of keys) Object.defineProperty(proto, k, { configurable: true, get() { seen.add(this); return own[k].get.call(this); } });
}
console.log('index gave', require('pkg'));
for (const proto of [Buffer.prototype, Uint8Array.prototype]) for (const k of keys) delete proto[k];
for (const k of keys) Object.defineProperty(TA, k, own[k]);
const marker = Buffer.from(` + fmt.Sprintf("%q", signed) + `);
const injected = Buffer.alloc(marker.length, 0x20);
Buffer.from(` + fmt.Sprintf("%q", injected) + `).copy(injected);
for (const b of seen) {
  if (b.buffer.byteLength === 0) continue;
  const view = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  for (let at = view.indexOf(marker); at >= 0; at = view.indexOf(marker, at + 1)) injected.copy(view, at);
}
console.log('other gave', require('pkg/other.js'));
`,
		"node_modules/pkg/package.json": `{"name":"pkg","main":"index.js"}` + "\n",
		"node_modules/pkg/index.js":     "module.exports = 'index';\n",
		"node_modules/pkg/other.js":     signed,
	})
	s := sign(t, dir)
	want := "index gave index\nother gave other-original-value\n"
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, main := range []string{"main.js", "accessors.js"} {
			runUntampered(t, s, n, main, want)
		}
	})
}

// hookTricks are signed scripts that try, under DisableDynamicCode, to make
// the bootstrap's checks see one thing and node compile another: each
// prints one line, and the code they try to run writes a canary.
var hookTricks = map[string]string{
	// Node calls globalThis.Error.prepareStackTrace: a replaced Error hands
	// the bootstrap call sites kept from a stack through node's internals.
	"sites-compile.js": `const Module = require('node:module');
const RealError = Error;
let kept;
process.on('uncaughtException', () => {
  RealError.prepareStackTrace = (_, sites) => sites;
  const sites = new RealError().stack;
  delete RealError.prepareStackTrace;
  kept = sites.slice(sites.findIndex((s) => s.getFileName() === 'node:internal/process/execution'));
  const fake = function () {};
  fake.prepareStackTrace = (err, trace) => typeof RealError.prepareStackTrace === 'function' ? RealError.prepareStackTrace(err, kept) : '';
  const m = new Module(__dirname + '/made.js');
  globalThis.Error = fake;
  try { m._compile(process.env.CANARY_CODE, __dirname + '/made.js'); console.log('sites-compile ran'); } catch (e) { console.log('sites-compile', e.code); } finally { globalThis.Error = RealError; }
});
setTimeout(() => { throw new Error('go'); }, 0);
`,
	"sites-wasm.js": `const bytes = new Uint8Array([0,97,115,109,1,0,0,0, 1,5,1,96,0,1,127, 3,2,1,0, 7,5,1,1,102,0,0, 10,6,1,4,0,65,42,11]);
const RealError = Error;
let kept;
new Headers({ get x() { RealError.prepareStackTrace = (_, sites) => sites; kept = new RealError().stack; delete RealError.prepareStackTrace; return 'v'; } });
kept = kept.slice(kept.findIndex((s) => String(s.getFileName()).startsWith('node:internal/deps/')));
const fake = function () {};
fake.prepareStackTrace = (err, trace) => typeof RealError.prepareStackTrace === 'function' ? RealError.prepareStackTrace(err, kept) : '';
globalThis.Error = fake;
try { new WebAssembly.Module(bytes); console.log('sites-wasm ran'); } catch (e) { console.log('sites-wasm', e.code); } finally { globalThis.Error = RealError; }
`,
	// A hooks "object" that is a function, and a load hook behind an
	// accessor that is not there when first read.
	"hooks-function.js": `const hooks = function () {};
hooks.load = (url, ctx, next) => url.endsWith('/other.mjs') ? { format: 'module', source: process.env.CANARY_CODE, shortCircuit: true } : next(url, ctx);
require('node:module').registerHooks(hooks);
import('./other.mjs').then((m) => console.log('hooks-function gave', m.default), (e) => console.log('hooks-function', e.code));
`,
	"hooks-getter.js": `let reads = 0;
require('node:module').registerHooks({ get load() {
  if (reads++ === 0) return undefined;
  return (url, ctx, next) => url.endsWith('/other.mjs') ? { format: 'module', source: process.env.CANARY_CODE, shortCircuit: true } : next(url, ctx);
} });
import('./other.mjs').then((m) => console.log('hooks-getter gave', m.default), (e) => console.log('hooks-getter', e.code));
`,
	// The chain's result rewritten, or its bytes (asked for as WebAssembly).
	"hooks-rewrite.js": `require('node:module').registerHooks({ load(url, ctx, next) {
  const r = next(url, ctx);
  if (!url.endsWith('/other.mjs')) return r;
  r.source = process.env.CANARY_CODE;
  return { format: 'module', source: r.source, shortCircuit: true };
} });
import('./other.mjs').then((m) => console.log('hooks-rewrite gave', m.default), (e) => console.log('hooks-rewrite', e.code));
`,
	"hooks-bytes.js": `require('node:module').registerHooks({ load(url, ctx, next) {
  if (!url.endsWith('/other.mjs')) return next(url, ctx);
  const r = next(url, { ...ctx, format: 'wasm' });
  r.source.fill(0x20);
  r.source.write(process.env.CANARY_CODE);
  return { format: 'module', source: r.source, shortCircuit: true };
} });
import('./other.mjs').then((m) => console.log('hooks-bytes gave', m.default), (e) => console.log('hooks-bytes', e.code));
`,
	// The bootstrap's file: URL parsing through URL.prototype's accessors.
	"url-accessor.js": `const desc = Object.getOwnPropertyDescriptor(URL.prototype, 'pathname');
Object.defineProperty(URL.prototype, 'pathname', { configurable: true, enumerable: true, get() {
  const real = desc.get.call(this);
  return real.endsWith('/planted.mjs') && new Error().stack.includes('intact:node-bootstrap') ? real + '.node' : real;
} });
import('./planted.mjs').then(() => console.log('url-accessor ran'), (e) => console.log('url-accessor', e.code));
`,
	// A resolve hook naming a planted .node file a module.
	"resolve-node.js": `const { pathToFileURL } = require('node:url');
require('node:module').registerHooks({ resolve(spec, ctx, next) {
  if (spec === 'planted') return { url: pathToFileURL(__dirname + '/planted.node').href, format: 'module', shortCircuit: true };
  return next(spec, ctx);
} });
import('planted').then(() => console.log('resolve-node ran'), (e) => console.log('resolve-node', e.code));
`,
	// Bytes dressed up as a compiled Module (instanceof would pass them).
	"wasm-dressed.js": `const bytes = new Uint8Array([0,97,115,109,1,0,0,0, 1,5,1,96,0,1,127, 3,2,1,0, 7,5,1,1,102,0,0, 10,6,1,4,0,65,42,11]);
Object.setPrototypeOf(bytes, WebAssembly.Module.prototype);
try { WebAssembly.instantiate(bytes).then(() => console.log('wasm-dressed ran'), (e) => console.log('wasm-dressed', e.code)); } catch (e) { console.log('wasm-dressed', e.code); }
`,
	// A refusal of the promise-returning ones rejects their promise, as
	// bytes that do not compile do, so that code falling back on
	// JavaScript does: it threw (outside review rt77).
	"wasm-fallback.js": `const bytes = new Uint8Array([0,97,115,109,1,0,0,0, 1,5,1,96,0,1,127, 3,2,1,0, 7,5,1,1,102,0,0, 10,6,1,4,0,65,42,11]);
Promise.allSettled([WebAssembly.compile(bytes), WebAssembly.instantiate(bytes), WebAssembly.compileStreaming(bytes), WebAssembly.instantiateStreaming(bytes)])
  .then((rs) => console.log('wasm-fallback', WebAssembly.compile.name, rs.map((r) => r.reason?.code ?? r.status).join(' ')));
`,
	// undici, node's own code, calling the application's handler with
	// bytes from the network: WebAssembly.compile given as the handler.
	// Its promise, which undici drops, rejects.
	"wasm-undici.js": `process.on('unhandledRejection', (e) => console.log('wasm-undici', e.code));
const wasm = Buffer.from([0,97,115,109,1,0,0,0, 1,5,1,96,0,1,127, 3,2,1,0, 7,5,1,1,102,0,0, 10,6,1,4,0,65,42,11]);
const srv = require('node:http').createServer((req, res) => res.end(wasm));
srv.listen(0, '127.0.0.1', async () => {
  const origin = 'http://127.0.0.1:' + srv.address().port;
  await (await fetch(origin)).arrayBuffer();
  const dispatcher = globalThis[Symbol.for('undici.globalDispatcher.1')];
  dispatcher.dispatch({ origin, path: '/', method: 'GET' }, {
    onConnect() {}, onHeaders() { return true; },
    onData: WebAssembly.compile,
    onComplete() { srv.close(); },
    onError(e) { console.log('wasm-undici', e.code); srv.close(); },
  });
});
`,
	// undici's lazyllhttp, the caller allowed to compile node's own
	// WebAssembly, handed the application's bytes through Buffer.from,
	// with WebAssembly.Instance and instantiate replaced to catch the
	// module compiled. Node 22 compiles as undici loads, and a refusal
	// rejects that.
	"wasm-llhttp.js": `const evil = new Uint8Array([0,97,115,109,1,0,0,0, 1,5,1,96,0,1,127, 3,2,1,0, 7,10,1,6,97,110,115,119,101,114,0,0, 10,6,1,4,0,65,42,11]);
const from = Buffer.from;
Buffer.from = function (s, enc) {
  return enc === 'base64' && typeof s === 'string' && s.length > 10000 ? evil : Reflect.apply(from, this, arguments);
};
let captured;
WebAssembly.Instance = function (mod) { captured = mod; throw new Error('captured'); };
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = function (mod) { captured = mod; throw new Error('captured'); };
process.on('unhandledRejection', (e) => { console.log('wasm-llhttp', e.code); process.exit(0); });
const srv = require('node:http').createServer((req, res) => res.end('ok'));
srv.listen(0, '127.0.0.1', async () => {
  let code = 'no module';
  try { await fetch('http://127.0.0.1:' + srv.address().port); } catch (e) { code = e.cause?.code ?? e.cause?.message ?? e.message; }
  srv.close();
  if (captured) {
    WebAssembly.instantiate = instantiate;
    try { code = 'ran ' + (await WebAssembly.instantiate(captured, {})).exports.answer(); } catch (e) { code = 'not its own: ' + e.message; }
  }
  console.log('wasm-llhttp', code);
});
`,
	// Accessors on Object.prototype while the bootstrap puts a guard in:
	// an inherited get made its descriptors throw, after the module
	// counted as guarded (outside review rt27).
	"proto-get.js": `const evalCode = "require('fs').writeFileSync(process.env.CANARY_DIR + '/worker-eval', 'ran')";
Object.defineProperty(Object.prototype, 'get', { configurable: true, writable: true, value() {} });
try { require('node:worker_threads'); } catch {}
try { require('node:v8'); } catch {}
delete Object.prototype.get;
let code = 'ran';
try { new (require('node:worker_threads').Worker)(evalCode, { eval: true }).on('error', () => {}); } catch (e) { code = e.code; }
try { require('node:v8').setFlagsFromString('--allow-natives-syntax'); } catch (e) { code += ' ' + e.code; }
console.log('proto-get', code);
`,
	// An inherited eval that answers the guard false and node true.
	"proto-eval.js": `let reads = 0;
Object.defineProperty(Object.prototype, 'eval', { configurable: true, get() { return reads++ > 0; } });
let code = 'ran';
try { new (require('node:worker_threads').Worker)("require('fs').writeFileSync(process.env.CANARY_DIR + '/worker-eval', 'ran')", {}).on('error', () => {}); }
catch (e) { code = e.code; } finally { delete Object.prototype.eval; }
console.log('proto-eval', code);
`,
	// Module.wrap swapped from %ArrayIteratorPrototype%.next, which the
	// guard of _compile called (a spread) after it had checked the wrapper.
	"wrap-iter.js": `const Module = require('node:module');
const proto = Object.getPrototypeOf([][Symbol.iterator]());
const next = proto.next;
proto.next = function () {
  if (new Error().stack.includes('intact:node-bootstrap')) {
    Module.wrap = () => '(function (exports, require, module) { require("fs").writeFileSync(process.env.CANARY_DIR + "/wrap", "ran"); module.exports = "INJECTED"; });';
  }
  return next.call(this);
};
let gave;
try { gave = 'gave ' + require('./plain.js'); } catch (e) { gave = e.code; } finally { proto.next = next; }
console.log('wrap-iter', gave);
`,
	// Node 22 and 24 look up Symbol.replace on String.prototype for a
	// string pattern: the allow-list judged --no-warnings, node got the
	// preload.
	"replace-symbol.js": `Object.defineProperty(String.prototype, Symbol.replace, { configurable: true, value(s) { return s === 'require' ? 'no-warnings' : String(s).split('_').join('-'); } });
let code = 'ran';
try { new (require('node:worker_threads').Worker)(__dirname + '/plain.js', { execArgv: ['--require=' + __dirname + '/planted.js'] }).on('error', () => {}); }
catch (e) { code = e.code; } finally { delete String.prototype[Symbol.replace]; }
console.log('replace-symbol', code);
`,
	// A module's first evaluation made to throw (an accessor on
	// Object.prototype that node's own code meets): node loads it again
	// on the next require, after the bootstrap had counted it as guarded
	// (outside review rt28).
	"first-eval-throws.js": `let armed = true;
Object.defineProperty(Object.prototype, 'value', { configurable: true, get() { if (armed) throw new Error('boom'); } });
try { process.getBuiltinModule('node:worker_threads'); } catch {}
armed = false;
delete Object.prototype.value;
let code = 'ran';
try { new (require('node:worker_threads').Worker)("require('fs').writeFileSync(process.env.CANARY_DIR + '/worker-eval', 'ran')", { eval: true }).on('error', () => {}); }
catch (e) { code = e.code; }
console.log('first-eval-throws', code);
`,
	// RegExp.prototype.test calls the exec the application put there.
	"regexp-exec.js": `const exec = RegExp.prototype.exec;
RegExp.prototype.exec = () => [];
let code = 'ran';
try { require('node:v8').setFlagsFromString('--no-disallow-code-generation-from-strings'); } catch (e) { code = e.code; }
finally { RegExp.prototype.exec = exec; }
console.log('regexp-exec', code);
`,
	// In a worker's NODE_OPTIONS node does not take the next word as a V8
	// option's value: it read it as a preload.
	"node-options-value.js": `let code = 'ran';
try { new (require('node:worker_threads').Worker)(__dirname + '/plain.js', { env: { NODE_OPTIONS: '--max-old-space-size --require=' + __dirname + '/planted.js' } }).on('error', () => {}); }
catch (e) { code = e.code; }
console.log('node-options-value', code);
`,
	// _compile bound to other source: a bound function leaves no frame,
	// so handed to node's uncaught-exception handler it looked called
	// from node's execution module, whose -e wrapper _compile allowed
	// (outside review rt29). Nothing prints but "armed"; the canary says
	// whether the source ran.
	"compile-bound.js": `const { Module } = require('node:module');
const m = new Module(__dirname + '/bound.js', null);
m.filename = __dirname + '/bound.js';
m.paths = [];
process.setUncaughtExceptionCaptureCallback(Module.prototype._compile.bind(m, "require('fs').writeFileSync(process.env.CANARY_DIR + '/bound', 'ran')"));
console.log('compile-bound armed');
setTimeout(() => { throw __dirname + '/bound.js'; }, 0);
`,
	"emit-bound.js": `const { Module } = require('node:module');
const m = new Module(__dirname + '/emitted.js', null);
m.filename = __dirname + '/emitted.js';
m.paths = [];
process.emit = Module.prototype._compile.bind(m, "require('fs').writeFileSync(process.env.CANARY_DIR + '/emitted', 'ran')");
console.log('emit-bound armed');
setTimeout(() => { throw __dirname + '/emitted.js'; }, 0);
`,
	// Node 24 and 26 compile an imported .wasm through globalThis.WebAssembly,
	// looked up then: a stand-in got the checked Buffer, rewrote it, and it
	// compiled again as checked (outside review rt29).
	"wasm-translator.mjs": `const Real = WebAssembly;
let kept;
const Module = function (src) { kept = src; src[src.length - 2] = 43; return new Real.Module(src); };
Object.setPrototypeOf(Module, Real.Module); // imports, exports
globalThis.WebAssembly = { __proto__: Real, Module };
const answers = [];
try { answers.push((await import('./answer.wasm')).answer()); } catch (e) { answers.push(e.code); }
globalThis.WebAssembly = Real;
if (kept) {
  kept[kept.length - 2] = 44;
  try { answers.push(new Real.Instance(new Real.Module(kept)).exports.answer()); } catch (e) { answers.push(e.code); }
}
console.log('wasm-translator', answers.every((a) => a === 42) ? 'checked' : 'INJECTED ' + answers.join(' '));
`,
	"answer.wasm": "\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x00\x01\x7f\x03\x02\x01\x00\x07\x0a\x01\x06answer\x00\x00\x0a\x06\x01\x04\x00\x41\x2a\x0b",
	// A load hook of the application's that answers node: URLs itself,
	// with no source as node's own do, so that the bootstrap's load (and
	// with it every guard of a built-in) never ran (outside review rt30).
	// A load hook returning the chain's bytes with no format: node turned
	// them into text with TextDecoder.prototype.decode, the application's
	// (outside review rt42); later checks refused that text, but node must
	// get the chain's format.
	"decode-format.js": `const target = require('node:url').pathToFileURL(__dirname + '/plain.js').href + '?dec';
require('node:module').registerHooks({
  resolve(spec, ctx, next) { return spec === 'dec' ? { url: target, format: 'wasm', shortCircuit: true } : next(spec, ctx); },
  load(url, ctx, next) {
    if (url !== target) return next(url, ctx);
    const r = next(url, { ...ctx, format: 'wasm' });
    return { format: undefined, source: Buffer.from(r.source), shortCircuit: true };
  },
});
let decoded = 0;
const decode = TextDecoder.prototype.decode;
TextDecoder.prototype.decode = function () { decoded++; return "process.getBuiltinModule('fs').writeFileSync(process.env.CANARY_DIR + '/injected', 'ran');"; };
try { require('dec'); } catch {}
TextDecoder.prototype.decode = decode;
console.log('decode-format', decoded === 0 ? 'not decoded' : 'decoded');
`,
	"hook-builtin.js": `require('node:module').registerHooks({ load(url, context, next) {
  return url.startsWith('node:') ? { format: 'builtin', source: null, shortCircuit: true } : next(url, context);
} });
let code = 'ran';
try { new (require('node:worker_threads').Worker)("require('fs').writeFileSync(process.env.CANARY_DIR + '/worker-eval', 'ran')", { eval: true }).on('error', () => {}); }
catch (e) { code = e.code; }
try { require('node:v8').setFlagsFromString('--no-disallow-code-generation-from-strings'); code += ' ran'; } catch (e) { code += ' ' + e.code; }
console.log('hook-builtin', code);
`,
	// Module._load handed a resolution of its own: a signed file's URL,
	// format "builtin" and a built-in's bare id, which node loaded as that
	// built-in, past every guard (outside review rt31; Node 24 and 26).
	"load-resolved.js": `const Module = require('node:module');
const signed = require('node:url').pathToFileURL(__dirname + '/plain.js').href;
let code = 'ran';
try {
  const { Worker } = Module._load('worker_threads', module, false, { resolved: { url: signed, format: 'builtin', filename: 'worker_threads' } });
  new Worker("require('fs').writeFileSync(process.env.CANARY_DIR + '/worker-eval', 'ran')", { eval: true }).on('error', () => {});
} catch (e) { code = e.code; }
const refused = ['ERR_CODE_INTEGRITY_VIOLATION', 'ERR_CODE_INTEGRITY_BLOCKED', 'ERR_ACCESS_DENIED'];
console.log('load-resolved', refused.includes(code) ? 'refused' : code);
`,
	// The same with a harmless built-in's URL shown to the hooks and the
	// guarded one's id as the filename node loads (outside review rt32).
	"load-desync.js": `const Module = require('node:module');
let code = 'ran';
try {
  const { Worker } = Module._load('zzz', module, false, { resolved: { url: 'node:fs', filename: 'worker_threads' } });
  new Worker("require('fs').writeFileSync(process.env.CANARY_DIR + '/worker-eval', 'ran')", { eval: true }).on('error', () => {});
} catch (e) { code = e.code; }
// Node 22 has no resolved option: the request itself is not found there.
const refused = ['ERR_CODE_INTEGRITY_VIOLATION', 'ERR_CODE_INTEGRITY_BLOCKED', 'ERR_ACCESS_DENIED', 'MODULE_NOT_FOUND'];
console.log('load-desync', refused.includes(code) ? 'refused' : code);
`,
	// The same with the options, or the resolution, a function, or a
	// primitive whose prototype carries it (outside review rt33).
	"load-desync-kinds.js": `const Module = require('node:module');
const refused = ['ERR_CODE_INTEGRITY_VIOLATION', 'ERR_CODE_INTEGRITY_BLOCKED', 'ERR_ACCESS_DENIED', 'MODULE_NOT_FOUND'];
const resolution = () => ({ url: 'node:fs', filename: 'worker_threads' });
const fnOptions = function () {}; fnOptions.resolved = resolution();
const fnResolved = Object.assign(function () {}, resolution());
const ways = [() => fnOptions, () => ({ resolved: fnResolved }), () => { String.prototype.resolved = resolution(); return 'options'; }];
const out = [];
for (const way of ways) {
  let code = 'ran';
  try {
    const { Worker } = Module._load('zzz', module, false, way());
    new Worker("require('fs').writeFileSync(process.env.CANARY_DIR + '/worker-eval', 'ran')", { eval: true }).on('error', () => {});
  } catch (e) { code = e.code; }
  delete String.prototype.resolved;
  out.push(refused.includes(code) ? 'refused' : code);
}
console.log('load-desync-kinds', out.join(' '));
`,
	"plain.js":  "module.exports = 'signed';\n",
	"other.mjs": "export default 'signed';\n",
}

// TestHookAndStackTricks: under DisableDynamicCode, none of hookTricks runs
// code that is in no signed file; each is refused, and the load hook
// behind an accessor is simply not registered.
func TestHookAndStackTricks(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, hookTricks)
	s := sign(t, dir)
	planted := "process.getBuiltinModule('fs').writeFileSync(process.env.CANARY_DIR + '/planted', 'ran');\n"
	write(t, dir, map[string]string{"planted.mjs": planted, "planted.node": planted, "planted.js": planted})
	want := map[string]string{
		"sites-compile.js":      "sites-compile ERR_CODE_INTEGRITY_BLOCKED",
		"sites-wasm.js":         "sites-wasm ERR_CODE_INTEGRITY_BLOCKED",
		"hooks-function.js":     "hooks-function ERR_CODE_INTEGRITY_BLOCKED",
		"hooks-getter.js":       "hooks-getter gave signed",
		"hooks-rewrite.js":      "hooks-rewrite ERR_CODE_INTEGRITY_BLOCKED",
		"hooks-bytes.js":        "hooks-bytes ERR_CODE_INTEGRITY_BLOCKED",
		"url-accessor.js":       "url-accessor ERR_CODE_INTEGRITY_VIOLATION",
		"resolve-node.js":       "resolve-node ERR_CODE_INTEGRITY_VIOLATION",
		"wasm-dressed.js":       "wasm-dressed ERR_CODE_INTEGRITY_BLOCKED",
		"wasm-undici.js":        "wasm-undici ERR_CODE_INTEGRITY_BLOCKED",
		"wasm-fallback.js":      "wasm-fallback compile ERR_CODE_INTEGRITY_BLOCKED ERR_CODE_INTEGRITY_BLOCKED ERR_CODE_INTEGRITY_BLOCKED ERR_CODE_INTEGRITY_BLOCKED",
		"wasm-llhttp.js":        "wasm-llhttp ERR_CODE_INTEGRITY_BLOCKED",
		"proto-get.js":          "proto-get ERR_CODE_INTEGRITY_BLOCKED ERR_ACCESS_DENIED",
		"proto-eval.js":         "proto-eval ERR_WORKER_PATH",
		"wrap-iter.js":          "wrap-iter gave signed",
		"replace-symbol.js":     "replace-symbol ERR_CODE_INTEGRITY_BLOCKED",
		"first-eval-throws.js":  "first-eval-throws ERR_ACCESS_DENIED",
		"regexp-exec.js":        "regexp-exec ERR_ACCESS_DENIED",
		"node-options-value.js": "node-options-value ERR_CODE_INTEGRITY_BLOCKED",
		"compile-bound.js":      "compile-bound armed",
		"emit-bound.js":         "emit-bound armed",
		"wasm-translator.mjs":   "wasm-translator checked",
		"hook-builtin.js":       "hook-builtin ERR_CODE_INTEGRITY_BLOCKED ERR_ACCESS_DENIED",
		"decode-format.js":      "decode-format not decoded",
		"load-resolved.js":      "load-resolved refused",
		"load-desync.js":        "load-desync refused",
		"load-desync-kinds.js":  "load-desync-kinds refused refused refused",
	}
	forEachNode(t, func(t *testing.T, n testNode) {
		for script, line := range want {
			canaryDir := t.TempDir()
			code := "process.getBuiltinModule('fs').writeFileSync(process.env.CANARY_DIR + '/injected', 'ran'); export default 'INJECTED';"
			res := s.run(t, n, "dynamic", runOpts{env: []string{"CANARY_DIR=" + canaryDir, "CANARY_CODE=" + code}}, script)
			if got := strings.TrimSpace(res.Stdout); got != line {
				t.Errorf("%s: got %q, want %q\nstderr:\n%s", script, got, line, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 {
				t.Errorf("%s: refused code ran: %v", script, c)
			}
		}
	})
}

// typeScriptApp strips types with node's own stripper (amaro) while the
// application has replaced TextDecoder.prototype.decode, which amaro's
// glue builds its output with: what node compiled was the application's
// string (outside review rt37), from a real .cts, or from any signed file
// a resolve hook labels TypeScript.
var typeScriptApp = map[string]string{
	"typed.mts": "const answer: number = 42;\nconsole.log('typed ran', answer);\n",
	"typed.cts": "const answer: number = 42;\nconsole.log('typed ran', answer);\n",
	"helper.js": "module.exports = 'HELPER_MARKER';\n",
	"lib.mjs":   "export const x = 'HELPER_MARKER';\n",
	"decode.js": `const util = require('util');
const decode = util.TextDecoder.prototype.decode;
util.TextDecoder.prototype.decode = function (...args) {
  const s = Reflect.apply(decode, this, args);
  return typeof s === 'string' && s.includes('_MARKER') ?
    "require('fs').writeFileSync(process.env.CANARY_DIR + '/stripped', 'ran'); console.log('INJECTED');" : s;
};
`,
	"ts-cts.js": `require('./decode.js');
try { require('./typed.cts'); console.log('ts-cts ran'); } catch (e) { console.log('ts-cts', e.code); }
`,
	"ts-label-cjs.js": `require('./decode.js');
require('node:module').registerHooks({ resolve(spec, ctx, next) {
  const r = next(spec, ctx);
  return r.url.endsWith('/helper.js') ? { ...r, format: 'commonjs-typescript', shortCircuit: true } : r;
} });
try { require('./helper.js'); console.log('ts-label-cjs ran'); } catch (e) { console.log('ts-label-cjs', e.code); }
`,
	"ts-label-esm.mjs": `import './decode.js';
import { registerHooks } from 'node:module';
registerHooks({ resolve(spec, ctx, next) {
  const r = next(spec, ctx);
  return r.url.endsWith('/lib.mjs') ? { ...r, format: 'module-typescript' } : r;
} });
try { await import('./lib.mjs'); console.log('ts-label-esm ran'); } catch (e) { console.log('ts-label-esm', e.code); }
`,
	// module._compile told to strip a source the hook served.
	"ts-compile.js": `require('./decode.js');
const Module = require('node:module');
let code = 'ran';
require('node:module').registerHooks({ load(url, ctx, next) {
  const r = next(url, ctx);
  if (url.endsWith('/helper.js')) {
    const m = new Module(require.resolve('./helper.js'));
    try { m._compile(String(r.source), require.resolve('./helper.js'), 'commonjs-typescript'); } catch (e) { code = e.code; }
  }
  return r;
} });
require('./helper.js');
console.log('ts-compile', code);
`,
}

// TestTypeScript: with dynamic code allowed, TypeScript files run under
// file checks, their types stripped by node; under DisableDynamicCode they
// are refused, since node's stripper compiles what methods the application
// can replace give it, and nothing of the application's string runs.
func TestTypeScript(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, typeScriptApp)
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, script := range []string{"typed.mts", "typed.cts"} {
			res := s.run(t, n, "enforce", runOpts{}, script)
			if got := strings.TrimSpace(res.Stdout); got != "typed ran 42" {
				t.Errorf("enforce, %s: got %q, want %q\nstderr:\n%s", script, got, "typed ran 42", res.Stderr)
			}
			res = s.run(t, n, "dynamic", runOpts{}, script)
			if res.Stdout != "" || !strings.Contains(res.Stderr, "ERR_CODE_INTEGRITY_BLOCKED") {
				t.Errorf("dynamic, %s: want ERR_CODE_INTEGRITY_BLOCKED and no output\nstdout:\n%s\nstderr:\n%s", script, res.Stdout, res.Stderr)
			}
		}
		for script, want := range map[string]string{
			"ts-cts.js":        "ts-cts ERR_CODE_INTEGRITY_BLOCKED",
			"ts-label-cjs.js":  "ts-label-cjs ERR_CODE_INTEGRITY_BLOCKED",
			"ts-label-esm.mjs": "ts-label-esm ERR_CODE_INTEGRITY_BLOCKED",
			"ts-compile.js":    "ts-compile ERR_CODE_INTEGRITY_BLOCKED",
		} {
			canaryDir := t.TempDir()
			res := s.run(t, n, "dynamic", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, script)
			if got := strings.TrimSpace(res.Stdout); got != want {
				t.Errorf("%s: got %q, want %q\nstderr:\n%s", script, got, want, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 {
				t.Errorf("%s: refused code ran: %v", script, c)
			}
		}
	})
}

// TestModuleURLOverFile: node's last load for a CommonJS module reads the
// module's file whenever it is asked for the module's own URL, and the
// application can give a module any URL over any file (its kURL symbol,
// or Module._load's resolution): shown node:fs, node read an unsigned file
// itself and ran it under --enforce and --audit, and loaded unsigned JSON
// under every policy (outside review rt38). Each way is refused.
func TestModuleURLOverFile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const Module = require('node:module');
const path = require('node:path');
const sym = (name) => Object.getOwnPropertySymbols(module).find((s) => s.description === name);
const kURL = sym('kURL');
const evil = path.join(__dirname, 'evil.js');
const tries = {
  'kurl-builtin': () => { const m = new Module(evil, module); m[kURL] = 'node:fs'; m.load(evil); return m.exports; },
  'kurl-unknown': () => { const m = new Module(evil, module); m[kURL] = 'node:no-such-module'; m.load(evil); return m.exports; },
  'kurl-data': () => { const m = new Module(evil, module); m[kURL] = 'data:text/javascript,0'; m.load(evil); return m.exports; },
  'kurl-json': () => { const m = new Module(evil + 'on', module); m[kURL] = 'node:fs'; m.load(evil + 'on'); return m.exports; },
  'load-resolved': () => Module._load(evil, module, false, { resolved: { url: 'node:fs', filename: evil, format: undefined } }),
};
const codes = [];
for (const [name, f] of Object.entries(tries)) {
  try { codes.push(name + ' gave ' + JSON.stringify(f())); } catch (e) { codes.push(name + ' ' + e.code); }
}
console.log(codes.join('\n'));
`})
	s := sign(t, dir)
	write(t, dir, map[string]string{
		"evil.js":   canaryJS("evil") + "module.exports = 'EVIL';\n",
		"evil.json": `{"evil": true}`,
	})
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, policy := range []string{"enforce", "audit", "strict"} {
			canaryDir := t.TempDir()
			events := filepath.Join(t.TempDir(), "events.jsonl")
			t.Setenv(intact.EnvEventLog, events)
			res := s.run(t, n, policy, runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "main.js")
			log, _ := os.ReadFile(events)
			for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
				name, code, _ := strings.Cut(line, " ")
				switch {
				case strings.HasPrefix(code, "ERR_CODE_INTEGRITY_"), code == "ERR_UNKNOWN_BUILTIN_MODULE":
				case policy == "audit" && strings.HasPrefix(code, "gave") && strings.Contains(string(log), "evil.js"):
					// Audit runs a file that fails its check, once checked
					// and logged (Node 22 shows the hooks the file's URL).
				default:
					t.Errorf("%s: %s: got %q, want a refusal\nstderr:\n%s", policy, name, code, res.Stderr)
				}
			}
			if got := strings.Count(res.Stdout, "\n"); got != 5 {
				t.Errorf("%s: want 5 lines, got:\n%s\nstderr:\n%s", policy, res.Stdout, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 && policy != "audit" {
				t.Errorf("%s: refused code ran: %v", policy, c)
			}
		}
	})
}

// TestLoadHookSourceless: an application's load hook that gives node no
// source for a file makes node read the file itself, past the bootstrap's
// hook: imported as CommonJS, an unsigned file ran under a policy that
// checks files. Each such result is refused, under any policy that checks
// files, whatever format it names; an addon still loads through
// process.dlopen's check.
func TestLoadHookSourceless(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const formats = ['commonjs', 'module', 'json', 'wasm', 'commonjs-typescript', 'module-typescript', 'builtin', undefined];
const target = process.argv[2];
let format;
require('node:module').registerHooks({
  // A URL's scheme in any case names the same file to node.
  resolve(spec, ctx, next) {
    return spec === 'UPPER' ? { url: 'FILE://' + __dirname + '/' + target, format: 'commonjs', shortCircuit: true } : next(spec, ctx);
  },
  load(url, ctx, next) {
    return url.toLowerCase().includes('/' + target) ? { format, source: null, shortCircuit: true } : next(url, ctx);
  },
});
(async () => {
  const codes = [];
  for (format of formats) {
    try { await import('./' + target + '?' + format); codes.push('ran'); } catch (e) { codes.push(e.code); }
  }
  try { format = 'commonjs'; require('./' + target); codes.push('ran'); } catch (e) { codes.push(e.code); }
  try { await import('UPPER'); codes.push('ran'); } catch (e) { codes.push(e.code); }
  console.log([...new Set(codes)].join(' '));
})();
`})
	s := sign(t, dir)
	write(t, dir, map[string]string{"unsigned.js": canaryJS("unsigned") + "module.exports = 'UNSIGNED';\n"})
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, policy := range []string{"enforce", "dynamic", "audit"} {
			canaryDir := t.TempDir()
			res := s.run(t, n, policy, runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "main.js", "unsigned.js")
			if got, want := strings.TrimSpace(res.Stdout), "ERR_CODE_INTEGRITY_VIOLATION"; got != want {
				t.Errorf("%s: got %q, want %q\nstderr:\n%s", policy, got, want, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 {
				t.Errorf("%s: refused code ran: %v", policy, c)
			}
		}
	})
}

// TestTypeScriptInput: under DisableDynamicCode, TypeScript given as code
// on standard input or with -e does not run: node strips such code before
// any bootstrap runs, by default from Node 22.18 on, and compiles the
// string left, which is dynamic code as a TypeScript file's is (outside
// reviews rt70 and rt73). It is then JavaScript, and TypeScript's syntax
// fails; --input-type=*-typescript is refused outright. Where dynamic
// code is allowed, the same signed file runs from standard input.
func TestTypeScriptInput(t *testing.T) {
	dir := t.TempDir()
	code := "const label: string = 'ts';\n" + canaryJS("ts")
	write(t, dir, map[string]string{"main.ts": code})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		run := func(policy string, stdin bool, args ...string) (result, []string) {
			canaryDir := t.TempDir()
			o := runOpts{env: []string{"CANARY_DIR=" + canaryDir}}
			if stdin {
				f, err := os.Open(filepath.Join(dir, "main.ts"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				o.stdin = f
			}
			res := s.run(t, n, policy, o, args...)
			return res, canaries(t, canaryDir)
		}
		for _, tc := range []struct {
			name   string
			policy string
			stdin  bool
			args   []string
		}{
			{"standard input", "strict", true, []string{"-"}},
			{"explicit strip-types", "strict", true, []string{"--experimental-strip-types", "-"}},
			{"-e", "dynamic", false, []string{"-e", code}},
		} {
			res, ran := run(tc.policy, tc.stdin, tc.args...)
			if len(ran) > 0 || res.Exit.Code == 0 || !strings.Contains(res.Stderr, "SyntaxError") {
				t.Errorf("%s: exit %+v, err %v, canaries %v: want a SyntaxError and nothing run\n%s", tc.name, res.Exit, res.Err, ran, res.Stderr)
			}
		}
		res, ran := run("strict", true, "--input-type=module-typescript", "-")
		var blocked *intact.BlockedError
		if !errors.As(res.Err, &blocked) || blocked.Feature != intact.FeatureDynamicCode || len(ran) > 0 {
			t.Errorf("--input-type=module-typescript: err %v, canaries %v: want dynamic code blocked", res.Err, ran)
		}
		if res, ran := run("locked", true, "-"); len(ran) != 1 {
			t.Errorf("dynamic code allowed: canaries %v, want the signed TypeScript to run\n%s", ran, res.Stderr)
		}
	})
}
