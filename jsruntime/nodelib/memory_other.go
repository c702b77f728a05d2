//go:build !unix

package nodelib

// addressSpaceLimit reports that there is no address-space limit to check:
// Windows commits memory against the system's commit limit instead.
func addressSpaceLimit() (int64, bool) { return 0, false }
