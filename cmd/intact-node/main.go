// Command intact-node is `intact node` on its own: stock Node.js under the
// code-integrity policy, with the same command line, flags, policy and
// behaviour (the two share internal/nodecli), in an executable that links
// only what the broker needs: no JavaScript engine, TypeScript compiler or
// WebAssembly runtime of intact's own, no catalog making, no cobra. It
// starts node sooner and holds less memory while node runs; node children
// run through it as their shim, and get the same start.
//
//	intact-node [--policy FILE]... [--catalog FILE]... [--node PATH] [NODE OPTIONS] SCRIPT [ARGS...]
//
// Build it with cgo off, as a static executable:
//
//	CGO_ENABLED=0 go build ./cmd/intact-node
//
// It needs nothing of C, but crypto/x509 links the net package, whose DNS
// resolver links cgo where a C compiler is found; the dynamic loader and
// cgo's start cost every start (and every node child) about 1.2 ms.
//
// See doc/node.md.
package main

import (
	"os"

	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/nodecli"
	"github.com/intactdev/intact/nodeguard"
)

// systemDir replaces the system policy folder in tests, as the intact
// command's does: its test binary sets it from TEST_INTACT_SYSTEM_DIR, and
// builds for tests link a scratch folder into it (-ldflags -X
// main.systemDir=DIR). A release build leaves it empty, and nothing on the
// command line or in the environment moves the system policy.
var systemDir string

func main() {
	os.Exit(run(os.Args[0], os.Args[1:]))
}

// run is intact-node started as argv0 with args: node's shim under that
// name (see nodeguard.IsShimName), else intact node's command line.
func run(argv0 string, args []string) int {
	var err error
	if nodeguard.IsShimName(argv0) {
		err = nodecli.Shim(argv0, args, systemDir, os.Stderr)
	} else {
		err = nodecli.Command(args, systemDir, os.Stderr)
	}
	return exitstatus.Of(err, os.Stderr)
}
