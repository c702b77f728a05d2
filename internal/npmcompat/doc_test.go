package npmcompat_test

import (
	"os"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/npmcompat"
)

// TestCompatDocListsTested keeps doc/runtime-compat.md in step with the
// suites: every tested package, at its pinned version, is named there.
func TestCompatDocListsTested(t *testing.T) {
	data, err := os.ReadFile("../../doc/runtime-compat.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, p := range append(append([]string{}, npmcompat.Packages...), npmcompat.CLIPackages...) {
		// An alias (express4@npm:express@4.22.3) is named by its package.
		if _, real, ok := strings.Cut(p, "@npm:"); ok {
			p = real
		}
		if !strings.Contains(doc, p) {
			t.Errorf("doc/runtime-compat.md does not name %s", p)
		}
	}
	for _, c := range npmcompat.CLIs {
		if !strings.Contains(doc, c.Name) {
			t.Errorf("doc/runtime-compat.md does not name the CLI run %s", c.Name)
		}
	}
}
