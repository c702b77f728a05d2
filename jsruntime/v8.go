package jsruntime

import "github.com/dop251/goja"

// v8Module is the part of node:v8 whose answers are true of this runtime:
// the startup snapshot API, which reports that no snapshot is being built
// (prettier asks), with Node's error for the calls that need one. The
// heap, serializer and flag functions of V8 have no counterpart in goja
// and are absent rather than answering for another engine.
func (r *Runtime) v8Module() goja.Value {
	notBuilding := func(goja.FunctionCall) goja.Value {
		r.throw(&nodeError{Code: "ERR_NOT_BUILDING_SNAPSHOT", Message: "Operation cannot be invoked when not building startup snapshot"})
		return nil
	}
	snapshot := r.vm.NewObject()
	snapshot.Set("isBuildingSnapshot", func() bool { return false })
	snapshot.Set("addSerializeCallback", notBuilding)
	snapshot.Set("addDeserializeCallback", notBuilding)
	snapshot.Set("setDeserializeMainFunction", notBuilding)
	m := r.vm.NewObject()
	m.Set("startupSnapshot", snapshot)
	return m
}
