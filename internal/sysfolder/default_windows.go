package sysfolder

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

// Default returns the system folder: %ProgramData%\intact. The ProgramData
// folder comes from the known-folder API, not the environment variable,
// which the user controls and could point at a folder without a policy.
func Default() string {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0)
	if err != nil {
		dir = `C:\ProgramData`
	}
	return filepath.Join(dir, "intact")
}
