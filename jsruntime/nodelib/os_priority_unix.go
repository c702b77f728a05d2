//go:build unix

package nodelib

import (
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// getPriority returns the nice value of process pid (0: this process) as
// libuv's uv_os_getpriority does.
func getPriority(pid int) (int, error) {
	if pid == 0 {
		pid = currentThread()
	}
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, pid)
	if err != nil {
		return 0, err
	}
	if runtime.GOOS == "linux" {
		// The system call returns 20 - nice, so that it is never negative.
		prio = 20 - prio
	}
	return prio, nil
}

// setPriority sets the nice value of process pid (0: this process). On
// Linux the nice value belongs to each thread and a Go program runs on
// several, so "this process" means all of its threads.
func setPriority(pid, prio int) error {
	if pid != 0 || runtime.GOOS != "linux" {
		return unix.Setpriority(unix.PRIO_PROCESS, pid, prio)
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return unix.Setpriority(unix.PRIO_PROCESS, 0, prio)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := unix.Setpriority(unix.PRIO_PROCESS, tid, prio); err != nil && err != unix.ESRCH {
			return err
		}
	}
	return nil
}
