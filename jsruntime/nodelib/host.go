package nodelib

import "github.com/dop251/goja"

// ProvideBinding installs obj as the host's implementation of the internal
// binding name, which the library's modules reach as internalBinding(name).
// Call it after EnableGlobals and before the program runs.
//
// child_process starts processes through the host's "spawn" binding: only
// the host has the event loop that delivers a child's output and exit, and
// only the host knows how to start a child runtime under its own policy.
// Without it, every child_process call throws ERR_NOT_SUPPORTED.
func ProvideBinding(rt *goja.Runtime, name string, obj *goja.Object) {
	state(rt).modules["internal/"+name] = obj
}

func init() {
	// The host replaces it (ProvideBinding); an empty binding means that
	// no host starts processes.
	natives["internal/spawn"] = func(*libState, *goja.Object) {}
}
