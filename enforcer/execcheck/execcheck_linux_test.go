package execcheck_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/execcheck"
	"github.com/intactdev/intact/internal/linuxsec"
	"golang.org/x/sys/unix"
)

const script = "console.log('ran')\n"

// forced is a policy with the kernel's verdict enforced as under
// SECBIT_EXEC_RESTRICT_FILE, without touching this process's bits.
func forced(extra ...enforcer.Enforcer) *intact.Policy {
	e := execcheck.NewWith(execcheck.Options{RestrictFile: true})
	return intact.New(intact.Config{Enforcers: append([]enforcer.Enforcer{e}, extra...)})
}

func wantRefused(t *testing.T, err error, errno unix.Errno) {
	t.Helper()
	var v *intact.ViolationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v, want a *intact.ViolationError", err)
	}
	var d *enforcer.Denial
	if !errors.As(err, &d) || d.Enforcer != execcheck.Name || d.Reason != enforcer.ReasonKernelRefused || !strings.HasPrefix(d.Detail, unix.ErrnoName(errno)) {
		t.Fatalf("denial = %v, want execcheck kernel-refused %s", d, unix.ErrnoName(errno))
	}
	if !errors.Is(err, errno) {
		t.Errorf("errors.Is(err, %v) = false", errno)
	}
}

func TestFileModeDecides(t *testing.T) {
	requireExecveCheck(t)
	dir := t.TempDir()
	p := forced()
	got, err := p.ReadCode(writeFile(t, dir, "exec.js", script, 0o755))
	if err != nil || string(got) != script {
		t.Fatalf("0755: ReadCode = %q, %v; want the script", got, err)
	}
	got, err = p.ReadCode(writeFile(t, dir, "plain.js", script, 0o644))
	if got != nil {
		t.Errorf("0644: ReadCode returned code %q with the refusal", got)
	}
	wantRefused(t, err, unix.EACCES)
	// The refusal names the cause.
	if d, _ := errors.AsType[*enforcer.Denial](err); d.Detail != "EACCES: its mode 0644 lets no one execute it (chmod +x)" {
		t.Errorf("detail %q, want the mode as the cause", d.Detail)
	}
}

func TestFileOpenForWritingRefused(t *testing.T) {
	requireExecveCheck(t)
	path := writeFile(t, t.TempDir(), "busy.js", script, 0o755)
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, err = forced().ReadCode(path)
	wantRefused(t, err, unix.ETXTBSY)
}

// A check that cannot be made refuses the file (fail closed).
func TestCheckFailureRefuses(t *testing.T) {
	requireExecveCheck(t)
	f, err := os.Open(writeFile(t, t.TempDir(), "exec.js", script, 0o755))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	err = execcheck.NewWith(execcheck.Options{RestrictFile: true}).CheckFile(f, f.Name())
	var d *enforcer.Denial
	if !errors.As(err, &d) || d.Reason != enforcer.ReasonCheckFailed || d.Enforcer != execcheck.Name {
		t.Errorf("CheckFile on a closed file = %v, want a check-failed denial", err)
	}
}

// A file must satisfy every enforcer: the kernel and a content enforcer.
func TestDenyWins(t *testing.T) {
	requireExecveCheck(t)
	dir := t.TempDir()
	trusted := writeFile(t, dir, "trusted.js", script, 0o755)
	trustedPlain := writeFile(t, dir, "trusted-0644.js", script, 0o644)
	untrusted := writeFile(t, dir, "untrusted.js", "console.log('evil')\n", 0o755)
	p := forced(allowContent{script})

	if got, err := p.ReadCode(trusted); err != nil || string(got) != script {
		t.Errorf("allowed by both: ReadCode = %q, %v", got, err)
	}
	_, err := p.ReadCode(trustedPlain)
	wantRefused(t, err, unix.EACCES)

	got, err := p.ReadCode(untrusted)
	var d *enforcer.Denial
	if got != nil || !errors.As(err, &d) || d.Enforcer != "content" || d.Reason != enforcer.ReasonNotInCatalog {
		t.Errorf("refused by the content enforcer only: ReadCode = %q, %v", got, err)
	}
}

// allowContent is a content enforcer that allows one exact text.
type allowContent struct{ text string }

func (allowContent) Name() string { return "content" }
func (allowContent) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true}
}
func (allowContent) Status() enforcer.Status { return enforcer.Status{Available: true} }
func (a allowContent) CheckContent(c enforcer.Content) error {
	if string(c.Data) == a.text {
		return nil
	}
	return &enforcer.Denial{Reason: enforcer.ReasonNotInCatalog}
}

// The check never executes: a script that would leave a canary and exit
// with status 3 is checked in a child, which must survive and print its
// report, and the canary must not exist.
func TestCheckNeverExecutes(t *testing.T) {
	requireExecveCheck(t)
	dir := t.TempDir()
	canary := filepath.Join(dir, "canary")
	sh := writeFile(t, dir, "run.sh", "#!/bin/sh\necho ran > "+canary+"\nexit 3\n", 0o755)
	elf := writeFile(t, dir, "true", string(must(os.ReadFile("/bin/true"))), 0o755)
	r := child{role: "guard", req: request{Files: []string{sh, elf}}}.run(t)
	if !r.Survived {
		t.Fatal("the checking process did not survive")
	}
	for path, res := range r.Files {
		if res != "<nil>" {
			t.Errorf("check of executable %s = %s, want allowed", path, res)
		}
	}
	if _, err := os.Stat(canary); !os.IsNotExist(err) {
		t.Fatalf("canary %s exists: the script ran (%v)", canary, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestNoexecMountRefused(t *testing.T) {
	requireExecveCheck(t)
	requireRoot(t)
	dir := t.TempDir()
	r := child{role: "mount", ns: true, req: request{Dir: dir}}.run(t)
	if strings.HasPrefix(r.Files["noexec"], "mount:") {
		t.Skipf("cannot mount tmpfs in a private namespace: %s", r.Files["noexec"])
	}
	wantPrefix(t, "0755 script on a noexec tmpfs", r.Files["noexec"], intact.CodeViolation+" kernel-refused EACCES: its file system is mounted noexec")
	wantPrefix(t, "0755 script on an exec tmpfs", r.Files["exec"], "ok:console.log(1)")
	// The mounts lived in the child's namespace only.
	if mounts := string(must(os.ReadFile("/proc/self/mountinfo"))); strings.Contains(mounts, dir) {
		t.Errorf("a test mount under %s is visible outside the child's namespace", dir)
	}
}

// Under real securebits set by the launcher: RESTRICT_FILE refuses a 0644
// file and allows a 0755 one; locked bits are inherited and cannot be
// cleared.
func TestRestrictFileLocked(t *testing.T) {
	requireExecveCheck(t)
	dir := t.TempDir()
	exe := writeFile(t, dir, "exec.js", script, 0o755)
	plain := writeFile(t, dir, "plain.js", script, 0o644)
	bits := uint32(linuxsec.SecbitExecRestrictFile | linuxsec.SecbitExecRestrictFileLocked)
	r := child{role: "launch", req: request{Securebits: bits, Files: []string{exe, plain}, TryClear: true}}.run(t)

	if r.Bits&bits != bits || !r.Settings.EnforceCodeIntegrity || r.Settings.DisableInteractiveMode || !r.Enforcing {
		t.Fatalf("bits %#x, settings %+v, enforcing %v: want RESTRICT_FILE and its lock enforced", r.Bits, r.Settings, r.Enforcing)
	}
	wantPrefix(t, "0755 file", r.Files[exe], "ok:"+script)
	wantPrefix(t, "0644 file", r.Files[plain], intact.CodeViolation+" kernel-refused EACCES")
	if r.Clear != unix.EPERM.Error() {
		t.Errorf("clearing locked bits: %q, want EPERM", r.Clear)
	}
	if r.ChildBits != hex(r.Bits) {
		t.Errorf("a child of the service sees securebits %s, want %s", r.ChildBits, hex(r.Bits))
	}
	if r.Eval != "<nil>" && !strings.HasPrefix(r.Eval, "ok:") {
		t.Errorf("eval under RESTRICT_FILE alone: %s, want allowed", r.Eval)
	}
}

// With no securebit set nothing changes: the same files run.
func TestNoBitsChangesNothing(t *testing.T) {
	requireExecveCheck(t)
	if bits, _ := linuxsec.Securebits(); bits&(linuxsec.SecbitExecRestrictFile|linuxsec.SecbitExecDenyInteractive) != 0 {
		t.Skipf("the test process itself runs under exec securebits %#x", bits)
	}
	dir := t.TempDir()
	exe := writeFile(t, dir, "exec.js", script, 0o755)
	plain := writeFile(t, dir, "plain.js", script, 0o644)
	r := child{role: "probe", req: request{Files: []string{exe, plain}, Stdin: true}, stdin: strings.NewReader(script)}.run(t)
	if r.Enforcing || r.Settings != (enforcer.Settings{}) {
		t.Errorf("settings %+v, enforcing %v: want none", r.Settings, r.Enforcing)
	}
	for _, f := range []string{exe, plain} {
		wantPrefix(t, f, r.Files[f], "ok:"+script)
	}
	wantPrefix(t, "piped stdin", r.Stdin, "ok:"+script)
	wantPrefix(t, "eval", r.Eval, "ok:")
	wantPrefix(t, "REPL", r.REPL, "ok:")
}

// Under DENY_INTERACTIVE: eval and the REPL are blocked; stdin runs only if
// the stdin descriptor passes the check; files still run (RESTRICT_FILE is
// not set).
func TestDenyInteractive(t *testing.T) {
	requireExecveCheck(t)
	dir := t.TempDir()
	exe := writeFile(t, dir, "exec.js", script, 0o755)
	plain := writeFile(t, dir, "plain.js", script, 0o644)
	launch := func(stdin any) report {
		c := child{role: "launch", req: request{Securebits: linuxsec.SecbitExecDenyInteractive, Files: []string{plain}, Stdin: true}}
		switch s := stdin.(type) {
		case string:
			c.stdin = must(os.Open(s))
			defer c.stdin.(*os.File).Close()
		case *bytes.Reader:
			c.stdin = s // os/exec passes it through a pipe
		}
		return c.run(t)
	}
	blocked := intact.CodeBlocked + " "
	r := launch(bytes.NewReader([]byte(script)))
	if !r.Settings.DisableInteractiveMode || r.Settings.EnforceCodeIntegrity {
		t.Fatalf("settings %+v: want DisableInteractiveMode only", r.Settings)
	}
	wantPrefix(t, "piped stdin", r.Stdin, blocked)
	wantPrefix(t, "eval", r.Eval, blocked)
	wantPrefix(t, "REPL", r.REPL, blocked)
	wantPrefix(t, "0644 file without RESTRICT_FILE", r.Files[plain], "ok:"+script)

	wantPrefix(t, "executable file on stdin", launch(exe).Stdin, "ok:"+script)
	wantPrefix(t, "0644 file on stdin", launch(plain).Stdin, blocked)
}

// An unprivileged user confines execution to one folder with Landlock;
// under RESTRICT_FILE intact then refuses code elsewhere, even 0755 code.
func TestLandlockAllowExecUnder(t *testing.T) {
	requireExecveCheck(t)
	requireRoot(t) // to become another user
	if _, err := linuxsec.LandlockABI(); err != nil {
		t.Skipf("kernel lacks the feature: %v", err)
	}
	dir := publicDir(t)
	bin := copyTestBinary(t, dir)
	inside := writeFile(t, dir, "app/main.js", script, 0o755)
	outside := writeFile(t, dir, "other/main.js", script, 0o755)
	const nobody = 65534

	req := request{Securebits: linuxsec.SecbitExecRestrictFile, Files: []string{inside, outside}}
	r := child{role: "launch", req: req, uid: nobody, bin: bin}.run(t)
	if r.Uid != nobody {
		t.Fatalf("probe ran as uid %d, want %d", r.Uid, nobody)
	}
	// The exec securebits need no privilege.
	if r.Bits&linuxsec.SecbitExecRestrictFile == 0 || !r.Settings.EnforceCodeIntegrity {
		t.Fatalf("as nobody: securebits %#x, settings %+v; want RESTRICT_FILE enforced", r.Bits, r.Settings)
	}
	wantPrefix(t, "outside without Landlock", r.Files[outside], "ok:"+script)

	req.ExecBeneath = []string{filepath.Dir(inside)}
	r = child{role: "launch", req: req, uid: nobody, bin: bin}.run(t)
	wantPrefix(t, "inside the allowed folder", r.Files[inside], "ok:"+script)
	wantPrefix(t, "outside the allowed folder", r.Files[outside], intact.CodeViolation+" kernel-refused EACCES")
}

func TestStatus(t *testing.T) {
	e := execcheck.NewWith(execcheck.Options{RestrictFile: true})
	st := e.Status()
	if err := linuxsec.ProbeExecveCheck(); (err == nil) != st.Available {
		t.Errorf("Available = %v, probe: %v", st.Available, err)
	}
	bits, _ := linuxsec.Securebits()
	if bits&linuxsec.SecbitExecRestrictFile == 0 && st.Sources["EnforceCodeIntegrity"] != "execcheck option RestrictFile" {
		t.Errorf("Sources = %v", st.Sources)
	}
}
