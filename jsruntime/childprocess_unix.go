//go:build unix

package jsruntime

import (
	"os/exec"
	"syscall"
)

// detach makes cmd's process the leader of a new session, as libuv does
// for spawn's detached option: it keeps running after its parent's
// process group is signalled.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
