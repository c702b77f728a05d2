package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/linuxsec"
	"github.com/intactdev/intact/internal/nodecache"
	"github.com/intactdev/intact/internal/testfleet"
	"github.com/intactdev/intact/internal/testvectors"
	"github.com/rogpeppe/go-internal/testscript"
)

func scriptParams(t *testing.T, dir string) testscript.Params {
	// Only the scripts that say [vectors] need the shared vectors; the
	// rest, the red-team scripts among them, run without them.
	vectors, vectorsErr := testvectors.Lookup()
	if vectorsErr != nil && os.Getenv("CI") != "" {
		t.Fatalf("test vectors not found: %v", vectorsErr)
	}
	stockNode, err := nodecache.Newest()
	if err != nil {
		t.Fatal(err)
	}
	if stockNode == "" && os.Getenv("CI") != "" {
		t.Fatal("no supported Node.js installed for the intact node scripts: run scripts/install-node.sh")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("VECTORS", vectors)
			env.Setenv("REPO", repo)
			env.Setenv("PKI", filepath.Join(repo, "cmd", "intact", "testdata", "pki"))
			// Keep the machine's policy out of the scripts: the system
			// policy folder is $WORK/.system, empty unless a script fills it.
			env.Setenv("TEST_INTACT_SYSTEM_DIR", filepath.Join(env.WorkDir, ".system"))
			// The node `intact node` runs; the scripts that need it say
			// [stocknode].
			env.Setenv("INTACT_NODE", stockNode)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// registry starts an OCI registry on loopback for the rest of
			// the script and sets $REGISTRY to its host:port.
			"registry": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 0 {
					ts.Fatalf("usage: registry")
				}
				srv := testfleet.RegistryServer()
				ts.Defer(srv.Close)
				ts.Setenv("REGISTRY", strings.TrimPrefix(srv.URL, "http://"))
			},
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "osslsigncode", "node", "npm", "openssl":
				_, err := exec.LookPath(cond)
				return err == nil, nil
			case "stocknode":
				return stockNode != "", nil
			case "root":
				return os.Geteuid() == 0, nil
			case "landlock":
				// What intact node needs to confine node (linuxsec.DenyExec).
				abi, err := linuxsec.LandlockABI()
				return err == nil && abi >= 2, nil
			case "vectors":
				return vectorsErr == nil, nil
			}
			if strings.HasPrefix(cond, "env:") {
				return os.Getenv(strings.TrimPrefix(cond, "env:")) != "", nil
			}
			return false, nil
		},
	}
}
