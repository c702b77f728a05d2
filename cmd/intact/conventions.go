package main

import (
	"fmt"
	"strings"

	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/spf13/cobra"
)

// applyConventions gives every command of the tree under root the
// command-line conventions scripts rely on, whichever file defines it: a
// command group given an unknown subcommand fails with cobra's "Did you
// mean" suggestions instead of printing its help and succeeding, and every
// error cobra reports before a command starts (a bad flag, a missing
// argument, an unknown command) is a usage error, exit status 2. started
// is set when a command's own code starts.
func applyConventions(root *cobra.Command, started *bool) {
	// Cobra adds its completion command when it runs; add it now so that
	// it gets the conventions too.
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasSubCommands() && c.Run == nil && c.RunE == nil {
			c.Args = unknownSubcommand
			c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		}
		if runE := c.RunE; runE != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				*started = true
				return runE(cmd, args)
			}
		}
		if run := c.Run; run != nil {
			c.Run = func(cmd *cobra.Command, args []string) {
				*started = true
				run(cmd, args)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// unknownSubcommand is the Args of a command group, and of the root: any
// argument is a mistyped subcommand.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
}

// usageError is err, reported before a command started, as a usage error
// with what to do next: the suggestions for a mistyped subcommand and
// where the usage is.
func usageError(root *cobra.Command, args []string, err error) error {
	var hint []string
	cmd, rest, findErr := root.Find(args)
	if findErr == nil && cmd.HasSubCommands() && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		if cmd.SuggestionsMinimumDistance <= 0 {
			cmd.SuggestionsMinimumDistance = 2 // cobra's default
		}
		if s := cmd.SuggestionsFor(rest[0]); len(s) > 0 {
			hint = append(hint, "Did you mean this?")
			for _, name := range s {
				hint = append(hint, "    "+name)
			}
		}
	}
	if findErr != nil {
		cmd = root
	}
	hint = append(hint, fmt.Sprintf("Run '%s --help' for usage.", cmd.CommandPath()))
	return exitstatus.WithHint(exitstatus.UsageError(err), hint...)
}
