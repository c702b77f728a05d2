package jsruntime

import (
	"errors"
	"strings"

	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/require"
)

// builtinModules are Node's built-in module names (Node 20). Requests for
// them never touch the file system and are not checked: they are part of
// the runtime. Those intact does not implement fail with
// ERR_UNKNOWN_BUILTIN_MODULE when required.
var builtinModules = []string{
	"_http_agent", "_http_client", "_http_common", "_http_incoming", "_http_outgoing", "_http_server",
	"_stream_duplex", "_stream_passthrough", "_stream_readable", "_stream_transform", "_stream_wrap",
	"_stream_writable", "_tls_common", "_tls_wrap", "assert", "assert/strict", "async_hooks", "buffer",
	"child_process", "cluster", "console", "constants", "crypto", "dgram", "diagnostics_channel", "dns",
	"dns/promises", "domain", "events", "fs", "fs/promises", "http", "http2", "https", "inspector",
	"inspector/promises", "module", "net", "os", "path", "path/posix", "path/win32", "perf_hooks", "process",
	"punycode", "querystring", "readline", "readline/promises", "repl", "stream", "stream/consumers",
	"stream/promises", "stream/web", "string_decoder", "sys", "timers", "timers/promises", "tls",
	"trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi", "worker_threads", "zlib",
}

var builtinSet = func() map[string]bool {
	m := make(map[string]bool, len(builtinModules))
	for _, n := range builtinModules {
		m[n] = true
	}
	return m
}()

// prefixOnly are built-ins that exist only with the node: prefix.
var prefixOnly = map[string]bool{"test": true, "sea": true, "sqlite": true, "test/reporters": true}

// isBuiltin reports whether request names a built-in module.
func isBuiltin(request string) bool {
	if name, ok := strings.CutPrefix(request, "node:"); ok {
		return builtinSet[name] || prefixOnly[name]
	}
	return builtinSet[request]
}

// requireBuiltin returns a built-in module's exports. The runtime's own
// (process, console, timers, module, vm) come first, then the registry's
// (jsruntime/nodelib, and goja_nodejs's buffer and url).
func (r *Runtime) requireBuiltin(request string) goja.Value {
	name := strings.TrimPrefix(request, "node:")
	if name == "sys" {
		name = "util"
	}
	if v, ok := r.builtins[name]; ok {
		return v
	}
	var v goja.Value
	switch name {
	case "process":
		v = r.js.process
	case "console":
		v = r.js.console
	case "timers":
		v = r.js.timers
	case "module":
		v = r.js.module
	case "vm":
		v = r.vmModule()
	case "v8":
		v = r.v8Module()
	case "perf_hooks":
		// The global performance is the part of perf_hooks this runtime
		// has (prettier imports it from here).
		m := r.vm.NewObject()
		m.Set("performance", r.vm.Get("performance"))
		v = m
	default:
		var err error
		v, err = r.req.Require(name)
		if err != nil {
			v, err = r.req.Require("node:" + name)
		}
		if err != nil {
			if errors.Is(err, require.InvalidModuleError) || errors.Is(err, require.NoSuchBuiltInModuleError) {
				r.throw(&nodeError{Code: "ERR_UNKNOWN_BUILTIN_MODULE", Message: "No such built-in module: " + request + " (intact does not implement it)"})
			}
			r.throw(err)
		}
	}
	r.builtins[name] = v
	return v
}
