package nodelib_test

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/require"

	"github.com/intactdev/intact/runtime/nodelib"
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
