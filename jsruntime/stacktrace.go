package jsruntime

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/dop251/goja"
)

// V8's structured stack trace API, which packages use to find their caller
// (depd, get-caller-file, callsites) or to rewrite stacks
// (source-map-support):
//
//   - Error.captureStackTrace(obj[, fn]) gives obj a stack property holding
//     the current frames above the topmost call of fn;
//   - Error.prepareStackTrace(err, callSites), when set, makes that property
//     whatever it returns, given CallSite objects;
//   - Error.stackTraceLimit caps the number of frames.
//
// The frames are captured when the stack is asked for (captureStackTrace,
// new Error while prepareStackTrace is set) and formatted, or handed to
// prepareStackTrace, only when the stack property is first read, as V8 does.
// Errors made while no prepareStackTrace is set are goja's own and cost
// nothing more.
//
// goja's frames carry a function's name, file and position, not its
// receiver or the function object: getThis and getFunction are undefined
// (as V8's are for strict code), getTypeName and getMethodName null,
// isConstructor false, and fn is found by name.

// callSite is one frame as CallSite objects report it.
type callSite struct {
	file      string // "" for native functions
	function  string // "" for top-level code and anonymous functions
	line, col int    // 1-based; 0 for native functions
	eval      bool
}

// String renders the frame as V8's CallSite.prototype.toString does.
func (c *callSite) String() string {
	var loc string
	switch {
	case c.file == "" && c.line == 0:
		loc = "native"
	case c.eval:
		loc = "eval at " + c.file
	default:
		loc = c.file + ":" + strconv.Itoa(c.line) + ":" + strconv.Itoa(c.col)
	}
	if c.function == "" {
		return loc
	}
	return c.function + " (" + loc + ")"
}

// stackTraces holds the objects behind the API, one set per runtime.
type stackTraces struct {
	errorCtor    *goja.Object  // the original Error
	proxy        *goja.Object  // Error that records frames, global while prepareStackTrace is set
	prepare      goja.Value    // Error.prepareStackTrace
	preparing    bool          // a prepareStackTrace is running
	callSiteData *goja.Symbol  // the hidden property holding a CallSite's *callSite
	callSiteProt *goja.Object  // made on first use: most programs never ask for CallSites
	construct    goja.Callable // Reflect.construct
}

// installStackTraceAPI defines Error.captureStackTrace,
// Error.prepareStackTrace and Error.stackTraceLimit.
func (r *Runtime) installStackTraceAPI() error {
	g := r.vm.GlobalObject()
	st := &stackTraces{errorCtor: g.Get("Error").(*goja.Object), prepare: goja.Undefined(), callSiteData: goja.NewSymbol("callSite")}
	r.stack = st
	construct, ok := goja.AssertFunction(g.Get("Reflect").(*goja.Object).Get("construct"))
	if !ok {
		return errorString("Reflect.construct is missing")
	}
	st.construct = construct

	capture := r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		obj, ok := call.Argument(0).(*goja.Object)
		if !ok {
			// V8's own words, without a code.
			panic(r.vm.NewTypeError("invalid_argument"))
		}
		frames := r.captureFrames(call.Argument(1))
		r.defineLazyStack(obj, frames)
		return goja.Undefined()
	}).(*goja.Object)
	if err := defineMethod(r.vm, st.errorCtor, "captureStackTrace", capture, 2); err != nil {
		return err
	}
	if err := st.errorCtor.Set("stackTraceLimit", 10); err != nil {
		return err
	}

	// While a prepareStackTrace is set, the global Error is a proxy that
	// records the frames of each error it makes, so that err.stack can be
	// prepared from them. Otherwise it is goja's Error, untouched.
	st.proxy = r.vm.ToValue(r.vm.NewProxy(st.errorCtor, &goja.ProxyTrapConfig{
		Construct: func(target *goja.Object, args []goja.Value, newTarget *goja.Object) *goja.Object {
			if newTarget == st.proxy {
				newTarget = target
			}
			return r.newRecordedError(target, args, newTarget)
		},
		Apply: func(target *goja.Object, _ goja.Value, args []goja.Value) goja.Value {
			return r.newRecordedError(target, args, target)
		},
	})).(*goja.Object)
	return st.errorCtor.DefineAccessorProperty("prepareStackTrace",
		r.vm.ToValue(func(goja.FunctionCall) goja.Value { return st.prepare }),
		r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
			st.prepare = call.Argument(0)
			_, preparing := goja.AssertFunction(st.prepare)
			current := g.Get("Error")
			switch {
			case preparing && current == st.errorCtor:
				g.Set("Error", st.proxy)
			case !preparing && current == st.proxy:
				g.Set("Error", st.errorCtor)
			}
			return goja.Undefined()
		}),
		goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// defineMethod defines a non-enumerable method named name with the given
// length, as built-in methods are.
func defineMethod(vm *goja.Runtime, on *goja.Object, name string, fn *goja.Object, length int) error {
	if err := fn.DefineDataProperty("name", vm.ToValue(name), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
		return err
	}
	if err := fn.DefineDataProperty("length", vm.ToValue(length), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE); err != nil {
		return err
	}
	return on.DefineDataProperty(name, fn, goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
}

type errorString string

func (e errorString) Error() string { return string(e) }

// stackTraceLimit is Error.stackTraceLimit as a frame count; a value that
// is not a number captures no frames, as in V8.
func (r *Runtime) stackTraceLimit() int {
	v := r.stack.errorCtor.Get("stackTraceLimit")
	if v == nil {
		return 0
	}
	switch n := v.Export().(type) {
	case int64:
		return int(max(n, 0))
	case float64:
		if n != n || n <= 0 {
			return 0
		}
		if n > maxCallStackSize {
			return maxCallStackSize
		}
		return int(n)
	}
	return 0
}

// captureFrames returns the JavaScript frames of the current call stack,
// above the topmost call of the function skip (when it is one), at most
// Error.stackTraceLimit of them. The frames of the runtime's own Go code
// (the native function that asks) are left out.
func (r *Runtime) captureFrames(skip goja.Value) []goja.StackFrame {
	limit := r.stackTraceLimit()
	if limit == 0 {
		return nil
	}
	// Only the frames kept, when no function is to be skipped: a copy of
	// the whole stack for every error made in a deep recursion cost time
	// that grew with the square of its depth.
	depth := 0
	if _, callable := goja.AssertFunction(skip); !callable {
		depth = limit + runtimeFrames
	}
	frames := r.vm.CaptureCallStack(depth, nil)
	for len(frames) > 0 && isRuntimeFrame(&frames[0]) {
		frames = frames[1:]
	}
	if depth > 0 && len(frames) < limit {
		// A shallow stack, or more of the runtime's frames than expected
		// (goja counts frames it leaves out): the whole stack, which then
		// is short.
		frames = r.vm.CaptureCallStack(0, nil)
		for len(frames) > 0 && isRuntimeFrame(&frames[0]) {
			frames = frames[1:]
		}
	}
	if fn, ok := skip.(*goja.Object); ok {
		if _, callable := goja.AssertFunction(fn); callable {
			name := fn.Get("name")
			if name != nil && name.String() != "" {
				for i := range frames {
					if frames[i].FuncName() == name.String() {
						frames = frames[i+1:]
						break
					}
				}
			}
		}
	}
	if len(frames) > limit {
		frames = frames[:limit]
	}
	return frames
}

// runtimeFrames is more than the frames of the runtime's own Go code on
// top of the stack when captureFrames runs.
const runtimeFrames = 8

// isRuntimeFrame reports whether f is a native frame of the runtime's own
// Go code (goja names them after the Go function) or of the trap of a
// proxy.
func isRuntimeFrame(f *goja.StackFrame) bool {
	return f.SrcName() == "<native>" && (strings.HasPrefix(f.FuncName(), "github.com/") || f.FuncName() == "<native>" ||
		f.FuncName() == "captureStackTrace")
}

// site converts a goja frame into a call site of the file as written: the
// columns on a module's first line count the CommonJS wrapper, and goja
// places a call at its parenthesis where V8 places it at the name called.
func (r *Runtime) site(f *goja.StackFrame) callSite {
	if f.SrcName() == "<native>" {
		return callSite{function: nativeName(f.FuncName())}
	}
	pos := f.Position()
	c := callSite{file: pos.Filename, line: pos.Line, col: pos.Column}
	if c.file == "" {
		c.file, c.eval = "<anonymous>", true
	}
	if src, ok := r.sources[c.file]; ok {
		text := sourceLine(src, c.line)
		c.col = utf16Column(text, calleeColumn(text, c.col))
	}
	if c.line == 1 && c.col > len(wrapperHead) && !strings.HasPrefix(c.file, "node:") {
		c.col -= len(wrapperHead)
	}
	if name := f.FuncName(); name != "<anonymous>" {
		c.function = name
	}
	return c
}

// sourceLine returns line number line (1-based) of src, without its end.
func sourceLine(src string, line int) string {
	for ; line > 1; line-- {
		i := strings.IndexByte(src, '\n')
		if i < 0 {
			return ""
		}
		src = src[i+1:]
	}
	if i := strings.IndexByte(src, '\n'); i >= 0 {
		src = src[:i]
	}
	return src
}

// utf16Column converts a column counted in bytes of text, as goja counts
// it, into one counted in UTF-16 code units, as V8 counts it (and so the
// column of JavaScript's string indexes): "ä" is two bytes, one unit.
func utf16Column(text string, col int) int {
	at := col - 1
	if at <= 0 || at > len(text) {
		return col
	}
	units := 0
	for _, r := range text[:at] {
		units += utf16.RuneLen(r)
	}
	return units + 1
}

// calleeColumn moves a column of the line src that points at the
// parenthesis of a call to the start of the name called before it (f in "a.f (x)"), if there is one,
// and one inside a new to the new.
func calleeColumn(src string, col int) int {
	at := col - 1
	if at > 0 && strings.HasPrefix(src[at-1:], "new") {
		return col - 1 // goja places new X() one past the new
	}
	if at < 0 || at >= len(src) || src[at] != '(' {
		return col
	}
	end := at
	for end > 0 && (src[end-1] == ' ' || src[end-1] == '\t') {
		end--
	}
	start := end
	for start > 0 && isIdentByte(src[start-1]) {
		start--
	}
	if start == end {
		return col
	}
	return start + 1
}

func isIdentByte(b byte) bool {
	return b == '_' || b == '$' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

func nativeName(name string) string {
	if name == "<native>" {
		return ""
	}
	return name
}

// defineLazyStack gives obj a non-enumerable stack property that, when
// first read, is frames formatted as Node formats a stack or, when
// Error.prepareStackTrace is a function at that moment, what it returns.
// Setting the property replaces it by the value set.
func (r *Runtime) defineLazyStack(obj *goja.Object, frames []goja.StackFrame) {
	var value goja.Value
	getter := r.vm.ToValue(func(goja.FunctionCall) goja.Value {
		if value == nil {
			value = r.formatStack(obj, frames)
			frames = nil
		}
		return value
	})
	setter := r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
		value, frames = call.Argument(0), nil
		return goja.Undefined()
	})
	if err := obj.DefineAccessorProperty("stack", getter, setter, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		r.throw(err)
	}
}

// formatStack is the stack of obj with the captured frames: prepared by
// Error.prepareStackTrace when it is a function, else the header (what
// Error.prototype.toString gives for obj) and one "    at" line per frame.
func (r *Runtime) formatStack(obj *goja.Object, frames []goja.StackFrame) goja.Value {
	sites := make([]callSite, len(frames))
	for i := range frames {
		sites[i] = r.site(&frames[i])
	}
	// Read through the property, which a program may have redefined as
	// data. A stack read while one is being prepared is not prepared: a
	// prepareStackTrace that reads stacks must not recurse.
	if prepare, ok := goja.AssertFunction(r.stack.errorCtor.Get("prepareStackTrace")); ok && !r.stack.preparing {
		list := make([]any, len(sites))
		for i := range sites {
			list[i] = r.newCallSite(&sites[i])
		}
		r.stack.preparing = true
		defer func() { r.stack.preparing = false }()
		v, err := prepare(r.stack.errorCtor, obj, r.vm.NewArray(list...))
		if err != nil {
			r.throw(err)
		}
		return v
	}
	var b strings.Builder
	b.WriteString(r.errorHeader(obj))
	for i := range sites {
		b.WriteString("\n    at ")
		b.WriteString(sites[i].String())
	}
	return r.vm.ToValue(b.String())
}

// errorHeader is Error.prototype.toString applied to obj, or "Error" if
// that throws.
func (r *Runtime) errorHeader(obj *goja.Object) string {
	toString, ok := goja.AssertFunction(r.stack.errorCtor.Get("prototype").(*goja.Object).Get("toString"))
	if !ok {
		return "Error"
	}
	v, err := toString(obj)
	if err != nil {
		return "Error"
	}
	return v.String()
}

// newRecordedError makes an error with target as Reflect.construct(target,
// args, newTarget) does, with its frames recorded for a prepared stack.
func (r *Runtime) newRecordedError(target *goja.Object, args []goja.Value, newTarget *goja.Object) *goja.Object {
	frames := r.captureFrames(nil)
	v, err := r.stack.construct(goja.Undefined(), target, r.vm.NewArray(valuesToAny(args)...), newTarget)
	if err != nil {
		r.throw(err)
	}
	e := v.(*goja.Object)
	r.defineLazyStack(e, frames)
	return e
}

func valuesToAny(vs []goja.Value) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// callSitePrototype builds the prototype of CallSite objects; its methods
// read the *callSite behind this.
func (r *Runtime) callSitePrototype() *goja.Object {
	proto := r.vm.NewObject()
	method := func(name string, fn func(c *callSite) goja.Value) {
		f := r.vm.ToValue(func(call goja.FunctionCall) goja.Value {
			c := r.callSiteOf(call.This)
			if c == nil {
				panic(r.vm.NewTypeError("CallSite method " + name + " expects CallSite as receiver"))
			}
			return fn(c)
		}).(*goja.Object)
		if err := defineMethod(r.vm, proto, name, f, 0); err != nil {
			panic(err)
		}
	}
	str := func(s string) goja.Value {
		if s == "" {
			return goja.Null()
		}
		return r.vm.ToValue(s)
	}
	num := func(n int) goja.Value {
		if n == 0 {
			return goja.Null()
		}
		return r.vm.ToValue(n)
	}
	fileName := func(c *callSite) goja.Value {
		if c.file == "" || c.eval {
			return goja.Undefined()
		}
		return r.vm.ToValue(c.file)
	}
	undefined := func(*callSite) goja.Value { return goja.Undefined() }
	null := func(*callSite) goja.Value { return goja.Null() }
	no := func(*callSite) goja.Value { return r.vm.ToValue(false) }
	method("getThis", undefined)
	method("getTypeName", null)
	method("getFunction", undefined)
	method("getFunctionName", func(c *callSite) goja.Value { return str(c.function) })
	method("getMethodName", null)
	method("getFileName", fileName)
	method("getScriptNameOrSourceURL", fileName)
	method("getLineNumber", func(c *callSite) goja.Value { return num(c.line) })
	method("getColumnNumber", func(c *callSite) goja.Value { return num(c.col) })
	method("getEvalOrigin", func(c *callSite) goja.Value {
		if c.eval {
			return r.vm.ToValue(c.file)
		}
		return goja.Undefined()
	})
	method("getPromiseIndex", null)
	method("isToplevel", func(c *callSite) goja.Value { return r.vm.ToValue(c.function == "") })
	method("isEval", func(c *callSite) goja.Value { return r.vm.ToValue(c.eval) })
	method("isNative", no)
	method("isConstructor", no)
	method("isAsync", no)
	method("isPromiseAll", no)
	method("toString", func(c *callSite) goja.Value { return r.vm.ToValue(c.String()) })
	return proto
}

func (r *Runtime) newCallSite(c *callSite) *goja.Object {
	if r.stack.callSiteProt == nil {
		r.stack.callSiteProt = r.callSitePrototype()
	}
	obj := r.vm.NewObject()
	obj.SetPrototype(r.stack.callSiteProt)
	obj.DefineDataPropertySymbol(r.stack.callSiteData, r.vm.ToValue(c), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	return obj
}

func (r *Runtime) callSiteOf(this goja.Value) *callSite {
	obj, ok := this.(*goja.Object)
	if !ok {
		return nil
	}
	// Only a CallSite itself, not an object inheriting from one, as in V8.
	if obj.Prototype() != r.stack.callSiteProt {
		return nil
	}
	v := obj.GetSymbol(r.stack.callSiteData)
	if v == nil {
		return nil
	}
	c, _ := v.Export().(*callSite)
	return c
}
