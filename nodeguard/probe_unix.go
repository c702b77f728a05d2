//go:build !windows

package nodeguard

import "os/exec"

// runProbe starts a probe of node with start and returns its standard
// output and error, failing when either is longer than probeOutputMax.
func runProbe(cmd *exec.Cmd, start func(*exec.Cmd) error) (stdout, stderr []byte, err error) {
	var out, errOut probeOutput
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := start(cmd); err != nil {
		return nil, nil, err
	}
	err = cmd.Wait()
	if out.over || errOut.over {
		// Node ended by the pipe it could no longer write, most likely.
		err = errProbeOutput
	}
	return out.Bytes(), errOut.Bytes(), err
}
