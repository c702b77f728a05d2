//go:build linux

package nodeguard

import (
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"
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
	env, extra, fds := childFiles([]string{"PATH=/bin", envChannelFD + "=" + strconv.Itoa(own)}, r, w)
	if slices.Contains(env, envChannelFD+"="+strconv.Itoa(own)) {
		t.Errorf("NODE_CHANNEL_FD=%d kept in node's environment: %q", own, env)
	}
	for i, f := range extra {
		if f != nil && i+3 != fds[0] && i+3 != fds[1] {
			t.Errorf("node gets descriptor %d (%s) besides its channel", i+3, f.Name())
		}
	}
	if fds != [2]int{3, 4} {
		t.Errorf("channel at %v, want [3 4]", fds)
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
