package jsruntime

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"github.com/dop251/goja"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// instantiateWasm compiles and instantiates a WebAssembly module from its
// checked bytes and returns its exports: functions as JavaScript functions
// (i64 as BigInt), memories as objects whose buffer is an ArrayBuffer over
// the module's memory. wazero runs in interpreter mode: its compiler maps
// anonymous executable memory, which strict code-integrity policies refuse.
// Modules that import anything are refused: this runtime offers no host
// imports.
func (r *Runtime) instantiateWasm(filename string, src []byte) (goja.Value, error) {
	ctx := context.Background()
	if r.wasm == nil {
		r.wasm = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	}
	compiled, err := r.wasm.CompileModule(ctx, src)
	if err != nil {
		return nil, &nodeError{Code: "ERR_INVALID_WASM", Message: fmt.Sprintf("%s: invalid WebAssembly module: %v", filename, err), Err: err}
	}
	if imps := compiled.ImportedFunctions(); len(imps) > 0 {
		mod, name, _ := imps[0].Import()
		return nil, &nodeError{Code: "ERR_INVALID_WASM", Message: fmt.Sprintf("%s: WebAssembly module imports %s.%s; modules with imports are not supported", filename, mod, name)}
	}
	inst, err := r.wasm.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName("").WithStartFunctions())
	if err != nil {
		return nil, &nodeError{Code: "ERR_INVALID_WASM", Message: fmt.Sprintf("%s: cannot instantiate WebAssembly module: %v", filename, err), Err: err}
	}
	exports := r.vm.NewObject()
	names := make([]string, 0)
	for name := range compiled.ExportedFunctions() {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		exports.Set(name, r.wasmFunction(inst.ExportedFunction(name)))
	}
	for name := range compiled.ExportedMemories() {
		mem := inst.ExportedMemory(name)
		m := r.vm.NewObject()
		m.DefineAccessorProperty("buffer", r.vm.ToValue(func(goja.FunctionCall) goja.Value {
			data, _ := mem.Read(0, mem.Size())
			return r.vm.ToValue(r.vm.NewArrayBuffer(data))
		}), nil, goja.FLAG_FALSE, goja.FLAG_TRUE)
		exports.Set(name, m)
	}
	return exports, nil
}

func (r *Runtime) wasmFunction(fn api.Function) goja.Value {
	def := fn.Definition()
	params, results := def.ParamTypes(), def.ResultTypes()
	return r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		args := make([]uint64, len(params))
		for i, t := range params {
			args[i] = r.toWasm(call.Argument(i), t)
		}
		out, err := fn.Call(context.Background(), args...)
		if err != nil {
			panic(r.makeError("ERR_WASM_TRAP", fmt.Sprintf("WebAssembly function %s: %v", def.Name(), err), "RangeError"))
		}
		switch len(results) {
		case 0:
			return goja.Undefined()
		case 1:
			return r.fromWasm(out[0], results[0])
		}
		vals := make([]any, len(results))
		for i, t := range results {
			vals[i] = r.fromWasm(out[i], t)
		}
		return r.vm.NewArray(vals...)
	})
}

func (r *Runtime) toWasm(v goja.Value, t api.ValueType) uint64 {
	switch t {
	case api.ValueTypeI32:
		return api.EncodeI32(int32(v.ToInteger()))
	case api.ValueTypeI64:
		if b, ok := v.Export().(*big.Int); ok {
			return uint64(b.Int64())
		}
		return api.EncodeI64(v.ToInteger())
	case api.ValueTypeF32:
		return api.EncodeF32(float32(v.ToFloat()))
	case api.ValueTypeF64:
		return api.EncodeF64(v.ToFloat())
	}
	panic(r.vm.NewTypeError("unsupported WebAssembly value type %s", api.ValueTypeName(t)))
}

func (r *Runtime) fromWasm(x uint64, t api.ValueType) goja.Value {
	switch t {
	case api.ValueTypeI32:
		return r.vm.ToValue(api.DecodeI32(x))
	case api.ValueTypeI64:
		return r.vm.ToValue(new(big.Int).SetInt64(int64(x)))
	case api.ValueTypeF32:
		return r.vm.ToValue(float64(api.DecodeF32(x)))
	case api.ValueTypeF64:
		return r.vm.ToValue(api.DecodeF64(x))
	}
	return goja.Undefined()
}
