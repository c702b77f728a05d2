package jsruntime

import (
	"testing"

	"github.com/intactdev/intact"
)

// FuzzCompileModule compiles arbitrary source as each kind of module: a
// malformed file must give an error, never a panic.
func FuzzCompileModule(f *testing.F) {
	for _, seed := range []string{
		"module.exports = 1",
		"#!/usr/bin/env node\nconsole.log(1)",
		"\xef\xbb\xbfexport default 1",
		"import x from 'y'; export { x as 'module.exports' }",
		"async function* g() { yield 1 } for await (const x of g()) {}",
		"await 1",
		"let x: number = `${1}`",
		"class A { #x; static { this.y = 1 } }",
		"})(); (function () {",
	} {
		f.Add(seed)
	}
	r, err := New(Config{Policy: intact.New(intact.Config{})})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, name := range []string{"/fuzz/m.js", "/fuzz/m.mjs", "/fuzz/m.ts"} {
			r.compileModule(name, []byte(src))
		}
	})
}
