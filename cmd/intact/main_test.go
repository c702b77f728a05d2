package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/nodecli"
	"github.com/intactdev/intact/internal/testpe"
	"github.com/intactdev/intact/nodeguard"
	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCommands are the commands testscripts may exec besides the
// system's; files for one OS add theirs in init.
var scriptCommands = map[string]func(){
	"intact": func() {
		// Only the test binary may move the system policy folder.
		systemDir = os.Getenv("TEST_INTACT_SYSTEM_DIR")
		// Nor name the machine whose journal entries count.
		if f := os.Getenv("TEST_INTACT_MACHINE_ID_FILE"); f != "" {
			machineIDFile = f
		}
		// Nor shorten the wait for a registry's answer.
		if d, err := time.ParseDuration(os.Getenv("TEST_INTACT_REGISTRY_ANSWER_TIMEOUT")); err == nil {
			registryAnswerTimeout = d
		}
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	},
	// expect-status N COMMAND [ARGS...] runs COMMAND, passing its output
	// through, and succeeds only if it exits with status N: testscript's
	// "!" tells only zero from non-zero.
	"expect-status": func() {
		if len(os.Args) < 3 {
			fmt.Fprintln(os.Stderr, "usage: expect-status N COMMAND [ARGS...]")
			os.Exit(2)
		}
		want, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		c := exec.Command(os.Args[2], os.Args[3:]...)
		c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
		err = c.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if got := c.ProcessState.ExitCode(); got != want {
			fmt.Fprintf(os.Stderr, "expect-status: %s exited with status %d, want %d\n", os.Args[2], got, want)
			os.Exit(1)
		}
		os.Exit(0)
	},
	// within DURATION COMMAND [ARGS...] runs COMMAND, passing its output
	// and exit status through, and kills it and fails if it has not
	// exited within DURATION: a script's check that COMMAND does not hang.
	"within": func() {
		if len(os.Args) < 3 {
			fmt.Fprintln(os.Stderr, "usage: within DURATION COMMAND [ARGS...]")
			os.Exit(2)
		}
		limit, err := time.ParseDuration(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		c := exec.Command(os.Args[2], os.Args[3:]...)
		c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		timer := time.AfterFunc(limit, func() { c.Process.Kill() })
		err = c.Wait()
		if !timer.Stop() {
			fmt.Fprintf(os.Stderr, "within: %s was still running after %v\n", os.Args[2], limit)
			os.Exit(124)
		}
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(c.ProcessState.ExitCode())
	},
	// make-polyglot FILE SCRIPT [CERT-TABLE] writes a PE image that is
	// also CommonJS (testpe.Polyglot).
	"make-polyglot": func() {
		args := append(os.Args[1:], "")
		if len(args) < 3 {
			fmt.Fprintln(os.Stderr, "usage: make-polyglot FILE SCRIPT [CERT-TABLE]")
			os.Exit(2)
		}
		if err := os.WriteFile(args[0], testpe.Polyglot(args[1], args[2]), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	},
	// make-hashed-stream IMAGE STREAM SCRIPT writes a PE image and, as
	// STREAM, the bytes its Authenticode digest covers, which are CommonJS
	// running SCRIPT (testpe.HashedStream).
	"make-hashed-stream": func() {
		if len(os.Args) != 4 {
			fmt.Fprintln(os.Stderr, "usage: make-hashed-stream IMAGE STREAM SCRIPT")
			os.Exit(2)
		}
		image, stream := testpe.HashedStream(os.Args[3])
		for name, data := range map[string][]byte{os.Args[1]: image, os.Args[2]: stream} {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	},
}

func TestMain(m *testing.M) {
	if nodeguard.IsShimName(os.Args[0]) {
		// The shim of intact node's node children, as main does it.
		systemDir = os.Getenv("TEST_INTACT_SYSTEM_DIR")
		os.Exit(exitstatus.Of(nodecli.Shim(os.Args[0], os.Args[1:], systemDir, os.Stderr), os.Stderr))
	}
	testscript.Main(m, scriptCommands)
}

// TestScripts runs the CLI scripts in testdata/script. Scripts may use
// $VECTORS, the shared catalog vectors, $REPO, the repository's root,
// $PKI, the TEST-ONLY certificates and keys in testdata/pki, $INTACT_NODE,
// the newest supported stock Node.js installed by scripts/install-node.sh,
// and the conditions [osslsigncode], [node], [stocknode] and [root].
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}
