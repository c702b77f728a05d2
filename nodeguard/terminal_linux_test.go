package nodeguard_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestTerminalSignalsOnce: Ctrl-C on a terminal reaches node once. The
// terminal sends SIGINT to its foreground process group, node and its
// broker alike; a broker that passed its own on would give node two. A
// SIGINT aimed at the broker alone, with no terminal, is still passed on.
func TestTerminalSignalsOnce(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"count.js": "let n = 0;\nprocess.on('SIGINT', () => { n++; });\n" +
			"require('fs').writeFileSync(process.env.READY, '');\n" +
			"setTimeout(() => { console.log('SIGINT x' + n); }, 1500);\n",
	})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		// On a terminal: intact node leads a session whose controlling
		// terminal is a new pty, as a login shell's job would be.
		ready := filepath.Join(t.TempDir(), "ready")
		master, slave := openPTY(t)
		cmd := exec.Command(intactBin, "node", "--policy", s.policies["enforce"], "--catalog", s.catalog, "--node", n.Path, "count.js")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "READY="+ready)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		var out bytes.Buffer
		done := make(chan struct{})
		go func() { // the pty blocks a writer whose output nobody reads
			defer close(done)
			buf := make([]byte, 4096)
			for {
				k, err := master.Read(buf)
				out.Write(buf[:k])
				if err != nil {
					return
				}
			}
		}()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		slave.Close()
		waitFor(t, ready)
		master.Write([]byte{0x03}) // Ctrl-C, with the line discipline's ISIG
		err := cmd.Wait()
		master.Close()
		<-done
		if err != nil || !bytes.Contains(out.Bytes(), []byte("SIGINT x1")) {
			t.Errorf("Ctrl-C on a terminal: %v, output %q; want node to see SIGINT once", err, out.String())
		}

		// No terminal: the broker's SIGINT is passed on, once.
		ready = filepath.Join(t.TempDir(), "ready")
		cmd = exec.Command(intactBin, "node", "--policy", s.policies["enforce"], "--catalog", s.catalog, "--node", n.Path, "count.js")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "READY="+ready)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		cmd.Stdout = &out
		out.Reset()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ready)
		cmd.Process.Signal(syscall.SIGINT)
		if err := cmd.Wait(); err != nil || out.String() != "SIGINT x1\n" {
			t.Errorf("SIGINT to the broker: %v, output %q; want node to see it once", err, out.String())
		}
	})
}

// openPTY opens a new pseudo-terminal pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), unix.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatal(e)
	}
	n, err := unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// waitFor waits until the file at path exists.
func waitFor(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !fileExists(path); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
	}
}
