//go:build !linux && !windows

package intact

import "os"

// unchanged reports whether two stats of one open file show the same
// contents, as far as the portable fields tell: same file, size and
// modification time.
func unchanged(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
