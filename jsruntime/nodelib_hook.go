package jsruntime

import (
	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/require"
	"github.com/intactdev/intact/jsruntime/nodelib"
)

// registerNodelib registers the Node core library modules into the registry
// of built-ins; enableNodelibGlobals installs their globals (Buffer, URL,
// TextEncoder, …).
func registerNodelib(reg *require.Registry) { nodelib.Register(reg) }

func enableNodelibGlobals(rt *goja.Runtime) { nodelib.EnableGlobals(rt) }

// nodelibLoop is the runtime's event loop as the Node library sees it
// (nodelib.Loop), for what waits on the operating system, such as fs.watch.
type nodelibLoop struct{ r *Runtime }

func (l nodelibLoop) Post(stop <-chan struct{}, fn func()) bool {
	select {
	case l.r.loop.posted <- fn:
		return true
	case <-stop:
		return false
	}
}

func (l nodelibLoop) Call(fn goja.Value, args ...goja.Value) { l.r.call(fn, goja.Undefined(), args...) }

func (l nodelibLoop) Ref() { l.r.loop.pending++ }

func (l nodelibLoop) Unref() { l.r.loop.pending-- }

// connectNodelibLoop gives the Node library the runtime's event loop;
// closeNodelib stops what the library still waits on.
func connectNodelibLoop(r *Runtime) { nodelib.SetLoop(r.vm, nodelibLoop{r}) }

func closeNodelib(rt *goja.Runtime) { nodelib.Close(rt) }
