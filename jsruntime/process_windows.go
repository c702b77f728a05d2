package jsruntime

import (
	"os"
	"syscall"
)

// kill ends the process pid (any signal but 0, as libuv does on Windows) or,
// with signal 0, only checks that it exists.
func kill(pid, sig int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	if sig == 0 {
		p.Release()
		return nil
	}
	if err := p.Kill(); err != nil {
		return syscall.ESRCH
	}
	return nil
}

// umask is always 0 on Windows, as in Node.
func umask(int) int { return 0 }

// credentialBindings adds nothing: Windows has no setuid and friends, and
// Node leaves them undefined there.
func (r *Runtime) credentialBindings(func(string, any)) {}
