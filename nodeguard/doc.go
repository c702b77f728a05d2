// Package nodeguard runs stock Node.js (22 from 22.22.3, 24 from 24.11.1, 26) under an intact
// policy: `intact node`.
//
// Run starts the real node binary with a bootstrap (bootstrap.js, kept in a
// sealed memfd that a short --import data: URL runs, so there is no file to
// tamper with) and stays its parent as a broker. The bootstrap registers a
// module.registerHooks load hook that asks the broker, over an inherited
// channel (a Unix socket on Linux, pipes on Windows), for every file node is about to compile; the broker answers with
// Policy.ReadCode's exact bytes, and node compiles those. To spare node a
// round trip per module, the broker also reads whole packages ahead with
// Policy.ReadCodeAhead, which logs nothing and passes only files every
// enforcer allows outright, and hands them over in its replies
// (prefetch.go). Interactive and
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
// The protocol and the broker's decisions are plain Go (broker.go,
// winrules.go), tested on every system; each operating system adds a thin
// layer. On Linux: inherited sockets, /proc/<pid>/fd and sealed memfds. On
// Windows: anonymous pipes node.exe inherits as C runtime descriptors, a
// named pipe for worker threads and node children's shims, a private
// folder holding the shim and the bootstrap, and a job object; run under
// Wine, never on Windows (doc/node.md says what is verified where).
// Elsewhere Run returns an error wrapping errors.ErrUnsupported.
package nodeguard
