package jsruntime

import (
	"time"

	"github.com/dop251/goja"
)

func (r *Runtime) performance() *goja.Object {
	p := r.vm.NewObject()
	p.Set("timeOrigin", float64(r.start.UnixNano())/1e6)
	p.Set("now", func() float64 { return float64(time.Since(r.start).Nanoseconds()) / 1e6 })
	p.Set("mark", func() {})
	p.Set("measure", func() {})
	return p
}
