package nodelib_test

import (
	"testing"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/require"

	"github.com/intactdev/intact/jsruntime/nodelib"
)

// newRuntime returns a runtime with require enabled on a registry that has
// this package's modules, and the globals installed.
func newRuntime(t *testing.T, reg *require.Registry) *goja.Runtime {
	t.Helper()
	rt := goja.New()
	reg.Enable(rt)
	nodelib.EnableGlobals(rt)
	return rt
}

func newRegistry() *require.Registry {
	reg := require.NewRegistry()
	nodelib.Register(reg)
	return reg
}

func run(t *testing.T, rt *goja.Runtime, src string) goja.Value {
	t.Helper()
	v, err := rt.RunString(src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return v
}

func TestFormatAndInspect(t *testing.T) {
	rt := newRuntime(t, newRegistry())
	args := []goja.Value{rt.ToValue("%s has %d items:"), rt.ToValue("list"), rt.ToValue(3), run(t, rt, `({a: [1, 'x'], m: new Map([[1, 2]])})`)}
	if got, want := nodelib.Format(rt, args), "list has 3 items: { a: [ 1, 'x' ], m: Map(1) { 1 => 2 } }"; got != want {
		t.Errorf("Format = %q, want %q", got, want)
	}
	if got, want := nodelib.Inspect(rt, rt.ToValue("it's")), `"it's"`; got != want {
		t.Errorf("Inspect(string) = %q, want %q", got, want)
	}
	if got, want := nodelib.Format(rt, nil), ""; got != want {
		t.Errorf("Format() = %q, want %q", got, want)
	}
}

// Inspect and Format work on a runtime where require was never enabled, so
// a host can use them for its console before anything else is set up.
func TestInspectWithoutRegistry(t *testing.T) {
	rt := goja.New()
	if got, want := nodelib.Inspect(rt, run(t, rt, `[1, {b: null}]`)), "[ 1, { b: null } ]"; got != want {
		t.Errorf("Inspect = %q, want %q", got, want)
	}
}

// Every module loads under both names, and both names give the same object.
func TestModulesUnderBothNames(t *testing.T) {
	rt := newRuntime(t, newRegistry())
	for _, name := range nodelib.Modules {
		v := run(t, rt, `require('`+name+`') === require('node:`+name+`') && typeof require('`+name+`')`)
		if v.String() != "object" && v.String() != "function" {
			t.Errorf("require(%q): got %v, want the same object under node:%s", name, v, name)
		}
	}
	if _, err := rt.RunString(`require('node:no_such_module')`); err == nil {
		t.Error("require('node:no_such_module') succeeded")
	}
}

// Module instances belong to one runtime: changing one runtime's events
// module does not reach another runtime sharing the registry.
func TestModulesPerRuntime(t *testing.T) {
	reg := newRegistry()
	a := newRuntime(t, reg)
	b := newRuntime(t, reg)
	run(t, a, `require('events').prototype.marker = 1`)
	if v := run(t, b, `require('events').prototype.marker`); !goja.IsUndefined(v) {
		t.Errorf("runtime b sees runtime a's change: %v", v)
	}
	if v := run(t, b, `Buffer === require('buffer').Buffer && Buffer.from('hi').toString('hex')`); v.String() != "6869" {
		t.Errorf("Buffer in runtime b: %v", v)
	}
}

// EnableGlobals installs what Node has and goja lacks, and keeps a host's
// own Error.captureStackTrace.
func TestEnableGlobals(t *testing.T) {
	rt := goja.New()
	require.NewRegistry().Enable(rt)
	run(t, rt, `Error.captureStackTrace = function hostOwn() {}`)
	nodelib.EnableGlobals(rt)
	for _, name := range []string{"Buffer", "URL", "URLSearchParams", "TextEncoder", "TextDecoder", "atob", "btoa", "structuredClone"} {
		if v := run(t, rt, `typeof `+name); v.String() != "function" {
			t.Errorf("typeof %s = %v, want function", name, v)
		}
	}
	if v := run(t, rt, `Error.captureStackTrace.name`); v.String() != "hostOwn" {
		t.Errorf("EnableGlobals replaced the host's Error.captureStackTrace: %v", v)
	}
}

// fs errors carry Node's code, errno, syscall and path, and the message names
// the file; a missing file is never created by reading it.
func TestFSErrors(t *testing.T) {
	rt := newRuntime(t, newRegistry())
	dir := t.TempDir()
	rt.Set("dir", dir)
	v := run(t, rt, `
		const fs = require('fs');
		let e;
		try { fs.readFileSync(dir + '/missing.txt'); } catch (err) { e = err; }
		[e instanceof Error, e.code, e.syscall, e.path === dir + '/missing.txt', e.message === "ENOENT: no such file or directory, open '" + dir + "/missing.txt'", fs.existsSync(dir + '/missing.txt')].join()`)
	if got, want := v.String(), "true,ENOENT,open,true,true,false"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// assert failures are AssertionErrors with code ERR_ASSERTION.
func TestAssertFailure(t *testing.T) {
	rt := newRuntime(t, newRegistry())
	v := run(t, rt, `
		const assert = require('assert');
		let e;
		try { assert.deepStrictEqual({a: 1}, {a: 2}); } catch (err) { e = err; }
		[e instanceof assert.AssertionError, e.code, e.name, e.operator].join()`)
	if got, want := v.String(), "true,ERR_ASSERTION,AssertionError,deepStrictEqual"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
