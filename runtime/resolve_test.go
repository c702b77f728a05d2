package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree writes files under a new temporary folder and returns it.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestResolveExportsTargets(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"node_modules/p/package.json": `{"exports": {
			".": "./main.js",
			"./escape": "./../outside.js",
			"./abs": "/etc/passwd",
			"./nm": "./node_modules/x.js",
			"./bare": "other",
			"./a/*": "./lib/*.js",
			"./a/special/*": "./special/*.js",
			"./gone": null
		}}`,
		"node_modules/p/main.js":           "",
		"node_modules/p/lib/x.js":          "",
		"node_modules/p/special/x.js":      "",
		"node_modules/outside.js":          "",
		"node_modules/p/node_modules/x.js": "",
	})
	r := newResolver()
	cases := []struct {
		request, want, code string
	}{
		{"p", "node_modules/p/main.js", ""},
		{"p/a/x", "node_modules/p/lib/x.js", ""},
		{"p/a/special/x", "node_modules/p/special/x.js", ""}, // the longer prefix wins
		{"p/escape", "", "ERR_INVALID_PACKAGE_TARGET"},
		{"p/abs", "", "ERR_INVALID_PACKAGE_TARGET"},
		{"p/nm", "", "ERR_INVALID_PACKAGE_TARGET"},
		{"p/bare", "", "ERR_INVALID_PACKAGE_TARGET"},
		{"p/gone", "", "ERR_PACKAGE_PATH_NOT_EXPORTED"},
		{"p/main.js", "", "ERR_PACKAGE_PATH_NOT_EXPORTED"},
		{"p/a/missing", "", "MODULE_NOT_FOUND"},
		{"#nothing", "", "ERR_PACKAGE_IMPORT_NOT_DEFINED"},
		{"@scope", "", "MODULE_NOT_FOUND"},
	}
	for _, c := range cases {
		got, err := r.resolve(c.request, dir, requireConditions)
		var ne *nodeError
		switch {
		case c.code != "":
			if !errors.As(err, &ne) || ne.Code != c.code {
				t.Errorf("resolve(%q) = %q, %v; want %s", c.request, got, err, c.code)
			}
		case err != nil || got != filepath.Join(dir, filepath.FromSlash(c.want)):
			t.Errorf("resolve(%q) = %q, %v; want %s", c.request, got, err, c.want)
		}
	}
}

// FuzzResolveExports feeds arbitrary package.json files to resolution:
// it must never panic, and what a package's "exports" resolve to must be a
// file inside the package folder.
func FuzzResolveExports(f *testing.F) {
	for _, seed := range []string{
		`{"exports": "./main.js"}`,
		`{"exports": {".": {"import": "./a.mjs", "require": ["./x.js", "./main.js"]}, "./*": "./lib/*.js"}}`,
		`{"exports": {"node": {"require": {"default": "./main.js"}}}, "imports": {"#a": "./main.js", "#b/*": "./lib/*.js"}}`,
		`{"exports": [null, {"default": "./main.js"}], "main": "main"}`,
		`{"exports": {"./*/x": "./*/*.js", "./a*": null}}`,
		`[1, 2, {"exports": 3}]`,
		`{"exports": {"\u0000": "./main.js"}}`,
	} {
		f.Add(seed, "p", "default")
		f.Add(seed, "p/lib/x", "import")
		f.Add(seed, "#a", "require")
	}
	dir := writeTree(f, map[string]string{
		"node_modules/p/main.js":  "",
		"node_modules/p/lib/x.js": "",
		"node_modules/p/a.mjs":    "",
		"node_modules/p/lib/a.js": "",
		"node_modules/p/index.js": "",
		"node_modules/p/x/x.js":   "",
		"node_modules/outside.js": "",
	})
	pkgJSON := filepath.Join(dir, "node_modules", "p", "package.json")
	pkgDir := filepath.Dir(pkgJSON)
	f.Fuzz(func(t *testing.T, pkg, request, cond string) {
		if err := os.WriteFile(pkgJSON, []byte(pkg), 0o644); err != nil {
			t.Fatal(err)
		}
		r := newResolver()
		for _, base := range []string{dir, pkgDir} {
			got, err := r.resolve(request, base, []string{cond, "default"})
			if err != nil {
				continue
			}
			p, _ := r.readPackage(pkgDir)
			name, _, ok := splitPackageName(request)
			if p == nil || p.exports == nil || !ok || name != "p" || isPathRequest(request) {
				continue
			}
			if rel, err := filepath.Rel(pkgDir, got); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				t.Fatalf("resolve(%q) from %s = %q: outside the package", request, base, got)
			}
		}
	})
}
