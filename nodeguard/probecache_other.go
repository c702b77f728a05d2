//go:build !linux

package nodeguard

import (
	"os"
	"path/filepath"

	"github.com/intactdev/intact/internal/atomicfile"
)

// writeProbeCache stores a probe. A failure only costs a probe next time.
func writeProbeCache(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return
	}
	atomicfile.WriteNoSync(path, data, 0o600)
}
