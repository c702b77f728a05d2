//go:build linux

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// generateApp writes, under dir, an app that loads exactly n modules
// (main.js included) spread over npm-like packages: main.js requires
// local modules under src/ and the packages in node_modules, which
// require their own files and, some, other packages. Each package has a
// package.json, files of a few hundred bytes to a few KB, and files that
// nothing loads (tests, type definitions, a minified build, a README), as
// published packages do. One package has a nested node_modules (a second
// version of a dependency), and some modules require JSON data.
//
// The layout is fixed by the seed, so every run times the same app.
func generateApp(dir string, n int) error {
	g := &appGen{dir: dir, rng: rand.New(rand.NewPCG(11, 2026))}
	// A tenth of the modules are the app's own, the rest its packages'.
	local := max(1, n/10)
	remaining := n - 1 - local
	var main strings.Builder
	main.WriteString("'use strict';\nlet sum = 0;\n")

	// Package sizes as npm trees have them: many small, a few large.
	sizes := []int{2, 3, 4, 6, 8, 12, 16, 24, 40, 64, 100}
	var pkgs []string
	for i := 0; remaining > 0; i++ {
		size := min(sizes[g.rng.IntN(len(sizes))], remaining)
		name := fmt.Sprintf("pkg-%02d", i)
		// Every fifth package requires the one before it, as a
		// dependency; they are all installed flat.
		var deps []string
		if i%5 == 4 {
			deps = append(deps, pkgs[len(pkgs)-1])
		}
		if err := g.pkg(filepath.Join("node_modules", name), name, size, deps); err != nil {
			return err
		}
		pkgs = append(pkgs, name)
		remaining -= size
	}
	for _, p := range pkgs {
		fmt.Fprintf(&main, "sum += require(%q).run(1);\n", p)
	}
	if err := g.write("package.json", fmt.Sprintf(`{"name": "bench-app", "version": "1.0.0", "private": true, "dependencies": %s}`+"\n", depsJSON(pkgs))); err != nil {
		return err
	}
	// The app's own modules, in a few folders.
	for i := 0; i < local; i++ {
		rel := fmt.Sprintf("src/%s/m%d.js", []string{"routes", "models", "lib", "views"}[i%4], i)
		if err := g.write(rel, g.module(i, nil)); err != nil {
			return err
		}
		fmt.Fprintf(&main, "sum += require('./%s').run(%d);\n", rel, i)
	}
	main.WriteString("console.log('sum', sum);\n")
	return g.write("main.js", main.String())
}

type appGen struct {
	dir string
	rng *rand.Rand
}

func (g *appGen) write(rel, content string) error {
	path := filepath.Join(g.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// pkg writes a package of size loaded modules at rel: index.js, which
// requires the others (lib/*.js, lib/util/*.js and, in some, a JSON file),
// and files nothing loads. deps are packages index.js requires too. The
// third package carries its own copy of a dependency in a nested
// node_modules, as npm installs conflicting versions.
func (g *appGen) pkg(rel, name string, size int, deps []string) error {
	var requires []string
	files := size - 1
	manifestDeps := deps
	if name == "pkg-02" && files > 0 {
		manifestDeps = append(manifestDeps, "nested-dep")
		// A nested dependency of one module.
		if err := g.pkg(filepath.Join(rel, "node_modules", "nested-dep"), "nested-dep", 1, nil); err != nil {
			return err
		}
		files--
		requires = append(requires, "nested-dep")
	}
	if files > 2 && g.rng.IntN(3) == 0 {
		if err := g.write(filepath.Join(rel, "data", "table.json"), g.json()); err != nil {
			return err
		}
		files--
		requires = append(requires, "./data/table.json")
	}
	for i := 0; i < files; i++ {
		sub := "lib"
		if i%3 == 2 {
			sub = "lib/util"
		}
		file := fmt.Sprintf("%s/%s-%d.js", sub, name, i)
		if err := g.write(filepath.Join(rel, file), g.module(i, nil)); err != nil {
			return err
		}
		requires = append(requires, "./"+file)
	}
	requires = append(requires, deps...)
	if err := g.write(filepath.Join(rel, "index.js"), g.module(size, requires)); err != nil {
		return err
	}
	if err := g.write(filepath.Join(rel, "package.json"), fmt.Sprintf(
		`{"name": %q, "version": "1.%d.0", "description": "generated for intact's node benchmark", "main": "index.js", "license": "MIT", "dependencies": %s}`+"\n",
		name, g.rng.IntN(20), depsJSON(manifestDeps))); err != nil {
		return err
	}
	// What published packages carry and nothing here loads: about a
	// quarter more code files, types, docs.
	for i := 0; i < (size+3)/4; i++ {
		if err := g.write(filepath.Join(rel, "test", fmt.Sprintf("t%d.js", i)), g.module(i, nil)); err != nil {
			return err
		}
	}
	extras := map[string]string{
		"index.d.ts":               "export declare function run(x: number): number;\n",
		"README.md":                "# " + name + "\n\nGenerated for intact's node benchmark.\n",
		"LICENSE":                  "MIT\n",
		"dist/" + name + ".min.js": "module.exports={run:function(x){return x}};\n",
	}
	for f, content := range extras {
		if err := g.write(filepath.Join(rel, f), content); err != nil {
			return err
		}
	}
	return nil
}

// depsJSON is the "dependencies" object of a package.json naming pkgs.
func depsJSON(pkgs []string) string {
	var b strings.Builder
	b.WriteString("{")
	for i, p := range pkgs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: \"^1.0.0\"", p)
	}
	b.WriteString("}")
	return b.String()
}

// module is a CommonJS module of one to four KB that requires reqs and
// exports run, which adds the results of the modules it required.
func (g *appGen) module(id int, reqs []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "'use strict';\n/**\n * Module %d, generated for intact's node benchmark.\n */\n", id)
	for i, r := range reqs {
		fmt.Fprintf(&b, "const dep%d = require(%q);\n", i, r)
	}
	fns := 1 + g.rng.IntN(6)
	for f := 0; f < fns; f++ {
		fmt.Fprintf(&b, `
/**
 * step%[1]d mixes x into a small table: it exists so that the module has
 * the size and shape of real library code, with comments and branches.
 */
function step%[1]d(x, table = [%[2]d, %[3]d, %[4]d, %[5]d]) {
  let acc = 0;
  for (let i = 0; i < table.length; i++) {
    if ((x + i) %% 3 === 0) acc += table[i] * x;
    else if ((x + i) %% 3 === 1) acc -= table[i];
    else acc ^= table[i] << (i & 7);
  }
  return typeof acc === 'number' && Number.isFinite(acc) ? acc %% 1000 : 0;
}
`, f, g.rng.IntN(100), g.rng.IntN(100), g.rng.IntN(100), g.rng.IntN(100))
	}
	b.WriteString("\nfunction run(x) {\n  let s = 0;\n")
	for f := 0; f < fns; f++ {
		fmt.Fprintf(&b, "  s += step%d(x);\n", f)
	}
	for i, r := range reqs {
		if strings.HasSuffix(r, ".json") {
			fmt.Fprintf(&b, "  s += dep%d.rows.length;\n", i)
		} else {
			fmt.Fprintf(&b, "  s += dep%d.run(x);\n", i)
		}
	}
	b.WriteString("  return s;\n}\n\nmodule.exports = { run };\n")
	return b.String()
}

// json is a data file of a few hundred bytes.
func (g *appGen) json() string {
	var b strings.Builder
	b.WriteString(`{"rows": [`)
	for i := 0; i < 5+g.rng.IntN(20); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"id": %d, "name": "row %d", "weight": %d}`, i, i, g.rng.IntN(1000))
	}
	b.WriteString("]}\n")
	return b.String()
}
