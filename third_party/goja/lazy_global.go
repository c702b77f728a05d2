package goja

import (
	"fmt"
	"maps"
	"slices"

	"github.com/dop251/goja/unistring"
)

// DefineLazyGlobal defines a data property of the global object whose
// value is computed by value the first time the property itself is
// needed: read, described (Object.getOwnPropertyDescriptor), assigned,
// redefined, deleted, or listed with its value (Object.keys, for-in).
// Until then it exists ('name' in globalThis is true) and nothing of
// value has run. The property is a data property from the start, as the
// built-in globals are (they load the same way); an accessor standing in
// for it would be visible.
//
// value runs at most once, on the goroutine that uses the runtime; it
// must not read the property it computes. It fails if the global object
// was replaced with SetGlobalObject or already has the property.
func (r *Runtime) DefineLazyGlobal(name string, value func() Value, writable, enumerable, configurable bool) error {
	o, ok := r.globalObject.self.(*templatedObject)
	if !ok {
		return fmt.Errorf("goja: a lazy global needs the runtime's own global object")
	}
	n := unistring.NewFromString(name)
	if o.hasOwnPropertyStr(n) {
		return fmt.Errorf("goja: the global object already has %q", name)
	}
	// The template is shared by every runtime's global object: this one
	// gets its own copy with one more property.
	t := *o.tmpl
	t.props = maps.Clone(t.props)
	t.propNames = slices.Clip(t.propNames)
	t.putStr(n, func(*Runtime) Value { return valueProp(value(), writable, enumerable, configurable) })
	o.tmpl = &t
	if o.propNames != nil {
		// Names already listed in definition order: this one comes next.
		o.propNames = append(copyNamesIfNeeded(o.propNames, 1), n)
	}
	return nil
}
