//go:build unix

package nodelib

import (
	"math"

	"golang.org/x/sys/unix"
)

// addressSpaceLimit returns the soft limit on the process's mappings
// (rlimitAddressSpace), if there is one (no limit, RLIM_INFINITY, is all
// ones: past MaxInt64).
func addressSpaceLimit() (int64, bool) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(rlimitAddressSpace, &lim); err != nil || lim.Cur > math.MaxInt64 {
		return 0, false
	}
	return int64(lim.Cur), true
}
