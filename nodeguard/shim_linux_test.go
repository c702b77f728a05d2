//go:build linux

package nodeguard

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestCheckAncestors: the broker's private folder is refused under a
// folder that another user could rename things in.
func TestCheckAncestors(t *testing.T) {
	if err := checkAncestors("/tmp/x"); err != nil {
		t.Errorf("/tmp: %v", err)
	}
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := checkAncestors(filepath.Join(open, "intact-node-1")); err == nil {
		t.Errorf("a world-writable folder without the sticky bit passed")
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink("/tmp", link); err != nil {
		t.Fatal(err)
	}
	if err := checkAncestors(filepath.Join(link, "intact-node-1")); err == nil {
		t.Errorf("a symbolic link passed as a folder")
	}
}

// TestLoaderInjectable: a process of this executable started with a
// variable that makes the dynamic loader map a library of its choosing is
// no broker (outside review rt22), when this executable is dynamically
// linked; started without, it may be.
func TestLoaderInjectable(t *testing.T) {
	if !dynamicallyLinked() {
		t.Skip("this test binary is statically linked: the loader's variables do nothing to it")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program")
	}
	for _, tc := range []struct {
		env  []string
		want bool
	}{
		{nil, false},
		{[]string{"LD_PRELOAD="}, true},
		{[]string{"LD_AUDIT="}, true},
		{[]string{"LD_LIBRARY_PATH=/nowhere"}, true},
		{[]string{"XLD_PRELOAD=x"}, false},
	} {
		// (What it runs does not matter: the variables are read from the
		// environment it started with.)
		cmd := exec.Command(sleep, "60")
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, tc.env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Start returns once the kernel has switched the child to its new
		// image, which may be before it has laid out the environment
		// there: until then /proc shows none.
		proc := fmt.Sprintf("/proc/%d", cmd.Process.Pid)
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if env, _ := os.ReadFile(proc + "/environ"); bytes.Contains(env, []byte("PATH=")) {
				break
			}
		}
		got := loaderInjectable(proc)
		cmd.Process.Kill()
		cmd.Wait()
		if got != tc.want {
			t.Errorf("started with %q: loaderInjectable = %v, want %v", tc.env, got, tc.want)
		}
	}
}

func TestBrokerDescriptor(t *testing.T) {
	for path, want := range map[string]int{
		"/proc/123/fd/4": 123,
		"/proc/1/fd/0":   1,
	} {
		if pid, ok := brokerDescriptor(path); !ok || pid != want {
			t.Errorf("brokerDescriptor(%q) = %d, %v; want %d, true", path, pid, ok, want)
		}
	}
	for _, path := range []string{
		"", "node", "/proc/123/fd/", "/proc//fd/4", "/proc/12a/fd/4", "/proc/123/fd/4/", "/proc/123/fd/4x",
		"proc/123/fd/4", "/proc/self/fd/4", "/proc/123/fdinfo/4", "/proc/123/fd/4/fd/5", "/proc/+1/fd/4",
		"/proc/99999999999999999999/fd/4",
	} {
		if pid, ok := brokerDescriptor(path); ok {
			t.Errorf("brokerDescriptor(%q) = %d, true; want false", path, pid)
		}
	}
}
