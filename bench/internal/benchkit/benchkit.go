// Package benchkit holds what intact's benchmark commands share: catalogs
// signed by the TEST-ONLY keys, commands run for their side effects, and
// the summaries of timed runs.
package benchkit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// PKIDir holds the TEST-ONLY keys, relative to the repository root, where
// the benchmark commands run.
const PKIDir = "cmd/intact/testdata/pki"

// A Signer makes catalogs signed by a leaf of the TEST-ONLY PKI, and an
// enforcing policy that trusts its root.
type Signer struct {
	intact, pki, out string
	// Policy is the policy file.
	Policy string
}

// NewSigner writes the policy into out, with the intact binary at intact.
// It must run from the repository root.
func NewSigner(intact, out string) (*Signer, error) {
	pki, err := filepath.Abs(PKIDir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(pki); err != nil {
		return nil, fmt.Errorf("run from the repository root: %w", err)
	}
	s := &Signer{intact: intact, pki: pki, out: out, Policy: filepath.Join(out, "policy.xml")}
	if err := Run("", intact, "policy", "new", "--signer", filepath.Join(pki, "root.pem"), "--enforce", "-o", s.Policy); err != nil {
		return nil, err
	}
	return s, nil
}

// AuditPolicy writes, beside the signer's policy, one that trusts the same
// root in audit mode, and returns its path.
func (s *Signer) AuditPolicy() (string, error) {
	policy := filepath.Join(s.out, "policy-audit.xml")
	err := Run("", s.intact, "policy", "new", "--signer", filepath.Join(s.pki, "root.pem"), "--audit", "-o", policy)
	return policy, err
}

// Sign writes a catalog of every file under root, named after it, into the
// signer's folder, and returns its path.
func (s *Signer) Sign(root string) (string, error) {
	cat := filepath.Join(s.out, filepath.Base(root)+".cat")
	err := Run("", s.intact, "catalog", "new", root, "-o", cat,
		"--cert", filepath.Join(s.pki, "leaf-ec.pem"), "--key", filepath.Join(s.pki, "leaf-ec.key"),
		"--chain", filepath.Join(s.pki, "root.pem"))
	return cat, err
}

// Run runs a command in dir and returns an error with its output if it
// fails.
func Run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// Median returns the median of xs (the upper one of an even count).
func Median[T int64 | float64 | time.Duration](xs []T) T {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// MS formats d in milliseconds.
func MS(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// LoadAvg returns the 1-minute load average, or "?" where /proc has none.
func LoadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
