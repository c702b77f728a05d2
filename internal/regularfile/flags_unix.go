//go:build unix

package regularfile

import "syscall"

// nonBlocking makes opening a FIFO return at once (and writing to one with
// no reader fail) and keeps a terminal from becoming the controlling one.
const nonBlocking = syscall.O_NONBLOCK | syscall.O_NOCTTY

// directory makes the kernel refuse anything but a folder before it opens
// it: a FIFO is not waited on, a device's driver never runs.
const directory = syscall.O_DIRECTORY | syscall.O_CLOEXEC
