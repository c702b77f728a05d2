package agent

// SetBeforeSwitch sets the hook that runs between staging and switching:
// the crash test kills the agent there.
func (a *Agent) SetBeforeSwitch(f func()) { a.beforeSwitch = f }

// ParseConfig is ReadConfig's parser, for the fuzz target.
var ParseConfig = parseConfig
