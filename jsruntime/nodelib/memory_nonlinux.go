//go:build !linux

package nodelib

// physicalMemory is not looked up outside Linux.
func physicalMemory() (int64, bool) { return 0, false }
