//go:build linux

package intact_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// Red-team regression tests for the core's own checks. The enforcer here
// allows every byte it is shown, so any refusal comes from ReadCode's and
// ReadStdin's handling of the descriptor itself: only bytes of a regular
// file, read whole from its start and unchanged, may reach an enforcer.

// redteamAllowAll enforces code integrity (and optionally disables
// interactive mode) and allows whatever content it is shown, recording it.
type redteamAllowAll struct {
	settings enforcer.Settings
	seen     *[][]byte
}

func (a redteamAllowAll) Name() string                { return "redteam-allow-all" }
func (a redteamAllowAll) Settings() enforcer.Settings { return a.settings }
func (a redteamAllowAll) Status() enforcer.Status     { return enforcer.Status{Available: true} }
func (a redteamAllowAll) CheckContent(c enforcer.Content) error {
	*a.seen = append(*a.seen, c.Data)
	return nil
}

func redteamPolicy(s enforcer.Settings) (*intact.Policy, *[][]byte) {
	seen := new([][]byte)
	return intact.New(intact.Config{Enforcers: []enforcer.Enforcer{redteamAllowAll{s, seen}}}), seen
}

func redteamReason(err error) enforcer.Reason {
	var v *intact.ViolationError
	if errors.As(err, &v) && len(v.Denials) > 0 {
		return v.Denials[0].Reason
	}
	return ""
}

// TestRedteamPseudoFiles: procfs and sysfs files are regular files whose
// stat size does not match their content. Their bytes are produced at read
// time, so ReadCode refuses them before any enforcer sees them.
func TestRedteamPseudoFiles(t *testing.T) {
	p, _ := redteamPolicy(enforcer.Settings{EnforceCodeIntegrity: true})
	for _, path := range []string{"/proc/self/status", "/proc/self/environ", "/proc/self/cmdline", "/sys/kernel/mm/transparent_hugepage/enabled"} {
		fi, err := os.Stat(path)
		if err != nil || !fi.Mode().IsRegular() {
			t.Logf("%s: not here (%v), skipped", path, err)
			continue
		}
		data, err := p.ReadCode(path)
		if err == nil || data != nil {
			t.Errorf("%s: ReadCode = %d bytes, %v; want refused", path, len(data), err)
			continue
		}
		if r := redteamReason(err); r != enforcer.ReasonChanged {
			t.Errorf("%s: reason %q (%v), want %q", path, r, err, enforcer.ReasonChanged)
		}
	}
}

// TestRedteamStdinOffset: under DisableInteractiveMode, a regular file on
// stdin whose offset is not at its start (a parent already read part of it)
// never yields a suffix of the file: the bytes returned, if any, are the
// whole file, the bytes every enforcer was shown. An enforcer that judges
// the descriptor (the Linux kernel's) vouches for the file, not for a part
// of it chosen by whoever positioned the descriptor.
func TestRedteamStdinOffset(t *testing.T) {
	const whole = "globalThis.whole=1;console.log(globalThis.whole ? 'whole' : 'SUFFIX');\n"
	p, seen := redteamPolicy(enforcer.Settings{EnforceCodeIntegrity: true, DisableInteractiveMode: true})
	path := filepath.Join(t.TempDir(), "code.js")
	if err := os.WriteFile(path, []byte(whole), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(19, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	data, err := p.ReadStdin(f)
	switch {
	case err != nil && data == nil:
		if intact.ErrorCode(err) != intact.CodeBlocked {
			t.Fatalf("ReadStdin at offset 19: %v, want blocked", err)
		}
	case err == nil && string(data) == whole:
	default:
		t.Fatalf("ReadStdin at offset 19 = %q, %v; want the whole file or a refusal", data, err)
	}
	for _, s := range *seen {
		if string(s) != whole {
			t.Errorf("an enforcer was shown a part of the file: %q", s)
		}
	}
}

// TestRedteamInteractiveByName: under DisableInteractiveMode, interactive
// input named as a file (/dev/stdin or /proc/self/fd/N on a pipe, a named
// pipe, a terminal or other device) is refused as stdin is, with or without
// enforcement and in audit mode, and no enforcer is shown its bytes. A
// regular file is still read; with interactive mode allowed and nothing
// enforced, the pipe is simply read.
func TestRedteamInteractiveByName(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.js")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	regular := filepath.Join(t.TempDir(), "file.js")
	if err := os.WriteFile(regular, []byte("file"), 0o644); err != nil {
		t.Fatal(err)
	}
	pipePath := func(t *testing.T) string {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		w.Write([]byte("piped code"))
		w.Close()
		return fmt.Sprintf("/proc/self/fd/%d", r.Fd())
	}
	for _, s := range []enforcer.Settings{
		{DisableInteractiveMode: true},
		{DisableInteractiveMode: true, EnforceCodeIntegrity: true},
		{DisableInteractiveMode: true, EnforceCodeIntegrity: true, Audit: true},
	} {
		p, seen := redteamPolicy(s)
		for name, path := range map[string]string{"pipe": pipePath(t), "fifo": fifo, "device": "/dev/zero"} {
			data, err := p.ReadCode(path)
			var b *intact.BlockedError
			if !errors.As(err, &b) || b.Feature != intact.FeatureStdin || data != nil {
				t.Errorf("%+v: %s: ReadCode = %q, %v; want blocked as stdin", s, name, data, err)
			}
		}
		if data, err := p.ReadCode(regular); err != nil || string(data) != "file" {
			t.Errorf("%+v: regular file: ReadCode = %q, %v", s, data, err)
		}
		for _, b := range *seen {
			if string(b) != "file" {
				t.Errorf("%+v: an enforcer was shown %q", s, b)
			}
		}
	}
	p, _ := redteamPolicy(enforcer.Settings{})
	if data, err := p.ReadCode(pipePath(t)); err != nil || string(data) != "piped code" {
		t.Errorf("no setting: ReadCode of a pipe = %q, %v; want it read", data, err)
	}
}

// rewriteAfterCheck is an OS enforcer whose check passes and then, as a
// writer racing the reader would, rewrites the file in place with other
// bytes of the same length; its content check allows anything.
type rewriteAfterCheck struct{ evil []byte }

func (rewriteAfterCheck) Name() string { return "redteam-rewrite" }
func (rewriteAfterCheck) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true}
}
func (rewriteAfterCheck) Status() enforcer.Status             { return enforcer.Status{Available: true} }
func (rewriteAfterCheck) CheckContent(enforcer.Content) error { return nil }
func (r rewriteAfterCheck) CheckFile(f *os.File, path string) error {
	return os.WriteFile(path, r.evil, 0o644) // truncates and rewrites the same inode
}

// TestRedteamRewriteAfterCheck: bytes written between an OS enforcer's
// verdict on the descriptor and the read are not returned as if the OS had
// vouched for them: the size is the same, so only the stat taken before
// the checks and compared after the read can tell, and it must.
func TestRedteamRewriteAfterCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.js")
	if err := os.WriteFile(path, []byte("GOOD=1;"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An old modification time, so that the rewrite changes it even where
	// file timestamps are coarser than the test is fast.
	old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{rewriteAfterCheck{[]byte("EVIL=1;")}}})
	data, err := p.ReadCode(path)
	if data != nil || redteamReason(err) != enforcer.ReasonChanged {
		t.Fatalf("ReadCode = %q, %v; want refused as %s", data, err, enforcer.ReasonChanged)
	}
}

// TestRedteamInteractiveOnlyLimits (finding F-G): a policy that disables
// interactive mode without enforcing code integrity still refuses a file
// over the maximum code size before reading it, and a file whose content
// differs from its stat (a /proc file says 0 bytes) as changed.
func TestRedteamInteractiveOnlyLimits(t *testing.T) {
	s := enforcer.Settings{DisableInteractiveMode: true}
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{redteamAllowAll{s, new([][]byte)}}, MaxCodeSize: 1 << 20})
	if p.ChecksCode() {
		t.Fatal("ChecksCode() with EnforceCodeIntegrity unset")
	}
	path := filepath.Join(t.TempDir(), "big.js")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 3<<30); err != nil {
		t.Skip("no sparse files here:", err)
	}
	var err error
	if n := allocated(func() { _, err = p.ReadCode(path) }); n > 1<<20 {
		t.Errorf("refusing allocated %d bytes", n)
	}
	if redteamReason(err) != enforcer.ReasonTooLarge {
		t.Errorf("ReadCode(3 GiB file, maximum 1 MiB) = %v, want too-large", err)
	}
	if _, err := os.Stat("/proc/self/status"); err == nil {
		if data, err := p.ReadCode("/proc/self/status"); redteamReason(err) != enforcer.ReasonChanged {
			t.Errorf("ReadCode(/proc/self/status) = %d bytes, %v; want changed", len(data), err)
		}
	}
}
