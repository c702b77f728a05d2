package npmcompat

import (
	"embed"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// CLIPackages are the packages whose command-line tools CLIs run, pinned.
// Both Expresses are here (4 under the alias express4): their routing is
// set up, not served, since intact run has no network access.
var CLIPackages = []string{
	"cowsay@1.6.0",
	"eslint@10.16.0",
	"express@5.3.0",
	"express4@npm:express@4.22.3",
	"js-yaml@4.1.0",
	"marked@18.2.1",
	"prettier@3.10.1",
	"terser@5.51.4",
	"typescript@5.9.3",
}

// A CLI is one run of a package's command-line tool on a small real input
// (the files of cli/, which CLIApp puts under cli/ in the app folder).
type CLI struct {
	Name string
	// Args are the script, relative to the app folder, then its
	// arguments.
	Args []string
}

// CLIs are the runs whose stdout and exit status must be the same under
// intact as under Node.
var CLIs = []CLI{
	{"cowsay", []string{"node_modules/cowsay/cli.js", "hello from intact"}},
	{"eslint", []string{"node_modules/eslint/bin/eslint.js", "-c", "cli/eslint.config.js", "cli/lintme.js"}},
	{"eslint-print-config", []string{"node_modules/eslint/bin/eslint.js", "-c", "cli/eslint.config.js", "--print-config", "cli/lintme.js"}},
	{"express4", []string{"cli/express.js", "express4"}},
	{"express5", []string{"cli/express.js", "express"}},
	{"js-yaml", []string{"node_modules/js-yaml/bin/js-yaml.js", "cli/in.yaml"}},
	{"marked", []string{"node_modules/marked/bin/marked.js", "-i", "cli/in.md"}},
	{"prettier", []string{"node_modules/prettier/bin/prettier.cjs", "cli/in.js"}},
	{"terser", []string{"node_modules/terser/bin/terser", "cli/in.js", "--compress", "--mangle"}},
	{"tsc", []string{"node_modules/typescript/bin/tsc", "--noEmit", "-p", "cli/tsproj"}},
}

//go:embed cli
var cliInputs embed.FS

// CLIApp returns a folder with node_modules holding CLIPackages and the
// inputs of CLIs under cli/, installed once into a cache as App's packages
// are. Callers must not modify it. It skips the test when the packages
// cannot be installed, unless CI=true, where that fails it.
func CLIApp(t testing.TB) string {
	t.Helper()
	dir, err := installed("intact-npmcli", CLIPackages)
	needInstalled(t, err)
	// The inputs are rewritten on every call so that edits take effect
	// without reinstalling.
	if err := os.RemoveAll(filepath.Join(dir, "cli")); err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(cliInputs, "cli")
	if err := os.CopyFS(filepath.Join(dir, "cli"), sub); err != nil {
		t.Fatal(err)
	}
	return dir
}

// cliTimeout bounds one run of a CLI: tsc loads 9 MB of JavaScript, which
// goja compiles and runs about ten times slower than V8.
const cliTimeout = 10 * time.Minute

// NodeCLI runs c with node in dir, skipping the test when node is not
// installed.
func NodeCLI(t testing.TB, dir string, c CLI) Result {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: cannot compare with Node's output")
	}
	res, err := run(dir, cliTimeout, node, c.Args...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// IntactCLI runs `intact run [flags] c.Args...` in dir with the intact
// binary at bin.
func IntactCLI(t testing.TB, bin, dir string, c CLI, flags ...string) Result {
	t.Helper()
	args := append(append([]string{"run"}, flags...), c.Args...)
	res, err := run(dir, cliTimeout, bin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
