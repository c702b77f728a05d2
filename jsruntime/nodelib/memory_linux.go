package nodelib

import "syscall"

// physicalMemory returns the system's RAM and swap: Linux refuses (or the
// OOM killer ends) a mapping larger than that whatever RLIMIT_AS says, and
// Go makes the refusal a fatal error.
func physicalMemory() (int64, bool) {
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return 0, false
	}
	unit := int64(info.Unit)
	if unit == 0 {
		unit = 1
	}
	return (int64(info.Totalram) + int64(info.Totalswap)) * unit, true
}
