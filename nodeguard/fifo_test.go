//go:build linux

package nodeguard_test

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestProbeCacheNotAFile: the cache of node's probe, which anyone running
// as the user can replace, is read only when it is a small regular file. A
// FIFO in its place (which a blocking open would wait on at every start)
// and an oversized file are no cache: node is probed again, and the
// answer replaces them.
func TestProbeCacheNotAFile(t *testing.T) {
	n := nodes(t)[0]
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": "console.log('ran')\n"})
	s := sign(t, dir)
	run := func(when string) {
		t.Helper()
		res := s.run(t, n, "enforce", runOpts{}, "main.js")
		if res.Err != nil || res.Exit.Code != 0 || res.Stdout != "ran\n" {
			t.Fatalf("%s: %v, exit %+v, stdout %q, stderr %q", when, res.Err, res.Exit, res.Stdout, res.Stderr)
		}
	}
	run("filling the cache")
	files, _ := filepath.Glob(filepath.Join(cache, "intact", "node-probe", "*.json"))
	if len(files) != 1 {
		t.Fatalf("probe cache files %q, want one", files)
	}
	file := files[0]
	probe, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		plant func() error
	}{
		{"FIFO", func() error { return syscall.Mkfifo(file, 0o600) }},
		// Valid, but larger than any probe: read whole, it would be used.
		{"oversized", func() error {
			return os.WriteFile(file, append(bytes.Repeat([]byte(" "), 1<<20), probe...), 0o600)
		}},
	} {
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
		if err := tc.plant(); err != nil {
			t.Fatal(err)
		}
		run("with a " + tc.name + " as the cache")
		fi, err := os.Lstat(file)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() || fi.Size() != int64(len(probe)) {
			t.Errorf("with a %s as the cache: afterwards %v, %d bytes; want it replaced by the probe", tc.name, fi.Mode(), fi.Size())
		}
	}
}

// TestProbeCacheLink: node's tree can write the user's cache folder (node
// lives elsewhere) and put a link to another folder in place of the probe
// cache's, one node's tree may not write itself as root; the next broker,
// unconfined, made its cache file there (outside review rt78). It follows
// no link beneath the cache folder.
func TestProbeCacheLink(t *testing.T) {
	n := nodes(t)[0]
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir, node's too
	victim := t.TempDir()
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"plant.js": `const fs = require('fs');
const probe = process.env.XDG_CACHE_HOME + '/intact/node-probe';
fs.rmSync(probe, { recursive: true, force: true });
fs.symlinkSync(process.env.VICTIM, probe);
console.log('planted');
`,
		"main.js": "console.log('ran')\n",
	})
	s := sign(t, dir)
	for _, script := range []string{"plant.js", "main.js", "main.js"} {
		res := s.run(t, n, "enforce", runOpts{env: []string{"VICTIM=" + victim}}, script)
		if res.Err != nil || res.Exit.Code != 0 {
			t.Fatalf("%s: %v, exit %+v, stdout %q, stderr %q", script, res.Err, res.Exit, res.Stdout, res.Stderr)
		}
	}
	if entries, _ := os.ReadDir(victim); len(entries) > 0 {
		t.Errorf("the broker wrote through the link into another folder: %v", entries)
	}
}

// TestReadAheadFIFOs: FIFOs in a package and in its dependency, named as
// the code files and folders the read-ahead visits, are not waited on:
// node runs the app to its end.
func TestReadAheadFIFOs(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		write(t, dir, map[string]string{
			"package.json":                  `{"name": "app", "dependencies": {"dep": "1"}}`,
			"main.js":                       "console.log(require('./real.js'), require('dep'))\n",
			"real.js":                       "module.exports = 'real'\n",
			"node_modules/dep/package.json": `{"name": "dep"}`,
			"node_modules/dep/index.js":     "module.exports = 'dep'\n",
		})
		s := sign(t, dir)
		for _, name := range []string{"lib.js", "data.json", "lib", "node_modules/dep/lib.js", "node_modules/dep/src"} {
			if err := syscall.Mkfifo(filepath.Join(dir, name), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		res := s.run(t, n, "enforce", runOpts{}, "main.js")
		if res.Err != nil || res.Exit.Code != 0 || res.Stdout != "real dep\n" {
			t.Fatalf("%v, exit %+v, stdout %q, stderr %q", res.Err, res.Exit, res.Stdout, res.Stderr)
		}
	})
}
