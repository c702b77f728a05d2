package nodelib

import "golang.org/x/sys/unix"

// currentThread names the calling thread for getpriority: on Linux the
// nice value belongs to each thread.
func currentThread() int { return unix.Gettid() }
