package nodeguard

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"

	"github.com/intactdev/intact"
	"golang.org/x/sys/unix"
)

// The channel protocol between the bootstrap and the broker. A thread
// writes a request and blocks reading the reply:
//
//	request: u32 little-endian n | op (1 byte) | payload (n-1 bytes)
//	reply:   status (1 byte) | u32 little-endian n | body (n bytes)
//
// The ops, each with a UTF-8 payload:
const (
	opReadCode    = 'R' // a file's path → statusOK and ReadCode's exact bytes
	opAddon       = 'D' // a native library's path → statusOK and the path of a sealed in-memory copy
	opCloseAddon  = 'K' // a path opAddon returned → statusOK once the copy is released
	opChannel     = 'C' // a thread id → no reply; the thread opens <dir>/<id>.req and .resp
	opInteractive = 'I' // a feature name → statusOK or statusBlocked (CheckInteractive)
	opDynamic     = 'Y' // what made code → statusOK or statusBlocked (CheckDynamicCode)
)

// Reply statuses. A body that is not statusOK's is a JSON refusal.
const (
	statusOK        = 0
	statusViolation = 1 // ERR_CODE_INTEGRITY_VIOLATION
	statusBlocked   = 2 // ERR_CODE_INTEGRITY_BLOCKED
	statusError     = 3 // any other error, with node's code (ENOENT, ...)
)

// maxRequest caps a request frame: a path, a feature or a thread id.
const maxRequest = 1 << 20

// refusalBody is the JSON body of a reply that is not statusOK.
type refusalBody struct {
	Message string   `json:"message"`
	Code    string   `json:"code,omitempty"`
	Path    string   `json:"path,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
	Feature string   `json:"feature,omitempty"`
}

// broker serves node's threads with one policy.
type broker struct {
	policy *intact.Policy
	// proc names the broker in /proc for node: its process id, or the id
	// of its thread in node's Landlock domain (see starter.procID).
	proc int

	mu     sync.Mutex
	addons map[string]*os.File // sealed copies handed out, by the path node was given
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

// serve answers one thread's requests until the thread or node closes its
// end. It runs on a locked OS thread with blocking descriptors: a blocked
// read parks that thread in the kernel, and the wake-up goes straight to it
// rather than through Go's netpoller.
//
// connected, when not nil, runs once the first request has arrived: the
// thread then holds both its ends.
func (b *broker) serve(req, resp *os.File, connected func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer req.Close()
	defer resp.Close()
	for {
		op, payload, err := readRequest(req)
		if connected != nil {
			connected()
			connected = nil
		}
		if err != nil {
			return // EOF: the thread or node is gone; or a malformed frame
		}
		if op == opChannel {
			b.openThreadChannel(string(payload))
			continue
		}
		status, body := b.handle(op, string(payload))
		if writeReply(resp, status, body) != nil {
			return
		}
	}
}

// readRequest reads one frame with plain blocking reads.
func readRequest(f *os.File) (byte, []byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.LittleEndian.Uint32(head[:])
	if n == 0 || n > maxRequest {
		return 0, nil, fmt.Errorf("request frame of %d bytes", n)
	}
	frame := make([]byte, n)
	if _, err := io.ReadFull(f, frame); err != nil {
		return 0, nil, err
	}
	return frame[0], frame[1:], nil
}

func writeReply(f *os.File, status byte, body []byte) error {
	if uint64(len(body)) > 1<<32-1 {
		status, body = statusError, mustJSON(refusalBody{Message: "reply too large for the channel", Code: "ERR_OUT_OF_RANGE"})
	}
	head := make([]byte, 5, 5+len(body))
	head[0] = status
	binary.LittleEndian.PutUint32(head[1:], uint32(len(body)))
	// One write for small replies; large ones are written in turn.
	if len(body) <= 64<<10 {
		_, err := f.Write(append(head, body...))
		return err
	}
	if _, err := f.Write(head); err != nil {
		return err
	}
	_, err := f.Write(body)
	return err
}

// handle answers one request.
func (b *broker) handle(op byte, payload string) (byte, []byte) {
	switch op {
	case opReadCode:
		data, err := b.policy.ReadCode(payload)
		if err != nil {
			return refusal(payload, err)
		}
		return statusOK, data
	case opAddon:
		sealed, err := b.sealAddon(payload)
		if err != nil {
			return refusal(payload, err)
		}
		return statusOK, []byte(sealed)
	case opCloseAddon:
		b.releaseAddon(payload)
		return statusOK, nil
	case opInteractive:
		feature := intact.FeatureREPL
		if payload == string(intact.FeatureEval) {
			feature = intact.FeatureEval
		}
		if err := b.policy.CheckInteractive(feature); err != nil {
			return refusal("", err)
		}
		return statusOK, nil
	case opDynamic:
		if err := b.policy.CheckDynamicCode(); err != nil {
			return refusal("", fmt.Errorf("%s: %w", payload, err))
		}
		return statusOK, nil
	}
	return statusError, mustJSON(refusalBody{Message: fmt.Sprintf("intact node: unknown request %q", op), Code: "ERR_INVALID_STATE"})
}

// refusal turns an error into a reply node turns back into an error with
// Node's code and message.
func refusal(path string, err error) (byte, []byte) {
	var violation *intact.ViolationError
	var blocked *intact.BlockedError
	switch {
	case errors.As(err, &blocked):
		return statusBlocked, mustJSON(refusalBody{Message: blocked.Error(), Feature: string(blocked.Feature)})
	case errors.As(err, &violation):
		body := refusalBody{Message: violation.Error(), Path: violation.Path}
		for _, d := range violation.Denials {
			body.Reasons = append(body.Reasons, d.Error())
		}
		return statusViolation, mustJSON(body)
	}
	body := refusalBody{Message: err.Error()}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		body.Code = unix.ErrnoName(errno)
	}
	return statusError, mustJSON(body)
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings and slices of strings: cannot fail
	}
	return data
}

// openThreadChannel makes the channel of another thread and serves it. The
// channel is two pipes; the thread opens its ends as
// /proc/<broker>/fd/<n>, which nobody can replace (unlike a FIFO in a
// folder, which whoever can write the folder can). It finds their numbers
// in a sealed memfd named after its id, among this process's descriptors.
// Once the thread's first request arrives, it holds both ends, and the
// broker closes its copies of them.
func (b *broker) openThreadChannel(id string) {
	if !validThreadID(id) {
		return
	}
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
	b.mu.Lock()
	if b.pending == nil {
		b.pending = make(map[string]*threadChannel)
	}
	if _, dup := b.pending[id]; dup {
		b.mu.Unlock()
		c.close()
		brokerReq.Close()
		brokerResp.Close()
		return
	}
	b.pending[id] = c
	b.mu.Unlock()
	connected := func() {
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		c.close()
	}
	go b.serve(brokerReq, brokerResp, connected)
}

// threadChannelName names the memfd that tells thread id its channel.
func threadChannelName(id string) string { return "intact-node-channel:" + id }

// release unblocks the goroutines still waiting for a thread to connect,
// once node has exited: closing the thread's ends makes their reads see
// end of file.
func (b *broker) release() {
	b.mu.Lock()
	pending := b.pending
	b.pending = nil
	b.mu.Unlock()
	for _, c := range pending {
		c.close()
	}
}

// validThreadID accepts the ids the bootstrap makes: digits, letters and
// dashes, so that an id cannot name a path outside the channel folder.
func validThreadID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// readAddon returns an addon's bytes if the policy allows it. An addon is
// handed to the OS image loader, not to a script engine, so it is judged
// with Policy.ReadImage (a PE image may match by its Authenticode digest).
func (b *broker) readAddon(path string) ([]byte, error) {
	return b.policy.ReadImage(path)
}

// sealAddon checks an addon (or any shared library node is about to load)
// and copies it into a sealed memfd. It returns the path node maps it by:
// /proc/<broker>/fd/<n>, which no rename or write into a folder can
// replace. Node maps the copy, never the file an attacker could swap after
// the check. (The copy's path does not keep the library's file name;
// SQLite's entry point, which it derives from the name, is handled by the
// bootstrap.)
func (b *broker) sealAddon(path string) (string, error) {
	data, err := b.readAddon(path)
	if err != nil {
		return "", err
	}
	f, err := sealedFile("intact-addon:"+filepath.Base(path), data)
	if err != nil {
		return "", fmt.Errorf("sealing %s: %w", path, err)
	}
	sealed := fmt.Sprintf("/proc/%d/fd/%d", b.proc, f.Fd())
	b.mu.Lock()
	if b.addons == nil {
		b.addons = make(map[string]*os.File)
	}
	b.addons[sealed] = f
	b.mu.Unlock()
	return sealed, nil
}

// releaseAddon closes a sealed copy once node has mapped it.
func (b *broker) releaseAddon(sealed string) {
	b.mu.Lock()
	f, ok := b.addons[sealed]
	delete(b.addons, sealed)
	b.mu.Unlock()
	if ok {
		f.Close()
	}
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
