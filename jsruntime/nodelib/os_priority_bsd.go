//go:build unix && !linux

package nodelib

// currentThread names "this process" for getpriority: 0, since outside
// Linux the nice value belongs to the process.
func currentThread() int { return 0 }
