package runtime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/runtime"
)

// evalJS runs code as `node -e` would and returns the outcome.
func evalJS(t *testing.T, code string) result {
	t.Helper()
	return run(t, runtime.Config{}, func(rt *runtime.Runtime) int { return rt.Eval(code, false) })
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
	a.runMain(nil, "main.js").want(t, 0, "RangeError Maximum call stack size exceeded\n")
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
	a.runMain(nil, "main.js").want(t, 0, "RangeError "+a.path("deep.json")+": Maximum call stack size exceeded\n")
}
