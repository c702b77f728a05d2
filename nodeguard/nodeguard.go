package nodeguard

import (
	"os"
	"syscall"

	"github.com/intactdev/intact"
)

// Config is one run of node under intact node.
type Config struct {
	// Policy is the policy in force (intact.Load).
	Policy *intact.Policy
	// Node is the node binary (FindNode).
	Node string
	// Args is node's command line: options, the script and its arguments.
	Args []string
	// Policies and Catalogs are the policy and catalog files the caller
	// added to the system's. Node children started through the shim load
	// them too, from the broker's sealed shim configuration.
	Policies, Catalogs []string
	// Shim is the executable that is `intact node` when started as a shim
	// (IsShimName): node children run through it. Default: this
	// executable, which must then do what cmd/intact's main does for such
	// a name (LoadShimConfig, intact.Load, Run).
	Shim string
	// Dir is node's working folder; "" means this process's.
	Dir string
	// Env is the environment node starts from; nil means os.Environ().
	Env []string
	// Stdin, Stdout and Stderr are node's; nil means this process's.
	Stdin, Stdout, Stderr *os.File
	// LimitHeap is for a process whose work is to run node, as the intact
	// node command's: once node has started, Run keeps this process's
	// heap near what it holds, with a soft memory limit (see limitHeap).
	LimitHeap bool
}

// Exit is how node ended: its exit status, or the signal that killed it.
type Exit struct {
	Code   int
	Signal syscall.Signal // 0 unless a signal ended node
}

// InForce reports whether p asks anything of node: when it does not,
// intact node runs node unchanged (Exec).
func InForce(p *intact.Policy) bool {
	s := p.Settings()
	return p.ChecksCode() || s.DisableInteractiveMode.Enabled || s.DisableDynamicCode.Enabled
}

// ShimConfig is what a node child started through the shim inherits from
// its parent intact node, whatever environment the child was given.
type ShimConfig struct {
	Node     string   `json:"node"`
	Policies []string `json:"policies"`
	Catalogs []string `json:"catalogs"`
	// EventLog is the broker's INTACT_EVENT_LOG, as an absolute path, or
	// "": a child's refusals go where its parent's go, whatever the
	// application left in the child's environment (outside review rt57
	// kept them out of the log with a child's env of {PATH}).
	EventLog string `json:"eventLog,omitempty"`
	// EventFormat and MaxCodeSize are the broker's INTACT_EVENT_FORMAT and
	// INTACT_MAX_CODE_SIZE, or "", for the same reason (rt70, rt73: a
	// child's environment with a bad value kept the child from starting).
	EventFormat string `json:"eventFormat,omitempty"`
	MaxCodeSize string `json:"maxCodeSize,omitempty"`
}
