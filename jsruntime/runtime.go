package jsruntime

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/require"
	"github.com/intactdev/intact"
	"github.com/intactdev/intact/jsruntime/nodelib"
	"github.com/tetratelabs/wazero"
)

// NodeVersion is the Node.js version whose behaviour the runtime emulates
// and reports in process.version and process.versions.node: the Node.js
// release the acceptance tests compare against.
const NodeVersion = "20.20.2"

// Config configures a Runtime.
type Config struct {
	// Policy decides which files may become code. Nil means no policy:
	// files are read as they are.
	Policy *intact.Policy
	// Args are the script's arguments, process.argv[2:].
	Args []string
	// Preload are modules required before the main code, in order, like
	// node's --require. They are resolved from the working directory and
	// checked, with the main script, before any of them runs.
	Preload []string
	// Stdin, Stdout and Stderr default to the process's.
	Stdin          *os.File
	Stdout, Stderr io.Writer
	// Env is process.env as "KEY=value" strings; nil means os.Environ().
	Env []string
	// ExecPath is process.execPath and process.argv[0]; empty means
	// os.Executable(). Argv0 is process.argv0; empty means os.Args[0].
	ExecPath, Argv0 string
	// NoWarnings silences process warnings, including the notice that code
	// integrity is enforced.
	NoWarnings bool
}

// A Runtime runs JavaScript the way node does, asking its policy before any
// file becomes code. A Runtime runs one program (RunMain, RunStdin, Eval or
// REPL) and is then spent; it is not safe for concurrent use.
type Runtime struct {
	cfg    Config
	policy *intact.Policy
	vm     *goja.Runtime
	reg    *require.Registry
	req    *require.RequireModule
	res    *resolver
	loop   *eventLoop
	js     prelude
	wasm   wazero.Runtime
	start  time.Time

	resolved  map[resolveKey]resolution
	sources   map[string]string // module code by file name, for error reports
	realDirs  map[string]string // folder → its path without symbolic links
	esmSymbol *goja.Symbol      // Symbol.for(esmMarker)
	builtins  map[string]goja.Value

	// emptyModules are the real paths of modules whose file was read
	// empty: one reached again through a symbolic link is judged there.
	emptyModules map[string]bool

	rejections []*goja.Promise // rejected without a handler, in order

	exiting  bool
	exitCode int

	stdinReading bool
	stdinStop    chan struct{}
}

// maxCallStackSize is the deepest the JavaScript call stack may grow, in
// frames, near V8's (Node 20 overflows after 10,000 to 14,000 frames,
// depending on their size). Without a limit goja grows the stack until
// memory runs out, and calls that pass through Go grow the Go stack until
// the process dies. goja's overflow error is uncatchable: it skips every
// try/catch and finally up to where Go called into JavaScript, where the
// runtime turns it into V8's RangeError (see toJS).
const maxCallStackSize = 10000

// prelude holds what prelude.js hands back to Go.
type prelude struct {
	process, console, timers, cache, module *goja.Object
	queueMicrotask                          goja.Value
	makeError, formatFatal, runMacrotask    goja.Callable
	emitUncaught, emitUnhandledRejection    goja.Callable
	unhandledRejectionError, inspect        goja.Callable
	emitExit, emitBeforeExit, exitCodeOf    goja.Callable
	makeRequire, newModule, parseJSON       goja.Callable
	stdinChunk, stdinEnd                    goja.Value
}

//go:embed prelude.js
var preludeSource string

// preludeProgram is compiled once per process; it is part of the binary.
var preludeProgram = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("node:internal/intact", preludeSource, true)
})

// New returns a Runtime with the globals of Node.js installed. It runs no
// user code.
func New(cfg Config) (*Runtime, error) {
	if cfg.Policy == nil {
		cfg.Policy = intact.New(intact.Config{})
	}
	if cfg.Policy.ChecksCode() {
		// Read and verify the catalogs while the engine starts up; the
		// first check waits for them.
		go cfg.Policy.Warm()
	}
	if cfg.Stdin == nil {
		cfg.Stdin = os.Stdin
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.Env == nil {
		cfg.Env = os.Environ()
	}
	if cfg.ExecPath == "" {
		if exe, err := os.Executable(); err == nil {
			cfg.ExecPath = exe
		} else {
			cfg.ExecPath = os.Args[0]
		}
	}
	if cfg.Argv0 == "" {
		cfg.Argv0 = os.Args[0]
	}
	r := &Runtime{
		cfg:      cfg,
		policy:   cfg.Policy,
		vm:       goja.New(),
		res:      newResolver(),
		loop:     newEventLoop(),
		start:    time.Now(),
		resolved: make(map[resolveKey]resolution),
		sources:  make(map[string]string),
		realDirs: make(map[string]string),
		builtins: make(map[string]goja.Value),
	}
	r.vm.SetFieldNameMapper(goja.UncapFieldNameMapper())
	r.vm.SetMaxCallStackSize(maxCallStackSize)
	r.vm.SetPromiseRejectionTracker(r.trackRejection)
	if err := r.setup(); err != nil {
		return nil, fmt.Errorf("runtime setup: %w", err)
	}
	return r, nil
}

// Close releases the runtime's resources (the WebAssembly engine).
func (r *Runtime) Close() error {
	r.stopStdin()
	if r.wasm != nil {
		return r.wasm.Close(context.Background())
	}
	return nil
}

func (r *Runtime) setup() (err error) {
	// The built-in library runs JavaScript and Go during setup; a panic
	// there is a bug, reported as an error rather than a crash.
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("%v", x)
		}
	}()
	if err := r.capAllocations(); err != nil {
		return err
	}
	// Built-in modules come from a goja_nodejs registry whose file loader
	// refuses everything: every file is loaded by this package's loader,
	// through the policy.
	r.reg = require.NewRegistry(
		require.WithLoader(func(string) ([]byte, error) { return nil, require.ModuleFileDoesNotExistError }),
		require.WithPathResolver(func(base, p string) string { return filepath.Join(base, p) }),
	)
	registerNodelib(r.reg)
	r.req = r.reg.Enable(r.vm)

	ret, err := r.callProgram(preludeProgram, r.binding())
	if err != nil {
		return err
	}
	if err := r.bindPrelude(ret.(*goja.Object)); err != nil {
		return err
	}
	// Dynamic code is locked before any library code runs, so that no
	// built-in module can hold on to the original constructors.
	if r.policy.Settings().DisableDynamicCode.Enabled {
		err = r.lockDynamicCode()
	} else {
		err = r.limitDynamicCodeNesting()
	}
	if err != nil {
		return err
	}

	sym, err := r.vm.RunString(`Symbol.for("` + esmMarker + `")`)
	if err != nil {
		return err
	}
	r.esmSymbol = sym.(*goja.Symbol)

	g := r.vm.GlobalObject()
	g.Set("global", g)
	g.Set("process", r.js.process)
	g.Set("console", r.js.console)
	for _, name := range []string{"setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"} {
		g.Set(name, r.js.timers.Get(name))
	}
	g.Set("queueMicrotask", r.js.queueMicrotask)
	g.Set("performance", r.performance())
	enableNodelibGlobals(r.vm)
	// JSON modules are parsed by the depth-limited JSON.parse, as user
	// code's JSON is.
	if parse, ok := goja.AssertFunction(r.vm.Get("JSON").(*goja.Object).Get("parse")); ok {
		r.js.parseJSON = parse
	}
	// require at the global scope is the working directory's, as in the
	// REPL; goja_nodejs's built-ins also find their dependencies through it.
	cwdModule := r.vm.NewObject()
	cwdModule.Set("filename", filepath.Join(r.cwd(), "[global]"))
	globalRequire, err := r.js.makeRequire(goja.Undefined(), cwdModule, r.vm.ToValue(false))
	if err != nil {
		return err
	}
	g.Set("require", globalRequire)
	for _, name := range []string{"process", "console", "Buffer", "setTimeout", "setInterval", "setImmediate",
		"clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask", "global", "performance", "require"} {
		// Node's globals are not enumerable.
		if v := g.Get(name); v != nil {
			g.DefineDataProperty(name, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		}
	}
	return nil
}

func (r *Runtime) bindPrelude(o *goja.Object) error {
	obj := func(name string) *goja.Object { return o.Get(name).(*goja.Object) }
	var missing []string
	fn := func(name string) goja.Callable {
		f, ok := goja.AssertFunction(o.Get(name))
		if !ok {
			missing = append(missing, name)
		}
		return f
	}
	r.js = prelude{
		process: obj("process"), console: obj("console"), timers: obj("timers"), cache: obj("cache"), module: obj("Module"),
		queueMicrotask: o.Get("queueMicrotask"),
		makeError:      fn("makeError"), formatFatal: fn("formatFatal"), runMacrotask: fn("runMacrotask"),
		emitUncaught: fn("emitUncaught"), emitUnhandledRejection: fn("emitUnhandledRejection"),
		unhandledRejectionError: fn("unhandledRejectionError"), inspect: fn("inspect"),
		emitExit: fn("emitExit"), emitBeforeExit: fn("emitBeforeExit"), exitCodeOf: fn("exitCode"),
		makeRequire: fn("makeRequire"), newModule: fn("newModule"),
		stdinChunk: o.Get("stdinChunk"), stdinEnd: o.Get("stdinEnd"),
	}
	json := r.vm.Get("JSON").(*goja.Object)
	parse, ok := goja.AssertFunction(json.Get("parse"))
	if !ok {
		missing = append(missing, "JSON.parse")
	}
	r.js.parseJSON = parse
	if len(missing) > 0 {
		return fmt.Errorf("prelude lacks %v", missing)
	}
	return nil
}

func (r *Runtime) cwd() string {
	d, err := os.Getwd()
	if err != nil {
		return "/"
	}
	return d
}

// ---- running programs --------------------------------------------------

// warnOnce prints Node's notice that code integrity is enforced, once per
// process, unless warnings are off.
var warnOnce sync.Once

func (r *Runtime) noticeEnforcement() {
	if !r.policy.ChecksCode() || r.cfg.NoWarnings {
		return
	}
	// Node's wording, except in audit mode, where nothing is enforced.
	what := "being enforced by system policy"
	if r.policy.Auditing() {
		what = "being audited by system policy: would-be denials are logged, not enforced"
	}
	warnOnce.Do(func() {
		fmt.Fprintf(r.cfg.Stderr, "(intact:%d) ExperimentalWarning: Code integrity is %s.\n"+
			"Code integrity is an experimental feature. See docs for more info.\n", os.Getpid(), what)
	})
}

// checkedFile is a file whose bytes passed the policy before anything ran.
type checkedFile struct {
	path string
	src  []byte
}

// checkPreloads resolves and checks every preload module.
func (r *Runtime) checkPreloads() ([]checkedFile, error) {
	var files []checkedFile
	for _, p := range r.cfg.Preload {
		if isBuiltin(p) {
			files = append(files, checkedFile{path: p})
			continue
		}
		f, err := r.resolveLinked(nil, p, false)
		if err != nil {
			return nil, err
		}
		src, err := r.readCode(f)
		if err != nil {
			return nil, err
		}
		files = append(files, checkedFile{path: f.file, src: src})
	}
	return files, nil
}

// RunMain runs the script at path as the main module, like `node path`,
// and returns the process exit status. The main script and every preload
// are resolved and checked before any of them runs: when one is refused
// nothing runs and the refusal is printed as an uncaught error.
func (r *Runtime) RunMain(path string) int {
	var abs string
	var main resolution
	var src []byte
	preloads, status, ok := r.begin(func() (err error) {
		if abs, err = filepath.Abs(path); err != nil {
			return err
		}
		if main, err = r.resolveMain(abs); err != nil {
			return err
		}
		src, err = r.readCode(main)
		return err
	}, func() string { return abs }) // node's argv[1]: the path as given, made absolute
	if !ok {
		return status
	}
	return r.runProgram(preloads, func() {
		if _, err := r.loadModule(main.file, nil, src, true); err != nil {
			r.throw(err)
		}
	})
}

// resolveMain finds the main module as node does: the path as a file,
// with an extension, or as a folder.
func (r *Runtime) resolveMain(abs string) (resolution, error) {
	f, err := r.res.resolve(abs, "/", requireConditions)
	if err != nil {
		return resolution{}, err
	}
	return r.linked(f), nil
}

// RunStdin runs the code on standard input, like `node -` or `node <
// file`. Under DisableInteractiveMode the code runs only if the stdin
// descriptor itself passes the policy (a checked regular file); otherwise
// ERR_CODE_INTEGRITY_BLOCKED for "stdin" is printed and nothing runs.
func (r *Runtime) RunStdin() int {
	var src []byte
	preloads, status, ok := r.begin(func() (err error) {
		src, err = r.policy.ReadStdin(r.cfg.Stdin)
		return err
	}, func() string { return "-" })
	if !ok {
		return status
	}
	name := filepath.Join(r.cwd(), "[stdin]")
	return r.runProgram(preloads, func() {
		if _, err := r.loadModule(name, nil, src, true); err != nil {
			r.throw(err)
		}
	})
}

// Eval runs code given on the command line, like `node -e` (or `node -p`
// when print is set, which prints the completion value). Under
// DisableInteractiveMode it prints ERR_CODE_INTEGRITY_BLOCKED for "eval"
// and runs nothing, preloads included.
func (r *Runtime) Eval(code string, print bool) int {
	preloads, status, ok := r.begin(func() error { return r.policy.CheckInteractive(intact.FeatureEval) }, nil)
	if !ok {
		return status
	}
	return r.runProgram(preloads, func() {
		v, err := r.evalScript("[eval]", code)
		if err != nil {
			r.throw(err)
		}
		if print {
			// node -p prints the value as console.log does: strings bare.
			log, _ := goja.AssertFunction(r.js.console.Get("log"))
			if _, err := log(goja.Undefined(), v); err != nil {
				r.throw(err)
			}
		}
	})
}

// begin starts every program: the enforcement notice, then gate (the check
// of the program's own code), then the check of every preload, then
// process.argv with script (nil for none). Nothing runs before all checks
// pass; ok is false when one failed, which has been reported, and status
// is the exit status.
func (r *Runtime) begin(gate func() error, script func() string) (preloads []checkedFile, status int, ok bool) {
	r.noticeEnforcement()
	if err := gate(); err != nil {
		return nil, r.fatalGo(err), false
	}
	preloads, err := r.checkPreloads()
	if err != nil {
		return nil, r.fatalGo(err), false
	}
	name := ""
	if script != nil {
		name = script()
	}
	r.setArgv(name)
	return preloads, 0, true
}

// runPreloads runs the checked preloads in order, inside a macrotask.
func (r *Runtime) runPreloads(preloads []checkedFile) {
	for _, p := range preloads {
		if p.src == nil {
			r.requireBuiltin(p.path)
			continue
		}
		if cached := r.js.cache.Get(p.path); cached != nil {
			continue
		}
		if _, err := r.loadModule(p.path, nil, p.src, false); err != nil {
			r.throw(err)
		}
	}
}

// evalScript runs code as a script at the global scope, where require,
// module, exports, __filename and __dirname are those of the working
// directory, as in node -e.
func (r *Runtime) evalScript(name, code string) (goja.Value, error) {
	if err := r.setEvalGlobals(name); err != nil {
		return nil, err
	}
	if err := checkSourceNesting("", code); err != nil {
		return nil, err
	}
	return r.vm.RunScript(name, code)
}

func (r *Runtime) setArgv(script string) {
	argv := []any{r.cfg.ExecPath}
	if script != "" {
		argv = append(argv, script)
	}
	for _, a := range r.cfg.Args {
		argv = append(argv, a)
	}
	r.js.process.Set("argv", r.vm.NewArray(argv...))
}

// runProgram runs the preloads and then main as the first macrotask, turns
// the event loop until it is empty, and emits beforeExit and exit.
func (r *Runtime) runProgram(preloads []checkedFile, main func()) int {
	r.macrotask(func() {
		r.runPreloads(preloads)
		main()
	})
	return r.finish()
}

// finish turns the loop to its end and returns the exit status.
func (r *Runtime) finish() int {
	for !r.exiting {
		r.loop.run(r.fireTimer, func() bool { return r.exiting })
		if r.exiting {
			break
		}
		if _, err := r.callJS(r.js.emitBeforeExit, r.vm.ToValue(r.currentExitCode())); err != nil {
			r.settle(err)
		}
		if !r.loop.alive() {
			break
		}
	}
	code := r.currentExitCode()
	if r.exiting {
		code = r.exitCode
	}
	// 'exit' listeners run once; process.exit() inside one ends them.
	r.vm.ClearInterrupt()
	r.exiting = false
	if _, err := r.callJS(r.js.emitExit, r.vm.ToValue(code)); err != nil {
		var ie *goja.InterruptedError
		if !errors.As(err, &ie) {
			r.printFatal(r.exceptionValue(err))
			return 7
		}
	}
	if r.exiting {
		code = r.exitCode
	}
	r.exiting = true
	r.stopStdin()
	return code
}

func (r *Runtime) currentExitCode() int {
	v, err := r.js.exitCodeOf(goja.Undefined())
	if err != nil || v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return 0
	}
	return int(v.ToInteger())
}

// fireTimer runs one timer callback; it reports false once exiting.
func (r *Runtime) fireTimer(t *timer) bool {
	r.call(t.fn, t.this, t.args...)
	return !r.exiting
}

// call runs fn as one macrotask: fn, then process.nextTick callbacks, then
// promise callbacks (goja runs its job queue when the outermost call
// returns), then the check for unhandled rejections.
func (r *Runtime) call(fn, this goja.Value, args ...goja.Value) {
	if r.exiting {
		return
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
	}
	_, err := r.callJS(r.js.runMacrotask, fn, this, r.vm.NewArray(vals...))
	r.settle(err)
}

// callJS calls fn, where user code runs. A Go panic that no native
// function turned into a JavaScript error (a bug in the runtime, in goja or
// in goja_nodejs) becomes an ERR_INTERNAL_ASSERTION error, reported like
// any uncaught error, instead of ending the process; goja's own panics pass
// through.
func (r *Runtime) callJS(fn goja.Callable, args ...goja.Value) (v goja.Value, err error) {
	defer func() {
		if x := recover(); x != nil {
			if nodelib.IsGojaPanic(x) {
				panic(x)
			}
			err = &nodeError{Code: "ERR_INTERNAL_ASSERTION", Message: nodelib.InternalErrorMessage(x)}
		}
	}()
	return fn(goja.Undefined(), args...)
}

// macrotask runs a Go function as a macrotask; it may throw by panicking
// with a JavaScript value (r.throw).
func (r *Runtime) macrotask(fn func()) {
	r.call(r.vm.ToValue(func(goja.FunctionCall) goja.Value {
		fn()
		return goja.Undefined()
	}), goja.Undefined())
}

// settle handles the outcome of a macrotask.
func (r *Runtime) settle(err error) {
	if err != nil && !r.exiting {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			if !r.exiting {
				r.printFatal(r.vm.ToValue(ie.Error()))
				r.exit(1)
			}
		} else {
			r.uncaughtAt(r.exceptionValue(err), r.sourceHeader(err))
		}
	}
	r.checkRejections()
}

// sourceHeader is the head of Node's report of an uncaught exception: the
// file and line where it was thrown, that line, and a caret under the
// column.
func (r *Runtime) sourceHeader(err error) string {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return ""
	}
	for _, f := range ex.Stack() {
		src, ok := r.sources[f.SrcName()]
		if !ok {
			continue
		}
		pos := f.Position()
		lines := strings.SplitN(src, "\n", pos.Line+1)
		if pos.Line < 1 || pos.Line > len(lines) {
			return ""
		}
		text := strings.TrimRight(lines[pos.Line-1], "\r")
		col := pos.Column
		if pos.Line == 1 {
			text = strings.TrimPrefix(text, wrapperHead)
			col -= len(wrapperHead)
		}
		if col < 1 || col > len(text)+1 {
			col = 1
		}
		// goja marks the thrown expression; Node marks the throw.
		if i := strings.LastIndex(text[:col-1], "throw "); i >= 0 && strings.TrimSpace(text[i+len("throw "):col-1]) == "" {
			col = i + 1
		}
		return fmt.Sprintf("%s:%d\n%s\n%s^\n\n", f.SrcName(), pos.Line, text, strings.Repeat(" ", col-1))
	}
	return ""
}

func (r *Runtime) exceptionValue(err error) goja.Value {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return ex.Value()
	}
	return r.toJS(err)
}

// uncaught handles an exception no JavaScript code caught: the
// 'uncaughtException' listeners, or Node's report and exit status 1.
func (r *Runtime) uncaught(v goja.Value) { r.uncaughtAt(v, "") }

// uncaughtAt is uncaught with the source header for Node's report.
func (r *Runtime) uncaughtAt(v goja.Value, header string) {
	if r.exiting {
		return
	}
	handled, err := r.js.emitUncaught(goja.Undefined(), v)
	if err == nil && handled.ToBoolean() {
		return
	}
	if r.exiting {
		return
	}
	code := 1
	if err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			return
		}
		v, code, header = r.exceptionValue(err), 7, ""
	}
	r.printFatalAt(header, v)
	r.exit(code)
}

func (r *Runtime) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		r.rejections = append(r.rejections, p)
	case goja.PromiseRejectionHandle:
		for i, q := range r.rejections {
			if q == p {
				r.rejections = append(r.rejections[:i], r.rejections[i+1:]...)
				break
			}
		}
	}
}

// checkRejections raises the promises still rejected without a handler at
// the end of a macrotask, as Node's default --unhandled-rejections=throw.
func (r *Runtime) checkRejections() {
	for len(r.rejections) > 0 && !r.exiting {
		p := r.rejections[0]
		r.rejections = r.rejections[1:]
		handled, err := r.js.emitUnhandledRejection(goja.Undefined(), p.Result(), r.vm.ToValue(p))
		if err != nil {
			r.uncaught(r.exceptionValue(err))
			continue
		}
		if handled.ToBoolean() {
			continue
		}
		e, err := r.js.unhandledRejectionError(goja.Undefined(), p.Result())
		if err != nil {
			e = p.Result()
		}
		r.uncaught(e)
	}
}

// exit ends the program with code: JavaScript stops at once (an
// uncatchable interrupt) and the loop runs no more callbacks.
func (r *Runtime) exit(code int) {
	if r.exiting {
		return
	}
	r.exiting = true
	r.exitCode = code
	r.vm.Interrupt(exitRequest{code})
}

type exitRequest struct{ code int }

func (e exitRequest) String() string { return fmt.Sprintf("process.exit(%d)", e.code) }

// printFatal prints an uncaught exception as Node does.
func (r *Runtime) printFatal(v goja.Value) { r.printFatalAt("", v) }

// printFatalAt prints an uncaught exception as Node does, after header (the
// code frame), escaped as escapeReport says.
func (r *Runtime) printFatalAt(header string, v goja.Value) {
	s, err := r.js.formatFatal(goja.Undefined(), v)
	text := ""
	if err == nil {
		text = s.String()
	} else if v != nil {
		text = v.String()
	}
	r.writeString(2, r.escapeReport(v, header+text)+"\n")
}

// fatalGo reports an error that stops the program before any user code
// runs, printed like an uncaught error, and returns status 1.
func (r *Runtime) fatalGo(err error) int {
	r.printFatal(r.toJS(err))
	return 1
}

func (r *Runtime) inspect(v goja.Value) string {
	s, err := r.js.inspect(goja.Undefined(), v)
	if err != nil {
		return v.String()
	}
	return s.String()
}

func (r *Runtime) writeString(fd int, s string) {
	w := r.cfg.Stdout
	if fd == 2 {
		w = r.cfg.Stderr
	}
	io.WriteString(w, s)
}

// ---- performance -------------------------------------------------------

func (r *Runtime) performance() *goja.Object {
	p := r.vm.NewObject()
	p.Set("timeOrigin", float64(r.start.UnixNano())/1e6)
	p.Set("now", func() float64 { return float64(time.Since(r.start).Nanoseconds()) / 1e6 })
	p.Set("mark", func() {})
	p.Set("measure", func() {})
	return p
}

// platform and arch in Node's spelling.
func nodePlatform() string {
	if runtime.GOOS == "windows" {
		return "win32"
	}
	return runtime.GOOS
}

func nodeArch() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x64"
	case "386":
		return "ia32"
	}
	return runtime.GOARCH
}
