package jsruntime

import "golang.org/x/sys/windows"

// cpuUsage returns the user and system CPU time the process has used, in
// microseconds, as process.cpuUsage() reports it.
func cpuUsage() (user, system int64, err error) {
	var creation, exit, kernel, usr windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &creation, &exit, &kernel, &usr); err != nil {
		return 0, 0, err
	}
	// Filetimes count 100 ns intervals.
	ticks := func(f windows.Filetime) int64 { return int64(f.HighDateTime)<<32 | int64(f.LowDateTime) }
	return ticks(usr) / 10, ticks(kernel) / 10, nil
}
