package jsruntime_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/jsruntime"
)

// allowList is a content enforcer that allows exactly the listed SHA-256
// sums, as a signed catalog would.
type allowList struct {
	settings enforcer.Settings
	allowed  map[[32]byte]bool
}

func (a *allowList) Name() string                { return "allowlist" }
func (a *allowList) Settings() enforcer.Settings { return a.settings }
func (a *allowList) Status() enforcer.Status     { return enforcer.Status{Available: true} }
func (a *allowList) CheckContent(c enforcer.Content) error {
	if a.allowed[c.SHA256] {
		return nil
	}
	return &enforcer.Denial{Reason: enforcer.ReasonNotInCatalog}
}

// app is a folder of files for one test.
type app struct {
	t   *testing.T
	dir string
}

func newApp(t *testing.T, files map[string]string) *app {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, dir: dir}
	for name, content := range files {
		a.write(name, content)
	}
	return a
}

func (a *app) path(name string) string { return filepath.Join(a.dir, filepath.FromSlash(name)) }

func (a *app) write(name, content string) {
	a.t.Helper()
	p := a.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		a.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		a.t.Fatal(err)
	}
}

// policy returns a policy that enforces code integrity and allows every
// file of the app except those named in deny, with extra settings.
func (a *app) policy(s enforcer.Settings, deny ...string) *intact.Policy {
	a.t.Helper()
	s.EnforceCodeIntegrity = true
	allow := &allowList{settings: s, allowed: map[[32]byte]bool{}}
	denied := map[string]bool{}
	for _, d := range deny {
		denied[a.path(d)] = true
	}
	err := filepath.Walk(a.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() || denied[p] {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		allow.allowed[sha256.Sum256(data)] = true
		return nil
	})
	if err != nil {
		a.t.Fatal(err)
	}
	return intact.New(intact.Config{Enforcers: []enforcer.Enforcer{allow}})
}

type result struct {
	stdout, stderr string
	code           int
	err            error // the refusal that stopped the program
}

// noPolicy is the explicit absence of a policy: a test that gives none
// must not run under the machine's (jsruntime.Config's nil Policy).
var noPolicy = intact.New(intact.Config{})

// run makes a runtime with cfg (Stdout and Stderr captured) and runs it.
func run(t *testing.T, cfg jsruntime.Config, do func(*jsruntime.Runtime) (int, error)) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cfg.Stdout, cfg.Stderr = &stdout, &stderr
	cfg.NoWarnings = true
	rt, err := jsruntime.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	code, err := do(rt)
	return result{stdout.String(), stderr.String(), code, err}
}

func (a *app) runMain(pol *intact.Policy, main string, preload ...string) result {
	a.t.Helper()
	var pre []string
	for _, p := range preload {
		pre = append(pre, a.path(p))
	}
	return run(a.t, jsruntime.Config{Policy: pol, Preload: pre}, func(rt *jsruntime.Runtime) (int, error) { return rt.RunMain(a.path(main)) })
}

func (r result) want(t *testing.T, code int, stdout string) {
	t.Helper()
	if r.code != code || r.stdout != stdout {
		t.Fatalf("got status %d, stdout:\n%s\nstderr:\n%s\nwant status %d, stdout:\n%s", r.code, r.stdout, r.stderr, code, stdout)
	}
}

func (r result) noCanary(t *testing.T) {
	t.Helper()
	if strings.Contains(r.stdout+r.stderr, "CANARY") {
		t.Fatalf("code of a refused file ran:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

// addWasm is a WebAssembly module exporting add(i32, i32) i32.
var addWasm = string([]byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type: (i32, i32) -> i32
	0x03, 0x02, 0x01, 0x00, // function 0 has type 0
	0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00, // export "add" = function 0
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // local.get 0, local.get 1, i32.add
})

// modules is one module of every kind, each printing CANARY when its code
// runs, and a main script that loads each by the request in its name.
var moduleKinds = map[string]struct{ file, content, use, want string }{
	"js":     {"m.js", "console.log('CANARY'); module.exports = 'js'", "require('./m.js')", "js"},
	"cjs":    {"m.cjs", "console.log('CANARY'); module.exports = 'cjs'", "require('./m.cjs')", "cjs"},
	"mjs":    {"m.mjs", "console.log('CANARY'); export default 'mjs'", "require('./m.mjs').default", "mjs"},
	"ts":     {"m.ts", "console.log('CANARY'); const v: string = 'ts'; export default v", "require('./m.ts').default", "ts"},
	"mts":    {"m.mts", "console.log('CANARY'); export const v: string = 'mts'", "require('./m.mts').v", "mts"},
	"cts":    {"m.cts", "console.log('CANARY'); const v: string = 'cts'; module.exports = v", "require('./m.cts')", "cts"},
	"json":   {"m.json", `{"v": "json"}`, "require('./m.json').v", "json"},
	"wasm":   {"m.wasm", addWasm, "require('./m.wasm').add(40, 2)", "42"},
	"noext":  {"m/index.js", "console.log('CANARY'); module.exports = 'index'", "require('./m')", "index"},
	"import": {"m.js", "console.log('CANARY'); module.exports = 'import'", "await import('./m.js').then((ns) => ns.default)", "import"},
}

// TestEveryLoadPathIsChecked loads one module of each kind with and
// without its hash allowed.
func TestEveryLoadPathIsChecked(t *testing.T) {
	for name, k := range moduleKinds {
		t.Run(name, func(t *testing.T) {
			main := `(async () => {
	try {
		const v = ` + k.use + `;
		console.log('loaded', v);
	} catch (e) {
		console.log('refused', e.code, e.message);
	}
})();`
			a := newApp(t, map[string]string{"main.js": main, k.file: k.content})
			wantRan := "loaded " + k.want + "\n"
			if strings.Contains(k.content, "CANARY") {
				wantRan = "CANARY\n" + wantRan
			}
			a.runMain(noPolicy, "main.js").want(t, 0, wantRan)
			a.runMain(a.policy(enforcer.Settings{}), "main.js").want(t, 0, wantRan)

			refused := a.runMain(a.policy(enforcer.Settings{}, k.file), "main.js")
			refused.want(t, 0, "refused ERR_CODE_INTEGRITY_VIOLATION The file "+a.path(k.file)+" did not pass OS Code Integrity validation\n")
			refused.noCanary(t)
		})
	}
}

func TestNativeAddonIsCheckedThenRefused(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js":    "try { require('./addon') } catch (e) { console.log(e.code, e.message) }",
		"addon.node": "\x7fELF not really",
	})
	a.runMain(a.policy(enforcer.Settings{}), "main.js").want(t, 0,
		"ERR_DLOPEN_FAILED Cannot load native addon "+a.path("addon.node")+": native addons are not supported by this runtime\n")
	a.runMain(a.policy(enforcer.Settings{}, "addon.node"), "main.js").want(t, 0,
		"ERR_CODE_INTEGRITY_VIOLATION The file "+a.path("addon.node")+" did not pass OS Code Integrity validation\n")
}

// TestRefusalDeepInRequireChain: a refused module three levels down throws
// an uncaught ERR_CODE_INTEGRITY_VIOLATION printed as Node prints it, and
// none of its statements ran.
func TestRefusalDeepInRequireChain(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js":                       "console.log('main'); require('dep'); console.log('CANARY after')",
		"node_modules/dep/index.js":     "require('./lib/inner')",
		"node_modules/dep/lib/inner.js": "require('../../leaf/evil.js')",
		"node_modules/leaf/evil.js":     "console.log('CANARY evil'); process.exitCode = 0",
	})
	res := a.runMain(a.policy(enforcer.Settings{}, "node_modules/leaf/evil.js"), "main.js")
	res.want(t, 1, "main\n")
	res.noCanary(t)
	wantErr := "Error [ERR_CODE_INTEGRITY_VIOLATION]: The file " + a.path("node_modules/leaf/evil.js") + " did not pass OS Code Integrity validation\n"
	if !strings.Contains(res.stderr, "\n"+wantErr) || !strings.Contains(res.stderr, "    at ") ||
		!strings.Contains(res.stderr, "code: 'ERR_CODE_INTEGRITY_VIOLATION'") {
		t.Fatalf("stderr:\n%s\nwant it to start with %q, show frames and the code", res.stderr, wantErr)
	}

	// Caught, the error carries its code, and the module is not cached:
	// requiring it again checks it again.
	a.write("main.js", `for (let i = 0; i < 2; i++) {
	try { require('./node_modules/leaf/evil.js') } catch (e) { console.log(e.code, e instanceof Error) }
}`)
	a.runMain(a.policy(enforcer.Settings{}, "node_modules/leaf/evil.js"), "main.js").want(t, 0,
		"ERR_CODE_INTEGRITY_VIOLATION true\nERR_CODE_INTEGRITY_VIOLATION true\n")
}

// TestEveryLoadIsChecked: a module deleted from require.cache and changed
// on disk is checked again; no compiled-code cache skips the check.
func TestEveryLoadIsChecked(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js": `const fs = require('fs');
const f = require.resolve('./m.js');
console.log(require('./m.js'));
fs.writeFileSync(f, "console.log('CANARY'); module.exports = 'changed'");
delete require.cache[f];
try { require('./m.js') } catch (e) { console.log(e.code) }`,
		"m.js": "module.exports = 'original'",
	})
	res := a.runMain(a.policy(enforcer.Settings{}), "main.js")
	res.want(t, 0, "original\nERR_CODE_INTEGRITY_VIOLATION\n")
	res.noCanary(t)
}

// TestNothingRunsWhenMainOrPreloadIsRefused checks the main script and the
// preloads before running any of them.
func TestNothingRunsWhenMainOrPreloadIsRefused(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js": "console.log('CANARY main')",
		"pre1.js": "console.log('CANARY pre1')",
		"pre2.js": "console.log('CANARY pre2')",
	})
	for _, refused := range []string{"main.js", "pre1.js", "pre2.js"} {
		res := a.runMain(a.policy(enforcer.Settings{}, refused), "main.js", "pre1.js", "pre2.js")
		res.want(t, 1, "")
		res.noCanary(t)
		want := "Error [ERR_CODE_INTEGRITY_VIOLATION]: The file " + a.path(refused) + " did not pass"
		if !strings.HasPrefix(res.stderr, want) {
			t.Errorf("refusing %s: stderr %q, want prefix %q", refused, res.stderr, want)
		}
	}
	res := a.runMain(a.policy(enforcer.Settings{}), "main.js", "pre1.js", "pre2.js")
	res.want(t, 0, "CANARY pre1\nCANARY pre2\nCANARY main\n")
}

// TestInteractiveModeDisabled: eval, the REPL and stdin are refused before
// any user code (preloads included) runs.
func TestInteractiveModeDisabled(t *testing.T) {
	a := newApp(t, map[string]string{
		"pre.js":   "console.log('CANARY preload')",
		"stdin.js": "console.log('from stdin')",
	})
	off := enforcer.Settings{DisableInteractiveMode: true}
	cfg := func() jsruntime.Config {
		return jsruntime.Config{Policy: a.policy(off), Preload: []string{a.path("pre.js")}}
	}
	check := func(t *testing.T, res result, feature string) {
		t.Helper()
		res.want(t, 1, "")
		res.noCanary(t)
		want := `Error [ERR_CODE_INTEGRITY_BLOCKED]: The feature "` + feature + `" is blocked by OS Code Integrity policy`
		if !strings.HasPrefix(res.stderr, want) {
			t.Fatalf("stderr %q, want prefix %q", res.stderr, want)
		}
	}
	t.Run("eval", func(t *testing.T) {
		check(t, run(t, cfg(), func(rt *jsruntime.Runtime) (int, error) { return rt.Eval("console.log('CANARY eval')", true) }), "eval")
	})
	t.Run("repl", func(t *testing.T) {
		check(t, run(t, cfg(), func(rt *jsruntime.Runtime) (int, error) { return rt.REPL() }), "REPL")
	})
	t.Run("stdin-pipe", func(t *testing.T) {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer pr.Close()
		pw.WriteString("console.log('CANARY stdin')")
		pw.Close()
		c := cfg()
		c.Stdin = pr
		check(t, run(t, c, func(rt *jsruntime.Runtime) (int, error) { return rt.RunStdin() }), "stdin")
	})
	t.Run("stdin-checked-file", func(t *testing.T) {
		// A regular file on stdin that passes the policy may run.
		f, err := os.Open(a.path("stdin.js"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		c := cfg()
		c.Preload = nil
		c.Stdin = f
		run(t, c, func(rt *jsruntime.Runtime) (int, error) { return rt.RunStdin() }).want(t, 0, "from stdin\n")
	})
	t.Run("allowed-without-setting", func(t *testing.T) {
		c := jsruntime.Config{Policy: a.policy(enforcer.Settings{})}
		run(t, c, func(rt *jsruntime.Runtime) (int, error) { return rt.Eval("6 * 7", true) }).want(t, 0, "42\n")
	})
}

// dynamicRoutes are the ways to compile a string into code.
var dynamicRoutes = map[string]string{
	"eval":                  `eval('1 + 1')`,
	"indirect-eval":         `(0, eval)('1 + 1')`,
	"globalThis.eval":       `globalThis.eval('1 + 1')`,
	"Function":              `Function('return 2')()`,
	"new Function":          `new Function('return 2')()`,
	"Function.bind":         `Function.bind(null, 'return 2')()()`,
	"Function.call":         `Function.call(null, 'return 2')()`,
	"Reflect.construct":     `Reflect.construct(Function, ['return 2'])()`,
	"function constructor":  `(function () {}).constructor('return 2')()`,
	"arrow constructor":     `(() => 1).constructor('return 2')()`,
	"class constructor":     `(class {}).constructor('return 2')()`,
	"[].map.constructor":    `[].map.constructor('return 2')()`,
	"prototype constructor": `Object.getPrototypeOf(function () {}).constructor('return 2')()`,
	"async constructor":     `(async function () {}).constructor('return 2')`,
	"async arrow":           `(async () => 1).constructor('return 2')`,
	"generator constructor": `Object.getPrototypeOf(function* () {}).constructor('yield 2')`,
	"generator method":      `({ *g() {} }).g.constructor('yield 2')`,
	"descriptor":            `Object.getOwnPropertyDescriptor(Function.prototype, 'constructor').value('return 2')()`,
	"vm.runInThisContext":   `require('vm').runInThisContext('1 + 1')`,
	"vm.Script":             `new (require('vm').Script)('1 + 1').runInThisContext()`,
	"vm.compileFunction":    `require('vm').compileFunction('return 2')()`,
	"node:vm":               `require('node:vm').runInThisContext('1 + 1')`,
}

// TestDynamicCodeDisabled: every route to compile a string throws
// ERR_CODE_INTEGRITY_BLOCKED for "dynamic code"; ordinary code still runs;
// without the setting every route works.
func TestDynamicCodeDisabled(t *testing.T) {
	for name, code := range dynamicRoutes {
		t.Run(name, func(t *testing.T) {
			main := `try { ` + code + `; console.log('ran') } catch (e) { console.log(e.code, e.message) }`
			a := newApp(t, map[string]string{"main.js": main})
			a.runMain(a.policy(enforcer.Settings{DisableDynamicCode: true}), "main.js").want(t, 0,
				"ERR_CODE_INTEGRITY_BLOCKED The feature \"dynamic code\" is blocked by OS Code Integrity policy\n")
			a.runMain(a.policy(enforcer.Settings{}), "main.js").want(t, 0, "ran\n")
			a.runMain(noPolicy, "main.js").want(t, 0, "ran\n")
		})
	}
	t.Run("ordinary-code", func(t *testing.T) {
		a := newApp(t, map[string]string{"main.js": `
const f = function () {}, g = function* () { yield 1 }, h = async () => 2;
console.log(f instanceof Function, g instanceof Function, h instanceof Function, typeof Function.prototype.call);
console.log(Function.prototype.toString.call(f).length > 0, [...g()][0], [1, 2].map((x) => x * 2).join());
class A { #x = 1; get x() { return this.#x } }
console.log(new A().x, JSON.parse('{"a":1}').a);
setTimeout(() => h().then((v) => console.log('async', v)), 1);
try { setTimeout('CANARY') } catch (e) { console.log(e.code) }`})
		a.runMain(a.policy(enforcer.Settings{DisableDynamicCode: true}), "main.js").want(t, 0,
			"true true true function\ntrue 1 2,4\n1 1\nERR_INVALID_ARG_TYPE\nasync 2\n")
	})
}

// TestNoPolicyNoChange: without a policy the same app runs the same way.
func TestNoPolicyNoChange(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js":                       "console.log(require('./data.json').x, require('pkg'), require('./lib'))",
		"data.json":                     `{"x": 1}`,
		"lib/index.js":                  "module.exports = 'lib'",
		"node_modules/pkg/package.json": `{"main": "main.js"}`,
		"node_modules/pkg/main.js":      "module.exports = 'pkg'",
	})
	a.runMain(noPolicy, "main.js").want(t, 0, "1 pkg lib\n")
	a.runMain(intact.New(intact.Config{}), "main.js").want(t, 0, "1 pkg lib\n")
	a.runMain(a.policy(enforcer.Settings{}), "main.js").want(t, 0, "1 pkg lib\n")
}

// TestExampleHello runs examples/hello, with no policy and with a policy
// that allows exactly its files.
func TestExampleHello(t *testing.T) {
	main, err := filepath.Abs("../examples/hello/main.js")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, dir: filepath.Dir(main)}
	want := "┌───────┐\n│ hello │\n└───────┘\nHello, reviewer! This is intact running JavaScript under code-integrity policy.\n" +
		"Each file of this app (main.js, lib/greet.js, config.json, tiny-banner) goes through the code-integrity policy before it runs.\n"
	for _, pol := range []*intact.Policy{nil, a.policy(enforcer.Settings{})} {
		run(t, jsruntime.Config{Policy: pol, Args: []string{"reviewer"}}, func(rt *jsruntime.Runtime) (int, error) { return rt.RunMain(main) }).want(t, 0, want)
	}
	res := run(t, jsruntime.Config{Policy: a.policy(enforcer.Settings{}, "node_modules/tiny-banner/index.js")},
		func(rt *jsruntime.Runtime) (int, error) { return rt.RunMain(main) })
	res.want(t, 1, "")
	if !strings.Contains(res.stderr, "tiny-banner/index.js did not pass OS Code Integrity validation") {
		t.Fatalf("stderr: %s", res.stderr)
	}
}

// BenchmarkRequireModules loads an app of 500 modules, with no policy and
// under a content enforcer that allows every file.
func BenchmarkRequireModules(b *testing.B) {
	t := &testing.T{}
	files := map[string]string{}
	var main strings.Builder
	for i := 0; i < 500; i++ {
		name := "node_modules/pkg" + strconv.Itoa(i%10) + "/m" + strconv.Itoa(i) + ".js"
		files[name] = "module.exports = { id: " + strconv.Itoa(i) + ", f: (x) => x * 2 };\n"
		main.WriteString("require('pkg" + strconv.Itoa(i%10) + "/m" + strconv.Itoa(i) + "');\n")
	}
	files["main.js"] = main.String()
	a := newApp(t, files)
	a.t = t
	for _, c := range []struct {
		name string
		pol  *intact.Policy
	}{{"off", noPolicy}, {"on", a.policy(enforcer.Settings{})}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rt, err := jsruntime.New(jsruntime.Config{Policy: c.pol, Stdout: io.Discard, Stderr: io.Discard, NoWarnings: true})
				if err != nil {
					b.Fatal(err)
				}
				if code, _ := rt.RunMain(a.path("main.js")); code != 0 {
					b.Fatal("status", code)
				}
				rt.Close()
			}
		})
	}
}

// TestProcessAndErrors covers process, exit statuses and the handling of
// uncaught exceptions and unhandled rejections.
//
// The order of timers is asserted only where Node guarantees it, since a
// loaded machine can pause the script between two setTimeout calls: equal
// delays fire in the order they were set, whatever the pause, but a
// shorter delay set later fires first only if the pause is shorter than
// the difference. So timers-order sets 1 ms delays after a 100 ms one, and
// if setting them took 50 ms or more it writes stalled to stderr and is
// run again rather than failed.
func TestProcessAndErrors(t *testing.T) {
	const stalled = "STALLED: order undefined"
	cases := []struct {
		name, main string
		code       int
		stdout     string
		stderr     string // a substring
	}{
		{"argv", `console.log(process.argv.length, process.argv[1].endsWith('main.js'), process.argv.slice(2).join(' '), typeof process.execPath, process.version.startsWith('v'), process.versions.node === process.version.slice(1))`,
			0, "4 true -x --y string true true\n", ""},
		{"exit-code", `process.exitCode = 5; setTimeout(() => console.log('later'), 1)`, 5, "later\n", ""},
		{"exit-stops", `process.on('exit', (c) => console.log('exit', c)); setTimeout(() => console.log('never'), 50); process.exit(2); console.log('never')`, 2, "exit 2\n", ""},
		{"exit-in-require-try", `try { require('./exits.js') } catch (e) { console.log('caught', e) } console.log('never')`, 7, "", ""},
		// The timer set after the one that throws still fires.
		{"uncaught-handler", `process.on('uncaughtException', (e) => console.log('handled', e.message)); setTimeout(() => { throw new Error('late') }, 1); setTimeout(() => console.log('still running'), 1)`,
			0, "handled late\nstill running\n", ""},
		{"rejection-handler", `process.on('unhandledRejection', (r) => console.log('unhandled', r)); Promise.reject(42)`, 0, "unhandled 42\n", ""},
		{"rejection-non-error", `Promise.reject('nope')`, 1, "", `The promise rejected with the reason "'nope'".`},
		{"rejection-handled-later", `const p = Promise.reject(new Error('x')); p.catch(() => console.log('caught'))`, 0, "caught\n", ""},
		{"throw-non-error", `throw 42`, 1, "", "Uncaught 42"},
		{"ticks-before-promises", `Promise.resolve().then(() => console.log('promise')); process.nextTick(() => console.log('tick')); queueMicrotask(() => console.log('microtask'))`,
			0, "tick\npromise\nmicrotask\n", ""},
		// Due time, not creation order, decides: b, set first, fires last.
		// Equal delays, an interval among them, keep their order.
		{"timers-order", `const t0 = process.hrtime.bigint(); setTimeout(() => console.log('b'), 100); setTimeout(() => console.log('a'), 1); const i = setInterval(() => { console.log('i'); clearInterval(i) }, 1); setTimeout(() => console.log('a2'), 1); if (process.hrtime.bigint() - t0 >= 50000000n) console.error('` + stalled + `'); setTimeout(() => console.log('unref'), 10000).unref()`,
			0, "a\ni\na2\nb\n", ""},
		{"beforeExit", `let n = 0; process.on('beforeExit', () => { if (n++ < 2) setTimeout(() => console.log('again', n), 1) })`, 0, "again 1\nagain 2\n", ""},
		{"stdout-write", `process.stdout.write('a'); process.stdout.write(new Uint8Array([98, 10])); process.stderr.write('err\n')`, 0, "ab\n", "err"},
		// Node's Timeout fields drive the timer: a timeout turned into an
		// interval fires again, one whose _onTimeout is dropped stops.
		{"timer-fields", `let n = 0; const t = setTimeout(() => { if (++n === 3) { t._onTimeout = null; console.log('fired', n, t._destroyed) } t._repeat = 1 }, 1); process.on('exit', () => console.log('destroyed', t._destroyed))`,
			0, "fired 3 false\ndestroyed true\n", ""},
		{"timers-promises", `const tp = require('timers/promises'); (async () => { console.log(await tp.setTimeout(1, 'v')); await tp.scheduler.yield(); let n = 0; for await (const x of tp.setInterval(1, 'i')) if (++n === 2) break; const ac = new AbortController(); const p = tp.setTimeout(10000, 1, { signal: ac.signal }); ac.abort(); await p.catch((e) => console.log(e.name, n)) })()`,
			0, "v\nAbortError 2\n", ""},
		// util.promisify(setTimeout) is the common sleep: it resolves with the value.
		{"promisify-timers", `const { promisify } = require('util'); const tp = require('timers/promises'); (async () => { console.log(await promisify(setTimeout)(1, 'slept'), await promisify(require('timers').setImmediate)('next'), promisify(setTimeout) === tp.setTimeout, promisify(setTimeout).name) })()`,
			0, "slept next true setTimeout\n", ""},
		{"process-kill-checks", `try { process.kill(0, 987) } catch (e) { console.log(e.message, e.code) } try { process.kill('x') } catch (e) { console.log(e.code) } try { process.chdir('missing-dir') } catch (e) { console.log(e.code, e.syscall, e.dest) }`,
			0, "kill EINVAL EINVAL\nERR_INVALID_ARG_TYPE\nENOENT chdir missing-dir\n", ""},
		{"readline-lines", `const rl = require('readline').createInterface({ input: require('stream').Readable.from(['a\nb', '\r\nc']) }); rl.on('line', (l) => console.log(JSON.stringify(l)))`,
			0, "\"a\"\n\"b\"\n\"c\"\n", ""},
		{"url-parse", `const u = require('url').parse('http://user:pw@Example.COM:8080/p?q=1#h', true); console.log(u.host, u.auth, u.query.q, u.hash, require('url').resolve('/one/two', 'three'))`,
			0, "example.com:8080 user:pw 1 #h /one/three\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, map[string]string{"main.js": c.main, "exits.js": "process.exit(7)"})
			var res result
			for try := 1; ; try++ {
				res = run(t, jsruntime.Config{Policy: noPolicy, Args: []string{"-x", "--y"}}, func(rt *jsruntime.Runtime) (int, error) { return rt.RunMain(a.path("main.js")) })
				if !strings.Contains(res.stderr, stalled) {
					break
				}
				if try == 5 {
					t.Skipf("the script was paused for 50 ms or more %d times in a row; its order is undefined then", try)
				}
				t.Logf("the script was paused for 50 ms or more; running it again")
			}
			res.want(t, c.code, c.stdout)
			if !strings.Contains(res.stderr, c.stderr) {
				t.Fatalf("stderr %q, want it to contain %q", res.stderr, c.stderr)
			}
		})
	}
}

// TestSymlinkedPackage: a package linked into node_modules (as pnpm does)
// is loaded, checked and cached under its real path.
func TestSymlinkedPackage(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js":               "console.log(require('linked'), require.resolve('linked') === require('path').join(__dirname, 'store/linked/index.js'))",
		"store/linked/index.js": "module.exports = 'linked'",
	})
	if err := os.MkdirAll(a.path("node_modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(a.path("store/linked"), a.path("node_modules/linked")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	a.runMain(a.policy(enforcer.Settings{}), "main.js").want(t, 0, "linked true\n")
	res := a.runMain(a.policy(enforcer.Settings{}, "store/linked/index.js"), "main.js")
	if res.code != 1 || !strings.Contains(res.stderr, "The file "+a.path("store/linked/index.js")+" did not pass") {
		t.Fatalf("status %d, stderr %s", res.code, res.stderr)
	}
}

// TestTopLevelAwaitAndSyntaxErrors name the file.
func TestTopLevelAwaitAndSyntaxErrors(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js": "for (const f of ['./tla.mjs', './bad.js']) { try { require(f) } catch (e) { console.log(e.name, e.message) } }",
		"tla.mjs": "const x = await Promise.resolve(1);\nexport default x;\n",
		"bad.js":  "let x = ;\n",
	})
	a.runMain(noPolicy, "main.js").want(t, 0,
		"SyntaxError "+a.path("tla.mjs")+":1:11: top-level await is not supported by this runtime (ES modules run as CommonJS)\n"+
			"SyntaxError "+a.path("bad.js")+":1:9: Unexpected token ;\n")
}

// TestBuiltinsAreNotChecked: built-in modules load under a policy that
// allows only the main script; they are not files.
func TestBuiltinsAreNotChecked(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js": "for (const m of ['fs', 'node:path', 'util', 'events', 'module', 'timers', 'process', 'vm']) require(m); console.log('ok')",
	})
	counter := &countingChecker{}
	pol := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{counter}})
	a.runMain(pol, "main.js").want(t, 0, "ok\n")
	if len(counter.paths) != 1 || counter.paths[0] != a.path("main.js") {
		t.Fatalf("checked %v, want only main.js", counter.paths)
	}
}

// countingChecker allows everything and records what it was asked about.
type countingChecker struct{ paths []string }

func (c *countingChecker) Name() string { return "counter" }
func (c *countingChecker) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true}
}
func (c *countingChecker) Status() enforcer.Status { return enforcer.Status{Available: true} }
func (c *countingChecker) CheckContent(ct enforcer.Content) error {
	c.paths = append(c.paths, ct.Path)
	return nil
}

// TestEachFileCheckedOnce: each module is checked exactly once per load;
// package.json files and source maps are data and never checked (or read
// as code).
func TestEachFileCheckedOnce(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js":                       "require('pkg'); require('pkg'); require('./lib.js'); require('./lib')",
		"node_modules/pkg/package.json": `{"main": "main.js"}`,
		"node_modules/pkg/main.js":      "module.exports = 1\n//# sourceMappingURL=main.js.map\n",
		"node_modules/pkg/main.js.map":  `{"version": 3, "sources": [], "mappings": ""}`,
		"lib.js":                        "module.exports = 2",
	})
	counter := &countingChecker{}
	pol := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{counter}})
	a.runMain(pol, "main.js").want(t, 0, "")
	want := []string{a.path("main.js"), a.path("node_modules/pkg/main.js"), a.path("lib.js")}
	if strings.Join(counter.paths, "\n") != strings.Join(want, "\n") {
		t.Fatalf("checked:\n%s\nwant:\n%s", strings.Join(counter.paths, "\n"), strings.Join(want, "\n"))
	}
}

// TestBadModules: malformed files of each kind fail with an error naming
// the file, never a crash.
func TestBadModules(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js": `for (const f of ['./bad.json', './bad.wasm', './imports.wasm', './bad.mjs', './bad.ts']) {
	try { require(f); console.log('loaded', f) } catch (e) { console.log(e.name, e.code, e.message.includes(f.slice(2))) }
}`,
		"bad.json": `{"a": `,
		"bad.wasm": "\x00asm\x01\x00\x00\x00\xff\xff",
		// A module importing env.f: () -> ().
		"imports.wasm": "\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x02\x09\x01\x03env\x01f\x00\x00",
		"bad.mjs":      "export const = 1",
		"bad.ts":       "let x: = 1",
	})
	a.runMain(a.policy(enforcer.Settings{}), "main.js").want(t, 0,
		"SyntaxError undefined true\nError ERR_INVALID_WASM true\nError ERR_INVALID_WASM true\nSyntaxError undefined true\nSyntaxError undefined true\n")
}

// TestConvertedStackPositions: stack traces of TypeScript and ES modules
// point into the file as written (esbuild's inline source map).
func TestConvertedStackPositions(t *testing.T) {
	a := newApp(t, map[string]string{
		"main.js": "for (const f of ['./e.ts', './e.mjs']) try { require(f).f() } catch (e) { console.log(e.stack.split('\\n')[1].replace(__dirname, '.').replace(/\\(\\d+\\)\\)$/, ')')) }",
		"e.ts":    "type T = number;\n\nexport function f(x?: T): T {\n  throw new Error('ts');\n}\n",
		"e.mjs":   "import path from 'path';\n\n\nexport function f() {\n  throw new Error(path.sep);\n}\n",
	})
	a.runMain(noPolicy, "main.js").want(t, 0, "\tat f (./e.ts:4:8)\n\tat f (./e.mjs:5:8)\n")
}
