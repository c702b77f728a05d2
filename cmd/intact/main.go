// Command intact runs code under code-integrity policy and manages the
// catalogs and policies that express it.
//
// Each command group lives in its own file and registers itself with
// register; this file holds only the root command (internal/exitstatus
// turns what a command returns into the exit status).
package main

import (
	"io"
	"os"
	"slices"

	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/nodecli"
	"github.com/intactdev/intact/jsruntime"
	"github.com/intactdev/intact/nodeguard"
	"github.com/spf13/cobra"
)

// commands are the top-level subcommands, registered by each command
// file's init: their names and constructors.
var commands []command

type command struct {
	name   string
	newCmd func() *cobra.Command
}

func register(name string, newCmd func() *cobra.Command) {
	commands = append(commands, command{name, newCmd})
}

// newRootCmd returns the root command for the command line args. When args
// start with a subcommand's name, only that subcommand is made: the others
// hold a thousand flags and strings, which took a quarter of a millisecond
// of every start. Anything else (help, a flag, a mistyped name, which
// cobra answers with suggestions) gets them all.
func newRootCmd(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "intact",
		Short: "Run code under code-integrity policy; make and check catalogs and policies",
		Long: `Run code under code-integrity policy; make and check catalogs and policies.

With no command, like a bare node: a REPL when standard input is a
terminal, else the program read from standard input.`,
		// A bare intact takes no arguments: "intact foo" stays an unknown
		// command rather than becoming a program named foo.
		Args:          unknownSubcommand,
		Version:       versionText(),
		RunE:          runDefault,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}")
	root.SetUsageTemplate(root.UsageTemplate() + "{{if not .HasParent}}" + environmentHelp + "\n{{end}}")
	only := ""
	if len(args) > 0 && slices.ContainsFunc(commands, func(c command) bool { return c.name == args[0] }) {
		only = args[0]
	}
	for _, c := range commands {
		if only == "" || c.name == only {
			root.AddCommand(c.newCmd())
		}
	}
	return root
}

// run executes the command line and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(args)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	started := false
	applyConventions(root, &started)
	err := root.Execute()
	if err != nil && !started {
		err = usageError(root, args, err)
	}
	return exitstatus.Of(err, stderr)
}

// runsJavaScript reports whether the command line args (without the
// program's name) is one of the commands that start a JavaScript runtime:
// run, eval, repl, or a bare intact.
func runsJavaScript(args []string) bool {
	return len(args) == 0 || args[0] == "run" || args[0] == "eval" || args[0] == "repl"
}

func main() {
	if nodeguard.IsShimName(os.Args[0]) {
		// The shim of intact node's node children (nodecli.Shim).
		os.Exit(exitstatus.Of(nodecli.Shim(os.Args[0], os.Args[1:], systemDir, os.Stderr), os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "node" {
		execSlimNode(os.Args[2:])
	}
	if runsJavaScript(os.Args[1:]) {
		// The runtime's own JavaScript compiles on the other cores while
		// the command line is parsed and the policy loads.
		jsruntime.Prepare()
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
