//go:build unix

package regularfile

import "syscall"

// nonBlocking makes opening a FIFO return at once (and writing to one with
// no reader fail) and keeps a terminal from becoming the controlling one.
const nonBlocking = syscall.O_NONBLOCK | syscall.O_NOCTTY
