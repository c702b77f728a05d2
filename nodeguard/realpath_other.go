//go:build !linux && !windows

package nodeguard

import "path/filepath"

// realPath returns path with every symbolic link resolved.
func realPath(path string) (string, error) { return filepath.EvalSymlinks(path) }
