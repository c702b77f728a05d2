//go:build !linux

package atomicfile

import "os"

// replace puts the file tmp in name's place in one step.
func replace(tmp, name string) error { return os.Rename(tmp, name) }
