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
