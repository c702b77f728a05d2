package jsruntime_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/jsruntime"
)

// bufferCalls are the calls FuzzJavaScriptLimits makes, each a
// format taking an offset, a length, an encoding, the depth of nested
// values (deepValueDepth) and the largest Buffer length (fuzzBufferLength).
var bufferCalls = []string{
	"Buffer.alloc(%[2]s, 'ab', %[3]s)",
	"Buffer.allocUnsafe(%[2]s)",
	// Lengths up to 2**32 are legitimate and take time in Node too: only
	// smaller and larger ones are tried.
	"Buffer.from({ length: Math.abs(%[2]s) > %[5]s && Math.abs(%[2]s) <= 2**32 ? %[5]s : %[2]s, 0: 1 })",
	"Buffer.concat([Buffer.alloc(3)], %[2]s)",
	"Buffer.alloc(8).readInt8(%[1]s)",
	"Buffer.alloc(8).readUInt32BE(%[1]s)",
	"Buffer.alloc(8).readBigInt64LE(%[1]s)",
	"Buffer.alloc(8).readDoubleBE(%[1]s)",
	"Buffer.alloc(8).readIntBE(%[1]s, %[2]s)",
	"Buffer.alloc(8).writeUIntLE(1, %[1]s, %[2]s)",
	"Buffer.alloc(8).writeInt16LE(1, %[1]s)",
	"Buffer.alloc(8).write('xyz', %[1]s, %[2]s, %[3]s)",
	"Buffer.alloc(8).toString(%[3]s, %[1]s, %[2]s)",
	"Buffer.alloc(8).fill(%[3]s, %[1]s, %[2]s)",
	"Buffer.alloc(8).subarray(%[1]s, %[2]s).length",
	"Buffer.alloc(8).copy(Buffer.alloc(4), %[1]s, %[2]s)",
	"Buffer.from(%[3]s, %[3]s)",
	"Buffer.prototype.readInt8.call(%[3]s, %[1]s)",
	"JSON.parse('['.repeat(%[2]s %% 20001) + ']'.repeat(%[1]s %% 20001))",
	"JSON.parse(%[3]s)",
	"(function f(n) { return n > %[1]s ? n : f(n + 1) })(0)",
	"require('util').inspect(JSON.parse('['.repeat(%[2]s %% 2000) + ']'.repeat(%[2]s %% 2000)), { depth: Infinity }).length",
	// Values nested up to a million deep, through each call that recurses
	// over a value's depth.
	"(() => { let a = []; for (let i = 0; i < Math.abs(%[2]s) %% %[4]s; i++) a = [a]; return [JSON.stringify(a, null, %[1]s), JSON.stringify(a, [%[3]s]), String(a)] })()",
	"[require('vm').runInThisContext, Function].map(f => { try { f(%[3]s.repeat(Math.abs(%[2]s) %% 2e6)) } catch (e) { if (!(e instanceof Error)) throw e } })",
	"(() => { let o = {}; for (let i = 0; i < Math.abs(%[2]s) %% %[4]s; i++) o = { o }; return [JSON.stringify(o), structuredClone(o), Buffer.from([o], %[3]s)] })()",
	// Allocations sized by JavaScript: past V8's limits they throw V8's
	// RangeError; within them only small ones are made (larger ones are
	// legitimate and take seconds). Reading /dev/zero takes 2 GiB before
	// it throws, so TestReadingEndlessFilesThrows tries it in a child.
	"[new ArrayBuffer(%[2]s > 2**20 && %[2]s <= 2**53 ? 2**52 : %[2]s), new Uint8Array(%[2]s > 2**20 && %[2]s <= 2**32 ? 2**33 : %[2]s), new Float64Array(%[1]s > 2**20 && %[1]s <= 2**32 ? 2**37 : %[1]s)]",
	"[%[3]s.repeat(%[2]s > 2**20 && %[3]s.length * %[2]s <= 2**29 ? 2**40 : %[2]s), 'ab'.padEnd(%[2]s > 2**20 && %[2]s <= 2**29 ? 2**40 : %[2]s, %[3]s), 'x'.repeat(2**20).repeat(2**12)]",
	"[new Array(Math.min(Math.abs(%[1]s) || 0, 2**32 - 1)).join(%[3]s.repeat(2**20)), new Array(2**10).fill('x'.repeat(2**20)).join('')]",
}

// fuzzBufferLength is the longest Buffer.from({ length }) FuzzJavaScriptLimits
// makes: larger ones are legitimate and take seconds, minutes under the
// race detector.
var fuzzBufferLength = map[bool]string{false: "2**20", true: "2**16"}[raceEnabled]

// FuzzJavaScriptLimits runs Buffer calls with fuzzed offsets, lengths and
// encodings, JSON.parse of fuzzed nesting and text, recursion of fuzzed
// depth, JSON.stringify, join and structuredClone of values of fuzzed
// depth and source of fuzzed nesting: each must give a value or a JavaScript exception, in bounded
// time, and never a Go panic (which would end the fuzzing process).
func FuzzJavaScriptLimits(f *testing.F) {
	for i := range bufferCalls {
		for _, seed := range []struct {
			offset, length float64
			encoding       string
		}{
			{0, 1, "utf8"}, {math.Inf(1), 9e15, "hex"}, {-1, -1, "base64"}, {1 << 63, 1e17, "latin1"},
			{0.5, 1e10, "ucs2"}, {3, 12345, "["}, {1, 1e6 - 1, "`${"}, {0, 5e5, "(/(/"},
		} {
			f.Add(uint8(i), seed.offset, seed.length, seed.encoding)
		}
	}
	f.Fuzz(func(t *testing.T, call uint8, offset, length float64, encoding string) {
		code := fmt.Sprintf(bufferCalls[int(call)%len(bufferCalls)], jsNumber(offset), jsNumber(length), strconv.Quote(encoding), deepValueDepth, fuzzBufferLength)
		done := make(chan result, 1)
		go func() {
			done <- run(t, jsruntime.Config{Policy: noPolicy}, func(rt *jsruntime.Runtime) (int, error) {
				return rt.Eval("try { "+code+" } catch (e) { if (!(e instanceof Error)) throw e }", false)
			})
		}()
		select {
		case r := <-done:
			// goja's call-stack overflow cannot be caught inside the
			// JavaScript that overflowed: it ends the program as Node's
			// uncaught RangeError.
			overflow := r.code == 1 && strings.Contains(r.stderr, "RangeError: Maximum call stack size exceeded")
			if r.code != 0 && !overflow {
				t.Fatalf("%s: status %d, stderr:\n%s", code, r.code, r.stderr)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: still running after 30s", code)
		}
	})
}

// jsNumber writes f as a JavaScript number literal (NaN and the infinities
// included).
func jsNumber(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	switch s {
	case "+Inf":
		s = "Infinity"
	case "-Inf":
		s = "-Infinity"
	}
	return "(" + s + ")"
}
