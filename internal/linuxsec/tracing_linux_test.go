package linuxsec

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/testtrace"
)

func TestMain(m *testing.M) {
	if os.Getenv(testtrace.Env) == "1" {
		os.Exit(testtrace.Main(marker))
	}
	if dir := os.Getenv(attrEnv); dir != "" {
		os.Exit(attrChild(dir))
	}
	if os.Getenv(fakedSeccompEnv) == "1" {
		os.Exit(fakedSeccompChild())
	}
	os.Exit(m.Run())
}

// marker reports whether this process finds DenyTracing's marker.
func marker() string {
	if UnderDenyTracing() {
		return "marker=under"
	}
	return "marker=none"
}

// traceParent starts this test binary as a child from th, to try what a
// child can do to this process, and returns its report.
func traceParent(t *testing.T, th *Thread) string {
	t.Helper()
	return runSelf(t, th, "", []string{testtrace.Env + "=1"})
}

// runSelf runs this test binary from th, in the folder dir ("" for this
// process's) with env added to its environment, through wrap (a command
// that runs its arguments, with other credentials) when not empty, and
// returns its standard output without the spaces around it.
func runSelf(t testing.TB, th *Thread, dir string, env []string, wrap ...string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	th.Do(func() {
		args := append(wrap, self)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Dir = dir
		out, err = cmd.Output()
	})
	if err != nil {
		t.Fatalf("%v %s: %v", wrap, self, err)
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
	if _, err := th.DenyTracing(nil); errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("kernel or architecture lacks the feature: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
	if UnderDenyTracing() {
		t.Error("this process reports itself under DenyTracing's filter")
	}
	if got := traceParent(t, th); !strings.HasSuffix(got, " marker=under") {
		t.Errorf("a child under DenyTracing: %s, want it to find the filter's marker", got)
	}
	if got := traceParent(t, free); !strings.HasSuffix(got, " marker=none") {
		t.Errorf("a child without DenyTracing: %s, want no marker", got)
	}
	// /proc/<pid>/mem is a path, not a system call of its own: DenyExec's
	// rules withhold it (TestDenyExecProcWrites).
	const want = "pidfd_getfd=EPERM process_vm_readv=EPERM ptrace=EPERM parent_mem=ok own_mem=ok open_tree=EPERM open_by_handle=EPERM tiocsti=EPERM setlease=EPERM tiocvhangup=EPERM fanotify=EPERM vhangup=EPERM seccomp_listener=EPERM marker=under"
	if got := traceParent(t, th); got != want {
		t.Errorf("under DenyTracing: %s, want %s", got, want)
	}
	if os.Geteuid() == 0 && control != "pidfd_getfd=ok process_vm_readv=ok ptrace=ok parent_mem=ok own_mem=ok open_tree=ok open_by_handle=ok tiocsti=ok setlease=ok tiocvhangup=ok fanotify=ok vhangup=ok seccomp_listener=ok marker=none" {
		t.Errorf("as root without DenyTracing: %s, want every call to succeed", control)
	}
}

// TestDenyExecProcWrites: a child started inside DenyExec's domain cannot
// open its parent's memory, or its own, for writing through /proc, which
// would let it rewrite code with no system call a seccomp filter sees; it
// still writes other files, /dev/null and its standard output (through
// /proc/self/fd, a link to the file itself).
func TestDenyExecProcWrites(t *testing.T) {
	denied := filepath.Join(t.TempDir(), "node")
	copyExecutable(t, denied)
	th := confined(t, denied)
	// (This process is outside the domain, which Landlock itself keeps
	// the child from tracing; node's broker thread is inside node's.)
	if got := traceParent(t, th); !strings.Contains(got, " parent_mem=EACCES own_mem=EACCES ") {
		t.Errorf("inside DenyExec's domain: %s, want no /proc/<pid>/mem opened for writing", got)
	}
	file := filepath.Join(t.TempDir(), "written")
	var out []byte
	var err error
	th.Do(func() {
		out, err = exec.Command("/bin/sh", "-c", "echo x > "+file+" && echo y > /dev/null && echo z > /dev/stdout").Output()
	})
	if err != nil || string(out) != "z\n" {
		t.Errorf("writing elsewhere: %q, %v", out, err)
	}
	if data, err := os.ReadFile(file); err != nil || string(data) != "x\n" {
		t.Errorf("the file written: %q, %v", data, err)
	}
}

// fakedSeccompEnv has the test binary try DenyTracing in a process whose
// seccomp(2) is answered with success by a filter around it, installing
// nothing.
const fakedSeccompEnv = "LINUXSEC_TEST_FAKED_SECCOMP"

// fakedSeccompChild puts every thread of this process under a filter that
// answers seccomp(2) with 0, then reports what DenyTracing says, without
// read-only files and with one (which asks for a listener).
func fakedSeccompChild() int {
	if err := testtrace.AnswerSeccomp(0); err != nil {
		fmt.Println(err)
		return 2
	}
	for _, readOnly := range [][]string{nil, {"/etc"}} {
		th := NewThread()
		_, err := th.DenyTracing(readOnly)
		th.Close()
		fmt.Printf("readOnly=%d err=%v\n", len(readOnly), err)
	}
	return 0
}

// TestDenyTracingFindsFilterMissing: where seccomp(2) is answered with
// success and installs nothing (a filter around intact can make it so),
// DenyTracing fails, rather than report a filter in force, by its marker,
// with read-only files (a listener asked for) and without (outside review
// rt54).
func TestDenyTracingFindsFilterMissing(t *testing.T) {
	if _, err := tracingFilter(attrsAllowed, markerErrno); err != nil {
		t.Skipf("architecture lacks the feature: %v", err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), fakedSeccompEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"readOnly=0 err=seccomp(SECCOMP_SET_MODE_FILTER) succeeded, but the filter is not in force",
		"readOnly=1 err=seccomp(SECCOMP_SET_MODE_FILTER) succeeded, but the filter is not in force",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child said:\n%s\nwant a line starting %q", out, want)
		}
	}
}
