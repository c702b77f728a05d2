package nodelib

import (
	"errors"
	"strconv"

	"github.com/dop251/goja"
)

// MaxJSONDepth is how deeply the arrays and objects of a text given to
// JSON.parse may nest. goja's parser recurses in Go once per level, and a Go
// stack overflow ends the process without any chance to recover, so a text
// of millions of "[" would crash it; deeper texts throw V8's catchable
// RangeError for an exhausted stack instead. V8 parses without recursion
// and has no such limit, but cannot JSON.stringify a value nested more
// than about 4,000 deep, so no JSON Node writes comes near this one.
const MaxJSONDepth = 10000

// jsonNesting returns how deeply text's arrays and objects nest, counting
// brackets outside strings, and stops counting once past limit.
func jsonNesting(text string, limit int) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > limit {
					return deepest
				}
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// makeDepthLimitedParse returns JSON.parse that throws a RangeError for a
// text nested deeper than MaxJSONDepth and otherwise calls parse.
func makeDepthLimitedParse(rt *goja.Runtime, parse goja.Callable) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		// JSON.parse converts its argument to a string first; so does the
		// check, on the same string, so a toString with side effects runs
		// once.
		text := call.Argument(0).ToString()
		if jsonNesting(text.String(), MaxJSONDepth) > MaxJSONDepth {
			panic(newError(rt, "RangeError", "Maximum call stack size exceeded"))
		}
		args := append([]goja.Value{text}, call.Arguments[min(1, len(call.Arguments)):]...)
		v, err := parse(goja.Undefined(), args...)
		if err != nil {
			panic(err)
		}
		return v
	}
}

// newError returns new globalThis[ctor](message).
func newError(rt *goja.Runtime, ctor, message string) *goja.Object {
	construct, _ := goja.AssertConstructor(rt.Get(ctor))
	e, err := construct(nil, rt.ToValue(message))
	if err != nil {
		panic(err)
	}
	return e
}

// limitJSONParseDepth replaces JSON.parse by one that refuses texts nested
// deeper than MaxJSONDepth.
func limitJSONParseDepth(rt *goja.Runtime, json *goja.Object) {
	parse, ok := goja.AssertFunction(json.Get("parse"))
	if !ok {
		return
	}
	limited := rt.ToValue(makeDepthLimitedParse(rt, parse)).ToObject(rt)
	limited.DefineDataProperty("name", rt.ToValue("parse"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	limited.DefineDataProperty("length", rt.ToValue(2), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	json.DefineDataProperty("parse", limited, goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
}

// MaxNativeDepth is how deeply goja's Go implementations of JSON.stringify
// and Array.prototype.join may recurse into a nested value. They recurse in
// Go, outside the JavaScript call-stack limit, so an array nested a million
// deep (built in a loop) overflowed Go's stack and ended the process; V8
// throws its RangeError for an exhausted stack there, and so does a value
// nested deeper than this. V8 itself runs out between about 2,000 and
// 10,000 levels, depending on the frame, so no value Node can serialize is
// refused; 10,000 levels take a few megabytes of Go stack.
const MaxNativeDepth = 10000

// stackOverflow returns V8's RangeError for an exhausted call stack.
func stackOverflow(rt *goja.Runtime) *goja.Object {
	return newError(rt, "RangeError", "Maximum call stack size exceeded")
}

// makeDepthLimitedStringify returns goja's JSON.stringify bounded in depth
// by MaxNativeDepth. goja calls a replacer function once for every value
// it serializes, after toJSON, with the object holding the value as this;
// the bound passes its own replacer, which calls the program's (if any),
// records the depth of each object it returns (one more than its holder's)
// and throws once that passes the limit. goja serializes exactly what the
// replacer returns and depth-first, so a holder's depth is always the one
// recorded last. A list of keys as replacer never reaches this function:
// the JavaScript serializer handles it (see internal_globals.js).
func makeDepthLimitedStringify(rt *goja.Runtime, stringify goja.Callable) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		value := call.Argument(0)
		replacer, isFunc := goja.AssertFunction(call.Argument(1))
		_, isObject := value.(*goja.Object)
		if !isObject && !goja.IsBigInt(value) && !isFunc {
			// A primitive has no toJSON to call and no properties: nothing
			// nests.
			v, err := stringify(goja.Undefined(), call.Arguments...)
			if err != nil {
				panic(err)
			}
			return v
		}
		depths := map[*goja.Object]int{}
		// Siblings share their holder: the last one's depth saves most
		// lookups.
		var lastHolder *goja.Object
		lastDepth := 0
		bound := func(c goja.FunctionCall) goja.Value {
			holder, _ := c.This.(*goja.Object)
			if holder != lastHolder {
				// The wrapper holding the value is not recorded: 0.
				lastHolder, lastDepth = holder, depths[holder]
			}
			depth := lastDepth + 1
			v := c.Argument(1)
			if isFunc {
				var err error
				if v, err = replacer(c.This, c.Arguments...); err != nil {
					panic(err)
				}
			}
			if o, ok := v.(*goja.Object); ok {
				if depth > MaxNativeDepth {
					panic(stackOverflow(rt))
				}
				depths[o] = depth
			}
			return v
		}
		v, err := stringify(goja.Undefined(), value, rt.ToValue(bound), call.Argument(2))
		if err != nil {
			panic(err)
		}
		return v
	}
}

// fixJSONStringify replaces json.stringify by one that indents like V8
// (goja's adds a level after an empty array or object when a gap is given)
// and is bounded in depth. The JavaScript serializer that indents comes
// from maker (internal_globals.js's makeJSONStringify), loaded on the first
// call that gives a gap or a list of keys; every other call goes straight
// to the depth-limited built-in, where that serializer would send it too.
func fixJSONStringify(rt *goja.Runtime, json *goja.Object, maker func() goja.Value) {
	native, ok := goja.AssertFunction(json.Get("stringify"))
	if !ok {
		return
	}
	limited := makeDepthLimitedStringify(rt, native)
	var indenting goja.Callable
	stringify := rt.ToValue(func(call goja.FunctionCall) goja.Value {
		if space := call.Argument(2); goja.IsUndefined(space) || goja.IsNull(space) {
			if r := call.Argument(1); goja.IsUndefined(r) || goja.IsNull(r) {
				return limited(call)
			} else if _, isFunc := goja.AssertFunction(r); isFunc {
				return limited(call)
			}
		}
		if indenting == nil {
			mk, ok := goja.AssertFunction(maker())
			if !ok {
				panic(rt.NewTypeError("nodelib: makeJSONStringify is not a function"))
			}
			f, err := mk(goja.Undefined(), rt.ToValue(limited))
			if err != nil {
				panic(err)
			}
			indenting, _ = goja.AssertFunction(f)
		}
		v, err := indenting(call.This, call.Arguments...)
		if err != nil {
			panic(err)
		}
		return v
	}).ToObject(rt)
	stringify.DefineDataProperty("name", rt.ToValue("stringify"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	stringify.DefineDataProperty("length", rt.ToValue(3), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	json.DefineDataProperty("stringify", nativeBoundary(rt, stringify), goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
}

// nativeBoundary returns a Go function that calls fn, a function written in
// JavaScript whose recursion may exhaust the call stack, and throws V8's
// catchable RangeError when it does. goja's own overflow cannot be caught by
// the JavaScript that overflowed; it unwinds to the nearest call from Go,
// which this function makes the call of fn.
func nativeBoundary(rt *goja.Runtime, fn *goja.Object) *goja.Object {
	call, _ := goja.AssertFunction(fn)
	bounded := rt.ToValue(func(c goja.FunctionCall) goja.Value {
		v, err := call(c.This, c.Arguments...)
		var overflow *goja.StackOverflowError
		if errors.As(err, &overflow) {
			panic(stackOverflow(rt))
		}
		if err != nil {
			panic(err)
		}
		return v
	}).ToObject(rt)
	copyNameAndLength(bounded, fn)
	return bounded
}

// MaxStringLength is V8's longest string, in UTF-16 code units.
const MaxStringLength = 1<<29 - 24

// joinNativeMin is the length from which joinStrings joins.
const joinNativeMin = 1 << 16

// joinStrings joins this, an array, with separator sep when its elements
// are all strings (undefined and null join as nothing) and the result is at
// least joinNativeMin long, as one allocation of the exact length: goja's
// join grows its buffer by doubling, which for a long text (util.inspect's,
// joined from its parts) costs more than the copy and peaks at three times
// its size. It returns ok false for any other array, left to goja's join, after
// checking that the join would not be longer than MaxStringLength, judged
// before it is built (Go cannot recover from a failed allocation): its
// separators alone, then its string elements, bound its length from below;
// other elements are not converted here (their toString would run twice).
// The elements are read through goja's Get, and read again to be joined, so
// an index getter runs once more than in V8.
func joinStrings(rt *goja.Runtime, this, sep goja.Value) (joined goja.Value, ok bool) {
	arr, isObject := this.(*goja.Object)
	if !isObject || arr.ClassName() != "Array" {
		return nil, false
	}
	length := arr.Get("length").ToInteger()
	var separator goja.String
	if sep == nil || goja.IsUndefined(sep) {
		separator = rt.ToValue(",").(goja.String)
	} else {
		s, isString := sep.(goja.String)
		if !isString {
			return nil, false
		}
		separator = s
	}
	n := max(length-1, 0) * int64(separator.Length())
	if n > MaxStringLength || length > MaxStringLength {
		if n > MaxStringLength {
			panic(newError(rt, "RangeError", "Invalid string length"))
		}
		return nil, false
	}
	allStrings := true
	for i := int64(0); i < length; i++ {
		switch v := arr.Get(strconv.FormatInt(i, 10)).(type) {
		case goja.String:
			if n += int64(v.Length()); n > MaxStringLength {
				panic(newError(rt, "RangeError", "Invalid string length"))
			}
		case nil:
		default:
			allStrings = allStrings && (goja.IsUndefined(v) || goja.IsNull(v))
		}
	}
	if !allStrings || n < joinNativeMin {
		return nil, false
	}
	var b goja.StringBuilder
	b.Grow(int(n))
	for i := int64(0); i < length; i++ {
		if i != 0 {
			b.WriteString(separator)
		}
		switch v := arr.Get(strconv.FormatInt(i, 10)).(type) {
		case goja.String:
			b.WriteString(v)
		case nil:
		default:
			if !goja.IsUndefined(v) && !goja.IsNull(v) {
				return nil, false // an index getter that changed its answer
			}
		}
	}
	return b.String(), true
}

// copyNameAndLength gives to the function that stands in for from its name
// and length.
func copyNameAndLength(to, from *goja.Object) {
	to.DefineDataProperty("name", from.Get("name"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	to.DefineDataProperty("length", from.Get("length"), goja.FLAG_FALSE, goja.FLAG_FALSE, goja.FLAG_TRUE)
}

// limitArrayJoinDepth bounds by MaxNativeDepth how deeply join, toString and
// toLocaleString of Array.prototype nest. goja's join converts each element
// to a string from Go, which for a nested array calls its toString, which
// calls join again: a recursion in Go that String(array) runs once per
// level. The three replacements share one count of the calls under way.
func limitArrayJoinDepth(rt *goja.Runtime, proto *goja.Object) {
	depth := 0
	for _, name := range []string{"join", "toString", "toLocaleString"} {
		fn, ok := proto.Get(name).(*goja.Object)
		if !ok {
			continue
		}
		native, ok := goja.AssertFunction(fn)
		if !ok {
			continue
		}
		limited := rt.ToValue(func(call goja.FunctionCall) goja.Value {
			if depth >= MaxNativeDepth {
				panic(stackOverflow(rt))
			}
			if name == "join" {
				if joined, ok := joinStrings(rt, call.This, call.Argument(0)); ok {
					return joined
				}
			}
			depth++
			defer func() { depth-- }()
			v, err := native(call.This, call.Arguments...)
			if err != nil {
				panic(err)
			}
			return v
		}).ToObject(rt)
		copyNameAndLength(limited, fn)
		proto.DefineDataProperty(name, limited, goja.FLAG_TRUE, goja.FLAG_FALSE, goja.FLAG_TRUE)
	}
}
