// Package npmcompat is the npm acceptance suite of intact's runtime: popular
// pure-JavaScript packages of different kinds, installed with npm, each driven
// by a small script (scripts/*.js) whose output must be byte-identical under
// intact and under Node.
//
// The package is for tests. App installs the packages once per package list
// into a cache folder under the system temporary directory and returns a
// folder holding node_modules and the scripts; Node and Intact run one script
// there. The suite's own test is in this package; other tests (for example
// the same run under an enforcing policy and a signed catalog of the whole
// app) reuse App, Scripts, Node and Intact with extra flags.
package npmcompat

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Packages are the npm packages of the suite, pinned. Each has a script named
// after it in scripts/ (commander also needs child_process and events).
var Packages = []string{
	"acorn@8.14.0",
	"ajv@8.17.1",
	"chalk@4.1.2",
	"commander@11.1.0",
	"dayjs@1.11.13",
	"debug@4.3.7",
	"handlebars@4.7.8",
	"js-yaml@4.1.0",
	"lodash@4.17.21",
	"marked@4.3.0",
	"minimist@1.2.8",
	"qs@6.13.0",
	"semver@7.6.3",
	"string-width@4.2.3",
	"uuid@9.0.1",
	"yargs-parser@21.1.1",
}

//go:embed scripts/*.js
var scripts embed.FS

// Scripts returns the file names of the driver scripts, sorted.
func Scripts() []string {
	entries, _ := fs.ReadDir(scripts, "scripts")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// ScriptArgs are the command-line arguments each script runs with.
var ScriptArgs = map[string][]string{
	"minimist.js": {"--verbose", "-n", "3", "file.txt"},
}

// App returns a folder with node_modules holding Packages and the driver
// scripts at its top. The folder is a shared cache: callers must not modify
// it (use CopyApp for that). App skips the test when npm is not installed or
// cannot install the packages, unless CI=true, where that fails it.
func App(t testing.TB) string {
	t.Helper()
	dir, err := installed("intact-npmcompat", Packages)
	needInstalled(t, err)
	// The scripts are rewritten on every call so that edits take effect
	// without reinstalling.
	for _, name := range Scripts() {
		data, err := scripts.ReadFile("scripts/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// ExpressPackage is the Express that the tests and the benchmark of intact
// node run.
const ExpressPackage = "express@5.3.0"

// ExpressServer is an Express app, server.cjs, that serves one request on
// loopback and prints its status.
const ExpressServer = `const express = require('express');
const http = require('http');
const app = express();
app.get('/', (req, res) => res.send('hello'));
const server = app.listen(0, '127.0.0.1', () => {
  http.get({ host: '127.0.0.1', port: server.address().port, path: '/' }, (res) => {
    console.log('GET / ->', res.statusCode);
    res.resume();
    server.close();
  });
});
`

// Express returns a folder with node_modules holding ExpressPackage and its
// dependencies, installed once into a cache as App's packages are. Callers
// must not modify it. The error is ErrNoNPM when npm is not installed.
func Express() (string, error) {
	return installed("intact-nodeguard", []string{ExpressPackage})
}

// ErrNoNPM reports that npm, needed to install packages, is not installed.
var ErrNoNPM = errors.New("npm is not installed")

// needInstalled skips the test when the packages could not be installed
// (err from installed: no npm, or no registry), or fails it under CI=true,
// where the suite must run.
func needInstalled(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("cannot install the npm packages: %v", err)
	}
	t.Skipf("cannot install the npm packages, skipping (CI=true makes this a failure): %v", err)
}

// installed returns the folder, under the system temporary directory, that
// holds node_modules with packages, named after prefix and the package
// list (so that changing a version installs afresh). The first call
// installs them with npm.
func installed(prefix string, packages []string) (string, error) {
	sum := sha256.Sum256([]byte(strings.Join(packages, "\n")))
	dir := filepath.Join(os.TempDir(), prefix+"-"+hex.EncodeToString(sum[:6]))
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", ErrNoNPM
	}
	return dir, install(npm, dir, prefix, packages)
}

// install runs npm install into a fresh folder next to dir and renames it
// into place, so an interrupted install never leaves a half-filled cache.
func install(npm, dir, name string, packages []string) error {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), []byte(`{"name":"`+name+`","private":true}`+"\n"), 0o644); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", "--loglevel=error"}, packages...)
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm install %s: %w\n%s", strings.Join(packages, " "), err, out)
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, ".complete")); serr == nil {
			return nil // another process finished first
		}
		return err
	}
	return nil
}

// CopyApp returns a private copy of App's folder in t.TempDir(), for tests
// that change files (for example to check that a tampered module is refused).
func CopyApp(t testing.TB) string {
	t.Helper()
	src := App(t)
	dst := filepath.Join(t.TempDir(), "app")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatalf("copying %s: %v", src, err)
	}
	return dst
}

// Result is what one run of a script produced.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
}

// run runs name with args in dir, for at most timeout, and returns what it
// printed and its exit status; err is set only when the program could not
// be run at all or did not finish in time.
func run(dir string, timeout time.Duration, name string, args ...string) (Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	res := Result{Stdout: out.String(), Stderr: errOut.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.ExitCode = exit.ExitCode()
		err = nil
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%s %s: timed out", name, strings.Join(args, " "))
	}
	return res, err
}

// Node runs script (a name from Scripts) with node in dir, skipping the test
// when node is not installed.
func Node(t testing.TB, dir, script string) Result {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: cannot compare with Node's output")
	}
	res, err := run(dir, scriptTimeout, node, append([]string{script}, ScriptArgs[script]...)...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Intact runs `intact run [flags] script` in dir with the intact binary at
// bin. Flags go between "run" and the script, e.g. "--policy", "p.xml".
func Intact(t testing.TB, bin, dir, script string, flags ...string) Result {
	t.Helper()
	args := append([]string{"run"}, flags...)
	args = append(args, script)
	args = append(args, ScriptArgs[script]...)
	res, err := run(dir, scriptTimeout, bin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// scriptTimeout bounds one run of a driver script: none takes a second.
const scriptTimeout = 2 * time.Minute

// BuildIntact builds cmd/intact of this module into dir and returns the
// binary's path. The binary takes its system policy from SystemDir(dir),
// which BuildIntact does not create, instead of the machine's (/etc/intact):
// tests and benchmarks run without a system policy whatever the machine has
// installed, unless they write one there.
//
// The folder is linked into the binary (-ldflags -X main.systemDir), which
// only a build can do: no flag or variable of a built intact moves its
// system policy.
func BuildIntact(dir string) (string, error) { return build(dir, "intact") }

// BuildIntactNode builds cmd/intact-node, the slim `intact node`, into dir
// as BuildIntact builds cmd/intact: with SystemDir(dir) as its system
// policy folder. It is built as its documentation says to build it, with
// cgo off (a static executable: see cmd/intact-node).
func BuildIntactNode(dir string) (string, error) {
	return build(dir, "intact-node", "CGO_ENABLED=0")
}

// build builds the command cmd/name of this module into dir, with
// SystemDir(dir) linked in as its system policy folder, and env added to
// the go command's environment.
func build(dir, name string, env ...string) (string, error) {
	bin := filepath.Join(dir, name)
	if os.PathSeparator == '\\' {
		bin += ".exe"
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	system, err := filepath.Abs(SystemDir(dir))
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(system, `'"`) {
		return "", fmt.Errorf("build %s: the folder %s has a quote in its path, which -ldflags cannot carry", name, dir)
	}
	cmd := exec.Command("go", "build", "-ldflags=-X 'main.systemDir="+system+"'", "-o", bin, "./cmd/"+name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/%s: %v\n%s", name, err, out)
	}
	return bin, nil
}

// SystemDir returns the system policy folder of the binary that
// BuildIntact(dir) builds.
func SystemDir(dir string) string { return filepath.Join(dir, "system") }

// moduleRoot finds the folder of go.mod above the working directory.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	return filepath.Dir(mod), nil
}
