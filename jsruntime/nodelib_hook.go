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
