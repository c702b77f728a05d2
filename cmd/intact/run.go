package main

import (
	"os"

	"github.com/intactdev/intact/runtime"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() {
	register(newRunCmd)
	register(newEvalCmd)
	register(newREPLCmd)
}

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

// newRuntime loads the policy and makes a runtime for one program.
func (f *runtimeFlags) newRuntime(cmd *cobra.Command, args []string) (*runtime.Runtime, error) {
	policy, err := f.policy.load()
	if err != nil {
		return nil, err
	}
	return runtime.New(runtime.Config{
		Policy:     policy,
		Args:       args,
		Preload:    f.preload,
		Stdout:     cmd.OutOrStdout(),
		Stderr:     cmd.ErrOrStderr(),
		NoWarnings: f.noWarnings,
	})
}

// status turns a program's exit status into RunE's result.
func status(code int) error {
	if code != 0 {
		return exitError(code)
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
			rt, err := f.newRuntime(cmd, args[1:])
			if err != nil {
				return err
			}
			defer rt.Close()
			if args[0] == "-" {
				return status(rt.RunStdin())
			}
			return status(rt.RunMain(args[0]))
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
			rt, err := f.newRuntime(cmd, args[1:])
			if err != nil {
				return err
			}
			defer rt.Close()
			return status(rt.Eval(args[0], print))
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
			rt, err := f.newRuntime(cmd, nil)
			if err != nil {
				return err
			}
			defer rt.Close()
			return status(rt.REPL())
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
	rt, err := f.newRuntime(cmd, args)
	if err != nil {
		return err
	}
	defer rt.Close()
	if term.IsTerminal(int(os.Stdin.Fd())) {
		return status(rt.REPL())
	}
	return status(rt.RunStdin())
}
