//go:build unix

package nodelib

import (
	"math"
	"syscall"
)

// addressSpaceLimit returns the soft RLIMIT_AS, if there is one (no limit,
// RLIM_INFINITY, is all ones: past MaxInt64).
func addressSpaceLimit() (int64, bool) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &lim); err != nil || lim.Cur > math.MaxInt64 {
		return 0, false
	}
	return int64(lim.Cur), true
}
