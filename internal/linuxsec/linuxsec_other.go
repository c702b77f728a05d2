//go:build !linux

package linuxsec

import (
	"errors"
	"fmt"
)

// Exec reports that confining a command needs Linux.
func Exec(c Confinement, path string, argv, env []string) error {
	return fmt.Errorf("executing %s under exec securebits or Landlock: %w", path, errors.ErrUnsupported)
}
