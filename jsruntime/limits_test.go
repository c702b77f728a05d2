package jsruntime_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/jsruntime"
)

// evalJS runs code as `node -e` would and returns the outcome.
func evalJS(t *testing.T, code string) result {
	t.Helper()
	return run(t, jsruntime.Config{Policy: noPolicy}, func(rt *jsruntime.Runtime) (int, error) { return rt.Eval(code, false) })
}

// TestUnboundedRecursionThrows: recursion without end throws V8's RangeError
// within the call-stack limit, instead of growing the stack for minutes.
// Uncaught, it is reported as Node reports it, with status 1. goja's
// overflow cannot be caught inside the JavaScript that overflowed, but it
// becomes a catchable RangeError where Go called into JavaScript: here, the
// require of the module that overflowed.
func TestUnboundedRecursionThrows(t *testing.T) {
	if !isolated(t, 60*time.Second) {
		return
	}
	r := evalJS(t, "function f() { f() } f()")
	if r.code != 1 || !strings.Contains(r.stderr, "RangeError: Maximum call stack size exceeded") {
		t.Fatalf("status %d, stderr:\n%s", r.code, r.stderr)
	}
	a := newApp(t, map[string]string{
		"main.js": "try { require('./deep.js') } catch (e) { console.log(e.name, e.message) }",
		"deep.js": "function f(n) { return f(n + 1) + 1 } f(0)",
	})
	a.runMain(noPolicy, "main.js").want(t, 0, "RangeError Maximum call stack size exceeded\n")
}

// TestDeepJSONIsCatchable: JSON nested deeper than nodelib.MaxJSONDepth is
// a RangeError JavaScript can catch, from JSON.parse and from a .json
// module, instead of a fatal Go stack overflow; JSON nested a little less
// deep parses. Before the fix the process died, so the test runs in a
// child process.
func TestDeepJSONIsCatchable(t *testing.T) {
	if !isolated(t, 60*time.Second) {
		return
	}
	evalJS(t, `
try { JSON.parse('['.repeat(5e6)) } catch (e) { console.log(e.name, e.message) }
try { JSON.parse({ toString() { return '{"a":'.repeat(2e4) } }) } catch (e) { console.log(e.name, e.message) }
let v = JSON.parse('[' + '"[\\"{",'.repeat(3e4) + '['.repeat(9000) + ']'.repeat(9001))
let depth = 0
while (Array.isArray(v)) { v = v[v.length - 1]; depth++ }
console.log(depth)
try { JSON.parse(Symbol()) } catch (e) { console.log(e.name) }
`).want(t, 0, "RangeError Maximum call stack size exceeded\nRangeError Maximum call stack size exceeded\n9001\nTypeError\n")
	a := newApp(t, map[string]string{
		"main.js":   "try { require('./deep.json') } catch (e) { console.log(e.name, e.message) }",
		"deep.json": strings.Repeat("[", 1<<20),
	})
	a.runMain(noPolicy, "main.js").want(t, 0, "RangeError "+a.path("deep.json")+": Maximum call stack size exceeded\n")
}

// TestBufferBoundsMatchNode: offsets and sizes out of range are Node's
// errors, with Node 20's codes and messages. Before the fix the offsets
// panicked in Go (ending the process), Buffer.alloc(1e17) panicked in
// makeslice and Buffer.alloc(1e10) was allocated, so the test runs in a
// child process.
func TestBufferBoundsMatchNode(t *testing.T) {
	if !isolated(t, 60*time.Second) {
		return
	}
	for code, want := range map[string]string{
		"Buffer.alloc(4).readInt8(Infinity)":                              `RangeError ERR_OUT_OF_RANGE The value of "offset" is out of range. It must be >= 0 and <= 3. Received Infinity`,
		"Buffer.alloc(4).writeInt8(1, Infinity)":                          `RangeError ERR_OUT_OF_RANGE The value of "offset" is out of range. It must be >= 0 and <= 3. Received Infinity`,
		"Buffer.alloc(4).readUInt32BE(2**63)":                             `RangeError ERR_OUT_OF_RANGE The value of "offset" is out of range. It must be >= 0 and <= 0. Received 9_223_372_036_854_776_000`,
		"Buffer.alloc(8).readIntBE(2**63, 2)":                             `RangeError ERR_OUT_OF_RANGE The value of "offset" is out of range. It must be >= 0 and <= 6. Received 9_223_372_036_854_776_000`,
		"Buffer.alloc(8).writeUIntLE(1, -1, 2)":                           `RangeError ERR_OUT_OF_RANGE The value of "offset" is out of range. It must be >= 0 and <= 6. Received -1`,
		"Buffer.alloc(4).readInt8(1.5)":                                   `RangeError ERR_OUT_OF_RANGE The value of "offset" is out of range. It must be an integer. Received 1.5`,
		"Buffer.alloc(4).readInt8('1')":                                   `TypeError ERR_INVALID_ARG_TYPE The "offset" argument must be of type number. Received type string ('1')`,
		"Buffer.alloc(2).readUInt32BE(0)":                                 `RangeError ERR_BUFFER_OUT_OF_BOUNDS Attempt to access memory outside buffer bounds`,
		"Buffer.alloc(8).readIntBE(0, 7)":                                 `RangeError ERR_OUT_OF_RANGE The value of "byteLength" is out of range. It must be >= 1 and <= 6. Received 7`,
		"Buffer.alloc(8).readIntBE(0)":                                    `TypeError ERR_INVALID_ARG_TYPE The "byteLength" argument must be of type number. Received undefined`,
		"Buffer.alloc(1e17)":                                              `RangeError ERR_OUT_OF_RANGE The value of "size" is out of range. It must be >= 0 && <= 4294967296. Received 100_000_000_000_000_000`,
		"Buffer.alloc(1e10)":                                              `RangeError ERR_OUT_OF_RANGE The value of "size" is out of range. It must be >= 0 && <= 4294967296. Received 10_000_000_000`,
		"Buffer.allocUnsafe(-1)":                                          `RangeError ERR_OUT_OF_RANGE The value of "size" is out of range. It must be >= 0 && <= 4294967296. Received -1`,
		"Buffer.from({ length: 1e17 })":                                   `RangeError`,
		"require('buffer').constants.MAX_LENGTH":                          `4294967296`,
		"require('crypto').randomFillSync(2 ** 32)":                       `TypeError ERR_INVALID_ARG_TYPE The "buf" argument must be an instance of ArrayBuffer or ArrayBufferView. Received type number (4294967296)`,
		"require('crypto').randomFillSync('abc')":                         `TypeError ERR_INVALID_ARG_TYPE The "buf" argument must be an instance of ArrayBuffer or ArrayBufferView. Received type string ('abc')`,
		"require('crypto').randomFillSync(new ArrayBuffer(4)).byteLength": `4`,
		"[Buffer.from({ length: -5 }).length, Buffer.alloc(4).readInt8(), Buffer.alloc(4).writeInt8(3, 3), Buffer.prototype.readIntBE.length]": `0,0,4,2`,
		// fill copies a pattern of several bytes by doubling what it
		// wrote; each answer is Node 20's.
		"[Buffer.alloc(11).fill('abc', 1).toString('hex'), Buffer.alloc(9).fill('ab', 1, 9, 'ucs2').toString('hex'), Buffer.alloc(10).fill('xyz', 2, 9).toString('hex'), Buffer.alloc(13, 'abcd').toString(), Buffer.alloc(7).fill('\u00e9x', 1).toString('hex'), Buffer.alloc(3).fill('abcdef').toString()]": `0061626361626361626361,006100620061006200,000078797a78797a7800,abcdabcdabcda,00c3a978c3a978,abc`,
	} {
		r := evalJS(t, "try { console.log(String("+code+")) } catch (e) { console.log(e.name === 'RangeError' && !e.code ? e.name : `${e.name} ${e.code} ${e.message}`) }")
		if r.code != 0 || r.stdout != want+"\n" {
			t.Errorf("%s: status %d, stdout %q, stderr:\n%s\nwant %q", code, r.code, r.stdout, r.stderr, want)
		}
	}
}

// TestNoHangsFromJavaScript: three calls that never returned before the
// fix, each compared with Node 20. The test runs in a child process, which
// the old code never let finish.
func TestNoHangsFromJavaScript(t *testing.T) {
	if !isolated(t, 120*time.Second) {
		return
	}
	// A receiver that is not a Buffer is V8's TypeError.
	evalJS(t, "try { +Buffer.prototype } catch (e) { console.log(e.name) }").want(t, 0, "TypeError\n")
	// An empty chunk in byte mode is no data: read() returns null after it.
	evalJS(t, `const { Readable } = require('stream')
const r = new Readable({ read() {} })
r.push(Buffer.from('ab'))
r.unshift(Buffer.alloc(0))
console.log(r.read(), r.read())`).want(t, 0, "<Buffer 61 62> null\n")
	// depth: Infinity stops where Node's stack would run out (Node's own
	// test-util-inspect.js asserts these bounds).
	evalJS(t, `const list = {}
let head = list
for (let i = 0; i < 100000; i++) head = head.next = {}
const s = require('util').inspect(list, { depth: Infinity })
const n = s.match(/next/g).length
console.log(n > 500 && n < 10000, s.includes('[Object: Inspection interrupted prematurely. Maximum call stack size exceeded.]'))`).want(t, 0, "true true\n")
}

// deepDataCalls are calls that recurse over the depth of their argument:
// in goja's Go code (JSON.stringify, Array.prototype.join and what calls
// it) or in nodelib's JavaScript (structuredClone, JSON.stringify with a
// gap or a list of keys).
var deepDataCalls = []string{
	"JSON.stringify(a)", "JSON.stringify(o)", "JSON.stringify(o, (k, v) => v)", "JSON.stringify(o, ['o'])",
	"JSON.stringify(a, null, 1)", "JSON.stringify({ toJSON() { return a } })", "String(a)", "a.join()",
	"a.toLocaleString()", "`${a}`", "Buffer.from(a)", "new TextEncoder().encode(a)", "structuredClone(a)",
}

// deepValueDepth is how deep the tests nest values: a million, as a program
// can in a loop, but under the race detector, which makes that take
// minutes, twice the depth limits.
var deepValueDepth = map[bool]string{false: "1e6", true: "2e4"}[raceEnabled]

// TestDeepDataIsCatchable: each of deepDataCalls on a value nested a
// million deep (see deepValueDepth) throws V8's RangeError, which the caller catches, as in
// Node 20. Before the fix goja's recursion in Go overflowed Go's stack, a
// fatal error (or ran for minutes first), and structuredClone's overflow
// could not be caught, so the test runs in a child process.
func TestDeepDataIsCatchable(t *testing.T) {
	if !isolated(t, 120*time.Second) {
		return
	}
	var code strings.Builder
	fmt.Fprintf(&code, "let a = [], o = {}\nfor (let i = 0; i < %s; i++) { a = [a]; o = { o } }\n", deepValueDepth)
	want := ""
	for _, call := range deepDataCalls {
		fmt.Fprintf(&code, "try { %s; console.log('no error') } catch (e) { console.log(e.name, e.message) }\n", call)
		want += "RangeError Maximum call stack size exceeded\n"
	}
	evalJS(t, code.String()).want(t, 0, want)
}

// TestGuardsKeepNodeResults: the depth-limited JSON.stringify,
// Array.prototype.join and structuredClone, and URL with its guarded
// prototype, give Node 20's results for ordinary values (compared with node
// when it is installed).
func TestGuardsKeepNodeResults(t *testing.T) {
	node, lookErr := exec.LookPath("node")
	for _, name := range []string{"deepdata_normal.js", "url_guarded.js"} {
		a := newApp(t, map[string]string{name: readTestdata(t, name)})
		got := a.runMain(noPolicy, name)
		if got.code != 0 {
			t.Fatalf("%s: status %d, stderr:\n%s", name, got.code, got.stderr)
		}
		if lookErr != nil {
			t.Logf("node is not installed: %s not compared", name)
			continue
		}
		want, err := exec.Command(node, filepath.Join("testdata", name)).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got.stdout != string(want) {
			t.Errorf("%s: intact:\n%s\nnode:\n%s", name, got.stdout, want)
		}
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDeepSourceIsCatchable: source nested deeper than
// jsruntime.MaxSourceNesting is V8's RangeError: catchable from
// vm.runInThisContext and the Function constructors, and at the require of a .js, .mjs or .ts module
// (parsed by goja, or converted by esbuild first), as a SyntaxError would
// be; uncaught from the main script. Before the fix the parsers' recursion
// overflowed Go's stack, a fatal error, so the test runs in a child
// process.
func TestDeepSourceIsCatchable(t *testing.T) {
	if !isolated(t, 120*time.Second) {
		return
	}
	deep := strings.Repeat("[", 1e6)
	evalJS(t, `for (const compile of [require('vm').runInThisContext, Function, (async () => {}).constructor]) {
  try { compile('('.repeat(1e6)) } catch (e) { console.log(e.name, e.message) }
}`).want(t, 0, strings.Repeat("RangeError Maximum call stack size exceeded\n", 3))
	a := newApp(t, map[string]string{
		"main.js": `for (const f of ['./deep.js', './deep.mjs', './deep.ts', './shallow.js']) {
  try { console.log(require(f).depth) } catch (e) { console.log(e.name, e.message) }
}`,
		"deep.js":  "module.exports = " + deep,
		"deep.mjs": "export default `${" + deep + "}`",
		"deep.ts":  "let x: number = " + strings.Repeat("(", 1e6),
		// The object, the arrays and the substitution nest as deep as allowed.
		"shallow.js": "module.exports = { depth: " + strings.Repeat("[", jsruntime.MaxSourceNesting-2) + "'[(' + `${/[(]/}`" + strings.Repeat("]", jsruntime.MaxSourceNesting-2) + ".flat(Infinity)[0] }",
	})
	a.runMain(noPolicy, "main.js").want(t, 0, fmt.Sprintf("RangeError %s: Maximum call stack size exceeded\nRangeError %s: Maximum call stack size exceeded\nRangeError %s: Maximum call stack size exceeded\n[(/[(]/\n",
		a.path("deep.js"), a.path("deep.mjs"), a.path("deep.ts")))
	r := evalJS(t, deep)
	if r.code != 1 || !strings.Contains(r.stderr, "RangeError: Maximum call stack size exceeded") {
		t.Fatalf("status %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestLargeAllocationsThrow: sizes past V8's limits are V8's RangeErrors,
// and so is an ArrayBuffer or a Buffer the address space (capped at 4 GiB
// in the child) cannot hold, each compared with Node 20. Before the fix
// each was a fatal out-of-memory crash, so the test runs in a child
// process. The checked constructors keep instanceof, subclassing, statics
// and prototypes.
func TestLargeAllocationsThrow(t *testing.T) {
	if !isolated(t, 120*time.Second) {
		return
	}
	cases := map[string]string{
		"new ArrayBuffer(2**40)":                           "RangeError: Array buffer allocation failed",
		"new ArrayBuffer(-1)":                              "RangeError: Invalid array buffer length",
		"new Uint8Array(2**40)":                            "RangeError: Invalid typed array length: 1099511627776",
		"new Float64Array(2**37)":                          "RangeError: Invalid typed array length: 137438953472",
		"'x'.repeat(2**40)":                                "RangeError: Invalid string length",
		"'ab'.padEnd(2**40)":                               "RangeError: Invalid string length",
		"'ab'.padStart(2**40, 'xy')":                       "RangeError: Invalid string length",
		"'x'.repeat(2**24).repeat(2**12)":                  "RangeError: Invalid string length",
		"'x'.repeat(2**28).concat('x'.repeat(2**28))":      "RangeError: Invalid string length",
		"new Array(2**20).fill('x'.repeat(1000)).join('')": "RangeError: Invalid string length",
		"new Array(2**30).join('ab')":                      "RangeError: Invalid string length",
		// Arguments that convert to huge sizes (red team): each was a
		// fatal out-of-memory crash when only numbers were checked.
		"'x'.repeat('1099511627776')":                                                "RangeError: Invalid string length",
		"'x'.repeat({ valueOf() { return 2**40 } })":                                 "RangeError: Invalid string length",
		"String.prototype.repeat.call(new String('x'), 2**40)":                       "RangeError: Invalid string length",
		"'x'.padStart('1099511627776')":                                              "RangeError: Invalid string length",
		"'x'.concat({ toString() { return 'y'.repeat(2**28) } }, 'y'.repeat(2**28))": "RangeError: Invalid string length",
		"new ArrayBuffer('1099511627776')":                                           "RangeError: Array buffer allocation failed",
		"new ArrayBuffer({ valueOf() { return 2**40 } })":                            "RangeError: Array buffer allocation failed",
		"new Uint8Array('1099511627776')":                                            "RangeError: Invalid typed array length: 1099511627776",
		"new Uint8Array({ length: 2**40 })":                                          "RangeError: Invalid typed array length: 1099511627776",
		"[new Uint8Array('3').length, new ArrayBuffer('8').byteLength, 'ab'.repeat('2'), 'a'.padEnd('3', 5), new Uint8Array({ length: 2, 0: 7 })[0]]": "3,8,abab,a55,7",
		"[new Uint8Array(2) instanceof Uint8Array, new Uint8Array(2).constructor === Uint8Array, Uint8Array.from([1, 2]).length, " +
			"Uint8Array.of(1).length, Uint8Array.BYTES_PER_ELEMENT, Uint8Array.name, Uint8Array.length, " +
			"new (class X extends Uint8Array {})(3) instanceof Uint8Array, Buffer.from('ab') instanceof Uint8Array, " +
			"new Uint8Array(4).slice(1).constructor === Uint8Array, ArrayBuffer.isView(new Uint8Array(1)), " +
			"new Uint8Array(new ArrayBuffer(8), 2, 3).length, Object.prototype.toString.call(new Float64Array(1)), " +
			"'ab'.repeat.name, 'ab'.padEnd.length, [1, [2, 3]].join('-'), 'a'.concat('b', 1), 'x'.padStart(4, 'ab')]": "true,true,2,1,1,Uint8Array,3,true,true,true,true,3,[object Float64Array],repeat,1,1-2,3,ab1,abax",
	}
	// Within V8's limits, but not within the 4 GiB address space, which is
	// not capped under the race detector (limitMemory).
	if !raceEnabled {
		for _, code := range []string{"Buffer.alloc(2**32)", "new ArrayBuffer(2**32)", "new Float64Array(2**31)"} {
			cases[code] = "RangeError: Array buffer allocation failed"
		}
	}
	for code, want := range cases {
		r := evalJS(t, "try { console.log(String("+code+")) } catch (e) { console.log(`${e.name}: ${e.message}`) }")
		if r.code != 0 || r.stdout != want+"\n" {
			t.Errorf("%s: status %d, stdout %q, stderr:\n%s\nwant %q", code, r.code, r.stdout, r.stderr, want)
		}
	}
}

// TestPrototypeAccessorsOnExports: an accessor on Object.prototype named
// like a module object's property must not reach the Go code that builds
// the built-in modules: each lazy global and built-in module is still there
// (modules have exports of their own, as in Node), and nothing panics.
func TestPrototypeAccessorsOnExports(t *testing.T) {
	code := `Object.defineProperty(Object.prototype, 'exports', { get() { return undefined; }, set(v) {}, configurable: true });
const seen = [];
for (const name of ['URL', 'URLSearchParams', 'Buffer', 'TextEncoder', 'TextDecoder', 'atob', 'structuredClone', 'AbortController', 'Event']) {
  try { seen.push(typeof globalThis[name]); } catch (e) { seen.push(name + ' threw ' + e.name); }
}
for (const name of require('module').builtinModules) {
  try { const m = require(name); if (m == null) seen.push(name + ' is ' + m); } catch (e) { if (e.code !== 'ERR_UNKNOWN_BUILTIN_MODULE') seen.push(name + ' threw ' + e.name + ': ' + e.message); }
}
console.log(seen.join());`
	want := "function,function,function,function,function,function,function,function,function\n"
	if r := evalJS(t, code); r.code != 0 || r.stdout != want {
		t.Fatalf("status %d, stdout %q, stderr:\n%s\nwant %q", r.code, r.stdout, r.stderr, want)
	}
}

// TestViewsWithoutAccessors: the bytes of a typed array or DataView written
// to stdout are read from the view itself, as in Node, when the program has
// deleted the buffer, byteOffset and byteLength accessors; what only looks
// like a view (a Proxy, an object that inherits from a typed array's
// prototype) is Node 20's TypeError (TestChildInputThatIsNoView: a child's
// input). Before the fix each was a nil dereference in Go, reported as
// ERR_INTERNAL_ASSERTION.
func TestViewsWithoutAccessors(t *testing.T) {
	const code = `const show = (f) => { try { f(); console.log('written') } catch (e) { console.log(e.name, e.code, e.message) } };
show(() => process.stdout.write(new Proxy(new Uint8Array([65, 10]), {})));
show(() => process.stdout.write(Object.create(Uint16Array.prototype)));
const view = new DataView(new Uint8Array([0x41, 0x42, 0x43, 0x0a]).buffer, 1);
const TA = Object.getPrototypeOf(Uint8Array.prototype);
delete TA.buffer; delete TA.byteOffset; delete TA.byteLength;
delete DataView.prototype.buffer; delete DataView.prototype.byteOffset; delete DataView.prototype.byteLength;
show(() => process.stdout.write(new Uint16Array([0x0a41]).subarray(0)));
show(() => process.stdout.write(view));`
	const chunk = `The "chunk" argument must be of type string or an instance of Buffer, TypedArray, or DataView.`
	evalJS(t, code).want(t, 0, "TypeError ERR_INVALID_ARG_TYPE "+chunk+" Received an instance of Uint8Array\n"+
		"TypeError ERR_INVALID_ARG_TYPE "+chunk+" Received an instance of Uint16Array\n"+
		"A\nwritten\nBC\nwritten\n")
}
