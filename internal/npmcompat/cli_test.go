package npmcompat_test

import (
	"testing"

	"github.com/intactdev/intact/internal/linediff"
	"github.com/intactdev/intact/internal/npmcompat"
)

// TestCLIs runs each package's command-line tool on a small real input
// under node and under `intact run`, with no policy and under a policy
// that enforces code integrity with a signed catalog of the whole app, and
// requires the same stdout and exit status.
func TestCLIs(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the npm CLI suite (npm install and 9 packages)")
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	dir := npmcompat.CLIApp(t)
	signed := signApp(t, dir)
	for _, c := range npmcompat.CLIs {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			want := npmcompat.NodeCLI(t, dir, c)
			if want.Stdout == "" {
				t.Fatalf("node %v printed nothing (exit status %d): the comparison would prove nothing\n%s", c.Args, want.ExitCode, want.Stderr)
			}
			for _, mode := range []struct {
				name  string
				flags []string
			}{{"no policy", nil}, {"signed catalog", signed}} {
				got := npmcompat.IntactCLI(t, intactBin, dir, c, mode.flags...)
				if got.ExitCode != want.ExitCode {
					t.Errorf("%s: intact run %v: exit status %d, node %d\nstderr: %s", mode.name, c.Args, got.ExitCode, want.ExitCode, got.Stderr)
				}
				if got.Stdout != want.Stdout {
					t.Errorf("%s: intact run %v: stdout differs from node's\n%s", mode.name, c.Args, linediff.First(want.Stdout, got.Stdout, "node", "intact"))
				}
			}
		})
	}
}
