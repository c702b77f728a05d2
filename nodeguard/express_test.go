//go:build linux

package nodeguard_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/npmcompat"
)

// expressServers serve one request on loopback and print its status, as
// CommonJS and as an ES module (which also loads a local .mjs and .cjs).
var expressServers = map[string]string{
	"server.cjs": npmcompat.ExpressServer,
	"server.mjs": `import express from 'express';
import { get } from 'node:http';
import { greeting } from './lib.mjs';
import local from './local.cjs';
const app = express();
app.get('/', (req, res) => res.send(greeting + local));
const server = app.listen(0, '127.0.0.1', () => {
  get({ host: '127.0.0.1', port: server.address().port, path: '/' }, (res) => {
    console.log('GET / ->', res.statusCode);
    res.resume();
    server.close();
  });
});
`,
	"lib.mjs":   "export const greeting = 'hello ';\n",
	"local.cjs": "module.exports = 'from cjs';\n",
}

// expressApp returns a private copy of an app folder holding Express 5 in
// node_modules (npmcompat.Express) and the servers above.
func expressApp(t *testing.T) string {
	t.Helper()
	cache, err := npmcompat.Express()
	if errors.Is(err, npmcompat.ErrNoNPM) {
		if os.Getenv("CI") != "" {
			t.Fatal("npm is needed to install Express")
		}
		t.Skip("npm is not installed: cannot install Express")
	}
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "app")
	if err := os.CopyFS(dir, os.DirFS(cache)); err != nil {
		t.Fatal(err)
	}
	write(t, dir, expressServers)
	return dir
}

// TestExpress: Express 5, as a CommonJS and as an ES module app, serves a
// real request on loopback under a strict policy (code integrity, no
// interactive and no dynamic code) with a signed catalog of the whole
// tree, on every supported major. A file changed deep in node_modules is
// refused on the require path (ms, reached through debug), and express's
// own index.js imported from ESM (CommonJS from ESM) is refused, with
// nothing of either run; restored, they run again.
func TestExpress(t *testing.T) {
	dir := expressApp(t)
	s := sign(t, dir)
	canaryDir := t.TempDir()
	opts := runOpts{env: []string{"CANARY_DIR=" + canaryDir}}
	victims := map[string]string{
		"server.cjs": filepath.Join(dir, "node_modules", "ms", "index.js"),
		"server.mjs": filepath.Join(dir, "node_modules", "express", "index.js"),
	}
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, server := range []string{"server.cjs", "server.mjs"} {
			res := s.run(t, n, "strict", opts, server)
			if res.Err != nil || res.Exit.Code != 0 || res.Stdout != "GET / -> 200\n" {
				t.Fatalf("%s: %v, exit %+v\nstdout:\n%s\nstderr:\n%s", server, res.Err, res.Exit, res.Stdout, res.Stderr)
			}

			victim := victims[server]
			orig, err := os.ReadFile(victim)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(victim, append([]byte(canaryJS(filepath.Base(filepath.Dir(victim)))), orig...), 0o644)
			res = s.run(t, n, "strict", opts, server)
			os.WriteFile(victim, orig, 0o644)
			msg := "Error [ERR_CODE_INTEGRITY_VIOLATION]: The file " + victim + " did not pass OS Code Integrity validation"
			if res.Exit.Code != 1 || !strings.Contains(res.Stderr, msg) || res.Stdout != "" {
				t.Errorf("%s with %s changed: exit %+v, want 1 and %q\nstdout:\n%s\nstderr:\n%s", server, victim, res.Exit, msg, res.Stdout, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 {
				t.Fatalf("statements of refused files ran: %v", c)
			}
			if res = s.run(t, n, "strict", opts, server); res.Stdout != "GET / -> 200\n" {
				t.Errorf("%s restored: exit %+v\nstdout:\n%s\nstderr:\n%s", server, res.Exit, res.Stdout, res.Stderr)
			}
		}
	})
}

// TestNodeReadsNoCodeFile traces node's own opens (strace) while it runs
// the Express apps, and the app that loads a file on every loader path
// (addon and WebAssembly included), under an enforcing policy: node opens
// none of the apps' code files itself, every one came from the broker,
// while it still opens package.json files (which intact node does not
// broker).
func TestNodeReadsNoCodeFile(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("strace is needed to trace node's opens")
		}
		t.Skip("strace is not installed")
	}
	express := sign(t, expressApp(t))
	forEachNode(t, func(t *testing.T, n testNode) {
		loaders := t.TempDir()
		write(t, loaders, loaderApp)
		copyFile(t, buildAddon(t, n, "good", addonSource("addon", false)), filepath.Join(loaders, "node_modules/dep/addon.node"))
		for _, tc := range []struct {
			s    *signed
			args []string
		}{
			{express, []string{"server.cjs"}},
			{express, []string{"server.mjs"}},
			{sign(t, loaders), []string{"--experimental-wasm-modules", "--no-warnings", "-r", "./pre.js", "--import", "./pimp.mjs", "main.mjs"}},
		} {
			name := tc.args[len(tc.args)-1]
			log := filepath.Join(t.TempDir(), "strace.log")
			wrap := filepath.Join(t.TempDir(), "node")
			write(t, filepath.Dir(wrap), map[string]string{"node": "#!/bin/sh\nexec " + strace + " -f -qq -e trace=open,openat -o " + log + " " + n.Path + " \"$@\"\n"})
			os.Chmod(wrap, 0o755)
			res := tc.s.run(t, n, "enforce", runOpts{wrap: wrap}, tc.args...)
			if res.Err != nil || res.Exit.Code != 0 {
				t.Fatalf("%s under strace: %v, exit %+v\n%s", name, res.Err, res.Exit, res.Stderr)
			}
			trace, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			codeOpen := regexp.MustCompile(`open(at)?\(.*"(` + regexp.QuoteMeta(tc.s.dir) + `/[^"]*\.(js|mjs|cjs|json|node|wasm))", [^)]*\) = \d+`)
			var code, packageJSON []string
			for _, m := range codeOpen.FindAllStringSubmatch(string(trace), -1) {
				if filepath.Base(m[2]) == "package.json" {
					packageJSON = append(packageJSON, m[2])
				} else {
					code = append(code, m[2])
				}
			}
			if len(code) > 0 {
				t.Errorf("%s: node opened %d code files itself, e.g. %v", name, len(code), code[:min(len(code), 5)])
			}
			if len(packageJSON) == 0 {
				t.Errorf("%s: the trace shows no package.json opened: the trace does not see node's opens", name)
			}
			t.Logf("%s: node opened 0 code files and %d package.json files itself", name, len(packageJSON))
		}
	})
}
