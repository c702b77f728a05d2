package nodelib_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/linediff"
)

// TestCompat runs every script in testdata/compat under node and under goja
// with this package, and requires byte-identical stdout.
func TestCompat(t *testing.T) {
	scripts, err := filepath.Glob("testdata/compat/*.js")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no compat scripts: %v", err)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".js")
		t.Run(name, func(t *testing.T) {
			want, _, nerr := runNode(t, script)
			if nerr != nil {
				t.Fatalf("node failed: %v", nerr)
			}
			got, stderr, gerr := runGoja(t, script)
			if gerr != nil {
				t.Errorf("goja failed: %v\nstderr: %s", gerr, stderr)
			}
			if got != want {
				t.Errorf("%s: output differs from node's\n%s", script, linediff.First(want, got, "node", "goja"))
			}
		})
	}
}
