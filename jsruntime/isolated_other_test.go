//go:build !linux

package jsruntime_test

import "testing"

// limitMemory does nothing where RLIMIT_AS is not available: tests that
// would allocate without bound on old code run on Linux only.
func limitMemory(*testing.T) {}
