//go:build unix

package generation

import "os"

func defaultSystemDir() string { return "/etc/intact" }

// osFS is the Unix layer: rename(2) replaces atomically, and fsync on a
// folder makes its entries durable.
type osFS struct{}

func (osFS) replace(src, dst string) error { return os.Rename(src, dst) }

func (osFS) transient(error) bool { return false }

func (osFS) syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
