package jsruntime_test

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/jsruntime"
)

// TestStackTraceAPI: V8's structured stack trace API as depd,
// get-caller-file and custom errors use it; the expected output is Node
// 20's for the same program.
func TestStackTraceAPI(t *testing.T) {
	a := newApp(t, map[string]string{"lib.js": `
function getStack() {
  var obj = {};
  var prep = Error.prepareStackTrace;
  Error.prepareStackTrace = function (o, s) { return s; };
  Error.captureStackTrace(obj);
  var stack = obj.stack.slice(1);
  Error.prepareStackTrace = prep;
  return stack;
}
function caller() { return getStack(); }
module.exports = { caller };
`, "main.js": `const { caller } = require('./lib');
const s = caller();
const here = (f) => f.replace(__dirname, '.');
const c = s[0];
console.log(here(c.getFileName()), c.getLineNumber(), c.getColumnNumber(), c.getFunctionName(), here(String(c)));
console.log(c.isNative(), c.isEval(), c.isConstructor(), c.getEvalOrigin());
try { Object.create(c).getFileName(); } catch (e) { console.log(e.name); }
const o = {};
Error.captureStackTrace(o);
console.log(o.stack.split('\n')[0], Object.keys(o), typeof Object.getOwnPropertyDescriptor(o, 'stack'));
function MyErr(m) { this.message = m; this.name = 'MyErr'; Error.captureStackTrace(this, MyErr); }
function thrower() { return new MyErr('boom'); }
console.log(here(thrower().stack.split('\n').slice(0, 2).join('|')));
const old = Error.prepareStackTrace;
Error.prepareStackTrace = (_, st) => st;
const st = new Error().stack;
Error.prepareStackTrace = old;
console.log(Array.isArray(st), here(st[0].getFileName()), st[0].getLineNumber(), Error === globalThis.Error);
class E2 extends Error {}
console.log(new E2('q') instanceof Error, new Error('x') instanceof Error);
Error.stackTraceLimit = 1;
Error.prepareStackTrace = (_, st) => st.length;
const limited = {};
Error.captureStackTrace(limited);
console.log(limited.stack);
Error.prepareStackTrace = undefined;
try { Error.captureStackTrace(1); } catch (e) { console.log(e.name, e.code, e.message); }
`})
	r := a.runMain(noPolicy, "main.js")
	r.want(t, 0, `./lib.js 11 28 caller caller (./lib.js:11:28)
false false false undefined
TypeError
Error [] object
MyErr: boom|    at thrower (./main.js:12:29)
true ./main.js 16 true
true true
1
TypeError undefined invalid_argument
`)
}

// TestStackTraceColumnsCountUTF16: columns count UTF-16 code units, as
// V8's do, not the bytes of the UTF-8 source.
func TestStackTraceColumnsCountUTF16(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `const här = { ö() {
  const o = {};
  Error.prepareStackTrace = (_, s) => s;
  Error.captureStackTrace(o, här.ö);
  const c = o.stack[0];
  Error.prepareStackTrace = undefined;
  return [c.getLineNumber(), c.getColumnNumber()];
} };
console.log('ä€😀' + här.ö());
`})
	a.runMain(noPolicy, "main.js").want(t, 0, "ä€😀9,26\n")
}

// TestAssertOkQuotesTheCall: assert.ok without a message quotes the
// failing call from the caller's source, found by the CallSite API, as
// Node's does; a call it cannot find leaves the value shown instead.
func TestAssertOkQuotesTheCall(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `const assert = require('assert');
const show = (fn) => { try { fn(); } catch (e) { console.log(JSON.stringify(e.message), e.generatedMessage); } };
show(() => assert.ok(''));
show(() => assert(0 > 1, undefined));
show(() => assert.strict.ok(null));
show(() => assert.ok(typeof 'x' === 'number' &&
  'ä' === 'ö'));
show(() => { const o = { f: assert }; o.f(false); });
show(() => assert.ok(false, 'own message'));
show(() => new Function('assert', 'assert.ok(0)')(assert));
`})
	a.runMain(noPolicy, "main.js").want(t, 0, `"The expression evaluated to a falsy value:\n\n  assert.ok('')\n" true
"The expression evaluated to a falsy value:\n\n  assert(0 > 1, undefined)\n" true
"The expression evaluated to a falsy value:\n\n  assert.strict.ok(null)\n" true
"The expression evaluated to a falsy value:\n\n  assert.ok(typeof 'x' === 'number' &&\n  'ä' === 'ö')\n" true
"The expression evaluated to a falsy value:\n\n  o.f(false)\n" true
"own message" false
"0 == true" true
`)
}

// TestStackTraceStack: a stack captured and never read is
// never formatted, and one set before it is read is the value set.
func TestStackTraceStack(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `
let prepared = 0;
Error.prepareStackTrace = () => { prepared++; return 'prepared'; };
const o = {};
Error.captureStackTrace(o);
console.log(prepared);
const p = {};
Error.captureStackTrace(p);
p.stack = 'mine';
console.log(p.stack, prepared, o.stack, prepared, o.stack, prepared);
`})
	a.runMain(noPolicy, "main.js").want(t, 0, "0\nmine 0 prepared 1 prepared 1\n")
}

// TestAccessorMethods: Annex B's __defineGetter__ and friends.
func TestAccessorMethods(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `
const x = {};
x.__defineGetter__('a', function () { return 5; });
x.__defineSetter__('a', function (v) { this.b = v; });
x.a = 7;
const child = Object.create(x);
console.log(x.a, x.b, typeof child.__lookupGetter__('a'), typeof x.__lookupSetter__('a'), x.__lookupGetter__('b'), Object.keys(x));
console.log(Object.keys(Object.prototype).length, Object.prototype.__defineGetter__.length);
try { x.__defineGetter__('c', 1); } catch (e) { console.log(e.name); }
`})
	a.runMain(noPolicy, "main.js").want(t, 0, "5 7 function function undefined [ 'a', 'b' ]\n0 2\nTypeError\n")
}

// TestNewFunctionWithImport: import() in code built by new Function (as
// prettier's CLI does) resolves from the file that built it, through the
// checked loader.
func TestNewFunctionWithImport(t *testing.T) {
	a := newApp(t, map[string]string{
		"bin/main.js": `const load = new Function('m', 'return import(m)'); load('../lib/x.mjs').then((m) => console.log(m.default, m.name));`,
		"lib/x.mjs":   "const __filename = 'own';\nexport const name = __filename;\nexport default import.meta.filename.endsWith('x.mjs');\n",
	})
	a.runMain(noPolicy, "bin/main.js").want(t, 0, "true own\n")
	a.runMain(a.policy(enforcer.Settings{}), "bin/main.js").want(t, 0, "true own\n")
	r := a.runMain(a.policy(enforcer.Settings{}, "lib/x.mjs"), "bin/main.js")
	if r.code != 1 || !strings.Contains(r.stderr, "ERR_CODE_INTEGRITY_VIOLATION") {
		t.Fatalf("refused import: status %d, stderr:\n%s", r.code, r.stderr)
	}
}

// BenchmarkErrors runs error-heavy scripts: plain new Error() (whose
// stack is never read) and custom errors that call
// Error.captureStackTrace(this, Ctor), 20,000 of each, 20 frames deep,
// reading one stack in a hundred.
func BenchmarkErrors(b *testing.B) {
	const frame = `function deep(n) { return n === 0 ? work() : deep(n - 1); }
deep(20);
`
	scripts := map[string]string{
		"new-error": `function work() {
  let s = 0;
  for (let i = 0; i < 20000; i++) {
    const e = new Error('x');
    if (i % 100 === 0) s += e.stack.length;
  }
  return s;
}
` + frame,
		"capture": `function MyErr(m) { this.message = m; Error.captureStackTrace(this, MyErr); }
function work() {
  let s = 0;
  for (let i = 0; i < 20000; i++) {
    const e = new MyErr('x');
    if (i % 100 === 0) s += e.stack.length;
  }
  return s;
}
` + frame,
	}
	t := &testing.T{}
	a := newApp(t, nil)
	a.t = t
	for _, name := range []string{"new-error", "capture"} {
		a.write(name+".js", scripts[name])
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rt, err := jsruntime.New(jsruntime.Config{Policy: noPolicy, Stdout: io.Discard, Stderr: io.Discard, NoWarnings: true})
				if err != nil {
					b.Fatal(err)
				}
				if code, err := rt.RunMain(a.path(name + ".js")); code != 0 {
					b.Fatal("status", code, err)
				}
				rt.Close()
			}
		})
	}
}

// TestPrepareStackTraceWithThrowingName: while Error.prepareStackTrace is
// set, a throwing Error.prototype.name does not stop errors from being
// made, as in Node (the prepared stack does not read it). Before the fix
// recording an error's stack formatted goja's, which read name, whose
// getter made an error, and so on until the call stack ran out, and the
// unwinding took more than 5 s (so the test runs in a child process).
func TestPrepareStackTraceWithThrowingName(t *testing.T) {
	if !isolated(t, 60*time.Second) {
		return
	}
	evalJS(t, `Object.defineProperty(Error.prototype, 'name', { get() { throw new Error('trap') }, configurable: true });
Error.prepareStackTrace = (e, s) => typeof s.length;
try { console.log(new Error('m').stack) } catch (e) { console.log('caught') }
try { null.x } catch (e) { console.log(e instanceof TypeError) }`).want(t, 0, "number\ntrue\n")
}

// TestStackTraceLimitInDeepStacks: in a deep stack the frames handed to
// prepareStackTrace are the Error.stackTraceLimit innermost, as in Node,
// now that only those are captured.
func TestStackTraceLimitInDeepStacks(t *testing.T) {
	evalJS(t, `Error.prepareStackTrace = (e, s) => s.map((c) => c.getFunctionName()).join();
Error.stackTraceLimit = 4;
function a() { return b() } function b() { return c() } function c() { return new Error('x').stack }
function deep(n) { return n ? deep(n - 1) : a() }
console.log(deep(100));
const o = {}; function cap() { Error.captureStackTrace(o); return o.stack }
console.log((function x() { return cap() })().split(',').slice(0, 2).join());`).want(t, 0, "c,b,a,deep\ncap,x\n")
}
