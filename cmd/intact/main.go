// Command intact runs code under code-integrity policy and manages the
// catalogs and policies that express it.
//
// Each command group lives in its own file and registers itself with
// register; this file holds only the root command and error reporting.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/intactdev/intact/internal/printable"
	"github.com/intactdev/intact/nodeguard"
	"github.com/spf13/cobra"
)

// commands are the constructors of the top-level subcommands, registered by
// each command file's init.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

// exitError carries an exit status without a message of its own: the command
// has already reported what went wrong.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "intact",
		Short: "Run code under code-integrity policy; make and check catalogs and policies",
		Long: `Run code under code-integrity policy; make and check catalogs and policies.

With no command, like a bare node: a REPL when standard input is a
terminal, else the program read from standard input.`,
		// A bare intact takes no arguments: "intact foo" stays an unknown
		// command rather than becoming a program named foo.
		Args:          cobra.NoArgs,
		RunE:          runDefault,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	for _, newCmd := range commands {
		root.AddCommand(newCmd())
	}
	return root
}

// run executes the command line and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return exitStatus(root.Execute(), stderr)
}

func main() {
	if nodeguard.IsShimName(os.Args[0]) {
		// The shim of intact node's node children (see node.go).
		os.Exit(runNodeShim(os.Args[1:], os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitStatus is run's mapping of a command's error to an exit status.
func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var status exitError
	if errors.As(err, &status) {
		return int(status)
	}
	// Errors from the intact packages already name their origin. They
	// quote paths and names from file systems and catalogs: escape them.
	msg := err.Error()
	if !strings.HasPrefix(msg, "intact: ") {
		msg = "intact: " + msg
	}
	fmt.Fprintln(stderr, printable.Escape(msg))
	return 1
}
