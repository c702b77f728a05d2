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

// guardPanics replaces each function of obj (its own enumerable data properties)
// that is implemented in Go, constructors excepted, by one that turns a Go
// panic into a thrown ERR_INTERNAL_ASSERTION error. goja recovers only its
// own panics at the native-call boundary; any other panic, such as an index
// out of range in goja_nodejs's Buffer, would end the process.
func guardPanics(rt *goja.Runtime, obj *goja.Object) {
	describe, _ := goja.AssertFunction(rt.Get("Object").ToObject(rt).Get("getOwnPropertyDescriptor"))
	for _, key := range obj.Keys() {
		// The descriptor, not obj.Get, which would run an accessor's getter
		// on obj itself (URLSearchParams.prototype.size throws).
		d, err := describe(goja.Undefined(), obj, rt.ToValue(key))
		if err != nil {
			panic(err)
		}
		fn, ok := d.ToObject(rt).Get("value").(*goja.Object)
		if !ok || fn.Get("prototype") != nil {
			continue
		}
		if guarded := guardedFunction(rt, fn); guarded != nil {
			obj.Set(key, guarded)
		}
	}
}

// guardedFunction returns a function that calls fn, a function implemented
// in Go, and turns a Go panic into a thrown ERR_INTERNAL_ASSERTION error,
// or nil if fn is not implemented in Go.
func guardedFunction(rt *goja.Runtime, fn *goja.Object) *goja.Object {
	native, ok := fn.Export().(func(goja.FunctionCall) goja.Value)
	if !ok {
		return nil
	}
	guarded := rt.ToValue(func(call goja.FunctionCall) goja.Value {
		defer rethrowAsInternalError(rt)
		return native(call)
	}).ToObject(rt)
	copyNameAndLength(guarded, fn)
	return guarded
}

// guardPrototype gives ctor, a class implemented in Go, a copy of its
// prototype in which every method and accessor implemented in Go is
// guarded as guardPanics guards functions. goja_nodejs's URL defines its
// accessors (href, host, …) as not configurable, so they cannot be replaced
// in place; its constructor gives each URL the prototype of new.target, so
// the copy is the prototype of every URL made from now on.
func guardPrototype(rt *goja.Runtime, ctor *goja.Object) {
	proto := ctor.Get("prototype").ToObject(rt)
	object := rt.Get("Object").ToObject(rt)
	describe, _ := goja.AssertFunction(object.Get("getOwnPropertyDescriptor"))
	define, _ := goja.AssertFunction(object.Get("defineProperty"))
	guard := func(desc *goja.Object, field string) {
		if fn, ok := desc.Get(field).(*goja.Object); ok && (field != "value" || fn.Get("prototype") == nil) {
			if guarded := guardedFunction(rt, fn); guarded != nil {
				desc.Set(field, guarded)
			}
		}
	}
	copied := rt.NewObject()
	copied.SetPrototype(proto.Prototype())
	var keys []goja.Value
	for _, name := range proto.GetOwnPropertyNames() {
		keys = append(keys, rt.ToValue(name))
	}
	for _, sym := range proto.Symbols() {
		keys = append(keys, sym)
	}
	for _, key := range keys {
		d, err := describe(goja.Undefined(), proto, key)
		if err != nil {
			panic(err)
		}
		desc := d.ToObject(rt)
		if key.String() == "constructor" {
			desc.Set("value", ctor)
		} else {
			guard(desc, "value")
			guard(desc, "get")
			guard(desc, "set")
		}
		if _, err := define(goja.Undefined(), copied, key, desc); err != nil {
			panic(err)
		}
	}
	ctor.Set("prototype", copied)
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
