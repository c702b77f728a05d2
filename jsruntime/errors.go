package jsruntime

import (
	"errors"
	"fmt"

	"github.com/dop251/goja"
	"github.com/intactdev/intact"
)

// A nodeError is an error with a Node.js error code, thrown into
// JavaScript as an Error whose .code is Code and whose stack starts with
// "Error [Code]: Message", as Node's internal errors do.
type nodeError struct {
	Code    string
	Message string
	Type    string // the constructor: "Error" (default), "TypeError", "SyntaxError", …
	Err     error  // the cause, for Go callers
}

func (e *nodeError) Error() string { return e.Message }
func (e *nodeError) Unwrap() error { return e.Err }

// toJS turns a Go error into the JavaScript value to throw: an exception's
// own value, V8's RangeError for goja's call-stack overflow, an intact
// error with its code, a *nodeError, or a plain Error.
func (r *Runtime) toJS(err error) goja.Value {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return ex.Value()
	}
	var overflow *goja.StackOverflowError
	if errors.As(err, &overflow) {
		// Thrown at the boundary where Go called into JavaScript, it can be
		// caught by the code that made that call.
		return r.makeError("", "Maximum call stack size exceeded", "RangeError")
	}
	var ne *nodeError
	if errors.As(err, &ne) {
		return r.makeError(ne.Code, ne.Message, ne.Type)
	}
	if code := intact.ErrorCode(err); code != "" {
		v := r.makeError(code, err.Error(), "")
		if o, ok := v.(*goja.Object); ok {
			// Should it end the program uncaught, the program was
			// stopped by this refusal. Only the last is kept: a
			// program that holds on to many caught refusals must
			// not make the runtime hold on to them too.
			r.refused.value, r.refused.err = o, err
		}
		return v
	}
	return r.makeError("", err.Error(), "")
}

// makeError builds a JavaScript error through the prelude.
func (r *Runtime) makeError(code, message, typ string) goja.Value {
	if typ == "" {
		typ = "Error"
	}
	v, err := r.js.makeError(goja.Undefined(), r.vm.ToValue(code), r.vm.ToValue(message), r.vm.ToValue(typ))
	if err != nil {
		return r.vm.NewGoError(fmt.Errorf("%s: %s", code, message))
	}
	return v
}

// throw panics with err converted for JavaScript; goja turns the panic into
// a JavaScript exception at the native-call boundary. An interrupt (the
// process is exiting) is passed on as is, so that no try/catch sees it.
func (r *Runtime) throw(err error) {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		panic(ie)
	}
	panic(r.toJS(err))
}
