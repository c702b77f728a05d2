//go:build unix

package jsruntime

import "syscall"

// cpuUsage returns the user and system CPU time the process has used, in
// microseconds, as process.cpuUsage() reports it.
func cpuUsage() (user, system int64, err error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0, err
	}
	return ru.Utime.Nano() / 1e3, ru.Stime.Nano() / 1e3, nil
}
