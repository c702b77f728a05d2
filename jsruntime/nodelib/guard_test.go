package nodelib

import (
	"testing"

	"github.com/dop251/goja"
)

// TestGuardPanics: a Go panic in a guarded native function is a catchable
// ERR_INTERNAL_ASSERTION Error; a JavaScript error thrown by one is passed
// on unchanged, and the function keeps its name.
func TestGuardPanics(t *testing.T) {
	rt := goja.New()
	obj := rt.NewObject()
	var none []int
	obj.Set("bug", func(goja.FunctionCall) goja.Value { return rt.ToValue(none[1]) })
	obj.Set("typeError", func(goja.FunctionCall) goja.Value { panic(rt.NewTypeError("bad")) })
	guardPanics(rt, obj)
	rt.Set("obj", obj)
	v, err := rt.RunString(`
const out = [];
try { obj.bug() } catch (e) { out.push(e instanceof Error, e.code, /index out of range/.test(e.message)) }
try { obj.typeError() } catch (e) { out.push(e.name, e.message) }
out.join(' ')`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "true ERR_INTERNAL_ASSERTION true TypeError bad"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestGuardPrototype: a Go panic in a method or in a non-configurable
// accessor of a Go class (as goja_nodejs's URL defines them) is a catchable
// ERR_INTERNAL_ASSERTION Error in the objects the class makes, a subclass's
// included; instanceof, the constructor and the descriptors are unchanged.
func TestGuardPrototype(t *testing.T) {
	rt := goja.New()
	var none []int
	ctor := rt.ToValue(func(call goja.ConstructorCall) *goja.Object {
		o := rt.NewObject()
		o.SetPrototype(call.This.Prototype())
		return o
	}).(*goja.Object)
	proto := rt.NewObject()
	bug := rt.ToValue(func(goja.FunctionCall) goja.Value { return rt.ToValue(none[1]) })
	proto.DefineAccessorProperty("field", bug, bug, goja.FLAG_FALSE, goja.FLAG_TRUE)
	proto.Set("method", bug)
	proto.DefineDataProperty("constructor", ctor, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	ctor.Set("prototype", proto)
	guardPrototype(rt, ctor)
	rt.Set("C", ctor)
	v, err := rt.RunString(`
const out = [];
class D extends C {}
for (const o of [new C(), new D()]) {
  for (const f of [() => o.field, () => { o.field = 1 }, () => o.method()]) {
    try { f(); out.push('no error') } catch (e) { out.push(e.code) }
  }
  out.push(o instanceof C, o.constructor === C || o.constructor === D)
}
const d = Object.getOwnPropertyDescriptor(C.prototype, 'field');
out.push(d.enumerable, d.configurable, Object.getOwnPropertyDescriptor(C.prototype, 'constructor').enumerable);
out.join(' ')`)
	if err != nil {
		t.Fatal(err)
	}
	want := "ERR_INTERNAL_ASSERTION ERR_INTERNAL_ASSERTION ERR_INTERNAL_ASSERTION true true " +
		"ERR_INTERNAL_ASSERTION ERR_INTERNAL_ASSERTION ERR_INTERNAL_ASSERTION true true true false false"
	if got := v.String(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
