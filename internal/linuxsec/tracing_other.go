//go:build linux && !amd64 && !arm64

package linuxsec

// tracingSyscalls: not known on this architecture (DenyTracing says so).
func tracingSyscalls() []syscallTable { return nil }

// attrCalls: none known.
var attrCalls map[uint32]attrCall
