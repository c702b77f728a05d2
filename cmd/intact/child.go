package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/jsruntime"
	"github.com/spf13/cobra"
)

func init() { register(childCommand, newAsNodeCmd) }

// childCommand is the hidden command that a program's child_process starts
// when the program starts node or process.execPath: it runs node's command
// line under the policy the parent passed on, so that the child is checked
// as its parent was.
const childCommand = "as-node"

// newAsNodeCmd is `intact as-node [--policy F]... [--catalog C]... --
// NODE-ARGS`: node's options (-e, -p, -r, --no-warnings, --), then the
// script and its arguments, as `node` takes them.
func newAsNodeCmd() *cobra.Command {
	var f runtimeFlags
	cmd := &cobra.Command{
		Use:    childCommand + " [--policy FILE]... [--catalog FILE]... -- [NODE-OPTIONS] [SCRIPT|-] [ARGS...]",
		Short:  "Run a node command line under the given policy (the child runtime of child_process)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			nc, err := parseNodeCommandLine(args)
			if err != nil {
				// As node reports an option it does not know.
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.Root().Name(), err)
				return exitstatus.Error(9)
			}
			f.preload = nc.preload
			f.noWarnings = nc.noWarnings
			switch {
			case nc.eval:
				return f.run(cmd, nc.args, func(rt *jsruntime.Runtime) (int, error) { return rt.Eval(nc.code, nc.print) })
			case nc.script == "" || nc.script == "-":
				return f.run(cmd, nc.args, (*jsruntime.Runtime).RunStdin)
			}
			return f.run(cmd, nc.args, func(rt *jsruntime.Runtime) (int, error) { return rt.RunMain(nc.script) })
		},
	}
	f.policy.register(cmd)
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// nodeCommandLine is a node command line as intact runs it.
type nodeCommandLine struct {
	eval, print bool   // -e or -p: code is the program
	code        string // the code of -e or -p
	script      string // the main script; "" or "-" for standard input
	args        []string
	preload     []string // -r, --require
	noWarnings  bool
}

// parseNodeCommandLine reads node's options, the script and its arguments.
// Options intact run does not have are an error: running the program
// without them would run it differently from node.
func parseNodeCommandLine(args []string) (nodeCommandLine, error) {
	var nc nodeCommandLine
	value := func(name string, i *int) (string, error) {
		if *i+1 >= len(args) {
			return "", fmt.Errorf("%s requires an argument", name)
		}
		*i++
		return args[*i], nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		var err error
		switch {
		case a == "--":
			if i+1 < len(args) && !nc.eval {
				nc.script, nc.args = args[i+1], args[i+2:]
			} else {
				nc.args = args[i+1:]
			}
			return nc, nil
		case a == "-e" || a == "--eval" || a == "-p" || a == "--print" || a == "-pe":
			nc.eval, nc.print = true, nc.print || a == "-p" || a == "--print" || a == "-pe"
			nc.code, err = value(a, &i)
		case len(a) > 7 && a[:7] == "--eval=":
			nc.eval, nc.code = true, a[7:]
		case len(a) > 8 && a[:8] == "--print=":
			nc.eval, nc.print, nc.code = true, true, a[8:]
		case a == "-r" || a == "--require":
			var m string
			m, err = value(a, &i)
			nc.preload = append(nc.preload, m)
		case len(a) > 10 && a[:10] == "--require=":
			nc.preload = append(nc.preload, a[10:])
		case a == "--no-warnings":
			nc.noWarnings = true
		case a == "-" || a == "" || a[0] != '-':
			if nc.eval {
				nc.args = args[i:]
			} else {
				nc.script, nc.args = a, args[i+1:]
			}
			return nc, nil
		default:
			return nc, fmt.Errorf("bad option: %s (intact run does not support this node option)", a)
		}
		if err != nil {
			return nc, err
		}
	}
	return nc, nil
}

// childRuntime returns the Config.ChildRuntime of a runtime whose policy f
// loaded: this executable's as-node command with every policy and catalog
// the parent has beyond the system's (those of its flags and of
// INTACT_POLICY and INTACT_CATALOGS), as absolute paths. The child's
// environment, which the program chooses, can then add checks but never
// drop one. The system policy and the exec securebits reach the child as
// they reach every process.
//
// Without a path to this executable it returns nil, so that starting node
// fails with ERR_NOT_SUPPORTED: os.Args[0] is whatever the parent of this
// process chose, and could name a node that no policy confines.
func (f *policyFlags) childRuntime() func(nodeArgs []string) (string, []string) {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	argv := []string{exe, childCommand}
	for _, p := range absolutePaths(f.policies, os.Getenv(intact.EnvPolicy)) {
		argv = append(argv, "--policy", p)
	}
	for _, c := range absolutePaths(f.catalogs, os.Getenv(intact.EnvCatalogs)) {
		argv = append(argv, "--catalog", c)
	}
	argv = append(argv, "--")
	return func(nodeArgs []string) (string, []string) {
		return exe, append(slices.Clip(argv), nodeArgs...)
	}
}

// absolutePaths returns paths and the entries of the list env, made
// absolute, each once.
func absolutePaths(paths []string, env string) []string {
	var out []string
	for _, p := range append(slices.Clone(paths), filepath.SplitList(env)...) {
		if p == "" {
			continue
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
