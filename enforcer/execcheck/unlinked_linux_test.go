package execcheck_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/enforcer/execcheck"
	"github.com/intactdev/intact/internal/linuxsec"
	"golang.org/x/sys/unix"
)

// unlinkedFiles returns executable descriptors holding script that have no
// link in any folder: a memfd (mode 0777 from birth), an O_TMPFILE file and
// a deleted file, both 0755.
func unlinkedFiles(t *testing.T) map[string]*os.File {
	t.Helper()
	files := map[string]*os.File{}
	memfd, err := unix.MemfdCreate("code", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatalf("memfd_create: %v", err)
	}
	files["memfd"] = os.NewFile(uintptr(memfd), "memfd")
	dir := t.TempDir()
	tmpfile, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o755)
	if err != nil {
		t.Fatalf("O_TMPFILE: %v", err)
	}
	files["O_TMPFILE"] = os.NewFile(uintptr(tmpfile), "tmpfile")
	deleted, err := os.OpenFile(writeFile(t, dir, "deleted.js", "", 0o755), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(deleted.Name()); err != nil {
		t.Fatal(err)
	}
	files["deleted"] = deleted
	for name, f := range files {
		if _, err := f.WriteString(script); err != nil {
			t.Fatal(err)
		}
		// Keep only a read-only descriptor, as an attacker would: the
		// kernel refuses a file open for writing (ETXTBSY).
		ro, err := os.Open("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[name] = ro
		t.Cleanup(func() { ro.Close() })
	}
	return files
}

// TestUnlinkedRefused: under RestrictFile a descriptor with no link — a
// memfd, an O_TMPFILE file, a deleted file — is refused (unlinked-file),
// named as /proc/self/fd/N and as stdin under DenyInteractive, although the
// kernel's own check lets each of them through (checked first, so that the
// test shows what intact adds).
func TestUnlinkedRefused(t *testing.T) {
	requireExecveCheck(t)
	for name, f := range unlinkedFiles(t) {
		t.Run(name, func(t *testing.T) {
			path := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
			if err := linuxsec.ExecveCheck(int(f.Fd()), path); err != nil {
				t.Fatalf("the kernel refuses it itself (%v): nothing to show", err)
			}
			data, err := forced().ReadCode(path)
			wantUnlinked(t, data, err, name)

			both := execcheck.NewWith(execcheck.Options{RestrictFile: true, DenyInteractive: true})
			p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{both}})
			if _, err := f.Seek(0, 0); err != nil {
				t.Fatal(err)
			}
			data, err = p.ReadStdin(f)
			var b *intact.BlockedError
			if !errors.As(err, &b) || b.Feature != intact.FeatureStdin {
				t.Fatalf("as stdin: %q, %v; want stdin blocked", data, err)
			}
			wantUnlinked(t, data, err, name)
		})
	}
}

func wantUnlinked(t *testing.T, data []byte, err error, name string) {
	t.Helper()
	var d *enforcer.Denial
	if data != nil || !errors.As(err, &d) || d.Enforcer != execcheck.Name || d.Reason != enforcer.ReasonUnlinked {
		t.Fatalf("ReadCode = %q, %v; want an execcheck unlinked-file denial", data, err)
	}
	if name == "memfd" && !strings.Contains(d.Detail, "a memfd (/memfd:code)") {
		t.Errorf("detail %q does not say it is a memfd", d.Detail)
	}
}

// TestLinkedFileStillRuns: the same code in an executable file with a link
// still passes, through /proc/self/fd/N too.
func TestLinkedFileStillRuns(t *testing.T) {
	requireExecveCheck(t)
	f, err := os.Open(writeFile(t, t.TempDir(), "main.js", script, 0o755))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if data, err := forced().ReadCode("/proc/self/fd/" + strconv.Itoa(int(f.Fd()))); err != nil || string(data) != script {
		t.Fatalf("ReadCode = %q, %v; want the script", data, err)
	}
}
