package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/nodecache"
	"github.com/intactdev/intact/internal/npmcompat"
	"github.com/intactdev/intact/nodeguard"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	if nodeguard.IsShimName(os.Args[0]) {
		// The shim of node children, as main runs it: the test binary is
		// the executable its broker runs as.
		systemDir = os.Getenv("TEST_INTACT_SYSTEM_DIR")
		os.Exit(run(os.Args[0], os.Args[1:]))
	}
	testscript.Main(m, map[string]func(){
		"intact-node": func() {
			// Only the test binary may move the system policy folder.
			systemDir = os.Getenv("TEST_INTACT_SYSTEM_DIR")
			os.Exit(run(os.Args[0], os.Args[1:]))
		},
	})
}

// TestScripts runs the scripts in testdata/script with intact-node (this
// test binary) and, as $INTACT, an intact binary built for them, which
// makes their catalogs and policies. $PKI holds the TEST-ONLY keys of
// cmd/intact's scripts, and $INTACT_NODE the newest supported stock
// Node.js that scripts/install-node.sh installed.
func TestScripts(t *testing.T) {
	node, err := nodecache.Newest()
	if err != nil {
		t.Fatal(err)
	}
	if node == "" {
		msg := "no supported Node.js installed: run scripts/install-node.sh"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	intact, err := npmcompat.BuildIntact(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pki, err := filepath.Abs("../intact/testdata/pki")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("INTACT", intact)
			env.Setenv("PKI", pki)
			// Keep the machine's policy out of the scripts: the system
			// policy folder is $WORK/.system, empty unless a script fills it.
			env.Setenv("TEST_INTACT_SYSTEM_DIR", filepath.Join(env.WorkDir, ".system"))
			env.Setenv("INTACT_NODE", node)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// slimForbidden are the packages intact-node exists not to link: the
// JavaScript runtime's engines (goja, esbuild, wazero) and what only the
// intact command needs (cobra, catalog making, HTTP and TLS for
// timestamps). Linking any of them would bring back the start-up time and
// resident memory that intact-node saves (doc/node.md, "Cost").
var slimForbidden = []string{
	"github.com/dop251/goja",
	"github.com/evanw/esbuild/",
	"github.com/tetratelabs/wazero",
	"github.com/spf13/cobra",
	"github.com/intactdev/intact/jsruntime",
	"github.com/intactdev/intact/catalog/tree",
	"github.com/intactdev/intact/catalog/tsa",
	"net/http",
	"crypto/tls",
}

// TestSlimDependencies: on Linux and Windows, where intact node runs,
// intact-node links none of slimForbidden, as go list reports it.
func TestSlimDependencies(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no go command to list dependencies with: %v", err)
		}
		t.Skipf("no go command to list dependencies with: %v", err)
	}
	for _, goos := range []string{"linux", "windows"} {
		t.Run(goos, func(t *testing.T) {
			cmd := exec.Command(goTool, "list", "-deps", ".")
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps: %v", err)
			}
			deps := strings.Fields(string(out))
			if !slices.Contains(deps, "github.com/intactdev/intact/nodeguard") {
				t.Fatalf("go list -deps lists %d packages without nodeguard: not intact-node's list", len(deps))
			}
			for _, dep := range deps {
				for _, bad := range slimForbidden {
					if dep == bad || strings.HasPrefix(dep, strings.TrimSuffix(bad, "/")+"/") {
						t.Errorf("intact-node links %s", dep)
					}
				}
			}
		})
	}
}
