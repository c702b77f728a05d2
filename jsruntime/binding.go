package jsruntime

import (
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/dop251/goja"
	"github.com/intactdev/intact/jsruntime/nodelib"
	"golang.org/x/term"
)

// errnoValue is undefined for a nil err, else [code, errno, description]
// as libuv names them.
func (r *Runtime) errnoValue(err error) goja.Value {
	if err == nil {
		return goja.Undefined()
	}
	code, errno, desc := nodelib.Errno(err)
	return r.vm.ToValue([]any{code, errno, desc})
}

// binding builds the object prelude.js receives: the Go functions behind
// process, timers, stdio and modules.
func (r *Runtime) binding() *goja.Object {
	b := r.vm.NewObject()
	set := func(name string, v any) { b.Set(name, v) }

	set("process", r.processObject())
	set("noWarnings", r.cfg.NoWarnings)
	set("wrapperLength", len(wrapperHead))
	// The runtime's own printouts (warnings) pass names through this.
	set("escapeLines", escapeLines)
	set("builtinRequire", func(name string) goja.Value { return r.requireBuiltin(name) })
	set("builtinModules", builtinModules)
	set("isBuiltin", isBuiltin)
	set("require", func(mod *goja.Object, id string, esm bool) goja.Value { return r.requireFrom(mod, id, esm) })
	set("resolve", r.jsResolve)
	set("resolvePaths", func(mod *goja.Object, request string) goja.Value {
		if isBuiltin(request) {
			return goja.Null()
		}
		dir := r.moduleDir(mod)
		if isPathRequest(request) {
			return r.vm.ToValue([]string{dir})
		}
		return r.vm.ToValue(nodeModulesPaths(dir))
	})
	set("nodeModulePaths", nodeModulesPaths)
	set("dirname", filepath.Dir)
	set("fileURLToPath", func(s string) string {
		p, err := fileURLPath(s)
		if err != nil {
			r.throw(err)
		}
		return p
	})

	set("write", func(fd int, chunk goja.Value) {
		data := r.bytesOf(chunk, "chunk", chunkTypes)
		w := r.cfg.Stdout
		if fd == 2 {
			w = r.cfg.Stderr
		}
		w.Write(data)
	})
	set("isatty", func(fd int) bool {
		f := r.fdFile(fd)
		return f != nil && term.IsTerminal(int(f.Fd()))
	})
	set("termColumns", func(fd int) int {
		if f := r.fdFile(fd); f != nil {
			if w, _, err := term.GetSize(int(f.Fd())); err == nil {
				return w
			}
		}
		return 80
	})
	set("stdinStart", r.startStdin)
	set("stdinStop", r.stopStdin)

	set("exit", func(code int) { r.exit(code) })
	set("reportUncaught", func(v goja.Value) { r.uncaught(v) })
	set("cwd", r.cwd)
	// chdir, kill and the credential setters return [code, errno,
	// description] on failure: prelude.js builds Node's error from it.
	set("chdir", func(dir string) goja.Value { return r.errnoValue(os.Chdir(dir)) })
	set("kill", func(pid, sig int) goja.Value { return r.errnoValue(kill(pid, sig)) })
	set("umask", umask)
	set("activeResources", func() []int {
		timeouts, immediates := r.loop.active()
		return []int{timeouts, immediates}
	})
	r.credentialBindings(set)
	// isProxy tells a Proxy, whose traps the module loader must not run.
	// By its export type: exporting a plain object would read every
	// property, running its getters.
	proxyType := reflect.TypeOf(goja.Proxy{})
	set("isProxy", func(v goja.Value) bool {
		o, ok := v.(*goja.Object)
		return ok && o.ExportType() == proxyType
	})
	set("uptime", func() float64 { return time.Since(r.start).Seconds() })
	set("hrtime", func() []int64 {
		ns := time.Since(r.start).Nanoseconds() + hrtimeBase
		return []int64{ns / 1e9, ns % 1e9}
	})
	set("hrtimeBigint", func() *big.Int { return big.NewInt(time.Since(r.start).Nanoseconds() + hrtimeBase) })
	set("hrtimeMs", func() float64 { return float64(time.Since(r.start).Nanoseconds()) / 1e6 })
	set("memoryUsage", func() map[string]any {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return map[string]any{"rss": m.Sys, "heapTotal": m.HeapSys, "heapUsed": m.HeapAlloc, "external": 0, "arrayBuffers": 0}
	})
	set("cpuUsage", func() map[string]any {
		user, system, err := cpuUsage()
		if err != nil {
			r.throw(&nodeError{Code: "ERR_SYSTEM_ERROR", Message: "A system error occurred: process.cpuUsage: " + err.Error(), Err: err})
		}
		return map[string]any{"user": user, "system": system}
	})
	set("getuid", os.Getuid)
	set("getgid", os.Getgid)

	set("setTimer", func(fn, this goja.Value, delay int64, repeat bool, args []goja.Value) int64 {
		return r.loop.add(&timer{fn: fn, this: this, args: args, delay: time.Duration(delay) * time.Millisecond, repeat: repeat})
	})
	set("setImmediate", func(fn, this goja.Value, args []goja.Value) int64 {
		return r.loop.add(&timer{fn: fn, this: this, args: args, immediate: true})
	})
	set("clearTimer", r.loop.clear)
	set("timerRef", r.loop.setRef)
	set("timerHasRef", func(id int64) bool {
		t := r.loop.byID[id]
		return t != nil && t.ref
	})
	set("timerRefresh", r.loop.refresh)
	// timerScheduled tells whether the timer will fire again: a timeout
	// refreshed during its own callback will.
	set("timerScheduled", func(id int64) bool {
		t := r.loop.byID[id]
		return t != nil && t.index >= 0
	})
	return b
}

// hrtimeBase keeps process.hrtime() away from zero, as Node's is.
const hrtimeBase = int64(1e9)

func (r *Runtime) fdFile(fd int) *os.File {
	var w any
	switch fd {
	case 0:
		return r.cfg.Stdin
	case 1:
		w = r.cfg.Stdout
	case 2:
		w = r.cfg.Stderr
	}
	f, _ := w.(*os.File)
	return f
}

// chunkTypes is what a chunk written to stdio or a child must be, in Node's
// words (Node 20's process.stdout.write).
const chunkTypes = "of type string or an instance of Buffer, TypedArray, or DataView"

// bytesOf returns the bytes of v, the argument name: a string, an
// ArrayBuffer, or a typed array or DataView, whose bytes are read from its
// internal slots as Node reads them (its buffer, byteOffset and byteLength
// accessors are the program's to replace or delete). Anything else throws
// Node's ERR_INVALID_ARG_TYPE, saying that v must be expected: the checks
// in JavaScript before the call let some through (instanceof an object
// that only inherits from Uint8Array.prototype, a Proxy of a view, a
// replaced ArrayBuffer.isView).
func (r *Runtime) bytesOf(v goja.Value, name, expected string) []byte {
	if goja.IsString(v) {
		return []byte(v.String())
	}
	if obj, ok := v.(*goja.Object); ok {
		// Export calls no JavaScript for these types: only for others,
		// a plain object's getters among them.
		switch obj.ExportType() {
		case reflect.TypeOf([]byte(nil)): // a Uint8Array, the common case
			return obj.Export().([]byte)
		case reflect.TypeOf(goja.ArrayBuffer{}):
			return obj.Export().(goja.ArrayBuffer).Bytes()
		}
		if view, err := r.js.isView(goja.Undefined(), obj); err == nil && view.ToBoolean() {
			var b []byte
			if err := r.vm.ExportTo(obj, &b); err == nil {
				return b
			}
		}
	}
	e, err := r.js.invalidArgType(goja.Undefined(), r.vm.ToValue(name), r.vm.ToValue(expected), v)
	if err != nil {
		r.throw(err)
	}
	panic(e)
}

// jsResolve is require.resolve.
func (r *Runtime) jsResolve(mod *goja.Object, request string, paths goja.Value, esm bool) string {
	if isBuiltin(request) {
		return request
	}
	if paths == nil || goja.IsUndefined(paths) || goja.IsNull(paths) {
		f, err := r.resolveFrom(mod, request, esm)
		if err != nil {
			r.throw(err)
		}
		return f
	}
	var dirs []string
	if err := r.vm.ExportTo(paths, &dirs); err != nil {
		r.throw(err)
	}
	var firstErr error
	for _, d := range dirs {
		if !filepath.IsAbs(d) {
			d = filepath.Join(r.cwd(), d)
		}
		fake := r.vm.NewObject()
		fake.Set("filename", filepath.Join(d, "[resolve]"))
		f, err := r.resolveFrom(fake, request, esm)
		if err == nil {
			return f
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = notFound(request)
	}
	r.throw(firstErr)
	return ""
}

// processObject returns process with its data fields; prelude.js adds the
// methods.
func (r *Runtime) processObject() *goja.Object {
	p := r.vm.NewObject()
	env := r.vm.NewObject()
	for _, kv := range r.cfg.Env {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env.Set(k, v)
		}
	}
	p.Set("env", env)
	p.Set("argv", []any{r.cfg.ExecPath})
	p.Set("argv0", r.cfg.Argv0)
	p.Set("execPath", r.cfg.ExecPath)
	p.Set("platform", nodelib.Platform())
	p.Set("arch", nodelib.Arch())
	p.Set("pid", os.Getpid())
	p.Set("ppid", os.Getppid())
	p.Set("version", "v"+NodeVersion)
	versions := r.vm.NewObject()
	versions.Set("node", NodeVersion)
	versions.Set("modules", "115")
	versions.Set("intact", "goja")
	p.Set("versions", versions)
	release := r.vm.NewObject()
	release.Set("name", "node")
	release.Set("lts", "Iron")
	p.Set("release", release)
	return p
}

// ---- stdin ---------------------------------------------------------------

// startStdin starts reading standard input for process.stdin's 'data' and
// 'end' events. The reader keeps the loop alive until end of input.
func (r *Runtime) startStdin() {
	if r.stdinReading || r.exiting {
		return
	}
	r.stdinReading = true
	r.stdinStop = make(chan struct{})
	stop := r.stdinStop
	r.loop.pending++
	in := r.cfg.Stdin
	post := func(fn func()) bool {
		select {
		case r.loop.posted <- fn:
			return true
		case <-stop:
			return false
		}
	}
	go func() {
		buf := make([]byte, 64*1024)
		for {
			n, err := in.Read(buf)
			if n > 0 {
				chunk := append([]byte(nil), buf[:n]...)
				if !post(func() {
					r.call(r.js.stdinChunk, goja.Undefined(), r.vm.ToValue(r.vm.NewArrayBuffer(chunk)))
				}) {
					return
				}
			}
			if err != nil {
				post(func() {
					r.loop.pending--
					r.stdinReading = false
					r.call(r.js.stdinEnd, goja.Undefined())
				})
				return
			}
		}
	}()
}

// stopStdin stops delivering stdin data (process.stdin.pause()). A read in
// progress finishes in the background and is dropped.
func (r *Runtime) stopStdin() {
	if !r.stdinReading {
		return
	}
	r.stdinReading = false
	close(r.stdinStop)
	r.loop.pending--
}
