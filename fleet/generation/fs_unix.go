//go:build unix

package generation

import "os"

// osFS is the Unix layer: rename(2) replaces atomically, and fsync on a
// folder makes its entries durable.
type osFS struct{}

func (osFS) replace(src, dst string) error { return os.Rename(src, dst) }

func (osFS) transient(error) bool { return false }

func (osFS) syncDir(dir string) error { return syncFile(dir) }
