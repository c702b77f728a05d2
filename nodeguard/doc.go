// Package nodeguard runs stock Node.js (22 from 22.22.3, 24 from 24.11.1, 26) under an intact
// policy: `intact node`.
//
// Run starts the real node binary with a bootstrap (bootstrap.js, handed to
// node as an --import data: URL, so there is no file to tamper with) and
// stays its parent as a broker. The bootstrap registers a
// module.registerHooks load hook that asks the broker, over inherited
// pipes, for every file node is about to compile; the broker answers with
// Policy.ReadCode's exact bytes, and node compiles those. Interactive and
// dynamic code go through Policy.CheckInteractive and
// Policy.CheckDynamicCode. Node options and NODE_OPTIONS pass an
// allow-list (ParseArgs, FilterEnv); variables that make node load native
// code or code from elsewhere are removed. Node children (fork,
// spawn(process.execPath), #!/usr/bin/env node) run through a shim that
// starts intact node again. Node and everything it starts are confined by
// Landlock so that they cannot execute the node binary themselves: node
// starts inside that domain as its ELF interpreter's program, and a thread
// of the broker stays in the domain to stand for it in /proc.
//
// It is a seatbelt in the application's realm against tampered files, not a
// sandbox against code that already runs. doc/node.md says what it
// guarantees and what it does not, and describes the channel protocol.
//
// The broker is Linux's for now (inherited pipes, /proc/<pid>/fd, sealed memfds);
// elsewhere Run returns an error wrapping errors.ErrUnsupported.
package nodeguard
