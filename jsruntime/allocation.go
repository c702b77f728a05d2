package jsruntime

import (
	_ "embed"
	"sync"

	"github.com/dop251/goja"
	"github.com/intactdev/intact/jsruntime/nodelib"
)

//go:embed allocation.js
var allocationSource string

// allocationProgram is compiled once per process; it is part of the binary.
var allocationProgram = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("node:internal/allocation", allocationSource, true)
})

// capAllocations installs V8's limits on the sizes JavaScript may ask of
// ArrayBuffer, the typed arrays and the string methods that build long
// strings (allocation.js), before any other JavaScript runs.
func (r *Runtime) capAllocations() error {
	_, err := r.callProgram(allocationProgram, r.vm.ToValue(func(n float64) bool { return nodelib.CanAllocate(int64(n)) }))
	return err
}

// callProgram runs a program of the binary whose value is a function (the
// prelude, allocation.js) and calls that function with arg.
func (r *Runtime) callProgram(program func() (*goja.Program, error), arg goja.Value) (goja.Value, error) {
	prg, err := program()
	if err != nil {
		return nil, err
	}
	fnVal, err := r.vm.RunProgram(prg)
	if err != nil {
		return nil, err
	}
	fn, _ := goja.AssertFunction(fnVal)
	return fn(goja.Undefined(), arg)
}
