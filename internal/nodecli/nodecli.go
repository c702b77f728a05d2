// Package nodecli is the command line of `intact node`, shared by the two
// executables that have it: the intact command (`intact node ...`) and the
// slim intact-node, which links no JavaScript engine of its own and so
// starts faster and smaller. Both parse intact node's flags, load the
// policy, report refusals and pass node's exit status on through this one
// implementation, and both are node's shim when started under that name.
package nodecli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/printable"
	"github.com/intactdev/intact/nodeguard"
)

// nodeFlags are intact node's own flags, which come before node's options.
type nodeFlags struct {
	Policies []string // --policy: policy files added to the system's
	Catalogs []string // --catalog: catalog files or folders added to the system's
	Node     string   // --node: the node binary
}

// Command runs intact node's command line args (intact's flags, then
// node's) under the policy in force. systemDir is the system policy
// folder, "" for the system's own (see intact.LoadOptions). Exit statuses
// that intact node has already reported, node's among them, are
// exitstatus.Error values.
func Command(args []string, systemDir string, stderr io.Writer) error {
	if nodeguard.UnderBroker() {
		// Started by code in another intact node's tree, it would run
		// node under the policy on its own command line, which that code
		// chose: node children start through node's shim
		// (process.execPath, node on PATH), which takes its broker's.
		return exitstatus.UsageError(errors.New("intact node: this process runs under another intact node, whose policy would not bind the node started here: start node children as node (process.execPath, or node on PATH)"))
	}
	flags, args, err := parseFlags(args)
	if err != nil {
		return exitstatus.UsageError(err)
	}
	return run(args, flags, systemDir, stderr)
}

// parseFlags takes intact's own flags, --policy, --catalog and --node, from
// the front of args; the rest are node's.
func parseFlags(args []string) (f nodeFlags, rest []string, err error) {
	for len(args) > 0 {
		name, value, hasValue := strings.Cut(args[0], "=")
		var dst *[]string
		switch name {
		case "--policy":
			dst = &f.Policies
		case "--catalog":
			dst = &f.Catalogs
		case "--node":
		default:
			return f, args, nil
		}
		if !hasValue {
			if len(args) < 2 {
				return nodeFlags{}, nil, fmt.Errorf("flag needs an argument: %s", name)
			}
			value, args = args[1], args[1:]
		}
		args = args[1:]
		if dst != nil {
			*dst = append(*dst, value)
		} else {
			f.Node = value
		}
	}
	return f, args, nil
}

// Shim is the executable started under the name "node", or as
// /proc/<broker>/fd/<n>: the shim through which node children of intact
// node (fork, spawn(process.execPath), spawn('node'), #!/usr/bin/env node)
// get a broker of their own. argv0 is its os.Args[0]; args are all node's.
// The node binary and the policies are its broker's
// (nodeguard.LoadShimConfig), never the environment's: a child's
// environment is the application's to set.
func Shim(argv0 string, args []string, systemDir string, stderr io.Writer) error {
	shim, found, err := nodeguard.LoadShimConfig(argv0)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("intact node's shim (%s) was started by no intact node broker: "+
			"it takes its node binary and policies from one; run intact node instead", argv0)
	}
	// The policies and catalogs are the broker's alone: intact.Load would
	// add the files node's environment names too, which intact node sets
	// for the programs of node's tree and the application can change, and
	// would read a policy file again, rewritten since (outside review
	// rt70: a child's refusals were logged twice, and a policy rewritten
	// as garbage stopped every child). The event log, its format and the
	// maximum code size are the broker's too, set or not.
	os.Unsetenv(intact.EnvPolicy)
	os.Unsetenv(intact.EnvCatalogs)
	for _, v := range []struct{ name, value string }{
		{intact.EnvEventLog, shim.EventLog},
		{intact.EnvEventFormat, shim.EventFormat},
		{intact.EnvMaxCodeSize, shim.MaxCodeSize},
	} {
		if v.value != "" {
			os.Setenv(v.name, v.value)
		} else {
			os.Unsetenv(v.name)
		}
	}
	return run(args, nodeFlags{Policies: shim.Policies, Catalogs: shim.Catalogs, Node: shim.Node}, systemDir, stderr)
}

// run runs node with args under the policy in force with f's additions.
// When node ends by a signal, run ends this process by the same signal.
func run(args []string, f nodeFlags, systemDir string, stderr io.Writer) error {
	// A node that cannot be found and a policy that cannot be loaded are
	// configuration errors, as for every intact command.
	node, err := nodeguard.FindNode(f.Node)
	if err != nil {
		return exitstatus.UsageError(err)
	}
	p, err := intact.Load(intact.LoadOptions{Policies: f.Policies, Catalogs: f.Catalogs, SystemDir: systemDir})
	if err != nil {
		return exitstatus.UsageError(err)
	}
	if !nodeguard.InForce(p) {
		return nodeguard.Exec(node, args)
	}
	exit, err := nodeguard.Run(nodeguard.Config{
		Policy:    p,
		Node:      node,
		Args:      args,
		Policies:  f.Policies,
		Catalogs:  f.Catalogs,
		LimitHeap: true,
	})
	if err != nil {
		return refused(err, stderr)
	}
	if exit.Signal != 0 {
		nodeguard.Raise(exit.Signal)
	}
	if exit.Code != 0 {
		return exitstatus.Error(exit.Code)
	}
	return nil
}

// refused reports a refusal made before node started. Intact's errors
// look like Node's own (Error [CODE]: message), as node would print them;
// others are intact node's. A refused option exits with node's status for
// a bad option, 9.
func refused(err error, stderr io.Writer) error {
	if code := intact.ErrorCode(err); code != "" {
		fmt.Fprintf(stderr, "Error [%s]: %s\n", code, innermostIntactMessage(err))
		if r := intact.Explain(err); r != nil {
			fmt.Fprintf(stderr, "intact: refused: %s\nintact: next: %s\n", printable.Escape(r.Why), printable.Escape(r.Next))
			if r.Check != "" {
				fmt.Fprintf(stderr, "intact: for the full verdict: %s\n", printable.Escape(r.Check))
			}
		}
		return exitstatus.Error(1)
	}
	fmt.Fprintf(stderr, "intact node: %v\n", err)
	var flag *nodeguard.FlagError
	if errors.As(err, &flag) {
		return exitstatus.Error(9)
	}
	return exitstatus.Error(1)
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
