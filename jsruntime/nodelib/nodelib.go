// Package nodelib implements the Node.js core library modules that popular
// pure-JavaScript npm packages need, for a goja runtime: path, events, util,
// assert, string_decoder, querystring, os, tty, fs, crypto, buffer, stream,
// url, readline, timers/promises, zlib (without Brotli), diagnostics_channel,
// http and net without the network, worker_threads as the main thread, and
// child_process without fork, each loadable as "name" and "node:name".
// What exists but cannot work here (sockets, workers, IPC) throws
// ERR_NOT_SUPPORTED rather than answer wrongly.
//
// The modules are plain library code: they never load code from files, so
// they are not subject to code-integrity checks (built-in modules are not
// files). Most are written in JavaScript embedded in the binary; the parts
// that need the operating system or Go's libraries (fs, os, tty, crypto,
// zlib) call Go.
//
// A host wires the package in three steps, all on the runtime's goroutine:
//
//	reg := require.NewRegistry(...)
//	nodelib.Register(reg)     // before any runtime uses reg
//	reg.Enable(rt)
//	nodelib.EnableGlobals(rt) // Buffer, URL, TextEncoder, ...
//
// and prints values the way Node's console does with Format and Inspect.
// Module instances are created once per runtime, so require("util") and
// require("node:util") return the same object.
//
// The output of util.inspect and util.format is Node 20's, byte for byte, for
// the values the package's tests cover (testdata/compat runs each script
// under node and compares). Known differences from Node:
//   - no colors; string widths count UTF-16 units, not terminal columns, so
//     arrays of East Asian wide strings may be grouped differently;
//   - error stacks are goja's frames (re-indented like Node's);
//   - assert.ok(0) without a message says "0 == true", as Node does when it
//     cannot read the caller's source, instead of quoting the call;
//   - fs is synchronous underneath: callbacks and promises settle on a later
//     turn of the event loop but do not run in parallel; no watchers;
//   - stream is readable-stream 4.8.0, Node 18's streams as a package (see
//     js/readable-stream/LICENSE); path, readline, querystring, the legacy
//     url API (parse, format, resolve), timers/promises, events.on and
//     fs.ReadStream/WriteStream are Node 20's own code, with a marked prelude
//     that connects each to the runtime (internal/primordials builds Node's
//     primordials as Node does); net has no sockets and worker_threads no
//     workers;
//   - crypto has digests, HMAC and random values only;
//   - child_process starts processes through the host's "spawn" binding
//     (ProvideBinding); without one, every call throws ERR_NOT_SUPPORTED.
package nodelib

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/require"
)

// Modules lists the built-in module names Register provides (without the
// "node:" prefix), in the order Node's module.builtinModules would list them.
// The host provides the others it supports (process, console, timers, module).
var Modules = []string{
	"assert", "assert/strict", "buffer", "child_process", "crypto", "diagnostics_channel", "events", "fs",
	"fs/promises", "http", "net", "os", "path", "path/posix", "path/win32", "querystring", "readline",
	"readline/promises", "stream", "stream/promises", "string_decoder", "timers/promises", "tty", "url", "util", "util/types",
	"worker_threads", "zlib",
}

// Register makes every module in Modules loadable through reg, under its name
// and under "node:" + name. Registry modules take precedence over
// goja_nodejs's own core modules of the same name (buffer, url, util), so a
// runtime sees one coherent implementation. Register must be called before
// reg is used.
func Register(reg *require.Registry) {
	for _, name := range Modules {
		load := func(rt *goja.Runtime, module *goja.Object) {
			setExports(module, state(rt).require(name))
		}
		reg.RegisterNativeModule(name, load)
		reg.RegisterNativeModule("node:"+name, load)
	}
}

// EnableGlobals defines the globals Node has and goja lacks: Buffer, URL,
// URLSearchParams, TextEncoder, TextDecoder, atob, btoa, structuredClone,
// fetch (which rejects with ERR_NOT_SUPPORTED: there is no network),
// DOMException, Event, EventTarget, AbortController, AbortSignal, and V8's
// Error.captureStackTrace and Error.stackTraceLimit. It also
// replaces JSON.stringify by one that indents like V8 (goja's adds a level
// after an empty array or object when a gap is given).
// JSON.parse refuses texts nested deeper than MaxJSONDepth with a
// RangeError rather than overflowing the Go stack.
// It leaves alone what the host provides (console, process, timers,
// queueMicrotask). Buffer must come from here rather than from goja_nodejs's
// buffer.Enable, so that fs, crypto and util see the same Buffer class as
// user code.
func EnableGlobals(rt *goja.Runtime) {
	s := state(rt)
	g := rt.GlobalObject()
	// goja has no Symbol.asyncIterator. The registered symbol is the one
	// the for-await code esbuild writes falls back to, so lowered loops
	// and the library's async iterables meet.
	symbol := g.Get("Symbol").ToObject(rt)
	if symbol.Get("asyncIterator") == nil {
		key, err := rt.RunString(`Symbol.for("Symbol.asyncIterator")`)
		if err != nil {
			panic(err)
		}
		symbol.DefineDataProperty("asyncIterator", key, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
	}
	// Node 20 defines Symbol.dispose and Symbol.asyncDispose (V8 has
	// neither yet) as these registered symbols; timers and readline use them.
	symbolFor, _ := goja.AssertFunction(symbol.Get("for"))
	for name, key := range map[string]string{"dispose": "nodejs.dispose", "asyncDispose": "nodejs.asyncDispose"} {
		if symbol.Get(name) == nil {
			sym, err := symbolFor(symbol, rt.ToValue(key))
			if err != nil {
				panic(err)
			}
			symbol.DefineDataProperty(name, sym, goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE)
		}
	}
	// Node defines its classes and namespaces on globalThis as
	// non-enumerable, and the functions of the HTML "window" (atob, btoa,
	// structuredClone) as enumerable: for-in over globalThis, which
	// programs and test suites use to find leaked globals, sees only
	// these. Most globals load their module when first read, as most of
	// Node's do: compiling them all would cost more than the rest of a
	// runtime's start-up, and most programs use few of them.
	from := func(module, name string) func() goja.Value {
		return func() goja.Value { return s.require(module).Get(name) }
	}
	// Node's URL and URLSearchParams are plain data properties, which
	// Node's own tests check before reading them: goja computes them on
	// first use without an accessor showing.
	for _, name := range []string{"URL", "URLSearchParams"} {
		if err := rt.DefineLazyGlobal(name, from("internal/url", name), true, false, true); err != nil {
			panic(err)
		}
	}
	accessorGlobal(rt, "Buffer", from("buffer", "Buffer"))
	lazyGlobal(rt, "TextEncoder", false, from("util", "TextEncoder"))
	lazyGlobal(rt, "TextDecoder", false, from("util", "TextDecoder"))
	lazyGlobal(rt, "atob", true, from("internal/globals", "atob"))
	lazyGlobal(rt, "btoa", true, from("internal/globals", "btoa"))
	lazyGlobal(rt, "fetch", true, from("internal/globals", "fetch"))
	// structuredClone recurses in JavaScript over the value's depth.
	lazyGlobal(rt, "structuredClone", true, func() goja.Value {
		return nativeBoundary(rt, s.require("internal/globals").Get("structuredClone").ToObject(rt))
	})
	for _, name := range []string{"DOMException", "Event", "EventTarget", "AbortController", "AbortSignal"} {
		if g.Get(name) == nil {
			lazyGlobal(rt, name, false, from("internal/events_web", name))
		}
	}
	json := g.Get("JSON").ToObject(rt)
	fixJSONStringify(rt, json, from("internal/globals", "makeJSONStringify"))
	limitJSONParseDepth(rt, json)
	limitArrayJoinDepth(rt, g.Get("Array").ToObject(rt).Get("prototype").ToObject(rt))
	// V8's Error.captureStackTrace, which many packages call.
	errorCtor := g.Get("Error").ToObject(rt)
	if _, ok := goja.AssertFunction(errorCtor.Get("captureStackTrace")); !ok {
		errorCtor.Set("captureStackTrace", s.require("internal/globals").Get("captureStackTrace"))
		errorCtor.Set("stackTraceLimit", 10)
	}
}

// lazyGlobal defines globalThis[name] as Node's bootstrap defines a lazily
// loaded global (defineLazyProperties): an accessor that, read, calls load
// and turns into a writable, configurable data property holding the
// result, and that, assigned, turns into one holding the value assigned.
// Until it is read, Object.getOwnPropertyDescriptor shows the accessor,
// also for the globals Node defines as data (Event, EventTarget,
// structuredClone).
func lazyGlobal(rt *goja.Runtime, name string, enumerable bool, load func() goja.Value) {
	g := rt.GlobalObject()
	settle := func(v goja.Value) {
		if err := g.DefineDataProperty(name, v, goja.FLAG_TRUE, goja.FLAG_TRUE, flag(enumerable)); err != nil {
			panic(err)
		}
	}
	get := func(goja.FunctionCall) goja.Value {
		v := load()
		settle(v)
		return v
	}
	set := func(call goja.FunctionCall) goja.Value {
		settle(call.Argument(0))
		return goja.Undefined()
	}
	defineAccessor(rt, name, get, set, enumerable)
}

// accessorGlobal defines globalThis[name] as Node defines Buffer: an
// accessor for good, non-enumerable, whose getter returns what was last
// assigned to it, or load's result (called once) until something is.
func accessorGlobal(rt *goja.Runtime, name string, load func() goja.Value) {
	var v goja.Value
	get := func(goja.FunctionCall) goja.Value {
		if v == nil {
			v = load()
		}
		return v
	}
	set := func(call goja.FunctionCall) goja.Value {
		v = call.Argument(0)
		return goja.Undefined()
	}
	defineAccessor(rt, name, get, set, false)
}

// defineAccessor defines globalThis[name] as a configurable accessor whose
// functions are named "get" and "set", as Node's are.
func defineAccessor(rt *goja.Runtime, name string, get, set func(goja.FunctionCall) goja.Value, enumerable bool) {
	fn := func(f func(goja.FunctionCall) goja.Value, fname string) goja.Value {
		o := rt.ToValue(f).ToObject(rt)
		o.DefineDataProperty("name", rt.ToValue(fname), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
		return o
	}
	if err := rt.GlobalObject().DefineAccessorProperty(name, fn(get, "get"), fn(set, "set"), goja.FLAG_TRUE, flag(enumerable)); err != nil {
		panic(err)
	}
}

func flag(b bool) goja.Flag {
	if b {
		return goja.FLAG_TRUE
	}
	return goja.FLAG_FALSE
}

// Inspect returns v formatted as Node's util.inspect(v) does with default
// options: what console.log prints for a single non-string argument.
func Inspect(rt *goja.Runtime, v goja.Value) string {
	return state(rt).call("inspect", v)
}

// Format returns args formatted as Node's util.format(...args) does: what
// console.log prints, without the trailing newline.
func Format(rt *goja.Runtime, args []goja.Value) string {
	return state(rt).call("format", args...)
}

// libState is the per-runtime instance of the library: the exports of each
// module already loaded. It lives in a hidden property of the runtime's
// global object, so it is collected with the runtime.
type libState struct {
	rt      *goja.Runtime
	modules map[string]*goja.Object
	loading map[string]*goja.Object // modules being initialised, for cycles
	util    *goja.Object
	loop    Loop               // nil: nothing can wait on the operating system
	closers map[io.Closer]bool // what waits on it now (fs watchers)
}

var stateKey = goja.NewSymbol("nodelib")

func state(rt *goja.Runtime) *libState {
	g := rt.GlobalObject()
	if v := g.GetSymbol(stateKey); v != nil {
		if s, ok := v.Export().(*libState); ok {
			return s
		}
	}
	s := &libState{rt: rt, modules: map[string]*goja.Object{}, loading: map[string]*goja.Object{}}
	if err := g.DefineDataPropertySymbol(stateKey, rt.ToValue(s), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_FALSE); err != nil {
		panic(rt.NewGoError(err))
	}
	return s
}

// call invokes util[fn](args...) and returns the result as a Go string.
func (s *libState) call(fn string, args ...goja.Value) string {
	if s.util == nil {
		s.util = s.require("util")
	}
	f, ok := goja.AssertFunction(s.util.Get(fn))
	if !ok {
		panic(s.rt.NewTypeError("nodelib: util.%s is not a function", fn))
	}
	v, err := f(goja.Undefined(), args...)
	if err != nil {
		panic(err)
	}
	return v.String()
}

// require returns the exports of the named module, initialising it on first
// use. Names are those of Modules, "node:" prefixes are stripped, and
// "internal/..." names reach helper modules that user code cannot load.
func (s *libState) require(name string) *goja.Object {
	if len(name) > 5 && name[:5] == "node:" {
		name = name[5:]
	}
	if m := s.modules[name]; m != nil {
		return m
	}
	if m := s.loading[name]; m != nil {
		return m // a cycle: hand out the partial exports, as Node does
	}
	init, native := natives[name]
	if !native {
		init = s.jsModule(name)
	}
	module := s.rt.NewObject()
	exports := s.rt.NewObject()
	setExports(module, exports)
	s.loading[name] = exports
	defer delete(s.loading, name)
	init(s, module)
	m := module.Get("exports").ToObject(s.rt)
	if native {
		guardPanics(s.rt, m)
	}
	s.modules[name] = m
	return m
}

// setExports gives module its own exports property, as Node's Module
// constructor does: module.Set would call a setter the application put on
// Object.prototype, and module.Get its getter, which could hand Go code
// anything in place of the exports object.
func setExports(module *goja.Object, exports goja.Value) {
	module.DefineDataProperty("exports", exports, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
}

// natives are the modules (or parts of modules) implemented in Go. Each
// fills module.exports; JavaScript modules reach them as internal/<name>.
var natives = map[string]func(s *libState, module *goja.Object){}

//go:embed js/*.js js/readable-stream
var jsFiles embed.FS

// vendored is the prefix of the modules of readable-stream, Node's own
// stream implementation as a package (MIT, js/readable-stream/LICENSE),
// which node:stream is. They keep their file layout and relative requires.
const vendored = "internal/readable-stream/"

var (
	programsMu sync.Mutex
	programs   = map[string]*goja.Program{}
)

// program compiles the embedded JavaScript module name once per process;
// compiled programs are shared by all runtimes.
func program(name string) (*goja.Program, error) {
	programsMu.Lock()
	defer programsMu.Unlock()
	if p := programs[name]; p != nil {
		return p, nil
	}
	file := "js/" + jsFileName(name) + ".js"
	if rest, ok := strings.CutPrefix(name, vendored); ok {
		file = "js/readable-stream/" + rest + ".js"
	}
	src, err := jsFiles.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("nodelib: no module %q", name)
	}
	if bytes.Contains(src, []byte("async function*")) || bytes.Contains(src, []byte("for await")) {
		// goja lacks async generators and for await: lower them, once
		// per process, as jsruntime does for user code.
		if src, err = lowerAsyncIteration(file, src); err != nil {
			return nil, err
		}
	}
	wrapped := "(function (exports, require, module, internalBinding) {" + string(src) + "\n})"
	p, err := goja.Compile("node:"+name, wrapped, true)
	if err != nil {
		return nil, fmt.Errorf("nodelib: compiling %s: %w", file, err)
	}
	programs[name] = p
	return p, nil
}

// jsFileName maps a module name to its embedded file: "fs/promises" lives in
// js/fs_promises.js, "internal/globals" in js/internal_globals.js.
func jsFileName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c == '/' {
			b[i] = '_'
		}
	}
	return string(b)
}

// jsModule returns the initialiser of an embedded JavaScript module.
func (s *libState) jsModule(name string) func(*libState, *goja.Object) {
	return func(s *libState, module *goja.Object) {
		p, err := program(name)
		if err != nil {
			panic(s.rt.NewGoError(err))
		}
		fnv, err := s.rt.RunProgram(p)
		if err != nil {
			panic(err)
		}
		fn, _ := goja.AssertFunction(fnv)
		req := s.rt.ToValue(func(call goja.FunctionCall) goja.Value {
			return s.require(resolveRequest(name, call.Argument(0).String()))
		})
		binding := s.rt.ToValue(func(call goja.FunctionCall) goja.Value {
			return s.require("internal/" + call.Argument(0).String())
		})
		if _, err := fn(goja.Undefined(), module.Get("exports"), req, module, binding); err != nil {
			panic(err)
		}
	}
}

// resolveRequest names the module that request, made by module from, is:
// vendored modules require each other by relative path and the built-ins
// as packages would ("string_decoder/"); other modules use plain names.
func resolveRequest(from, request string) string {
	if strings.HasPrefix(request, "./") || strings.HasPrefix(request, "../") {
		return strings.TrimSuffix(path.Join(path.Dir(from), request), ".js")
	}
	return strings.TrimSuffix(request, "/")
}
