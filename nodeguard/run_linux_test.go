//go:build linux

package nodeguard

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/linuxsec"
	"golang.org/x/sys/unix"
)

// TestChildFilesIgnoresForeignChannelFD: a NODE_CHANNEL_FD that names no
// socket inherited from a node parent (here, one of this process's own
// pipes) is not handed to node, and the variable is dropped.
func TestChildFilesIgnoresForeignChannelFD(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	own := int(r.Fd())
	env, extra, fds, ipc := childFiles([]string{"PATH=/bin", envChannelFD + "=" + strconv.Itoa(own)}, []*os.File{w, w})
	if ipc != nil {
		t.Errorf("descriptor %d taken as fork()'s IPC channel", ipc.Fd())
	}
	if slices.Contains(env, envChannelFD+"="+strconv.Itoa(own)) {
		t.Errorf("NODE_CHANNEL_FD=%d kept in node's environment: %q", own, env)
	}
	for i, f := range extra {
		if f != nil && !slices.Contains(fds, i+3) {
			t.Errorf("node gets descriptor %d (%s) besides its channel", i+3, f.Name())
		}
	}
	if !slices.Equal(fds, []int{3, 4}) {
		t.Errorf("channels at %v, want [3 4]", fds)
	}
}

// TestPendingSignal: a signal caught before node starts stops the start
// when it would have ended the broker uncaught; SIGWINCH would not have.
func TestPendingSignal(t *testing.T) {
	for _, tc := range []struct {
		caught []os.Signal
		want   syscall.Signal
	}{
		{nil, 0},
		{[]os.Signal{syscall.SIGWINCH}, 0},
		{[]os.Signal{syscall.SIGWINCH, syscall.SIGTERM}, syscall.SIGTERM},
		{[]os.Signal{syscall.SIGINT, syscall.SIGHUP}, syscall.SIGINT},
	} {
		signals := make(chan os.Signal, len(tc.caught))
		for _, s := range tc.caught {
			signals <- s
		}
		if got := pendingSignal(signals); got != tc.want {
			t.Errorf("pendingSignal after %v = %v, want %v", tc.caught, got, tc.want)
		}
	}
}

// TestEarlyRulesFollowTheJudgedBinary: rules built early for the node path
// (buildDenyRules) are not used once the path leads elsewhere: a symbolic
// link swapped between the early build and the binary's judgment leaves
// the judged binary denied, not the one the link led to before.
func TestEarlyRulesFollowTheJudgedBinary(t *testing.T) {
	if err := linuxsec.DenyExecSupported(); err != nil {
		t.Skipf("kernel lacks the feature: %v", err)
	}
	dir := t.TempDir()
	data, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	before, judged := filepath.Join(dir, "before"), filepath.Join(dir, "judged")
	for _, f := range []string{before, judged} {
		if err := os.WriteFile(f, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "node")
	if err := os.Symlink(before, link); err != nil {
		t.Fatal(err)
	}
	shim, err := os.Open("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	defer shim.Close()
	env := []string{"PATH=" + t.TempDir()} // no other node to deny
	early := buildDenyRules(link, env, shim)
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(judged, link); err != nil {
		t.Fatal(err)
	}
	conf, err := newConfinement(&nodeBinary{path: link, real: judged, exec: judged}, nil, env, shim, early)
	if err != nil {
		t.Fatal(err)
	}
	defer conf.thread.Close()
	if err := conf.wait(); err != nil {
		t.Fatal(err)
	}
	run := func(path string) (err error) {
		conf.thread.Do(func() { err = exec.Command(path).Run() })
		return err
	}
	if err := run(judged); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("the judged binary in the domain: %v, want permission denied", err)
	}
	if err := run(before); err != nil {
		t.Errorf("the binary the link led to before: %v, want it to run", err)
	}
}

// TestStallWriterThread: a stalled reply's thread is gone when its task
// is missing, or is a later thread that took the same id (another start
// time); stopped when its state says so; neither while it is the thread
// the channel was handed to, running, or when it is not known.
func TestStallWriterThread(t *testing.T) {
	task := t.TempDir()
	stat := func(state, started string) {
		// pid (comm with a space and a parenthesis) state, then fields 4 to 22.
		fields := state + " 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 " + started + " 0 0"
		if err := os.WriteFile(task+"/stat", []byte("42 (no de)) "+fields+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stat("S", "1234")
	w := stallWriter{task: task}
	var err error
	if w.started, err = statField(task+"/stat", threadStartField); err != nil || w.started != "1234" {
		t.Fatalf("start time %q, %v; want 1234", w.started, err)
	}
	check := func(what string, wantGone, wantStopped bool) {
		t.Helper()
		if gone, stopped := w.thread(); gone != wantGone || stopped != wantStopped {
			t.Errorf("%s: gone %v, stopped %v; want %v, %v", what, gone, stopped, wantGone, wantStopped)
		}
	}
	check("the thread the channel was handed to", false, false)
	stat("T", "1234")
	check("that thread stopped", false, true)
	stat("S", "5678")
	check("a later thread with the same id", true, false)
	os.Remove(task + "/stat")
	check("a missing task", true, false)
	if gone, stopped := (stallWriter{}).thread(); gone || stopped {
		t.Error("a thread not known is taken for gone or stopped")
	}
}

// TestStallWriterGivesUp: a reply its running thread does not read is
// given up after stallLimit; one whose thread is stopped is waited for,
// and written whole once the thread reads.
func TestStallWriterGivesUp(t *testing.T) {
	defer func(d time.Duration) { stallLimit = d }(stallLimit)
	stallLimit = 2 * stallTimeout
	task := t.TempDir()
	stat := func(state string) {
		fields := state + " 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1234 0 0"
		if err := os.WriteFile(task+"/stat", []byte("42 (node) "+fields+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reply := bytes.Repeat([]byte("x"), 4<<20) // far more than the socket buffers
	for _, state := range []string{"S", "T"} {
		stat(state)
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		broker, node := os.NewFile(uintptr(fds[0]), "broker"), os.NewFile(uintptr(fds[1]), "node")
		l := &linuxBroker{}
		c := l.channelEnd(broker, 0, false)
		w := c.replies.(stallWriter)
		w.task, w.started = task, "1234"
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			_, err := w.Write(reply)
			done <- err
		}()
		switch state {
		case "S":
			select {
			case err := <-done:
				if err == nil || time.Since(start) < stallLimit {
					t.Errorf("running thread: the write ended after %v with %v; want an error after %v", time.Since(start), err, stallLimit)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("running thread: the write was not given up")
			}
		case "T":
			time.Sleep(3 * stallLimit)
			select {
			case err := <-done:
				t.Fatalf("stopped thread: the write ended with %v", err)
			default:
			}
			got, _ := io.ReadAll(io.LimitReader(node, int64(len(reply))))
			if err := <-done; err != nil || len(got) != len(reply) {
				t.Errorf("stopped thread, then read: %d of %d bytes, %v", len(got), len(reply), err)
			}
		}
		broker.Close()
		node.Close()
	}
}

// TestNodeExiting: the broker tells a node that exits from one that runs
// by its flags in /proc: running, no; a zombie not yet reaped, yes; gone,
// yes.
func TestNodeExiting(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	l := &linuxBroker{node: cmd.Process.Pid}
	if exiting, known := l.nodeExiting(); exiting || !known {
		t.Errorf("running: exiting %v, known %v", exiting, known)
	}
	cmd.Process.Kill()
	var info unix.Siginfo
	// Waited for without reaping (WNOWAIT): a zombie.
	if err := unix.Waitid(unix.P_PID, cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != nil {
		t.Fatal(err)
	}
	if exiting, known := l.nodeExiting(); !exiting || !known {
		t.Errorf("exited, not reaped: exiting %v, known %v", exiting, known)
	}
	cmd.Wait()
	if exiting, known := l.nodeExiting(); !exiting || !known {
		t.Errorf("reaped: exiting %v, known %v", exiting, known)
	}
}

// TestSocketHungUp: a channel's end tells that node's end was closed
// without reading what is left in it.
func TestSocketHungUp(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	broker, node := os.NewFile(uintptr(fds[0]), "broker"), os.NewFile(uintptr(fds[1]), "node")
	defer broker.Close()
	node.Write([]byte("a request left unread"))
	if socketHungUp(broker) {
		t.Error("hung up while node's end is open")
	}
	node.Close()
	if !socketHungUp(broker) {
		t.Error("not hung up once node's end is closed")
	}
}

// TestPeerClosed: a write into a socket whose other end is closed fails
// with an error peerClosed knows, after which serve reads what node left
// (countRefusals).
func TestPeerClosed(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	broker := os.NewFile(uintptr(fds[0]), "broker")
	defer broker.Close()
	unix.Close(fds[1])
	if _, err := broker.Write([]byte("a reply")); err == nil || !peerClosed(err) {
		t.Errorf("writing into a closed socket: %v, which peerClosed does not know", err)
	}
}
