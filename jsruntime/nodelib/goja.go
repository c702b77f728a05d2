package nodelib

import (
	"github.com/dop251/goja"
	"github.com/dop251/goja_nodejs/buffer"
	"github.com/dop251/goja_nodejs/url"
)

// The Buffer class and the WHATWG URL classes come from goja_nodejs; the
// JavaScript modules buffer and url complete them.
func init() {
	natives["internal/goja_buffer"] = func(s *libState, module *goja.Object) {
		buffer.Require(s.rt, module)
		ctor := module.Get("exports").ToObject(s.rt).Get("Buffer").ToObject(s.rt)
		guardPanics(s.rt, ctor)
		guardPanics(s.rt, ctor.Get("prototype").ToObject(s.rt))
	}
	natives["internal/goja_url"] = func(s *libState, module *goja.Object) {
		url.Require(s.rt, module)
		exports := module.Get("exports").ToObject(s.rt)
		guardPrototype(s.rt, exports.Get("URL").ToObject(s.rt))
		// URLSearchParams's methods are replaceable; its one accessor,
		// size, is not, and only counts the parameters.
		guardPanics(s.rt, exports.Get("URLSearchParams").ToObject(s.rt).Get("prototype").ToObject(s.rt))
	}
}
