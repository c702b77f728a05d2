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

// LandlockABI reports that Landlock is Linux's.
func LandlockABI() (int, error) {
	return 0, &UnsupportedError{"Landlock is a Linux security module"}
}
