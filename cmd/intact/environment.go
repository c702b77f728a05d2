package main

import (
	"fmt"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/nodeguard"
)

// environmentHelp ends the root command's help: every environment variable
// intact reads and the system paths, so that an operator finds in --help
// everything that decides what runs.
var environmentHelp = fmt.Sprintf(`
Environment (they can add policies and catalogs, never remove or soften one):
  %-22s further policy files, separated like PATH
  %-22s further catalog files or folders, separated like PATH
  %-22s append audit and denial events to this file as JSON lines
  %-22s json or text: how events on stderr are written (audit
                         mode; default: text on a terminal, JSON otherwise)
  %-22s the largest file intact reads as code (bytes, or KiB, MiB, GiB)
  %-22s the node binary intact node runs when --node is not given
  %-22s catalog new/sign: the catalog's time, in seconds since 1970
                         (reproducible builds)
  %-22s intact node: where its private folder goes, when it is
                         this user's alone (else /tmp)
  %-22s Go's garbage collector, when set: catalog new and intact
                         node's broker then leave the heap's limit to them

Files, in the system folder /etc/intact (Windows: %%ProgramData%%\intact):
  policy.xml       the system policy
  catalogs/*.cat   the system catalogs
  events.conf      where events go: a file, syslog or journald, one a line
  index-cache/     the catalogs' indexes, cached
  generation       fleets: the name of the generation in force, whose
  generations/     folder under generations/ holds the policy and catalogs
  floors.json      fleets: the highest policy versions installed
  agent.lock       fleets: held by the agent while it installs
  The folder and its files must be owned by root (Administrators) and
  writable by no one else; intact refuses them otherwise.

Exit status:
  0    ok
  1    refused, or a mismatch found (check, catalog verify)
  2    usage or configuration error (a bad flag, a policy that cannot be loaded)
  run, eval and node exit with the program's status; exec with 126 when
  COMMAND cannot be run and 127 when it is not found.`,
	intact.EnvPolicy, intact.EnvCatalogs, intact.EnvEventLog, intact.EnvEventFormat, intact.EnvMaxCodeSize, nodeguard.EnvNode,
	"SOURCE_DATE_EPOCH", "XDG_RUNTIME_DIR", "GOGC, GOMEMLIMIT")
