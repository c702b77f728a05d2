//go:build linux

package nodeguard_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGuardedConstructorsHideOriginals: a guarded built-in class (Worker,
// vm.Script, WebAssembly.Module) leads back to no constructor that skips
// its guard: not through Object.getPrototypeOf of the class (a subclass's
// parent), nor the constructor of its prototype or of the prototypes above
// it (vm.Script's native ContextifyScript). An unchecked worker script
// never runs; no string compiles under DisableDynamicCode, and a V8 code
// cache is never handed to V8 under any policy.
func TestGuardedConstructorsHideOriginals(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{
			"workers.js": `const wt = require('node:worker_threads');
const routes = {
  'getPrototypeOf(Worker)': () => Object.getPrototypeOf(wt.Worker),
  'Worker.prototype.constructor': () => wt.Worker.prototype.constructor,
  'an instance\'s constructor': () => Object.getPrototypeOf(new wt.Worker(__dirname + '/w.js')).constructor,
};
let pending = 0;
for (const [name, route] of Object.entries(routes)) {
  let w;
  try { w = new (route())(__dirname + '/evil.js', { execArgv: [] }); } catch (e) { console.log(name, 'threw', e.code); continue; }
  if (!(w instanceof wt.Worker)) { console.log(name, 'no worker'); continue; }
  pending++;
  w.on('error', (e) => console.log(name, e.code)).on('exit', () => { if (--pending === 0) console.log('done'); });
}
`,
			"w.js": "",
			"dynamic.js": `const vm = require('node:vm');
const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,7,5,1,1,102,0,0,10,6,1,4,0,65,42,11]);
const t = (name, f) => { try { console.log(name, 'ran', f()); } catch (e) { console.log(name, e.code ?? e.name); } };
t('vm.Script', () => new vm.Script('6*7').runInThisContext());
t('getPrototypeOf(vm.Script)', () => new (Object.getPrototypeOf(vm.Script))('6*7').runInThisContext());
t('ContextifyScript', () => new (Object.getPrototypeOf(vm.Script.prototype).constructor)('6*7', 'x.js', 0, 0, undefined, false, undefined).runInThisContext());
t('vm.Script.prototype.constructor', () => new vm.Script.prototype.constructor('6*7').runInThisContext());
t('WebAssembly.Module.prototype.constructor', () => new WebAssembly.Instance(new WebAssembly.Module.prototype.constructor(bytes)).exports.f());
t('getPrototypeOf(WebAssembly.Module)', () => new WebAssembly.Instance(new (Object.getPrototypeOf(WebAssembly.Module))(bytes)).exports.f());
`,
			"cache.js": `const vm = require('node:vm');
const Script = Object.getPrototypeOf(vm.Script.prototype).constructor;
const made = new vm.Script('x = 1;', { produceCachedData: true }).createCachedData?.();
const s = new Script('x = 2;', { cachedData: made });
console.log('cachedDataRejected', s.cachedDataRejected);
`,
		})
		s := sign(t, dir)
		write(t, dir, map[string]string{"evil.js": canaryJS("evil")})
		canary := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canary}}, "workers.js")
		for _, line := range []string{"Worker.prototype.constructor ERR_CODE_INTEGRITY_VIOLATION", "an instance's constructor ERR_CODE_INTEGRITY_VIOLATION"} {
			if !strings.Contains(res.Stdout, line+"\n") {
				t.Errorf("workers: want %q\nstdout:\n%s\nstderr:\n%s", line, res.Stdout, res.Stderr)
			}
		}
		if strings.Contains(res.Stdout, "getPrototypeOf(Worker) ERR") || !strings.Contains(res.Stdout, "getPrototypeOf(Worker) no worker\n") {
			t.Errorf("workers: Object.getPrototypeOf(Worker) should be no Worker class\nstdout:\n%s", res.Stdout)
		}
		if c := canaries(t, canary); len(c) != 0 {
			t.Errorf("an unchecked worker script ran: canaries %v\nstdout:\n%s", c, res.Stdout)
		}

		res = s.run(t, n, "dynamic", runOpts{}, "dynamic.js")
		if strings.Contains(res.Stdout, " ran ") || strings.Count(res.Stdout, "\n") != 6 {
			t.Errorf("DisableDynamicCode: every route must be refused\nstdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
		}
		res = s.run(t, n, "enforce", runOpts{}, "cache.js")
		if res.Stdout != "cachedDataRejected undefined\n" {
			t.Errorf("a code cache reached V8 through vm.Script's base class\nstdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
		}
	})
}

// TestWorkerEnvironment: node reads NODE_OPTIONS from a worker's
// environment (the one given, or the process's when an execArgv is), and
// the compile cache's variables. Preloads or loaders there would run before
// the bootstrap, in a thread with none, so they are judged as a worker's
// execArgv is; a worker sharing the process's environment is refused; the
// compile cache stays off. Workers with harmless environments run.
func TestWorkerEnvironment(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{
			"main.js": `const { Worker, SHARE_ENV } = require('node:worker_threads');
const evil = require('path').join(__dirname, 'evil.js');
const cases = {
  'env NODE_OPTIONS --require': { env: { NODE_OPTIONS: '--require ' + evil } },
  'env NODE_OPTIONS quoted --import': { env: { NODE_OPTIONS: '"--import" "' + evil + '"' } },
  'env NODE_OPTIONS loader': { env: { NODE_OPTIONS: '--experimental-loader=' + evil } },
  'process.env NODE_OPTIONS with execArgv': { execArgv: [], before: () => { process.env.NODE_OPTIONS = '--require ' + evil; } },
  'SHARE_ENV': { env: SHARE_ENV },
};
const run = (name, opts) => new Promise((resolve) => {
  let w;
  try { opts.before?.(); w = new Worker(__dirname + '/w.js', opts); } catch (e) { console.log(name, e.code); return resolve(); }
  finally { delete process.env.NODE_OPTIONS; }
  w.on('message', (m) => console.log(name, m)).on('error', (e) => console.log(name, 'error', e.code)).on('exit', resolve);
});
(async () => {
  for (const [name, opts] of Object.entries(cases)) await run(name, opts);
  await run('harmless env', { env: { FOO: 'bar', NODE_OPTIONS: '--no-deprecation' } });
  await run('compile cache asked for', { env: { NODE_COMPILE_CACHE: process.env.CACHE_DIR } });
})();
`,
			"w.js": `require('node:worker_threads').parentPort.postMessage('ran ' + (process.env.FOO ?? '') + ' ' + process.env.NODE_DISABLE_COMPILE_CACHE);`,
		})
		s := sign(t, dir)
		write(t, dir, map[string]string{"evil.js": canaryJS("evil")})
		canary, cache := t.TempDir(), t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canary, "CACHE_DIR=" + cache}}, "main.js")
		want := "env NODE_OPTIONS --require ERR_CODE_INTEGRITY_BLOCKED\n" +
			"env NODE_OPTIONS quoted --import ERR_CODE_INTEGRITY_BLOCKED\n" +
			"env NODE_OPTIONS loader ERR_CODE_INTEGRITY_BLOCKED\n" +
			"process.env NODE_OPTIONS with execArgv ERR_CODE_INTEGRITY_BLOCKED\n" +
			"SHARE_ENV ERR_CODE_INTEGRITY_BLOCKED\n" +
			"harmless env ran bar 1\n" +
			"compile cache asked for ran  1\n"
		if res.Stdout != want {
			t.Errorf("stdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canary); len(c) != 0 {
			t.Errorf("a preload ran: canaries %v", c)
		}
		if entries, _ := os.ReadDir(cache); len(entries) != 0 {
			t.Errorf("a worker wrote node's compile cache: %v", entries)
		}
	})
}

// TestModuleRegisterRefused: module.register runs loaders in a thread of
// node's own that no bootstrap reaches, where node reads the loader and
// its imports unchecked. Where files are checked it is refused, and
// nothing of a tampered file a loader imports runs.
func TestModuleRegisterRefused(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{
			"main.mjs": `import { register } from 'node:module';
try { register('./hook.mjs', import.meta.url); console.log('registered'); } catch (e) { console.log('register', e.code); }
`,
			"hook.mjs":   "import './helper.mjs';\nexport async function load(url, context, next) { return next(url, context); }\n",
			"helper.mjs": "export const x = 1;\n",
		})
		s := sign(t, dir)
		write(t, dir, map[string]string{"helper.mjs": canaryESM("helper")})
		canary := t.TempDir()
		for _, policy := range []string{"enforce", "audit"} {
			res := s.run(t, n, policy, runOpts{env: []string{"CANARY_DIR=" + canary}}, "main.mjs")
			if res.Stdout != "register ERR_CODE_INTEGRITY_BLOCKED\n" {
				t.Errorf("%s: stdout:\n%s\nstderr:\n%s", policy, res.Stdout, res.Stderr)
			}
		}
		if c := canaries(t, canary); len(c) != 0 {
			t.Errorf("the loader thread ran a tampered file: canaries %v", c)
		}
		if _, err := os.Stat(filepath.Join(dir, "helper.mjs")); err != nil {
			t.Fatal(err)
		}
	})
}

// TestWorkerOptionsArrayAccessors: the arrays the bootstrap builds of a
// worker's options (its execArgv, the words of its NODE_OPTIONS) hold
// what was judged, whatever accessors the application put on
// Array.prototype: a setter there kept nothing of an element pushed, and
// its getter answered for it, a preload the worker ran before its
// bootstrap.
func TestWorkerOptionsArrayAccessors(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{
			"main.js": `const { Worker } = require('node:worker_threads');
const evil = require('path').join(__dirname, 'evil.js');
const cases = {
  // execArgv: the bootstrap's two options, then the application's third.
  'execArgv': { at: { 2: '--require=' + evil }, opts: { execArgv: ['--no-warnings'] } },
  // NODE_OPTIONS: the judge would see harmless words, node the preload.
  'NODE_OPTIONS': { at: { 0: '--no-warnings', 1: '--no-deprecation' }, opts: { env: { NODE_OPTIONS: '--require ' + evil } } },
};
const run = (name, { at, opts }) => new Promise((resolve) => {
  let w;
  for (const [i, v] of Object.entries(at)) Object.defineProperty(Array.prototype, i, { configurable: true, set() {}, get() { return v; } });
  try { w = new Worker(__dirname + '/w.js', opts); } catch (e) { w = null; var code = e.code; }
  finally { for (const i of Object.keys(at)) delete Array.prototype[i]; }
  if (w === null) { console.log(name, code); return resolve(); }
  w.on('message', (m) => console.log(name, m)).on('error', (e) => console.log(name, 'error', e.code)).on('exit', resolve);
});
(async () => { for (const [name, c] of Object.entries(cases)) await run(name, c); })();
`,
			"w.js": `require('node:worker_threads').parentPort.postMessage('ran');`,
		})
		s := sign(t, dir)
		write(t, dir, map[string]string{"evil.js": canaryJS("evil")})
		canary := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canary}}, "main.js")
		if want := "execArgv ran\nNODE_OPTIONS ERR_CODE_INTEGRITY_BLOCKED\n"; res.Stdout != want {
			t.Errorf("stdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canary); len(c) != 0 {
			t.Errorf("a preload ran: canaries %v", c)
		}
	})
}

// TestEvalWorkerRefused: node runs no --import before a worker's eval
// code, so such a thread has no bootstrap; where files are checked it is
// refused even when the policy allows dynamic code, and nothing of an
// unsigned file it would load runs (outside review rt34).
func TestEvalWorkerRefused(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"main.js": `const { Worker } = require('node:worker_threads');
try {
  new Worker('require(' + JSON.stringify(require('path').join(__dirname, 'evil.js')) + ')', { eval: true }).on('error', (e) => console.log('error', e.code));
  console.log('started');
} catch (e) { console.log(e.code); }
`})
		s := sign(t, dir)
		write(t, dir, map[string]string{"evil.js": canaryJS("evil")})
		canary := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canary}}, "main.js")
		if res.Stdout != "ERR_CODE_INTEGRITY_BLOCKED\n" {
			t.Errorf("stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
		}
		if c := canaries(t, canary); len(c) != 0 {
			t.Errorf("an unsigned file ran in an eval worker: canaries %v", c)
		}
	})
}
