package intact_test

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// embedderGOOS are the systems the code claims, whose builds an embedder
// links the root package into.
var embedderGOOS = []string{"linux", "windows", "darwin", "freebsd", "openbsd"}

// forbiddenDeps are packages the root package must not link: an embedder
// that asks whether a file may run should not get an HTTP client and TLS
// with the answer. Timestamps are requested by catalog/tsa, for the CLI.
var forbiddenDeps = []string{"net/http", "crypto/tls"}

// TestRootDependencies: on every system the code claims, the root package's
// dependencies include neither net/http nor crypto/tls, as go list reports
// them for that system.
func TestRootDependencies(t *testing.T) {
	goTool := goCommand(t)
	for _, goos := range embedderGOOS {
		t.Run(goos, func(t *testing.T) {
			cmd := exec.Command(goTool, "list", "-deps", ".")
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps: %v\n%s", err, stderrOf(err))
			}
			deps := strings.Fields(string(out))
			if !slices.Contains(deps, "github.com/intactdev/intact/catalog") {
				t.Fatalf("go list -deps lists %d packages without catalog: not the root package's list", len(deps))
			}
			for _, bad := range forbiddenDeps {
				if slices.Contains(deps, bad) {
					t.Errorf("the root package depends on %s (%d packages in all)", bad, len(deps))
				}
			}
		})
	}
}

// goCommand returns the go command, which go test puts first in PATH.
// Without one the test is skipped, and fails under CI.
func goCommand(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no go command to list dependencies with: %v", err)
		}
		t.Skipf("no go command to list dependencies with: %v", err)
	}
	return path
}

// stderrOf returns the standard error a failed command wrote.
func stderrOf(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(exit.Stderr)
	}
	return ""
}
