//go:build !windows

package nodeguard

import (
	"bytes"
	"os/exec"
)

// runProbe runs a probe of node and returns its standard output and error.
func runProbe(cmd *exec.Cmd) (stdout, stderr []byte, err error) {
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	out, err := cmd.Output()
	return out, errBuf.Bytes(), err
}
