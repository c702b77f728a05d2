package execcheck

import (
	"fmt"
	"strings"

	"github.com/intactdev/intact/internal/linuxsec"
)

// formatBits shows securebits in hex with the exec bits named.
func formatBits(bits uint32) string {
	var names []string
	for _, b := range []struct {
		bit  uint32
		name string
	}{
		{linuxsec.SecbitExecRestrictFile, "SECBIT_EXEC_RESTRICT_FILE"},
		{linuxsec.SecbitExecRestrictFileLocked, "SECBIT_EXEC_RESTRICT_FILE_LOCKED"},
		{linuxsec.SecbitExecDenyInteractive, "SECBIT_EXEC_DENY_INTERACTIVE"},
		{linuxsec.SecbitExecDenyInteractiveLocked, "SECBIT_EXEC_DENY_INTERACTIVE_LOCKED"},
	} {
		if bits&b.bit != 0 {
			names = append(names, b.name)
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("%#x", bits)
	}
	return fmt.Sprintf("%#x (%s)", bits, strings.Join(names, "|"))
}
