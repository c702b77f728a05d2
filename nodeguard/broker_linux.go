package nodeguard

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// linuxBroker is the broker's Linux layer: sealed in-memory copies of
// native libraries, and threads' channels found through /proc/<broker>/fd.
type linuxBroker struct {
	// proc names the broker in /proc for node: its process id, or the id
	// of its thread in node's Landlock domain (see starter.procID).
	proc int

	mu sync.Mutex
	// pending are the channels made for threads that have not sent their
	// first request yet, by thread id.
	pending map[string]*threadChannel
}

// threadChannel is a worker thread's channel while the thread connects:
// the thread's ends of two pipes, which it opens as /proc/<broker>/fd/<n>,
// and the sealed memfd that tells it their numbers.
type threadChannel struct {
	nodeReq, nodeResp, rendezvous *os.File
}

func (c *threadChannel) close() {
	c.nodeReq.Close()
	c.nodeResp.Close()
	c.rendezvous.Close()
}

// openThreadChannel makes the channel of another thread and serves it. The
// channel is two pipes; the thread opens its ends as
// /proc/<broker>/fd/<n>, which nobody can replace (unlike a FIFO in a
// folder, which whoever can write the folder can). It finds their numbers
// in a sealed memfd named after its id, among this process's descriptors.
// Once the thread's first request arrives, it holds both ends, and the
// broker closes its copies of them.
func (l *linuxBroker) openThreadChannel(b *broker, id string) {
	var req, resp [2]int
	if unix.Pipe2(req[:], unix.O_CLOEXEC) != nil {
		return
	}
	if unix.Pipe2(resp[:], unix.O_CLOEXEC) != nil {
		unix.Close(req[0])
		unix.Close(req[1])
		return
	}
	c := &threadChannel{nodeReq: os.NewFile(uintptr(req[1]), "thread-requests"), nodeResp: os.NewFile(uintptr(resp[0]), "thread-replies")}
	brokerReq, brokerResp := os.NewFile(uintptr(req[0]), "intact-thread-requests"), os.NewFile(uintptr(resp[1]), "intact-thread-replies")
	var err error
	// The thread may find the memfd before its contents are written: the
	// newline at the end tells it the numbers are complete.
	c.rendezvous, err = sealedFile(threadChannelName(id), []byte(fmt.Sprintf("%d %d\n", req[1], resp[0])))
	if err != nil {
		c.nodeReq.Close()
		c.nodeResp.Close()
		brokerReq.Close()
		brokerResp.Close()
		return
	}
	l.mu.Lock()
	if l.pending == nil {
		l.pending = make(map[string]*threadChannel)
	}
	if _, dup := l.pending[id]; dup {
		l.mu.Unlock()
		c.close()
		brokerReq.Close()
		brokerResp.Close()
		return
	}
	l.pending[id] = c
	l.mu.Unlock()
	connected := func() {
		l.mu.Lock()
		delete(l.pending, id)
		l.mu.Unlock()
		c.close()
	}
	go b.serve(brokerReq, brokerResp, connected, "")
}

// threadChannelName names the memfd that tells thread id its channel.
func threadChannelName(id string) string { return "intact-node-channel:" + id }

// release unblocks the goroutines still waiting for a thread to connect,
// once node has exited: closing the thread's ends makes their reads see
// end of file.
func (l *linuxBroker) release() {
	l.mu.Lock()
	pending := l.pending
	l.pending = nil
	l.mu.Unlock()
	for _, c := range pending {
		c.close()
	}
}

// pinAddon copies a native library that check allows into a sealed memfd.
// It returns the path node maps it by: /proc/<broker>/fd/<n>, which no
// rename or write into a folder can replace. Node maps the copy, never the
// file an attacker could swap after the check. (The copy's path does not
// keep the library's file name; SQLite's entry point, which it derives from
// the name, is handled by the bootstrap.)
func (l *linuxBroker) pinAddon(path string, check func(string) ([]byte, error)) (string, io.Closer, error) {
	data, err := check(path)
	if err != nil {
		return "", nil, err
	}
	f, err := sealedFile("intact-addon:"+filepath.Base(path), data)
	if err != nil {
		return "", nil, fmt.Errorf("sealing %s: %w", path, err)
	}
	return fmt.Sprintf("/proc/%d/fd/%d", l.proc, f.Fd()), f, nil
}

// checkPrivate refuses a shim folder that is not this user's own 0700
// folder: anyone else could have written its configuration.
func checkPrivate(dir string) error {
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return &os.PathError{Op: "lstat", Path: dir, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR || st.Uid != uint32(os.Getuid()) || st.Mode&0o077 != 0 {
		return fmt.Errorf("%s is not a private folder of this user: not trusted as intact node's shim folder", dir)
	}
	return nil
}
