package jsruntime

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
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

// A request that ends in "/.." or "/." names a folder, even where a file
// of the folder's name plus an extension exists beside it.
func TestResolveTrailingDots(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"stub.json":      `{"file": true}`,
		"stub/index.js":  "",
		"stub/one/x.js":  "",
		"stub/two/x.js":  "",
		"other.js":       "",
		"other/index.js": "",
	})
	r := newResolver()
	for request, want := range map[string]string{
		"./stub/one/..": "stub/index.js",
		"./stub/.":      "stub/index.js",
		"./stub":        "stub.json",
		"./other":       "other.js",
		"./other/":      "other/index.js",
	} {
		got, err := r.resolve(request, dir, requireConditions)
		if err != nil || got != filepath.Join(dir, filepath.FromSlash(want)) {
			t.Errorf("resolve(%q) = %q, %v; want %s", request, got, err, want)
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

// TestInvalidPackageJSONIsReadOnce: a broken package.json in a folder above
// the program (another user's, in /tmp) is read and parsed once for the
// life of the resolver, not once for every module of the program. Before
// the fix only successes were cached: a 16 MiB broken file above a
// 10-module program took 45 s and 1.4 GB. Here the file is fixed after the
// first read: a resolver that reads it again would see the fix.
func TestInvalidPackageJSONIsReadOnce(t *testing.T) {
	root := writeTree(t, map[string]string{
		"package.json":    `{"type": "module",`,
		"app/a/x.js":      "",
		"app/b/y.js":      "",
		"app/package.txt": "",
	})
	r := newResolver()
	if _, err := r.readPackage(root); !isInvalidConfig(err) {
		t.Fatalf("readPackage of a broken package.json: %v, want ERR_INVALID_PACKAGE_CONFIG", err)
	}
	if err := os.WriteFile(filepath.Join(root, "package.json"), []byte(`{"type": "module"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"app/a", "app/b", "app"} {
		if p := r.packageScope(filepath.Join(root, filepath.FromSlash(dir))); p != nil {
			t.Errorf("packageScope(%s) read the package.json again: %+v", dir, p)
		}
	}
	if _, err := r.readPackage(root); !isInvalidConfig(err) {
		t.Errorf("readPackage again: %v, want the cached ERR_INVALID_PACKAGE_CONFIG", err)
	}
	if r.isESM(filepath.Join(root, "app/a/x.js")) {
		t.Error(`the fixed "type": "module" was read`)
	}
}

func isInvalidConfig(err error) bool {
	var ne *nodeError
	return errors.As(err, &ne) && ne.Code == "ERR_INVALID_PACKAGE_CONFIG"
}

// TestPackageJSONMemory: a package.json costs memory in proportion to its
// text, not 40 times it. Fields resolution does not use are never built into
// objects, and "exports" (kept for the life of the runtime) holds at most
// maxPackageJSONValues values. Before the fix a 16 MiB {"x":[{},{},...]}
// took 775 MB; the test measures the bytes allocated (not time) by a file
// just under the size limit, with the values under an unused field and
// under "exports".
func TestPackageJSONMemory(t *testing.T) {
	items := strings.Repeat("{},", (maxPackageJSONSize-64)/3)
	for _, tc := range []struct {
		field string
		valid bool
	}{{"x", true}, {"exports", false}} {
		text := `{"name": "big", "` + tc.field + `": [` + items + `{}]}`
		root := writeTree(t, map[string]string{"package.json": text})
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := newResolver().readPackage(root)
		runtime.ReadMemStats(&after)
		if tc.valid != (err == nil) {
			t.Errorf("%s: err = %v", tc.field, err)
		}
		if tc.field == "exports" && (err == nil || !strings.Contains(err.Error(), `"exports" holds more than 100000 values`)) {
			t.Errorf("exports: err = %v, want the value limit", err)
		}
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes of package.json, %d bytes allocated", tc.field, len(text), allocated)
		if allocated > 3*uint64(len(text)) {
			t.Errorf("%s: %d bytes allocated for a %d-byte package.json, want at most 3 times its size", tc.field, allocated, len(text))
		}
	}
}
