//go:build !unix && !windows

package jsruntime

import "os/exec"

// detach does nothing where there are no sessions to leave.
func detach(*exec.Cmd) {}
