package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/nodeguard"
	"github.com/spf13/cobra"
)

func init() { register(newNodeCmd) }

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

node is --node PATH, else $INTACT_NODE, else node on PATH. See doc/node.md.`,
		// Everything but intact's own leading flags is node's.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			policy, nodeFlag, args, err := parseNodeFlags(args)
			if err != nil {
				return err
			}
			return runNode(args, policy, nodeFlag, cmd.ErrOrStderr())
		},
	}
}

// runNodeShim is intact started under the name "node", or as
// /proc/<broker>/fd/<n>: the shim through which node children of intact
// node (fork, spawn(process.execPath), spawn('node'), #!/usr/bin/env node)
// get a broker of their own. Its arguments are all node's. The node binary
// and the policies are its broker's (nodeguard.LoadShimConfig), never the
// environment's: a child's environment is the application's to set.
func runNodeShim(args []string, stderr io.Writer) int {
	shim, found, err := nodeguard.LoadShimConfig(os.Args[0])
	if err != nil {
		return exitStatus(err, stderr)
	}
	if !found {
		return exitStatus(fmt.Errorf("intact node's shim (%s) was started by no intact node broker: "+
			"it takes its node binary and policies from one; run intact node instead", os.Args[0]), stderr)
	}
	policy := policyFlags{policies: shim.Policies, catalogs: shim.Catalogs}
	return exitStatus(runNode(args, policy, shim.Node, stderr), stderr)
}

// parseNodeFlags takes intact's own flags, --policy, --catalog and --node,
// from the front of args; the rest are node's.
func parseNodeFlags(args []string) (policy policyFlags, nodeFlag string, rest []string, err error) {
	for len(args) > 0 {
		name, value, hasValue := strings.Cut(args[0], "=")
		var dst *[]string
		switch name {
		case "--policy":
			dst = &policy.policies
		case "--catalog":
			dst = &policy.catalogs
		case "--node":
		default:
			return policy, nodeFlag, args, nil
		}
		if !hasValue {
			if len(args) < 2 {
				return policy, "", nil, fmt.Errorf("flag needs an argument: %s", name)
			}
			value, args = args[1], args[1:]
		}
		args = args[1:]
		if dst != nil {
			*dst = append(*dst, value)
		} else {
			nodeFlag = value
		}
	}
	return policy, nodeFlag, args, nil
}

// runNode runs node with args under the policy in force with policy's
// additions.
func runNode(args []string, policy policyFlags, nodeFlag string, stderr io.Writer) error {
	node, err := nodeguard.FindNode(nodeFlag)
	if err != nil {
		return err
	}
	p, err := policy.load()
	if err != nil {
		return err
	}
	if !nodeguard.InForce(p) {
		return nodeguard.Exec(node, args)
	}
	exit, err := nodeguard.Run(nodeguard.Config{
		Policy:   p,
		Node:     node,
		Args:     args,
		Policies: policy.policies,
		Catalogs: policy.catalogs,
	})
	if err != nil {
		return nodeError(err, stderr)
	}
	if exit.Signal != 0 {
		nodeguard.Raise(exit.Signal)
	}
	if exit.Code != 0 {
		return exitError(exit.Code)
	}
	return nil
}

// nodeError reports a refusal made before node started. Intact's errors
// look like Node's own (Error [CODE]: message), as node would print them;
// others are intact node's. A refused option exits with node's status for
// a bad option, 9.
func nodeError(err error, stderr io.Writer) error {
	if code := intact.ErrorCode(err); code != "" {
		fmt.Fprintf(stderr, "Error [%s]: %s\n", code, innermostIntactMessage(err))
		return exitError(1)
	}
	fmt.Fprintf(stderr, "intact node: %v\n", err)
	var flag *nodeguard.FlagError
	if errors.As(err, &flag) {
		return exitError(9)
	}
	return exitError(1)
}

// innermostIntactMessage is the message of the intact error in err's
// chain: Node's wording, without the context wrapped around it.
func innermostIntactMessage(err error) string {
	var b *intact.BlockedError
	if errors.As(err, &b) {
		return b.Error()
	}
	var v *intact.ViolationError
	if errors.As(err, &v) {
		return v.Error()
	}
	return err.Error()
}
