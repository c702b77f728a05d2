package agent

// SetBeforeSwitch sets the hook that runs between staging and switching:
// the crash test kills the agent there.
func (a *Agent) SetBeforeSwitch(f func()) { a.beforeSwitch = f }
