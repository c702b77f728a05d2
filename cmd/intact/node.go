package main

import (
	"github.com/intactdev/intact/internal/nodecli"
	"github.com/spf13/cobra"
)

func init() { register("node", newNodeCmd) }

func newNodeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "node [--policy FILE]... [--catalog FILE]... [--node PATH] [NODE OPTIONS] SCRIPT [ARGS...]",
		Short: "Run stock Node.js (22.22.3+, 24.11.1+, 26) with every file it compiles checked by the policy",
		Long: `Run the real node under the policy in force: the system policy, --policy and
--catalog (given before any node option) and INTACT_POLICY/INTACT_CATALOGS,
as for intact run. Node compiles only bytes intact read and checked; node
options and NODE_OPTIONS pass an allow-list; -e, -p, -i, the REPL, code on
standard input and the inspector are refused when the policy disables
interactive mode. With no policy in force, node runs unchanged.

node is --node PATH, else $INTACT_NODE, else node on PATH. The intact-node
command is the same, and starts faster. See doc/node.md.`,
		// Everything but intact's own leading flags is node's.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return nodecli.Command(args, systemDir, cmd.ErrOrStderr())
		},
	}
}
