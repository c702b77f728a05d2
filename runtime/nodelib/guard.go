package nodelib

import (
	"fmt"
	"reflect"

	"github.com/dop251/goja"
)

// InternalErrorMessage is the message of the ERR_INTERNAL_ASSERTION error
// that a Go panic in the library or the runtime becomes: Node's code for
// its own bugs, so that a bug reachable from JavaScript is an error the
// program can catch or report rather than the end of the process.
func InternalErrorMessage(panicValue any) string {
	return fmt.Sprintf("This is caused by a bug in intact, not in the program. Please report it with this stack trace.\n%v", panicValue)
}

// IsGojaPanic reports whether a value recovered from a panic is goja's own
// control flow — a thrown JavaScript value, an exception, an interrupt, a
// call-stack overflow, goja's internal TypeError and RangeError — which must
// be passed on unchanged, rather than a bug.
func IsGojaPanic(x any) bool {
	if _, ok := x.(goja.Value); ok {
		return true
	}
	t := reflect.TypeOf(x)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t != nil && t.PkgPath() == reflect.TypeOf(goja.Exception{}).PkgPath()
}

// guardPanics replaces each function of obj (its own enumerable properties)
// that is implemented in Go, constructors excepted, by one that turns a Go
// panic into a thrown ERR_INTERNAL_ASSERTION error. goja recovers only its
// own panics at the native-call boundary; any other panic, such as an index
// out of range in goja_nodejs's Buffer, would end the process.
func guardPanics(rt *goja.Runtime, obj *goja.Object) {
	for _, key := range obj.Keys() {
		fn, ok := obj.Get(key).(*goja.Object)
		if !ok || fn.Get("prototype") != nil {
			continue
		}
		native, ok := fn.Export().(func(goja.FunctionCall) goja.Value)
		if !ok {
			continue
		}
		guarded := rt.ToValue(func(call goja.FunctionCall) goja.Value {
			defer rethrowAsInternalError(rt)
			return native(call)
		}).ToObject(rt)
		guarded.DefineDataProperty("name", fn.Get("name"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
		guarded.DefineDataProperty("length", fn.Get("length"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
		obj.Set(key, guarded)
	}
}

// rethrowAsInternalError, deferred, passes goja's panics on and throws any
// other as an ERR_INTERNAL_ASSERTION Error.
func rethrowAsInternalError(rt *goja.Runtime) {
	x := recover()
	if x == nil {
		return
	}
	if IsGojaPanic(x) {
		panic(x)
	}
	e := newError(rt, "Error", InternalErrorMessage(x))
	e.Set("code", "ERR_INTERNAL_ASSERTION")
	panic(e)
}
