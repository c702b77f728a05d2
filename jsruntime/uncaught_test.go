package jsruntime_test

import (
	"strings"
	"testing"
	"time"
)

// TestUncaughtReportThatThrows: an uncaught value whose report throws (a
// getter of message, a message whose toString throws, a throwing
// Error.prototype.name, a proxy whose traps throw) is still reported, with
// status 1 and the 'exit' listeners run, as in Node. Before the fix Go read
// those properties outside any JavaScript call and the throw was a Go
// panic that ended the process with status 2, so the test runs in a child
// process.
func TestUncaughtReportThatThrows(t *testing.T) {
	if !isolated(t, 60*time.Second) {
		return
	}
	const onExit = "process.on('exit', (c) => console.log('exit', c));\n"
	const badName = "Object.defineProperty(Error.prototype, 'name', { get() { throw new Error('trap') }, configurable: true });\n"
	for _, c := range []struct{ code, report string }{
		{"throw { get message() { throw new Error('no') } }", "Uncaught { message: [Getter] }"},
		{"throw { message: { toString() { throw 1 } } }", "Uncaught { message: { toString: [Function: toString] } }"},
		{"setTimeout(() => { throw { get message() { throw new Error('no') } } }, 1)", "Uncaught { message: [Getter] }"},
		{badName + "throw new Error('x')", "Uncaught exception (its report threw)"},
		{badName + "Promise.reject(new Error('x'))", "Uncaught exception (its report threw)"},
		{badName + "setTimeout(() => { throw new Error('x') }, 1)", "Uncaught exception (its report threw)"},
		// Go's errors.As on the exception walked its prototype chain.
		{"let n = 0; throw new Proxy({}, { getPrototypeOf() { if (++n > 1) throw 2; return Object.prototype } })", "[object Object]"},
		{"throw new Proxy({}, { get() { throw 1 }, getPrototypeOf() { throw 2 } })", "Uncaught exception (its report threw)"},
	} {
		r := evalJS(t, onExit+c.code)
		if r.code != 1 || r.stdout != "exit 1\n" || !strings.Contains(r.stderr, c.report) {
			t.Errorf("%s: status %d, stdout %q, stderr:\n%s\nwant status 1, stdout \"exit 1\\n\", %q", c.code, r.code, r.stdout, r.stderr, c.report)
		}
	}
}

// TestPrototypeAccessorsOnIteratorResults: an accessor named done or value
// on Object.prototype does not reach the results of iterators, so for-of
// loops (the program's and the runtime's own, at exit and in timers) end,
// as in Node. Before the fix in goja every loop ran forever, so the test
// runs in a child process.
func TestPrototypeAccessorsOnIteratorResults(t *testing.T) {
	if !isolated(t, 60*time.Second) {
		return
	}
	for _, name := range []string{"done", "value"} {
		code := "Object.defineProperty(Object.prototype, '" + name + "', { get() { return undefined }, set(v) {}, configurable: true });\n" +
			"process.on('exit', (c) => console.log('exit', c));\n" +
			"let n = 0; for (const v of [1, 2]) n += v;\n" +
			"setTimeout(() => console.log('timer', n, [...new Set([3])].join()), 1);"
		evalJS(t, code).want(t, 0, "timer 3 3\nexit 0\n")
	}
}
