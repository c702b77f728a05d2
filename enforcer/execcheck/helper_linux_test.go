package execcheck_test

// The securebits belong to a process, so the tests that need them set run
// in child processes: the test binary started again with a role in the
// environment. TestMain dispatches on the role before any test runs.
//
//	launch: apply a linuxsec.Confinement and become the probe (what
//	        `intact exec` does);
//	probe:  build a Policy over execcheck.New() and report, as JSON, what
//	        it decides about files, stdin, eval and the REPL;
//	bits:   print the securebits (a grandchild, to see inheritance);
//	mount:  in a private mount namespace, mount tmpfs noexec and report;
//	guard:  check an executable script that would leave a canary if it ran.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/execcheck"
	"github.com/intactdev/intact/internal/linuxsec"
	"golang.org/x/sys/unix"
)

const (
	roleEnv    = "INTACT_EXECCHECK_TEST_ROLE"
	requestEnv = "INTACT_EXECCHECK_TEST_REQUEST"
)

// request tells a child what to do.
type request struct {
	Securebits  uint32   // launch: bits to set
	ExecBeneath []string // launch: Landlock folders
	Files       []string // probe, mount, guard: files to read as code
	Stdin       bool     // probe: read code from stdin
	TryClear    bool     // probe: try to clear the securebits
	Dir         string   // mount: where to mount
}

// report is what a probe found.
type report struct {
	Uid        int
	Bits       uint32
	Settings   enforcer.Settings
	Enforcing  bool
	Files      map[string]string // "ok:<content>" or the denial
	Stdin      string
	Eval, REPL string
	Clear      string // result of clearing the securebits
	ChildBits  string // the securebits a child of the probe sees
	Survived   bool   // guard: the process is still this one
}

func TestMain(m *testing.M) {
	role := os.Getenv(roleEnv)
	if role == "" {
		os.Exit(m.Run())
	}
	var req request
	if err := json.Unmarshal([]byte(os.Getenv(requestEnv)), &req); err != nil {
		fail(err)
	}
	switch role {
	case "launch":
		self, err := os.Executable()
		if err != nil {
			fail(err)
		}
		env := withRole(os.Environ(), "probe")
		fail(linuxsec.Exec(linuxsec.Confinement{Securebits: req.Securebits, ExecBeneath: req.ExecBeneath}, self, []string{self}, env))
	case "probe":
		emit(probe(req))
	case "bits":
		bits, err := linuxsec.Securebits()
		if err != nil {
			fail(err)
		}
		fmt.Printf("%#x", bits)
	case "mount":
		emit(mountProbe(req))
	case "guard":
		emit(guard(req))
	default:
		fail(fmt.Errorf("unknown role %q", role))
	}
	os.Exit(0)
}

// withRole returns env with the role replaced: execve does not drop
// duplicate variables, and Getenv would see the first.
func withRole(env []string, role string) []string {
	out := []string{roleEnv + "=" + role}
	for _, kv := range env {
		if !strings.HasPrefix(kv, roleEnv+"=") {
			out = append(out, kv)
		}
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "child:", err)
	os.Exit(2)
}

func emit(r report) {
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fail(err)
	}
}

// verdict describes ReadCode's answer for a report.
func verdict(data []byte, err error) string {
	if err == nil {
		return "ok:" + string(data)
	}
	var d *enforcer.Denial
	if errors.As(err, &d) {
		return fmt.Sprintf("%s %s %s", intact.ErrorCode(err), d.Reason, d.Detail)
	}
	return fmt.Sprintf("%s %v", intact.ErrorCode(err), err)
}

func probe(req request) report {
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{execcheck.New()}})
	r := report{Uid: os.Getuid(), Files: map[string]string{}, Enforcing: p.ChecksCode()}
	r.Bits, _ = linuxsec.Securebits()
	r.Settings = execcheck.New().Settings()
	for _, f := range req.Files {
		r.Files[f] = verdict(p.ReadCode(f))
	}
	if req.Stdin {
		r.Stdin = verdict(p.ReadStdin(os.Stdin))
	}
	r.Eval = verdict(nil, p.CheckInteractive(intact.FeatureEval))
	r.REPL = verdict(nil, p.CheckInteractive(intact.FeatureREPL))
	if req.TryClear {
		r.Clear = fmt.Sprint(unix.Prctl(unix.PR_SET_SECUREBITS, 0, 0, 0, 0))
		self, _ := os.Executable()
		cmd := exec.Command(self)
		cmd.Env = withRole(os.Environ(), "bits")
		out, err := cmd.Output()
		if err != nil {
			fail(err)
		}
		r.ChildBits = string(out)
	}
	return r
}

// mountProbe mounts two tmpfs in the private mount namespace it runs in,
// one noexec, writes an executable script in each and reads them as code
// with the kernel's verdict enforced. The mounts vanish with the namespace.
func mountProbe(req request) report {
	r := report{Files: map[string]string{}}
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{execcheck.NewWith(execcheck.Options{RestrictFile: true})}})
	for _, m := range []struct {
		name  string
		flags uintptr
	}{{"noexec", unix.MS_NOEXEC}, {"exec", 0}} {
		dir := filepath.Join(req.Dir, m.name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			fail(err)
		}
		if err := unix.Mount("tmpfs", dir, "tmpfs", m.flags|unix.MS_NOSUID|unix.MS_NODEV, "size=64k"); err != nil {
			r.Files[m.name] = "mount: " + err.Error()
			continue
		}
		file := filepath.Join(dir, "main.js")
		if err := os.WriteFile(file, []byte("console.log(1)\n"), 0o755); err != nil {
			fail(err)
		}
		r.Files[m.name] = verdict(p.ReadCode(file))
	}
	return r
}

// guard checks each file, which would write a canary if it were executed,
// and reports that this process survived the checks.
func guard(req request) report {
	r := report{Files: map[string]string{}}
	e := execcheck.NewWith(execcheck.Options{RestrictFile: true})
	for _, path := range req.Files {
		f, err := os.Open(path)
		if err != nil {
			fail(err)
		}
		r.Files[path] = fmt.Sprint(e.CheckFile(f, path))
		f.Close()
	}
	r.Survived = true
	return r
}

// child describes one run of the test binary in a child role.
type child struct {
	role  string
	req   request
	stdin io.Reader
	uid   int // run as this user when not zero
	bin   string
	ns    bool // in a new private mount namespace
}

// run starts the child and decodes its report.
func (c child) run(t *testing.T) report {
	t.Helper()
	bin := c.bin
	if bin == "" {
		bin = os.Args[0]
	}
	req, err := json.Marshal(c.req)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(withRole(os.Environ(), c.role), requestEnv+"="+string(req))
	cmd.Stdin = c.stdin
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if c.uid != 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(c.uid), Gid: uint32(c.uid)}
	}
	if c.ns {
		// os/exec makes every mount private in the new namespace.
		cmd.SysProcAttr.Unshareflags = syscall.CLONE_NEWNS
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s child: %v\n%s", c.role, err, stderr.String())
	}
	var r report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%s child: %v in %q\n%s", c.role, err, out, stderr.String())
	}
	return r
}

// requireRoot skips tests that need root; CI runs them as root.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (mounts, or dropping to another user)")
	}
}

// requireExecveCheck skips when the kernel lacks AT_EXECVE_CHECK (< 6.14),
// or when the temporary folder is mounted noexec, where every file the
// tests expect to pass would be refused.
func requireExecveCheck(t *testing.T) {
	t.Helper()
	if err := linuxsec.ProbeExecveCheck(); err != nil {
		t.Skipf("kernel lacks the feature: %v", err)
	}
	var st unix.Statfs_t
	if err := unix.Statfs(os.TempDir(), &st); err == nil && st.Flags&unix.ST_NOEXEC != 0 {
		t.Skipf("%s is mounted noexec: set TMPDIR to an exec mount", os.TempDir())
	}
}

// publicDir returns a new folder every user may enter, removed after the
// test (t.TempDir's folders are private to their owner).
func publicDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "execcheck-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeFile writes content at dir/name with mode and returns the path.
func writeFile(t *testing.T, dir, name, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

// copyTestBinary copies the test binary to dir, mode 0755, so that another
// user can run it.
func copyTestBinary(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, filepath.Join("bin", filepath.Base(os.Args[0])), string(data), 0o755)
}

func hex(bits uint32) string { return "0x" + strconv.FormatUint(uint64(bits), 16) }

func wantPrefix(t *testing.T, what, got, want string) {
	t.Helper()
	if !strings.HasPrefix(got, want) {
		t.Errorf("%s = %q, want %q…", what, got, want)
	}
}
