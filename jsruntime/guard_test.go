package jsruntime

import (
	"bytes"
	"strings"
	"testing"

	"github.com/intactdev/intact"
)

// TestGoPanicIsReportedNotFatal: a Go panic in a native function that no
// one guarded (here one installed for the test, standing for a bug in goja
// or the runtime) is reported as an uncaught ERR_INTERNAL_ASSERTION error
// with status 1, and the process goes on; goja's own panics (a thrown
// JavaScript error) still behave as before.
func TestGoPanicIsReportedNotFatal(t *testing.T) {
	var stdout, stderr bytes.Buffer
	r, err := New(Config{Policy: intact.New(intact.Config{}), Stdout: &stdout, Stderr: &stderr, NoWarnings: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var none []int
	r.vm.Set("bug", func() int { return none[1] })
	code, _ := r.Eval(`try { JSON.parse('{') } catch (e) { console.log(e.name) }
process.on('exit', (c) => console.log('exit', c))
bug()`, false)
	if code != 1 || stdout.String() != "SyntaxError\nexit 1\n" ||
		!strings.Contains(stderr.String(), "ERR_INTERNAL_ASSERTION") || !strings.Contains(stderr.String(), "index out of range") {
		t.Fatalf("status %d, stdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
}
