//go:build linux

package nodeguard_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// mainModuleApp prints what a main script sees of how node started it: its
// arguments, require.main, its module, process.mainModule, require.cache,
// and, from a worker started without execArgv, a refused file (the worker
// got the bootstrap). Its stack is left out: under intact node, when the
// bootstrap is node's main module, it has the bootstrap's frames below
// node's runMain.
var mainModuleApp = map[string]string{
	"real/main.cjs": `const path = require('path');
const rel = (p) => path.relative(path.dirname(__dirname), p);
console.log('argv', JSON.stringify(process.argv.slice(1).map(rel)));
console.log('main', require.main === module, module.id, rel(module.filename), process.mainModule === module, module.parent);
console.log('cache', JSON.stringify(Object.keys(require.cache).map(rel)));
require('./dep.cjs');
const { Worker } = require('worker_threads');
new Worker(path.join(__dirname, 'worker.cjs')).on('exit', (code) => console.log('worker exit', code));
`,
	"real/dep.cjs":    "console.log('dep', require.main === module.parent, module.parent.id);\n",
	"real/worker.cjs": "try { require('./evil.cjs'); console.log('evil loaded'); } catch (e) { console.log('worker', e.code); }\n",
	"real/noext":      "console.log('noext', require.main === module, module.id, process.argv.length);\n",
	"esm/main.mjs": `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
console.log('esm', import.meta.main, process.argv.slice(1).map((a) => a.split('/').slice(-2).join('/')), 'mainModule' in process);
console.log('cache', Object.keys(require.cache).length);
require('./c.cjs');
await new Promise((resolve) => setTimeout(resolve, 10));
console.log('after top-level await');
`,
	"esm/c.cjs": "console.log('cjs from esm', require.main);\n",
}

// TestMainScriptAsNodeRunsIt: with nothing but a script on node's command
// line, where the bootstrap is node's main module, a main script (CommonJS through a symbolic link, an ES
// module with top-level await, a file without extension) sees what it sees
// under plain node: process.argv, require.main, its module's id, file
// name and parent, process.mainModule, require.cache. A worker started
// without execArgv gets the bootstrap, so a tampered file is refused in it.
func TestMainScriptAsNodeRunsIt(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, mainModuleApp)
		write(t, dir, map[string]string{"real/evil.cjs": "module.exports = 'signed';\n"})
		if err := os.Symlink(filepath.Join("real", "main.cjs"), filepath.Join(dir, "link.cjs")); err != nil {
			t.Fatal(err)
		}
		s := sign(t, dir)
		write(t, dir, map[string]string{"real/evil.cjs": "module.exports = 'tampered';\n"})
		for _, c := range []struct {
			name string
			args []string
		}{
			{"CommonJS through a symbolic link", []string{"link.cjs", "a", "b"}},
			{"ES module", []string{"esm/main.mjs", "x"}},
			{"no extension", []string{"real/noext"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				cmd := exec.Command(n.Path, c.args...)
				cmd.Dir = dir
				plain, err := cmd.Output()
				if err != nil {
					t.Fatalf("plain node: %v", err)
				}
				want := strings.Replace(string(plain), "evil loaded", "worker ERR_CODE_INTEGRITY_VIOLATION", 1)
				res := s.run(t, n, "enforce", runOpts{}, c.args...)
				if res.Err != nil || res.Exit.Code != 0 {
					t.Fatalf("intact node: %v, exit %+v\n%s", res.Err, res.Exit, res.Stderr)
				}
				if got := sortedLines(res.Stdout); got != sortedLines(want) {
					t.Errorf("intact node printed\n%s\nplain node\n%s", res.Stdout, want)
				}
			})
		}
	})
}

// sortedLines returns out's lines in order, for output whose lines come
// from threads in no fixed order.
func sortedLines(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
