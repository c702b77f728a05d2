package jsruntime

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	// Policy decides which files may become code. Nil means the policy
	// in force for this process, intact.Default(): the system policy and
	// what INTACT_POLICY and INTACT_CATALOGS add. New fails, and nothing
	// runs, when it cannot be loaded. To run code under no policy at all,
	// say so: intact.New(intact.Config{}) is a policy without enforcers.
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
	// ChildRuntime returns the command (its path and its argv, argv[0]
	// included) that runs a node command line — node's options, the
	// script or code and its arguments — in a child runtime under this
	// runtime's policy. child_process starts it whenever the program
	// starts node or process.execPath, so that the child is checked as
	// the program is, never an interpreter that checks nothing. Nil means
	// those spawns fail with ERR_NOT_SUPPORTED; other programs start as
	// they would under node.
	ChildRuntime func(nodeArgs []string) (path string, argv []string)
}

// A Runtime runs JavaScript the way node does, asking its policy before any
// file becomes code. A Runtime runs one program (RunMain, RunStdin, Eval or
// REPL) and is then spent; it is not safe for concurrent use.
//
// Each of those returns the program's exit status and, when a policy
// refusal stopped the program, that refusal: the *intact.ViolationError or
// *intact.BlockedError for a refused main script, preload or stdin, for a
// blocked eval or REPL, or for a refusal inside the program (a required
// module, dynamic code) that nothing caught. It has been printed as node
// prints an uncaught error; the error is for the host to act on. A refusal
// the program catches does not stop it, and the error is then nil, as it
// is for a program that ends in any other way.
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
	stack     *stackTraces // V8's stack trace API (stacktrace.go)

	// emptyModules are the real paths of modules whose file was read
	// empty: one reached again through a symbolic link is judged there.
	emptyModules map[string]bool

	rejections []*goja.Promise // rejected without a handler, in order

	exiting  bool
	exitCode int

	// refused is the JavaScript error thrown last for a policy refusal,
	// with the intact error behind it; stoppedBy is the intact error that
	// ended the program, which RunMain and the others return.
	refused struct {
		value *goja.Object
		err   error
	}
	stoppedBy error

	stdinReading bool
	stdinStop    chan struct{}

	closed    chan struct{} // closed by Close: goroutines stop posting
	closeOnce sync.Once
}

// maxCallStackSize is the deepest the JavaScript call stack may grow, in
// frames, near V8's (Node 20 overflows after 10,000 to 14,000 frames,
// depending on their size). Without a limit goja grows the stack until
// memory runs out, and calls that pass through Go grow the Go stack until
// the process dies. goja's overflow error is uncatchable: it skips every
// try/catch and finally up to where Go called into JavaScript, where the
// runtime turns it into V8's RangeError (see toJS).
const maxCallStackSize = 10000

// prelude holds what prelude.js, timers.js and console.js hand back to Go.
type prelude struct {
	process, console, timers, cache, module *goja.Object
	queueMicrotask                          goja.Value
	makeError, formatFatal, runMacrotask    goja.Callable
	emitUncaught, emitUnhandledRejection    goja.Callable
	unhandledRejectionError, inspect        goja.Callable
	emitExit, emitBeforeExit, exitCodeOf    goja.Callable
	makeRequire, newModule, parseJSON       goja.Callable
	updateChildren, moduleLoaded            goja.Callable
	invalidArgType                          goja.Callable
	isView                                  goja.Callable // ArrayBuffer.isView before the program could replace it
	stdinChunk, stdinEnd                    goja.Value
}

//go:embed prelude.js
var preludeSource string

//go:embed timers.js
var timersSource string

//go:embed console.js
var consoleSource string

// preludeProgram, timersProgram and consoleProgram are compiled once per
// process; they are part of the binary.
var (
	preludeProgram = sync.OnceValues(func() (*goja.Program, error) {
		return goja.Compile("node:internal/intact", preludeSource, true)
	})
	timersProgram = sync.OnceValues(func() (*goja.Program, error) {
		return goja.Compile("node:internal/timers", timersSource, true)
	})
	consoleProgram = sync.OnceValues(func() (*goja.Program, error) {
		return goja.Compile("node:internal/console/constructor", consoleSource, true)
	})
)

var prepare sync.Once

// Prepare starts compiling the JavaScript every runtime runs at set-up on
// two goroutines, and returns at once: prelude.js on one; allocation.js
// (which runs first), timers.js and console.js (which run after the
// prelude) on the other, about as much. New calls it; a program that calls it sooner, before the rest
// of its own start-up, finds them compiled, or compiling on other cores,
// when it calls New. Only the first call compiles: the programs are shared
// by the process's runtimes.
func Prepare() {
	prepare.Do(func() {
		go preludeProgram()
		go func() {
			allocationProgram()
			timersProgram()
			consoleProgram()
		}()
	})
}

// New returns a Runtime with the globals of Node.js installed. It runs no
// user code.
func New(cfg Config) (*Runtime, error) {
	Prepare()
	if cfg.Policy == nil {
		p, err := intact.Default()
		if err != nil {
			return nil, fmt.Errorf("the policy in force cannot be loaded, so nothing runs: %w", err)
		}
		cfg.Policy = p
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
		closed:   make(chan struct{}),
	}
	r.vm.SetFieldNameMapper(goja.UncapFieldNameMapper())
	r.vm.SetMaxCallStackSize(maxCallStackSize)
	r.vm.SetPromiseRejectionTracker(r.trackRejection)
	if err := r.setup(); err != nil {
		return nil, fmt.Errorf("runtime setup: %w", err)
	}
	return r, nil
}

// Close releases the runtime's resources (the WebAssembly engine, fs
// watchers left open) and stops delivering what children and standard
// input still produce.
func (r *Runtime) Close() error {
	r.stopStdin()
	r.closeOnce.Do(func() { close(r.closed) })
	closeNodelib(r.vm)
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
	shared := ret.(*goja.Object)
	timers, err := r.callProgram(timersProgram, shared.Get("forTimers"))
	if err != nil {
		return err
	}
	console, err := r.callProgram(consoleProgram, shared.Get("forConsole"))
	if err != nil {
		return err
	}
	if err := r.bindPrelude(shared, timers.(*goja.Object), console.(*goja.Object)); err != nil {
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
	if err := r.installStackTraceAPI(); err != nil {
		return err
	}
	enableNodelibGlobals(r.vm)
	connectNodelibLoop(r)
	nodelib.ProvideBinding(r.vm, "spawn", r.spawnBinding())
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
	for _, name := range []string{"process", "console", "setTimeout", "setInterval", "setImmediate",
		"clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask", "global", "performance", "require"} {
		// Node's globals are not enumerable.
		if v := g.Get(name); v != nil {
			g.DefineDataProperty(name, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
		}
	}
	return nil
}

// bindPrelude keeps what prelude.js (o), timers.js (t) and console.js (c)
// hand back.
func (r *Runtime) bindPrelude(o, t, c *goja.Object) error {
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
		process: obj("process"), console: c.Get("console").(*goja.Object), timers: t.Get("timers").(*goja.Object),
		cache: obj("cache"), module: obj("Module"), queueMicrotask: t.Get("queueMicrotask"),
		makeError: fn("makeError"), formatFatal: fn("formatFatal"), runMacrotask: fn("runMacrotask"),
		emitUncaught: fn("emitUncaught"), emitUnhandledRejection: fn("emitUnhandledRejection"),
		unhandledRejectionError: fn("unhandledRejectionError"), inspect: fn("inspect"),
		emitExit: fn("emitExit"), emitBeforeExit: fn("emitBeforeExit"), exitCodeOf: fn("exitCode"),
		makeRequire: fn("makeRequire"), newModule: fn("newModule"), updateChildren: fn("updateChildren"), moduleLoaded: fn("moduleLoaded"),
		invalidArgType: fn("invalidArgType"), stdinChunk: o.Get("stdinChunk"), stdinEnd: o.Get("stdinEnd"),
	}
	json := r.vm.Get("JSON").(*goja.Object)
	parse, ok := goja.AssertFunction(json.Get("parse"))
	if !ok {
		missing = append(missing, "JSON.parse")
	}
	r.js.parseJSON = parse
	isView, ok := goja.AssertFunction(r.vm.Get("ArrayBuffer").(*goja.Object).Get("isView"))
	if !ok {
		missing = append(missing, "ArrayBuffer.isView")
	}
	r.js.isView = isView
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
