//go:build !unix && !windows

package jsruntime

import "errors"

// cpuUsage is not available on this system: process.cpuUsage() throws.
func cpuUsage() (user, system int64, err error) {
	return 0, 0, errors.ErrUnsupported
}
