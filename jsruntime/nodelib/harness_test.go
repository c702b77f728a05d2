package nodelib_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/eventloop"
	"github.com/dop251/goja_nodejs/require"

	"github.com/intactdev/intact/jsruntime/nodelib"
)

// runGoja runs the script file under a minimal Node-like host built only from
// goja, goja_nodejs's require and event loop, and this package: console.log
// prints Format(args), process offers what the test scripts use. It returns
// what the script printed on stdout and stderr, and the uncaught error, if any.
func runGoja(t testing.TB, script string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	abs, err := filepath.Abs(script)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	reg := require.NewRegistry()
	nodelib.Register(reg)
	for _, name := range []string{"process", "node:process"} {
		reg.RegisterNativeModule(name, func(rt *goja.Runtime, module *goja.Object) {
			module.Set("exports", rt.Get("process"))
		})
	}
	loop := eventloop.NewEventLoop(eventloop.WithRegistry(reg), eventloop.EnableConsole(false))
	var runErr error
	exitCode := -1
	done := make(chan struct{})
	go func() {
		defer close(done)
		loop.Run(func(rt *goja.Runtime) {
			nodelib.EnableGlobals(rt)
			rt.SetFieldNameMapper(goja.UncapFieldNameMapper())
			print := func(w *bytes.Buffer) func(goja.FunctionCall) goja.Value {
				return func(call goja.FunctionCall) goja.Value {
					w.WriteString(nodelib.Format(rt, call.Arguments) + "\n")
					return goja.Undefined()
				}
			}
			console := rt.NewObject()
			console.Set("log", print(&out))
			console.Set("info", print(&out))
			console.Set("error", print(&errOut))
			console.Set("warn", print(&errOut))
			console.Set("dir", func(v goja.Value) { out.WriteString(nodelib.Inspect(rt, v) + "\n") })
			rt.Set("console", console)
			rt.Set("queueMicrotask", func(f goja.Callable) {
				p, resolve, _ := rt.NewPromise()
				then, _ := goja.AssertFunction(rt.ToValue(p).ToObject(rt).Get("then"))
				then(rt.ToValue(p), rt.ToValue(func() { f(goja.Undefined()) }))
				resolve(nil)
			})
			process := rt.NewObject()
			env := rt.NewObject()
			for _, kv := range os.Environ() {
				k, v, _ := strings.Cut(kv, "=")
				env.Set(k, v)
			}
			process.Set("env", env)
			process.Set("argv", append([]string{"node", abs}, args...))
			process.Set("platform", "linux")
			process.Set("pid", os.Getpid())
			process.Set("exitCode", goja.Undefined())
			process.Set("cwd", func() string { d, _ := os.Getwd(); return d })
			process.Set("versions", map[string]string{"node": "20.0.0"})
			process.Set("version", "v20.0.0")
			process.Set("stdout", map[string]any{"write": func(s string) bool { out.WriteString(s); return true }, "isTTY": false})
			process.Set("stderr", map[string]any{"write": func(s string) bool { errOut.WriteString(s); return true }, "isTTY": false})
			process.Set("exit", func(code int) { exitCode = code; rt.Interrupt("exit") })
			process.Set("emitWarning", func(msg goja.Value, typ goja.Value, code goja.Value) {
				name := "Warning"
				if !goja.IsUndefined(typ) {
					name = typ.String()
				}
				prefix := ""
				if !goja.IsUndefined(code) {
					prefix = "[" + code.String() + "] "
				}
				fmt.Fprintf(&errOut, "(node:%d) %s%s: %s\n", os.Getpid(), prefix, name, msg.String())
			})
			rt.Set("process", process)
			if _, err := rt.RunString(`process.nextTick = (f, ...a) => queueMicrotask(() => f(...a))`); err != nil {
				runErr = err
				return
			}
			req, _ := goja.AssertFunction(rt.Get("require"))
			if _, err := req(goja.Undefined(), rt.ToValue(abs)); err != nil {
				runErr = err
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		loop.Terminate()
		t.Fatalf("%s: timed out", script)
	}
	if exitCode > 0 && runErr == nil {
		runErr = fmt.Errorf("exit status %d", exitCode)
	}
	if _, ok := runErr.(*goja.InterruptedError); ok && exitCode == 0 {
		runErr = nil
	}
	return out.String(), errOut.String(), runErr
}

// runNode runs the script under the real node, skipping the test when node
// is not installed.
func runNode(t testing.TB, script string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	node, lerr := exec.LookPath("node")
	if lerr != nil {
		t.Skip("node is not installed: cannot compare with Node's output")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
