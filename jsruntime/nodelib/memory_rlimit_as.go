//go:build unix && !openbsd

package nodelib

import "golang.org/x/sys/unix"

// rlimitAddressSpace is the limit that bounds the process's mappings, Go's
// heap arenas included: the address-space limit.
const rlimitAddressSpace = unix.RLIMIT_AS
