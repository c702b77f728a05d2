package main

import (
	"os"
	"testing"

	"github.com/intactdev/intact/nodeguard"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	if nodeguard.IsShimName(os.Args[0]) {
		// The shim of intact node's node children, as main does it.
		systemDir = os.Getenv("TEST_INTACT_SYSTEM_DIR")
		os.Exit(runNodeShim(os.Args[1:], os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"intact": func() {
			// Only the test binary may move the system policy folder.
			systemDir = os.Getenv("TEST_INTACT_SYSTEM_DIR")
			os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the CLI scripts in testdata/script. Scripts may use
// $VECTORS, the shared catalog vectors, $REPO, the repository's root,
// $PKI, the TEST-ONLY certificates and keys in testdata/pki, $INTACT_NODE,
// the newest supported stock Node.js installed by scripts/install-node.sh,
// and the conditions [osslsigncode], [node], [stocknode] and [root].
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}
