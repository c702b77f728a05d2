//go:build linux

package nodeguard_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact"
)

// loaderPaths are the ways a file reaches node's compiler, each driven by
// main.mjs below, with the file of node_modules/dep it loads.
var loaderPaths = []struct{ name, file string }{
	{"require", "node_modules/dep/req.js"},
	{"import", "node_modules/dep/imp.mjs"},
	{"cjs-from-esm", "node_modules/dep/fromesm.cjs"},
	{"require-esm", "node_modules/dep/resm.mjs"},
	{"json", "node_modules/dep/data.json"},
	{"import-json", "node_modules/dep/ijson.json"},
	{"worker", "node_modules/dep/worker.js"},
	{"addon", "node_modules/dep/addon.node"},
	{"wasm", "node_modules/dep/empty.wasm"},
}

// loaderApp is an app that loads one file of node_modules/dep on each
// loader path and prints what each gave, or the code of the error it threw.
var loaderApp = map[string]string{
	"main.mjs": `import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
const require = createRequire(import.meta.url);
async function attempt(name, f) {
  try { console.log(name, 'ok', await f()); } catch (e) { console.log(name, e.code || e.message); }
}
await attempt('require', () => require('dep/req.js'));
await attempt('import', async () => (await import('dep/imp.mjs')).default);
await attempt('cjs-from-esm', async () => (await import('dep/fromesm.cjs')).default);
await attempt('require-esm', () => require('dep/resm.mjs').v);
await attempt('json', () => require('dep/data.json').v);
await attempt('import-json', async () => (await import('dep/ijson.json', { with: { type: 'json' } })).default.v);
await attempt('worker', () => new Promise((resolve, reject) => {
  const w = new Worker(require.resolve('dep/worker.js'));
  w.on('message', resolve);
  w.on('error', reject);
}));
await attempt('addon', () => require('dep/addon.node').hello());
await attempt('wasm', async () => Object.keys(await import('dep/empty.wasm')).length);
console.log('preload', globalThis.preloaded, globalThis.imported);
`,
	"pre.js":                        "globalThis.preloaded = 'pre';\n",
	"pimp.mjs":                      "globalThis.imported = 'imp';\n",
	"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0"}` + "\n",
	"node_modules/dep/req.js":       "module.exports = 'req';\n",
	"node_modules/dep/imp.mjs":      "export default 'imp';\n",
	"node_modules/dep/fromesm.cjs":  "module.exports = 'fromesm';\n",
	"node_modules/dep/resm.mjs":     "export const v = 'resm';\n",
	"node_modules/dep/data.json":    `{"v": "json"}` + "\n",
	"node_modules/dep/ijson.json":   `{"v": "ijson"}` + "\n",
	"node_modules/dep/worker.js":    "require('worker_threads').parentPort.postMessage('worker');\n",
	// The smallest WebAssembly module: magic and version.
	"node_modules/dep/empty.wasm": "\x00asm\x01\x00\x00\x00",
}

// tampered returns the changed version of a file: for code, a canary
// statement ahead of the original, so any statement of it that runs shows.
func tampered(t *testing.T, name string, orig []byte, evilAddon string) []byte {
	t.Helper()
	label := strings.ReplaceAll(filepath.Base(name), ".", "-")
	switch filepath.Ext(name) {
	case ".mjs":
		return append([]byte(canaryESM(label)), orig...)
	case ".json", ".wasm":
		// Any change must be refused: a custom section for WebAssembly.
		if filepath.Ext(name) == ".wasm" {
			return append(append([]byte{}, orig...), 0, 2, 1, 'x', 0)
		}
		return append([]byte(" "), orig...)
	case ".node":
		data, err := os.ReadFile(evilAddon)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	return append([]byte(canaryJS(label)), orig...)
}

// TestLoaderPaths: on every supported major, a signed app loads a file of
// node_modules on each loader path under an enforcing policy. With each of
// those files changed, each load is refused with
// ERR_CODE_INTEGRITY_VIOLATION at the require or import that reached it and
// no statement of it runs (canaries); the same holds for a --require
// preload. Restored, everything runs again: nothing was cached.
func TestLoaderPaths(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, loaderApp)
		good := buildAddon(t, n, "good", addonSource("addon", false))
		evil := buildAddon(t, n, "evil", addonSource("addon", true))
		copyFile(t, good, filepath.Join(dir, "node_modules/dep/addon.node"))
		s := sign(t, dir)
		canaryDir := t.TempDir()
		env := runOpts{env: []string{"CANARY_DIR=" + canaryDir}}
		app := []string{"--experimental-wasm-modules", "--no-warnings", "-r", "./pre.js", "--import", "./pimp.mjs", "main.mjs"}

		want := "require ok req\nimport ok imp\ncjs-from-esm ok fromesm\nrequire-esm ok resm\njson ok json\n" +
			"import-json ok ijson\nworker ok worker\naddon ok addon\nwasm ok 0\npreload pre imp\n"
		res := s.run(t, n, "strict", env, app...)
		if res.Err != nil || res.Exit.Code != 0 || res.Stdout != want {
			t.Fatalf("signed app: %v, exit %+v\nstdout:\n%s\nstderr:\n%s", res.Err, res.Exit, res.Stdout, res.Stderr)
		}

		origs := map[string][]byte{}
		for _, lp := range loaderPaths {
			p := filepath.Join(dir, lp.file)
			orig, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			origs[p] = orig
			if err := os.WriteFile(p, tampered(t, lp.file, orig, evil), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res = s.run(t, n, "strict", env, app...)
		t.Logf("every loaded file changed:\n%s", res.Stdout)
		for _, lp := range loaderPaths {
			line := lp.name + " ERR_CODE_INTEGRITY_VIOLATION\n"
			if !strings.Contains(res.Stdout, line) {
				t.Errorf("%s of a changed %s: want %q\nstdout:\n%s\nstderr:\n%s", lp.name, lp.file, line, res.Stdout, res.Stderr)
			}
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("statements of refused files ran: %v", c)
		}

		for p, orig := range origs {
			if err := os.WriteFile(p, orig, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// A changed --require or --import module stops node before main.
		for _, name := range []string{"pre.js", "pimp.mjs"} {
			pre := filepath.Join(dir, name)
			orig, _ := os.ReadFile(pre)
			os.WriteFile(pre, tampered(t, name, orig, evil), 0o644)
			res = s.run(t, n, "strict", env, app...)
			os.WriteFile(pre, orig, 0o644)
			msg := "Error [ERR_CODE_INTEGRITY_VIOLATION]: The file " + pre + " did not pass OS Code Integrity validation"
			if res.Exit.Code != 1 || !strings.Contains(res.Stderr, msg) || res.Stdout != "" {
				t.Errorf("changed preload %s: exit %+v, want 1 and %q\nstdout:\n%s\nstderr:\n%s", name, res.Exit, msg, res.Stdout, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 {
				t.Errorf("statements of refused files ran: %v", c)
			}
		}

		if res = s.run(t, n, "strict", env, app...); res.Stdout != want {
			t.Errorf("restored app: exit %+v\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
		}
	})
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestAuditMode: under a policy in audit mode a changed file runs, and the
// would-be refusal is an event naming it.
func TestAuditMode(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": "console.log(require('./dep.js'));\n", "dep.js": "module.exports = 'dep';\n"})
	s := sign(t, dir)
	write(t, dir, map[string]string{"dep.js": "module.exports = 'changed';\n"})
	events := filepath.Join(t.TempDir(), "events.json")
	t.Setenv(intact.EnvEventLog, events)
	res := s.run(t, n, "audit", runOpts{}, "main.js")
	if res.Err != nil || res.Exit.Code != 0 || res.Stdout != "changed\n" {
		t.Errorf("audit mode: %v, exit %+v, stdout %q\n%s", res.Err, res.Exit, res.Stdout, res.Stderr)
	}
	log, _ := os.ReadFile(events)
	if !strings.Contains(string(log), `"event":"audit"`) || !strings.Contains(string(log), filepath.Join(dir, "dep.js")) {
		t.Errorf("no audit event for dep.js:\n%s", log)
	}
}

// TestEmptyModules: empty files are modules too. An empty main script in
// a package without "type" (which node's format detection leaves without
// a format), and empty files required and imported, run under an
// enforcing policy on every supported major.
func TestEmptyModules(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"package.json": `{"name": "empty"}` + "\n",
		"empty.js":     "",
		"main.mjs":     "import './e1.js';\nimport { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./e2.js');\nconsole.log('ok');\n",
		"e1.js":        "",
		"e2.js":        "",
	})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		for script, want := range map[string]string{"empty.js": "", "main.mjs": "ok\n"} {
			res := s.run(t, n, "enforce", runOpts{}, script)
			if res.Err != nil || res.Exit.Code != 0 || res.Stdout != want {
				t.Errorf("%s: %v, exit %+v, stdout %q\n%s", script, res.Err, res.Exit, res.Stdout, res.Stderr)
			}
		}
	})
}
