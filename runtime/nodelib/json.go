package nodelib

import (
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
