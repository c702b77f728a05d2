package jsruntime

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/dop251/goja"
	"github.com/intactdev/intact"
)

// Dynamic code is code built from strings while a program runs: eval(),
// Function(), the constructors of async and generator functions, and the
// vm module. When the policy sets DisableDynamicCode each of them throws
// ERR_CODE_INTEGRITY_BLOCKED for "dynamic code".
//
// goja compiles strings only through the global eval and the %Function%,
// %AsyncFunction% and %GeneratorFunction% intrinsics (async generators are
// not supported). The intrinsics are reachable only through the global
// bindings and the "constructor" property of their prototypes, so replacing
// those with throwing functions leaves no route to them: Reflect.construct,
// .bind, .call and `new` all end in a replacement. Each replacement keeps
// the original prototype, so `f instanceof Function` still holds.
// setTimeout and setInterval accept only functions, as in Node.

// dynamicCodeError returns the error to throw for an attempt at dynamic
// code, which what names (eval, Function, node:vm).
func (r *Runtime) dynamicCodeError(what string) error {
	if err := r.policy.CheckDynamicCodeOf(what); err != nil {
		return err
	}
	// The runtime only locks dynamic code when the policy disables it;
	// refuse anyway rather than run code the lock was meant to stop.
	return &intact.BlockedError{Feature: intact.FeatureDynamicCode, What: what}
}

// lockDynamicCode replaces eval and the constructors of functions from
// strings by functions that throw ERR_CODE_INTEGRITY_BLOCKED.
func (r *Runtime) lockDynamicCode() error {
	blocked := func(original *goja.Object) func(goja.ConstructorCall) *goja.Object {
		name := original.Get("name").String()
		return func(goja.ConstructorCall) *goja.Object {
			r.throw(r.dynamicCodeError(name))
			return nil
		}
	}
	if err := r.replaceFunctionConstructors(blocked); err != nil {
		return err
	}
	eval := r.vm.ToValue(func(goja.FunctionCall) goja.Value {
		r.throw(r.dynamicCodeError("eval"))
		return nil
	}).(*goja.Object)
	eval.DefineDataProperty("name", r.vm.ToValue("eval"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	return r.vm.GlobalObject().DefineDataProperty("eval", eval, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
}

// limitDynamicCodeNesting replaces the constructors of functions from
// strings by ones that refuse source nested deeper than MaxSourceNesting
// before goja's parser, which would overflow Go's stack, sees it. eval
// keeps goja's: a replacement would turn every direct eval into an
// indirect one.
func (r *Runtime) limitDynamicCodeNesting() error {
	return r.replaceFunctionConstructors(func(original *goja.Object) func(goja.ConstructorCall) *goja.Object {
		construct, _ := goja.AssertConstructor(original)
		return func(call goja.ConstructorCall) *goja.Object {
			// Each argument is converted to a string once, here, and the
			// strings are what the original compiles.
			args := make([]goja.Value, len(call.Arguments))
			var source strings.Builder
			for i, a := range call.Arguments {
				s := a.ToString()
				args[i] = s
				source.WriteString(s.String())
				source.WriteByte(',')
			}
			if err := checkSourceNesting("", source.String()); err != nil {
				r.throw(err)
			}
			fn, err := construct(call.NewTarget, args...)
			if err != nil && original.Get("name").String() == "Function" && strings.Contains(source.String(), "import") && isSyntaxError(err) {
				// goja's parser lacks import(): the function is converted
				// as a module's code is, import() resolving from the file
				// that called the constructor.
				if converted, cerr := r.functionWithImport(args); cerr == nil {
					return converted
				}
			}
			if err != nil {
				r.throw(err)
			}
			return fn
		}
	})
}

// functionWithImport makes the function new Function(...args) makes, for
// a body that uses import(), which goja cannot parse: esbuild turns
// import(x) into a promise of the import-conditioned require(x) of the
// module whose code called the constructor (the referrer of import() in
// such code under Node), so the imported files go through the checked
// loader as any other.
func (r *Runtime) functionWithImport(args []goja.Value) (*goja.Object, error) {
	params := make([]string, 0, len(args))
	body := ""
	for i, a := range args {
		if i == len(args)-1 {
			body = a.String()
		} else {
			params = append(params, a.String())
		}
	}
	code := "module.exports = function anonymous(" + strings.Join(params, ",") + "\n) {\n" + body + "\n};"
	referrer := r.callerFile()
	out, err := transformToCommonJS(referrer, code, false)
	if err != nil {
		return nil, err
	}
	prg, err := r.compileWrapped("<anonymous>", out, false, false)
	if err != nil {
		return nil, err
	}
	wrapper, err := r.vm.RunProgram(prg)
	if err != nil {
		return nil, err
	}
	fn, ok := goja.AssertFunction(wrapper)
	if !ok {
		return nil, errorString("module wrapper is not a function")
	}
	mod := r.js.cache.Get(referrer)
	if mod == nil || goja.IsUndefined(mod) {
		if mod, err = r.js.newModule(goja.Undefined(), r.vm.ToValue(referrer), goja.Undefined(), r.vm.ToValue(false)); err != nil {
			return nil, err
		}
	}
	require, err := r.js.makeRequire(goja.Undefined(), mod, r.vm.ToValue(false))
	if err != nil {
		return nil, err
	}
	importRequire, err := r.js.makeRequire(goja.Undefined(), mod, r.vm.ToValue(true))
	if err != nil {
		return nil, err
	}
	holder := r.vm.NewObject()
	exports := r.vm.NewObject()
	// Its own property, whatever accessor Object.prototype has.
	holder.DefineDataProperty("exports", exports, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	if _, err := fn(exports, exports, require, holder, r.vm.ToValue(referrer), r.vm.ToValue(filepath.Dir(referrer)),
		r.vm.ToValue(fileURL(referrer)), importRequire); err != nil {
		return nil, err
	}
	return holder.Get("exports").ToObject(r.vm), nil
}

// isSyntaxError reports whether err is a JavaScript SyntaxError thrown.
func isSyntaxError(err error) bool {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return false
	}
	obj, ok := ex.Value().(*goja.Object)
	return ok && obj.Get("name") != nil && obj.Get("name").String() == "SyntaxError"
}

// callerFile is the file of the innermost JavaScript frame that is a
// module's code, or a file in the working directory when there is none.
func (r *Runtime) callerFile() string {
	for _, f := range r.vm.CaptureCallStack(0, nil) {
		if name := f.SrcName(); filepath.IsAbs(name) {
			return name
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		dir = string(filepath.Separator)
	}
	return filepath.Join(dir, "[eval]")
}

// replaceFunctionConstructors replaces %Function%, %AsyncFunction% and
// %GeneratorFunction% by the constructors replacement makes from each, in
// the global binding of Function and in the constructor property of their
// prototypes. Each replacement keeps the original prototype.
func (r *Runtime) replaceFunctionConstructors(replacement func(original *goja.Object) func(goja.ConstructorCall) *goja.Object) error {
	protos, err := r.vm.RunString(`[Function.prototype, Object.getPrototypeOf(async function () {}), Object.getPrototypeOf(function* () {})]`)
	if err != nil {
		return err
	}
	var list []*goja.Object
	if err := r.vm.ExportTo(protos, &list); err != nil {
		return err
	}
	names := []string{"Function", "AsyncFunction", "GeneratorFunction"}
	for i, proto := range list {
		original := proto.Get("constructor").ToObject(r.vm)
		replaced := r.vm.ToValue(replacement(original)).(*goja.Object)
		if err := replaced.DefineDataProperty("prototype", proto, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
			return err
		}
		if err := replaced.DefineDataProperty("name", r.vm.ToValue(names[i]), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
			return err
		}
		if err := replaced.DefineDataProperty("length", r.vm.ToValue(1), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
			return err
		}
		if err := proto.DefineDataProperty("constructor", replaced, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
			return err
		}
		if i == 0 {
			if err := r.vm.GlobalObject().DefineDataProperty("Function", replaced, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
				return err
			}
		}
	}
	return nil
}

// vmModule is a minimal node:vm: code runs in this context only. Every
// entry point that compiles a string is dynamic code.
func (r *Runtime) vmModule() goja.Value {
	locked := r.policy.Settings().DisableDynamicCode.Enabled
	gate := func() {
		if locked {
			r.throw(r.dynamicCodeError("node:vm"))
		}
	}
	filenameOf := func(options goja.Value) string {
		if obj, ok := options.(*goja.Object); ok {
			if f := obj.Get("filename"); f != nil && !goja.IsUndefined(f) {
				return f.String()
			}
		} else if options != nil && !goja.IsUndefined(options) && !goja.IsNull(options) {
			return options.String()
		}
		return "evalmachine.<anonymous>"
	}
	compile := func(code string, options goja.Value) *goja.Program {
		gate()
		if err := checkSourceNesting("", code); err != nil {
			r.throw(err)
		}
		prg, err := goja.Compile(filenameOf(options), code, false)
		if err != nil {
			r.throw(err)
		}
		return prg
	}
	run := func(prg *goja.Program) goja.Value {
		v, err := r.vm.RunProgram(prg)
		if err != nil {
			r.throw(err)
		}
		return v
	}
	unsupported := func(goja.FunctionCall) goja.Value {
		r.throw(&nodeError{Code: "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", Message: "vm contexts other than the current one are not supported by intact"})
		return nil
	}

	m := r.vm.NewObject()
	m.Set("runInThisContext", func(code string, options goja.Value) goja.Value { return run(compile(code, options)) })
	m.Set("runInNewContext", unsupported)
	m.Set("runInContext", unsupported)
	m.Set("createContext", func(obj goja.Value) goja.Value {
		if obj == nil || goja.IsUndefined(obj) {
			return r.vm.NewObject()
		}
		return obj
	})
	m.Set("isContext", func(goja.Value) bool { return false })
	m.Set("compileFunction", func(code string, params []string, options goja.Value) goja.Value {
		src := "(function (" + strings.Join(params, ", ") + ") {\n" + code + "\n})"
		return run(compile(src, options))
	})
	script := r.vm.ToValue(func(call goja.ConstructorCall) *goja.Object {
		prg := compile(call.Argument(0).String(), call.Argument(1))
		call.This.Set("runInThisContext", func() goja.Value { return run(prg) })
		call.This.Set("runInNewContext", unsupported)
		call.This.Set("runInContext", unsupported)
		return nil
	})
	m.Set("Script", script)
	return m
}
