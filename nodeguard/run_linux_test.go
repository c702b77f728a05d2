//go:build linux

package nodeguard

import (
	"os"
	"slices"
	"strconv"
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
