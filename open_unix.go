//go:build unix

package intact

import (
	"os"
	"syscall"
)

// openCode opens path for reading without blocking on a FIFO and without
// becoming the controlling terminal of a TTY.
func openCode(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
