package nodelib

import "golang.org/x/sys/windows"

// Windows has priority classes, not nice values: this runtime does not map
// them.
func getPriority(int) (int, error) { return 0, windows.ERROR_NOT_SUPPORTED }

func setPriority(int, int) error { return windows.ERROR_NOT_SUPPORTED }
