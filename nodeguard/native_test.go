//go:build linux

package nodeguard_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLiteExtensions: node:sqlite's loadExtension maps a shared library
// itself, outside process.dlopen. Under intact node a signed extension is
// loaded from the sealed copy under its own name (SQLite derives its entry
// point from that name: this library has none, so SQLite names the one it
// looked for), and an unsigned one is refused before it is mapped: its
// constructor never runs. So in every class node:sqlite exports that
// loads extensions (Node 26 also exports Database).
func TestSQLiteExtensions(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"sqlite.js": `const sqlite = require('node:sqlite');
const db = new sqlite.DatabaseSync(':memory:', { allowExtension: true });
for (const name of ['signed', 'unsigned']) {
  try { db.loadExtension(require('path').join(__dirname, name, 'ext.so')); console.log(name, 'loaded'); }
  catch (e) { console.log(name, e.code, e.message); }
}
for (const [exported, C] of Object.entries(sqlite)) {
  if (exported === 'DatabaseSync' || typeof C?.prototype?.loadExtension !== 'function') continue;
  try { new C(':memory:', { allowExtension: true }).loadExtension(require('path').join(__dirname, 'unsigned', 'ext.so')); console.log(exported, 'loaded'); }
  catch (e) { console.log(exported, e.code); }
}
`})
		copyFile(t, buildAddon(t, n, "ext", addonSource("signed", true)), filepath.Join(dir, "signed", "ext.so"))
		s := sign(t, dir)
		copyFile(t, buildAddon(t, n, "ext", addonSource("unsigned", true)), filepath.Join(dir, "unsigned", "ext.so"))
		canaryDir := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "--no-warnings", "sqlite.js")
		for _, want := range []string{
			"signed ERR_LOAD_SQLITE_EXTENSION ", "sqlite3_ext_init\n",
			"unsigned ERR_CODE_INTEGRITY_VIOLATION The file " + filepath.Join(dir, "unsigned", "ext.so") + " did not pass OS Code Integrity validation\n",
		} {
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("want %q\nexit %+v\nstdout:\n%s\nstderr:\n%s", want, res.Exit, res.Stdout, res.Stderr)
			}
		}
		// Every line but the signed library's is a refusal.
		for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
			if !strings.HasPrefix(line, "signed ") && !strings.Contains(line, " ERR_CODE_INTEGRITY_VIOLATION") {
				t.Errorf("an unsigned extension was not refused: %q", line)
			}
		}
		// The signed library ran its constructor once; the unsigned one never.
		if c := canaries(t, canaryDir); len(c) != 1 {
			t.Errorf("canaries %v: want exactly the signed library's", c)
		}
		if _, err := os.Stat(filepath.Join(canaryDir, "signed")); err != nil {
			t.Error(err)
		}
	})
}

// TestOpenSSLEngines: crypto.setEngine and the privateKeyEngine and
// clientCertEngine options make OpenSSL map a shared library from a path;
// under intact node each is refused and the library's constructor never
// runs (stock node runs it: the control). The doors are closed when the
// application first reaches them, so each case runs in a node of its own:
// through node:crypto, node:tls and node:https; through node:crypto alone
// and then fetch with a dispatcher of its own, made from the class of the
// global one (undici inside node makes the TLS context, reaching no TLS
// module through the loader); and through fetch alone.
func TestOpenSSLEngines(t *testing.T) {
	script := `const engine = process.env.ENGINE;
// The global dispatcher exists once fetch has been used, over plain HTTP.
const viaFetch = () => new Promise((resolve, reject) => {
  const srv = require('net').createServer((s) => s.destroy()).listen(0, '127.0.0.1', async () => {
    const port = srv.address().port;
    await fetch('http://127.0.0.1:' + port).catch(() => {});
    const global = globalThis[Symbol.for('undici.globalDispatcher.2')] ?? globalThis[Symbol.for('undici.globalDispatcher.1')];
    const dispatcher = new global.constructor({ connect: { privateKeyEngine: engine, privateKeyIdentifier: 'k', rejectUnauthorized: false } });
    fetch('https://127.0.0.1:' + port, { dispatcher }).then(resolve, (e) => reject(e.cause ?? e)).finally(() => srv.close());
  });
});
const cases = {
  setEngine: () => require('crypto').setEngine(engine),
  privateKeyEngine: () => require('tls').createSecureContext({ privateKeyEngine: engine, privateKeyIdentifier: 'k' }),
  clientCertEngine: () => require('https').request({ host: '127.0.0.1', port: 1, clientCertEngine: engine }).on('error', () => {}),
  'crypto, then fetch': () => { require('crypto'); return viaFetch(); },
  fetch: viaFetch,
  // Accessors on Object.prototype while the guards go in (outside review
  // rt27): the guard's own TLS context read clientCertEngine from there,
  // and an inherited get made its descriptors throw.
  'Object.prototype.clientCertEngine, then tls': () => {
    Object.prototype.clientCertEngine = engine;
    try { require('tls'); } finally { delete Object.prototype.clientCertEngine; }
    return require('crypto').setEngine(engine);
  },
  // A load hook that answers node: URLs itself never reached the
  // bootstrap's guards, under any policy (outside review rt30).
  'a hook answering node: URLs, then setEngine': () => {
    require('node:module').registerHooks({ load: (url, context, next) => url.startsWith('node:') ? { format: 'builtin', source: null, shortCircuit: true } : next(url, context) });
    return require('crypto').setEngine(engine);
  },
  // A resolve hook naming crypto by its bare id, which node loads as the
  // built-in, and a load hook answering it (outside review rt31).
  'a bare built-in id from hooks, then setEngine': () => {
    require('node:module').registerHooks({
      resolve: (spec, context, next) => spec === 'crypto-alias' ? { url: 'crypto', format: 'builtin', shortCircuit: true } : next(spec, context),
      load: (url, context, next) => url === 'crypto' ? { format: 'builtin', source: '', shortCircuit: true } : next(url, context),
    });
    return require('crypto-alias').setEngine(engine);
  },
  'Object.prototype.get, then setEngine': () => {
    Object.defineProperty(Object.prototype, 'get', { configurable: true, writable: true, value() {} });
    try { require('crypto'); } catch {} finally { delete Object.prototype.get; }
    return require('crypto').setEngine(engine);
  },
  // Diagnostics channels are public: a guard listening on one can be
  // unsubscribed.
  'fetch, channel listeners removed': () => {
    const dc = require('node:diagnostics_channel');
    const ch = dc.channel('undici:client:beforeConnect');
    for (const fn of [...(ch._subscribers ?? [])]) ch.unsubscribe(fn);
    // ... and the channel made an inactive one, its publish replaced.
    try { Object.setPrototypeOf(ch, Object.getPrototypeOf(dc.channel('intact-test-inactive'))); } catch {}
    try { Object.defineProperty(ch, 'publish', { value: () => {} }); } catch {}
    try { Object.defineProperty(ch, 'hasSubscribers', { get: () => false }); } catch {}
    try { ch._subscribers = []; } catch {}
    return viaFetch();
  },
};
const name = process.env.CASE;
(async () => cases[name]())().then(() => console.log(name, 'ran'), (e) => console.log(name, e.code));
`
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		engine := buildAddon(t, n, "engine", addonSource("engine", true))
		write(t, dir, map[string]string{"engines.js": script})
		s := sign(t, dir)
		for _, name := range []string{"setEngine", "privateKeyEngine", "clientCertEngine", "crypto, then fetch", "fetch", "fetch, channel listeners removed",
			"Object.prototype.clientCertEngine, then tls", "Object.prototype.get, then setEngine", "a hook answering node: URLs, then setEngine", "a bare built-in id from hooks, then setEngine"} {
			canaryDir := t.TempDir()
			if len(control(t, n, canaryDir, filepath.Join(dir, "engines.js"), "ENGINE="+engine, "CASE="+name)) == 0 {
				t.Fatalf("control: stock node did not map the engine through %s", name)
			}
			res := s.run(t, n, "enforce", runOpts{env: []string{"ENGINE=" + engine, "CASE=" + name, "CANARY_DIR=" + canaryDir}}, "engines.js")
			if want := name + " ERR_ACCESS_DENIED\n"; res.Stdout != want {
				t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 {
				t.Errorf("%s: an OpenSSL engine was mapped: %v", name, c)
			}
		}
	})
}

// TestFFI: Node 26's node:ffi opens any shared library without a flag, and
// calls native code by name or address: through ffi.dlopen(null), libc's
// own dlopen maps any library. Under intact node every function of
// node:ffi is closed: no library is mapped, signed or not, whichever way
// (the guarded class's prototype, which was node's own class, included).
func TestFFI(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		if out, _ := exec.Command(n.Path, "-p", "require('module').isBuiltin('node:ffi')").Output(); string(out) != "true\n" {
			t.Skipf("node %s has no node:ffi", n.Version)
		}
		dir := t.TempDir()
		write(t, dir, map[string]string{"ffi.js": `const ffi = require('node:ffi');
const lib = (name) => require('path').join(__dirname, name, 'lib.so');
const cases = {
  'dlopen signed': () => ffi.dlopen(lib('signed'), {}),
  'dlopen unsigned': () => ffi.dlopen(lib('unsigned'), {}),
  'DynamicLibrary unsigned': () => new ffi.DynamicLibrary(lib('unsigned2')),
  'dlopen null, then libc dlopen': () => ffi.dlopen(null, { dlopen: { arguments: ['string', 'i32'], result: 'pointer' } }).functions.dlopen(lib('unsigned'), 2),
  'the DynamicLibrary prototype': () => new (Object.getPrototypeOf(ffi.DynamicLibrary))(lib('unsigned2')),
};
for (const [name, f] of Object.entries(cases)) {
  try { f(); console.log(name, 'opened'); } catch (e) { console.log(name, e.code); }
}
`})
		copyFile(t, buildAddon(t, n, "lib", addonSource("signed", true)), filepath.Join(dir, "signed", "lib.so"))
		s := sign(t, dir)
		copyFile(t, buildAddon(t, n, "lib", addonSource("unsigned", true)), filepath.Join(dir, "unsigned", "lib.so"))
		copyFile(t, buildAddon(t, n, "lib", addonSource("unsigned2", true)), filepath.Join(dir, "unsigned2", "lib.so"))
		canaryDir := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "--no-warnings", "ffi.js")
		want := "dlopen signed ERR_ACCESS_DENIED\ndlopen unsigned ERR_ACCESS_DENIED\nDynamicLibrary unsigned ERR_ACCESS_DENIED\n" +
			"dlopen null, then libc dlopen ERR_ACCESS_DENIED\nthe DynamicLibrary prototype undefined\n"
		if res.Stdout != want {
			t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) != 0 {
			t.Errorf("libraries were mapped: canaries %v", c)
		}
	})
}

// TestSeveralAddons: each native library node loads runs its own code.
// Each sealed copy was closed once node had mapped it, and the next
// library's copy took its descriptor number and so its path, which the C
// library's dlopen took for the library it had loaded by that path: the
// second addon ran the first one's code, and its constructor never ran
// (outside review rt85). Loading the same library again finds it loaded,
// as under plain node: its constructor runs once.
func TestSeveralAddons(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"main.js": `const load = (name) => {
  const m = { exports: {} };
  process.dlopen(m, require('path').join(__dirname, name));
  return m.exports.hello();
};
console.log(['a.node', 'b.node', 'c.node', 'a.node'].map(load).join(' '));
`})
		for _, name := range []string{"a", "b", "c"} {
			copyFile(t, buildAddon(t, n, name, addonSource("addon-"+name, true)), filepath.Join(dir, name+".node"))
		}
		s := sign(t, dir)
		canaryDir := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "main.js")
		if got, want := strings.TrimSpace(res.Stdout), "addon-a addon-b addon-c addon-a"; got != want {
			t.Errorf("got %q, want %q\nstderr:\n%s", got, want, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) != 3 {
			t.Errorf("constructors that ran: %v, want each addon's once", c)
		}
	})
}

// TestQueryObjectsClosed: v8.queryObjects is closed (ERR_ACCESS_DENIED).
// It hands util.inspect every live object of a kind, and util.inspect
// calls the inspect method the application put on Function.prototype
// with each: every function in the heap, the original process.dlopen the
// bootstrap keeps among them, which loaded an unsigned library (outside
// review rt88). The app tries exactly that; the library's constructor
// must not run.
func TestQueryObjectsClosed(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"main.js": `const v8 = require('node:v8');
const found = [];
const custom = Symbol.for('nodejs.util.inspect.custom');
Object.defineProperty(Function.prototype, custom, { configurable: true, value() { found.push(this); return 'f'; } });
try { v8.queryObjects(Function, { format: 'summary' }); console.log('queryObjects ran'); } catch (e) { console.log('queryObjects', e.code); }
delete Function.prototype[custom];
for (const f of found) {
  if (f.name === 'dlopen' && f !== process.dlopen) {
    try { f({ exports: {} }, process.env.UNSIGNED); } catch {}
  }
}
console.log('originals found:', found.some((f) => f.name === 'dlopen' && f !== process.dlopen));
`})
		s := sign(t, dir)
		unsigned := filepath.Join(t.TempDir(), "unsigned.node")
		copyFile(t, buildAddon(t, n, "unsigned", addonSource("unsigned", true)), unsigned)
		canaryDir := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir, "UNSIGNED=" + unsigned}}, "--no-warnings", "main.js")
		if want := "queryObjects ERR_ACCESS_DENIED\noriginals found: false\n"; res.Stdout != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("the unsigned library ran: %v", c)
		}
	})
}

// TestGuardAfterFailedLoad: a built-in module whose first evaluation the
// application makes throw is guarded on its next use, or closed. The
// application kept one of the bootstrap's refusals, had the module's
// experimental warning (node sets its name through Error.prototype) throw
// it, and the module counted as guarded though no guard had gone in: the
// next require handed over node:sqlite's original loadExtension (Node 22)
// and node:ffi (Node 26), which loaded an unsigned library (outside review
// rt89). Its constructor must not run on any major.
func TestGuardAfterFailedLoad(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"main.js": `let refusal;
try { process.binding('fs'); } catch (e) { refusal = e; }
const name = Object.getOwnPropertyDescriptor(Error.prototype, 'name');
for (const id of ['node:sqlite', 'node:ffi']) {
  Object.defineProperty(Error.prototype, 'name', { configurable: true, get() { return 'Error'; },
    set(v) { Object.defineProperty(Error.prototype, 'name', name); throw refusal; } });
  try { require(id); } catch {}
  Object.defineProperty(Error.prototype, 'name', name);
  let m;
  try { m = require(id); } catch (e) { console.log(id, 'not loaded:', e.code); continue; }
  try {
    if (id === 'node:sqlite') new m.DatabaseSync(':memory:', { allowExtension: true }).loadExtension(process.env.UNSIGNED);
    else m.dlopen(process.env.UNSIGNED, {});
    console.log(id, 'loaded the library');
  } catch (e) { console.log(id, 'refused:', e.code); }
}
`})
		s := sign(t, dir)
		unsigned := filepath.Join(t.TempDir(), "unsigned.so")
		copyFile(t, buildAddon(t, n, "unsigned", addonSource("unsigned", true)), unsigned)
		canaryDir := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir, "UNSIGNED=" + unsigned}}, "--no-warnings", "main.js")
		if strings.Contains(res.Stdout, "loaded the library") || !strings.Contains(res.Stdout, "node:sqlite ") {
			t.Errorf("stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("the unsigned library ran: %v\nstdout:\n%s", c, res.Stdout)
		}
		t.Logf("%s", res.Stdout)
	})
}
