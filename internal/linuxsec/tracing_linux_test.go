package linuxsec

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/testtrace"
)

func TestMain(m *testing.M) {
	if os.Getenv(testtrace.Env) == "1" {
		os.Exit(testtrace.Main())
	}
	os.Exit(m.Run())
}

// traceParent starts this test binary as a child from th, to try what a
// child can do to this process, and returns its report.
func traceParent(t *testing.T, th *Thread) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	th.Do(func() {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), testtrace.Env+"=1")
		out, err = cmd.Output()
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// TestDenyTracing: a child started from a thread under DenyTracing can
// neither take its parent's descriptors, nor read its memory, nor attach
// to it; a child started from another thread can, where the kernel lets a
// process trace its parent (root, or no Yama), which shows the test can
// fail.
func TestDenyTracing(t *testing.T) {
	free := NewThread()
	defer free.Close()
	control := traceParent(t, free)
	t.Logf("without DenyTracing: %s", control)

	th := NewThread()
	defer th.Close()
	if err := th.DenyTracing(); errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("kernel or architecture lacks the feature: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
	const want = "pidfd_getfd=EPERM process_vm_readv=EPERM ptrace=EPERM"
	if got := traceParent(t, th); got != want {
		t.Errorf("under DenyTracing: %s, want %s", got, want)
	}
	if os.Geteuid() == 0 && control != "pidfd_getfd=ok process_vm_readv=ok ptrace=ok" {
		t.Errorf("as root without DenyTracing: %s, want every call to succeed", control)
	}
}
