package main

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

// TestRootCmdMakesOnlyTheCommandNamed: each subcommand is registered under
// the name it answers to; a command line that starts with one gets that
// one alone, any other gets them all.
func TestRootCmdMakesOnlyTheCommandNamed(t *testing.T) {
	names := func(root *cobra.Command) (ns []string) {
		for _, c := range root.Commands() {
			if c.Name() != "help" && c.Name() != "completion" { // cobra's own
				ns = append(ns, c.Name())
			}
		}
		return ns
	}
	var all []string
	for _, c := range commands {
		if got := c.newCmd().Name(); got != c.name {
			t.Errorf("the command registered as %q is named %q", c.name, got)
		}
		all = append(all, c.name)
	}
	slices.Sort(all)
	for _, c := range commands {
		root := newRootCmd([]string{c.name, "--help"})
		root.InitDefaultHelpCmd()
		if got := names(root); !slices.Equal(got, []string{c.name}) {
			t.Errorf("for %s: %v", c.name, got)
		}
	}
	for _, args := range [][]string{nil, {"help", "catalog"}, {"--help"}, {"catalgo"}, {"-p", "1"}} {
		root := newRootCmd(args)
		if got := names(root); !slices.Equal(got, all) {
			t.Errorf("for %q: %v, want all of %v", args, got, all)
		}
	}
}
