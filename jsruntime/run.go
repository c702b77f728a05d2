package jsruntime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/intactdev/intact"
	"github.com/intactdev/intact/jsruntime/nodelib"
)

// warnOnce prints Node's notice that code integrity is enforced, once per
// process, unless warnings are off.
var warnOnce sync.Once

func (r *Runtime) noticeEnforcement() {
	if !r.policy.ChecksCode() || r.cfg.NoWarnings {
		return
	}
	// Node's wording, but for where the policy came from: Node's is always
	// the system's, intact's may be one given on the command line or in
	// the environment (outside review rt64). And in audit mode nothing is
	// enforced.
	by := "policy (" + strings.Join(r.policy.Settings().EnforceCodeIntegrity.Sources, "; ") + ")"
	what := "being enforced by " + by
	if r.policy.Auditing() {
		what = "being audited by " + by + ": would-be denials are logged, not enforced"
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
// and returns the process exit status and the refusal that stopped the
// program, if one did (see Runtime). The main script and every preload are
// resolved and checked before any of them runs: when one is refused
// nothing runs and the refusal is printed as an uncaught error.
func (r *Runtime) RunMain(path string) (int, error) {
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
		return r.ended(status)
	}
	return r.ended(r.runProgram(preloads, func() {
		if _, err := r.loadModule(main.file, nil, src, true); err != nil {
			r.throw(err)
		}
	}))
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
// file`, and returns as RunMain does. Under DisableInteractiveMode the code
// runs only if the stdin descriptor itself passes the policy (a checked
// regular file); otherwise ERR_CODE_INTEGRITY_BLOCKED for "stdin" is
// printed, nothing runs, and the *intact.BlockedError is returned.
func (r *Runtime) RunStdin() (int, error) {
	var src []byte
	preloads, status, ok := r.begin(func() (err error) {
		src, err = r.policy.ReadStdin(r.cfg.Stdin)
		return err
	}, func() string { return "-" })
	if !ok {
		return r.ended(status)
	}
	name := filepath.Join(r.cwd(), "[stdin]")
	return r.ended(r.runProgram(preloads, func() {
		if _, err := r.loadModule(name, nil, src, true); err != nil {
			r.throw(err)
		}
	}))
}

// Eval runs code given on the command line, like `node -e` (or `node -p`
// when print is set, which prints the completion value), and returns as
// RunMain does. Under DisableInteractiveMode it prints
// ERR_CODE_INTEGRITY_BLOCKED for "eval", runs nothing, preloads included,
// and returns the *intact.BlockedError.
func (r *Runtime) Eval(code string, print bool) (int, error) {
	preloads, status, ok := r.begin(func() error { return r.policy.CheckInteractive(intact.FeatureEval) }, nil)
	if !ok {
		return r.ended(status)
	}
	return r.ended(r.runProgram(preloads, func() {
		r.addBuiltinGlobals()
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
	}))
}

// builtinGlobals defines, as node does for -e and -p, a global for each
// built-in module whose name has no underscore prefix and no slash: a
// getter that requires the module on first use, which assignment replaces.
const builtinGlobals = `(function (names, require) {
  for (const name of names) {
    if (name.startsWith('_') || name.includes('/') || Object.prototype.hasOwnProperty.call(globalThis, name)) continue;
    const setReal = (val) => {
      delete globalThis[name];
      globalThis[name] = val;
    };
    Object.defineProperty(globalThis, name, {
      get() {
        const lib = require(name);
        Object.defineProperty(globalThis, name, { get: () => lib, set: setReal, configurable: true, enumerable: false });
        return lib;
      },
      set: setReal, configurable: true, enumerable: false,
    });
  }
})`

// addBuiltinGlobals makes the built-in modules globals, as node -e does.
func (r *Runtime) addBuiltinGlobals() {
	fn, err := r.vm.RunString(builtinGlobals)
	if err != nil {
		r.throw(err)
	}
	add, _ := goja.AssertFunction(fn)
	if _, err := add(goja.Undefined(), r.vm.ToValue(builtinModules), r.vm.ToValue(r.requireBuiltin)); err != nil {
		r.throw(err)
	}
}

// ended returns a program's exit status with the policy refusal that
// stopped it, if one did.
func (r *Runtime) ended(status int) (int, error) { return status, r.stoppedBy }

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
