package main

import (
	"os"

	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/heapfloor"
	"github.com/intactdev/intact/jsruntime"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() {
	register("run", newRunCmd)
	register("eval", newEvalCmd)
	register("repl", newREPLCmd)
}

// heapFloor is how much memory a JavaScript program run by intact uses
// before the first garbage collection: start-up and loading a few thousand
// modules stay below it (internal/heapfloor).
const heapFloor = 64 << 20

// runtimeFlags are the flags of the commands that run JavaScript.
type runtimeFlags struct {
	policy     policyFlags
	preload    []string
	noWarnings bool
}

func (f *runtimeFlags) register(cmd *cobra.Command) {
	f.policy.register(cmd)
	cmd.Flags().StringArrayVarP(&f.preload, "require", "r", nil, "require this `module` before the main code (repeatable)")
	cmd.Flags().BoolVar(&f.noWarnings, "no-warnings", false, "silence process warnings, including the code-integrity notice")
	// Everything after the script (or code) belongs to it, dashes included.
	cmd.Flags().SetInterspersed(false)
}

// run loads the policy, makes a runtime for one program whose arguments
// are args, runs program on it and returns its exit status as RunE's
// result.
func (f *runtimeFlags) run(cmd *cobra.Command, args []string, program func(*jsruntime.Runtime) (int, error)) error {
	heapfloor.Set(heapFloor)
	policy, err := f.policy.load()
	if err != nil {
		return err
	}
	rt, err := jsruntime.New(jsruntime.Config{
		Policy:     policy,
		Args:       args,
		Preload:    f.preload,
		Stdout:     cmd.OutOrStdout(),
		Stderr:     cmd.ErrOrStderr(),
		NoWarnings: f.noWarnings,
		// A child runtime that the program starts is checked as it is.
		ChildRuntime: f.policy.childRuntime(),
	})
	if err != nil {
		return err
	}
	defer rt.Close()
	// A refusal that stopped the program has been printed as node
	// prints it; what follows says why and what to do next.
	if code, err := program(rt); code != 0 {
		printRefusal(cmd.ErrOrStderr(), err)
		return exitstatus.Error(code)
	}
	return nil
}

func newRunCmd() *cobra.Command {
	var f runtimeFlags
	cmd := &cobra.Command{
		Use:   "run [flags] SCRIPT|- [ARGS...]",
		Short: "Run a JavaScript or TypeScript program like node, checking every file it loads",
		Long: `Run a program like node: SCRIPT is the main module, ARGS are its process.argv[2:].
With "-" the program is read from standard input; when the policy disables
interactive mode, standard input must itself pass the policy (a checked file).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "-" {
				return f.run(cmd, args[1:], (*jsruntime.Runtime).RunStdin)
			}
			return f.run(cmd, args[1:], func(rt *jsruntime.Runtime) (int, error) { return rt.RunMain(args[0]) })
		},
	}
	f.register(cmd)
	return cmd
}

func newEvalCmd() *cobra.Command {
	var f runtimeFlags
	var print bool
	cmd := &cobra.Command{
		Use:   "eval [flags] CODE [ARGS...]",
		Short: "Run JavaScript given on the command line, like node -e (or node -p with --print)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, args[1:], func(rt *jsruntime.Runtime) (int, error) { return rt.Eval(args[0], print) })
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVarP(&print, "print", "p", false, "print the result, like node -p")
	return cmd
}

func newREPLCmd() *cobra.Command {
	var f runtimeFlags
	cmd := &cobra.Command{
		Use:   "repl",
		Short: "Start an interactive JavaScript prompt",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd, nil, (*jsruntime.Runtime).REPL)
		},
	}
	f.register(cmd)
	return cmd
}

// runDefault is what a bare `intact` does, like a bare `node`: a REPL when
// standard input is a terminal, else the program on standard input. The
// root command's RunE calls it.
func runDefault(cmd *cobra.Command, args []string) error {
	var f runtimeFlags
	if term.IsTerminal(int(os.Stdin.Fd())) {
		return f.run(cmd, args, (*jsruntime.Runtime).REPL)
	}
	return f.run(cmd, args, (*jsruntime.Runtime).RunStdin)
}
