package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// unsignedCatalog makes an unsigned catalog in a new folder and returns
// the test PKI's folder, the new folder and the catalog.
func unsignedCatalog(t *testing.T) (pki, dir, unsigned string) {
	t.Helper()
	pki = filepath.Join("testdata", "pki")
	dir = t.TempDir()
	unsigned = filepath.Join(dir, "app.cat")
	if code := run([]string{"catalog", "new", pki, "--include", "root.pem", "-o", unsigned, "--time", "2024-01-01T00:00:00Z"}, new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Fatalf("catalog new: status %d", code)
	}
	return pki, dir, unsigned
}

// TestPasswordPrompt: on a terminal, a PKCS #12 file's password is asked
// for when no flag gives it; a wrong answer fails and writes nothing.
func TestPasswordPrompt(t *testing.T) {
	pki, dir, unsigned := unsignedCatalog(t)
	for _, tt := range []struct {
		answer string
		ok     bool
	}{
		{"test-only-password", true},
		{"not-the-password", false},
	} {
		t.Run(tt.answer, func(t *testing.T) {
			master, slave := openPTY(t)
			saved := os.Stdin
			os.Stdin = slave
			defer func() { os.Stdin = saved }()
			if _, err := master.WriteString(tt.answer + "\n"); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, tt.answer+".cat")
			var stderr bytes.Buffer
			code := run([]string{"catalog", "sign", unsigned, "--pkcs12", filepath.Join(pki, "leaf-rsa.p12"), "-o", out}, new(bytes.Buffer), &stderr)
			if !strings.Contains(stderr.String(), "Enter the password of "+filepath.Join(pki, "leaf-rsa.p12")+": ") {
				t.Errorf("no prompt on stderr: %q", stderr.String())
			}
			_, statErr := os.Stat(out)
			if tt.ok && (code != 0 || statErr != nil) {
				t.Fatalf("status %d, %v: %s", code, statErr, stderr.String())
			}
			if !tt.ok && (code == 0 || statErr == nil || !strings.Contains(stderr.String(), "password")) {
				t.Fatalf("wrong password: status %d, output %v: %s", code, statErr, stderr.String())
			}
		})
	}
}

// TestPasswordFDTerminal: --password-fd naming a terminal is refused before
// anything is read from it, since the terminal would echo the password;
// nothing is signed or written.
func TestPasswordFDTerminal(t *testing.T) {
	pki, dir, unsigned := unsignedCatalog(t)
	_, slave := openPTY(t)
	out := filepath.Join(dir, "signed.cat")
	var stderr bytes.Buffer
	code := run([]string{"catalog", "sign", unsigned, "--pkcs12", filepath.Join(pki, "leaf-rsa.p12"), "--password-fd", fmt.Sprint(slave.Fd()), "-o", out}, new(bytes.Buffer), &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "is a terminal, which would show the password as it is typed") {
		t.Errorf("status %d, stderr %q; want 2 and the terminal refused", code, stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("signed with a password read from a terminal")
	}
}
