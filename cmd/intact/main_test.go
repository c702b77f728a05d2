package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCommands are the commands testscripts may exec besides the
// system's; files for one OS add theirs in init.
var scriptCommands = map[string]func(){
	"intact": func() {
		// Only the test binary may move the system policy folder.
		systemDir = os.Getenv("TEST_INTACT_SYSTEM_DIR")
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	},
}

func TestMain(m *testing.M) {
	testscript.Main(m, scriptCommands)
}

// TestScripts runs the CLI scripts in testdata/script. Scripts may use
// $VECTORS, the shared catalog vectors, $REPO, the repository's root,
// $PKI, the TEST-ONLY certificates and keys in testdata/pki, and the conditions [osslsigncode],
// [node] and [root].
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}
