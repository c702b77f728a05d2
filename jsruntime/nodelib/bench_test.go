package nodelib_test

import (
	"strconv"
	"testing"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/require"

	"github.com/intactdev/intact/jsruntime/nodelib"
)

// BenchmarkEnableGlobals measures what EnableGlobals adds to the start-up of
// a runtime (the embedded modules are compiled once per process, so after
// the first iteration this is the cost of running their top level).
func BenchmarkEnableGlobals(b *testing.B) {
	reg := require.NewRegistry()
	nodelib.Register(reg)
	for b.Loop() {
		rt := goja.New()
		reg.Enable(rt)
		nodelib.EnableGlobals(rt)
	}
}

// BenchmarkInspect measures util.inspect of a small nested object, what
// console.log(obj) costs.
func BenchmarkInspect(b *testing.B) {
	rt := goja.New()
	v, err := rt.RunString(`({ name: 'x', list: [1, 2, 3, { deep: new Map([[1, 'one']]) }], when: new Date(0) })`)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		nodelib.Inspect(rt, v)
	}
}

// BenchmarkInspectDeep measures util.inspect of the value of Node's
// test-util-inspect-long-running, whose text nests n levels deep: 900 KB
// at 50, 135 MB at 1000 (Node's test; a run takes seconds): the cost of
// long texts built from long texts.
func BenchmarkInspectDeep(b *testing.B) {
	for _, n := range []int{50, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			benchmarkCall(b, `
				let last = {};
				const head = last;
				for (let i = 0; i < `+strconv.Itoa(n)+`; i++) {
					last.next = { circular: head, last, obj: { a: 1, b: 2, c: true } };
					last = last.next;
					head[i] = last;
				}
				() => require('util').inspect(head, { depth: Infinity })`)
		})
	}
}

// BenchmarkArrayJoin measures Array.prototype.join of 100,000 strings into
// a text of 10 MB.
func BenchmarkArrayJoin(b *testing.B) {
	benchmarkCall(b, `const parts = Array.from({ length: 100000 }, (_, i) => 'x'.repeat(90 + i % 20)); () => parts.join('\n')`)
}

// BenchmarkDeepEqualBuffer measures util.isDeepStrictEqual of two equal
// buffers of a megabyte (Node's test-fs-readfile compares such).
func BenchmarkDeepEqualBuffer(b *testing.B) {
	benchmarkCall(b, `const x = Buffer.alloc(1 << 20, 7), y = Buffer.alloc(1 << 20, 7); () => require('util').isDeepStrictEqual(x, y)`)
}

// benchmarkCall measures calls of the function that script, run in a
// runtime with this package's modules and globals, evaluates to.
func benchmarkCall(b *testing.B, script string) {
	rt := goja.New()
	enableAll(rt)
	v, err := rt.RunString(script)
	if err != nil {
		b.Fatal(err)
	}
	fn, ok := goja.AssertFunction(v)
	if !ok {
		b.Fatalf("%s is not a function", v)
	}
	for b.Loop() {
		if _, err := fn(goja.Undefined()); err != nil {
			b.Fatal(err)
		}
	}
}

// enableAll gives rt this package's modules and globals.
func enableAll(rt *goja.Runtime) {
	reg := require.NewRegistry()
	nodelib.Register(reg)
	reg.Enable(rt)
	nodelib.EnableGlobals(rt)
}

// BenchmarkJSONStringify measures JSON.stringify of a typical API response
// (100 records of strings, numbers, booleans and a nested array), with the
// depth limit (Globals) and goja's own (Plain), for the limit's cost.
func BenchmarkJSONStringify(b *testing.B) {
	const value = `Array.from({ length: 100 }, (_, i) => ({ id: i, name: 'item ' + i, price: i * 1.5, ok: i % 2 === 0, tags: ['a', 'b', { k: i }] }))`
	for _, globals := range []bool{true, false} {
		name := "Plain"
		if globals {
			name = "Globals"
		}
		b.Run(name, func(b *testing.B) {
			rt := goja.New()
			if globals {
				enableAll(rt)
			}
			v, err := rt.RunString(value)
			if err != nil {
				b.Fatal(err)
			}
			stringify, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
			for b.Loop() {
				if _, err := stringify(goja.Undefined(), v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
