package agent

import "golang.org/x/sys/windows"

// privileged reports whether the agent runs elevated (as a service does),
// when the files it trusts must be administrators' alone.
func privileged() bool { return windows.GetCurrentProcessToken().IsElevated() }
