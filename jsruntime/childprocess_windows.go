package jsruntime

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// detach gives cmd's process no console and a process group of its own, as
// libuv does for spawn's detached option.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.DETACHED_PROCESS | windows.CREATE_NEW_PROCESS_GROUP}
}
