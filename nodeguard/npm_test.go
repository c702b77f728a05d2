//go:build linux

package nodeguard_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/npmcompat"
)

// TestNpmPackages runs the npm acceptance scripts of internal/npmcompat
// (16 popular packages) under intact node with a policy that enforces code
// integrity and disables interactive mode, and a signed catalog of the
// whole tree, on the newest installed major: each prints exactly what it
// prints under plain node. (Template engines among them build functions
// from strings, which DisableDynamicCode would refuse.)
func TestNpmPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the npm acceptance scripts")
	}
	ns := nodes(t)
	n := ns[len(ns)-1]
	dir := npmcompat.CopyApp(t)
	s := sign(t, dir)
	for _, script := range npmcompat.Scripts() {
		t.Run(strings.TrimSuffix(script, ".js"), func(t *testing.T) {
			args := append([]string{script}, npmcompat.ScriptArgs[script]...)
			cmd := exec.Command(n.Path, args...)
			cmd.Dir = dir
			var want bytes.Buffer
			cmd.Stdout = &want
			if err := cmd.Run(); err != nil {
				t.Fatalf("node %s: %v", script, err)
			}
			res := s.run(t, n, "locked", runOpts{}, args...)
			if res.Err != nil || res.Exit.Code != 0 || res.Stdout != want.String() {
				t.Errorf("intact node %s: %v, exit %+v, stdout differs: %v\nstderr:\n%s", script, res.Err, res.Exit, res.Stdout != want.String(), res.Stderr)
			}
		})
	}
}
