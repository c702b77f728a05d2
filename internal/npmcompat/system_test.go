package npmcompat_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/npmcompat"
)

// TestBuildIntactSystemDir: the binary BuildIntact builds reads its system
// policy from SystemDir, never from the machine's folder: without one,
// ad-hoc code runs; with one there that disables interactive mode, it is
// refused (or, where the scratch folder is not root's, the run fails closed
// naming it).
func TestBuildIntactSystemDir(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no intact binary")
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	// A binary of its own: the suite's binary's system folder must stay
	// empty while the other tests run.
	dir := t.TempDir()
	bin, err := npmcompat.BuildIntact(dir)
	if err != nil {
		t.Fatal(err)
	}
	eval := func() (string, error) {
		out, err := exec.Command(bin, "eval", "-p", "6 * 7").CombinedOutput()
		return string(out), err
	}
	if out, err := eval(); err != nil || strings.TrimSpace(out) != "42" {
		t.Fatalf("intact eval without a system policy: %v\n%s", err, out)
	}
	system := npmcompat.SystemDir(dir)
	if err := os.Mkdir(system, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "policy", "new", "--signer", filepath.Join(pki, "root.pem"), "--no-file-checks", "--deny-interactive",
		"-o", filepath.Join(system, "policy.xml")).CombinedOutput(); err != nil {
		t.Fatalf("intact policy new: %v\n%s", err, out)
	}
	out, err := eval()
	if err == nil || !strings.Contains(out, "ERR_CODE_INTEGRITY_BLOCKED") && !strings.Contains(out, system) {
		t.Fatalf("intact eval with a system policy disabling interactive mode in %s: %v\n%s", system, err, out)
	}
}
