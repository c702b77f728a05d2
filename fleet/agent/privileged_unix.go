//go:build unix

package agent

import "os"

// privileged reports whether the agent runs as root, when the files it
// trusts must be root's alone.
func privileged() bool { return os.Geteuid() == 0 }
