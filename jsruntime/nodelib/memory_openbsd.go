package nodelib

import "golang.org/x/sys/unix"

// rlimitAddressSpace is the limit that bounds the process's mappings, Go's
// heap arenas included. OpenBSD has no RLIMIT_AS; its data-size limit
// bounds all anonymous mappings, which is where Go's heap lives.
const rlimitAddressSpace = unix.RLIMIT_DATA
