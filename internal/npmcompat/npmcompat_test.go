package npmcompat_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/linediff"
	"github.com/intactdev/intact/internal/npmcompat"
)

// intactBin is the intact binary TestMain builds; buildErr says why not.
var (
	intactBin string
	buildErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "npmcompat-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if !testing.Short() {
		intactBin, buildErr = npmcompat.BuildIntact(dir)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestPackages runs every driver script under node and under `intact run`
// and requires the same stdout and exit status. INTACT_NPM_FLAGS adds flags
// to `intact run` (e.g. "--policy /abs/p.xml --catalog /abs/app.cat"; the
// scripts run in the app folder, so relative paths resolve there).
func TestPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the npm acceptance suite (npm install and 11 packages)")
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	dir := npmcompat.App(t)
	flags := strings.Fields(os.Getenv("INTACT_NPM_FLAGS"))
	for _, script := range npmcompat.Scripts() {
		t.Run(strings.TrimSuffix(script, ".js"), func(t *testing.T) {
			t.Parallel()
			want := npmcompat.Node(t, dir, script)
			if want.ExitCode != 0 {
				t.Fatalf("node %s: exit status %d\n%s", script, want.ExitCode, want.Stderr)
			}
			got := npmcompat.Intact(t, intactBin, dir, script, flags...)
			if got.ExitCode != want.ExitCode {
				t.Errorf("intact run %s: exit status %d, node %d\nstderr: %s", script, got.ExitCode, want.ExitCode, got.Stderr)
			}
			if got.Stdout != want.Stdout {
				t.Errorf("intact run %s: stdout differs from node's\n%s", script, linediff.First(want.Stdout, got.Stdout, "node", "intact"))
			}
		})
	}
}

// TestScriptsCoverPackages keeps the package list and the scripts in step.
func TestScriptsCoverPackages(t *testing.T) {
	have := map[string]bool{}
	for _, s := range npmcompat.Scripts() {
		have[strings.TrimSuffix(s, ".js")] = true
	}
	for _, p := range npmcompat.Packages {
		name := p[:strings.LastIndex(p, "@")]
		if !have[name] {
			t.Errorf("package %s has no script scripts/%s.js", p, name)
		}
		delete(have, name)
	}
	for name := range have {
		t.Errorf("script %s.js drives no package of Packages", name)
	}
	if len(npmcompat.Packages) < 10 {
		t.Errorf("the suite has %d packages, the acceptance bar is 10", len(npmcompat.Packages))
	}
}
