//go:build unix

package jsruntime_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSpecialPackageJSONIsAbsent puts a FIFO and a link to /dev/zero where
// package.json files are looked for above a script (as another user can in
// /tmp), and a folder named package.json in a package: each counts as no
// package.json. Before the fix the FIFO hung the program and /dev/zero was
// read until memory ran out, so the test runs in a child process.
func TestSpecialPackageJSONIsAbsent(t *testing.T) {
	if !isolated(t, 60*time.Second) {
		return
	}
	a := newApp(t, map[string]string{
		"fifo/app/main.js":                   "console.log(require('pkg'))",
		"fifo/app/node_modules/pkg/index.js": "module.exports = 'index'",
		"zero/app/main.mjs":                  "console.log('zero')",
		"dir/app/main.js":                    "console.log('dir')",
	})
	if err := syscall.Mkfifo(a.path("fifo/package.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A FIFO as the package's own package.json too: "main" is not read.
	if err := syscall.Mkfifo(a.path("fifo/app/node_modules/pkg/package.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", a.path("zero/package.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(a.path("dir/package.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	a.runMain(noPolicy, "fifo/app/main.js").want(t, 0, "index\n")
	a.runMain(noPolicy, "zero/app/main.mjs").want(t, 0, "zero\n")
	a.runMain(noPolicy, "dir/app/main.js").want(t, 0, "dir\n")
}

// TestOversizedPackageJSON: a package.json larger than the limit is refused
// with ERR_INVALID_PACKAGE_CONFIG naming the file, before it is read whole;
// one nested deeper than the limit too. Before the fix 5 MB of "[" was a
// fatal Go stack overflow, so the test runs in a child process.
func TestOversizedPackageJSON(t *testing.T) {
	if !isolated(t, 60*time.Second) {
		return
	}
	a := newApp(t, map[string]string{
		"main.js":                        "try { require('big') } catch (e) { console.log(e.code, e.message.includes('big/package.json: larger than the 16777216-byte limit')) }\ntry { require('deep') } catch (e) { console.log(e.code, e.message.includes('nested more than')) }",
		"node_modules/big/index.js":      "module.exports = 'big'",
		"node_modules/deep/package.json": strings.Repeat("[", 5<<20),
	})
	sparseFile(t, a.path("node_modules/big/package.json"), 1<<40)
	a.runMain(noPolicy, "main.js").want(t, 0, "ERR_INVALID_PACKAGE_CONFIG true\nERR_INVALID_PACKAGE_CONFIG true\n")
}

// sparseFile creates a file of size bytes that takes no disk space, to be
// past a size limit.
func sparseFile(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}
