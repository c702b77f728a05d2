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
	policy     *intact.Policy
	channelDir string

	mu     sync.Mutex
	addons map[string]*os.File // sealed copies handed out, by the path node was given
	// pending are the FIFO pairs made for threads that have not opened
	// both ends yet, by base path.
	pending map[string]bool
}

// serve answers one thread's requests until the thread or node closes its
// end. It runs on a locked OS thread with blocking descriptors: a blocked
// read parks that thread in the kernel, and the wake-up goes straight to it
// rather than through Go's netpoller.
func (b *broker) serve(req, resp *os.File) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer req.Close()
	defer resp.Close()
	for {
		op, payload, err := readRequest(req)
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

// openThreadChannel makes the FIFO pair of another thread and serves it.
// The thread opens them without O_CREAT, retrying until they exist; both
// are unlinked once both ends are open, so nobody else can join.
func (b *broker) openThreadChannel(id string) {
	if !validThreadID(id) {
		return
	}
	base := filepath.Join(b.channelDir, id)
	reqPath, respPath := base+".req", base+".resp"
	// The response FIFO first: the thread opens the request FIFO first
	// and only then looks for the response one.
	if err := unix.Mkfifo(respPath, 0o600); err != nil {
		return
	}
	if err := unix.Mkfifo(reqPath, 0o600); err != nil {
		os.Remove(respPath)
		return
	}
	b.mu.Lock()
	if b.pending == nil {
		b.pending = make(map[string]bool)
	}
	b.pending[base] = true
	b.mu.Unlock()
	go func() {
		defer func() {
			b.mu.Lock()
			delete(b.pending, base)
			b.mu.Unlock()
		}()
		// Opening a FIFO blocks until the other end opens: a locked
		// thread of its own waits for it.
		runtime.LockOSThread()
		req, err := openBlocking(reqPath, unix.O_RDONLY)
		if err != nil {
			os.Remove(reqPath)
			os.Remove(respPath)
			return
		}
		resp, err := openBlocking(respPath, unix.O_WRONLY)
		os.Remove(reqPath)
		os.Remove(respPath)
		if err != nil {
			req.Close()
			return
		}
		b.serve(req, resp)
	}()
}

// release unblocks the goroutines still waiting for a thread to open its
// FIFOs, once node has exited: it opens their other ends without blocking,
// so that each sees end of file and returns.
func (b *broker) release() {
	b.mu.Lock()
	bases := make([]string, 0, len(b.pending))
	for base := range b.pending {
		bases = append(bases, base)
	}
	b.mu.Unlock()
	for _, base := range bases {
		if fd, err := unix.Open(base+".req", unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0); err == nil {
			unix.Close(fd)
		}
		if fd, err := unix.Open(base+".resp", unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0); err == nil {
			unix.Close(fd)
		}
	}
}

// openBlocking opens a FIFO as a blocking descriptor, outside Go's
// netpoller (see serve).
func openBlocking(path string, mode int) (*os.File, error) {
	for {
		fd, err := unix.Open(path, mode|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
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

// readAddon returns an addon's bytes if the policy allows it.
//
// An addon is handed to the OS image loader, not to a script engine: at
// merge this becomes Policy.ReadImage (Authenticode matching for PE
// images); until then it is ReadCode.
func (b *broker) readAddon(path string) ([]byte, error) {
	return b.policy.ReadCode(path)
}

// sealAddon checks an addon (or any shared library node is about to load)
// and copies it into a sealed memfd. It returns a path to the copy that
// keeps the library's file name, a symbolic link in a folder of its own in
// the broker's private folder, because loaders derive things from the name
// (SQLite its extension's entry point). Node maps the copy, never the file
// an attacker could swap after the check.
func (b *broker) sealAddon(path string) (string, error) {
	data, err := b.readAddon(path)
	if err != nil {
		return "", err
	}
	fd, err := unix.MemfdCreate("intact-addon:"+filepath.Base(path), unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return "", fmt.Errorf("sealing %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), "memfd:"+path)
	seals := unix.F_SEAL_WRITE | unix.F_SEAL_GROW | unix.F_SEAL_SHRINK | unix.F_SEAL_SEAL
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", fmt.Errorf("sealing %s: %w", path, err)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, seals); err != nil {
		f.Close()
		return "", fmt.Errorf("sealing %s: %w", path, err)
	}
	dir, err := os.MkdirTemp(b.channelDir, "lib-")
	if err != nil {
		f.Close()
		return "", fmt.Errorf("sealing %s: %w", path, err)
	}
	link := filepath.Join(dir, filepath.Base(path))
	if err := os.Symlink(fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd), link); err != nil {
		f.Close()
		os.RemoveAll(dir)
		return "", fmt.Errorf("sealing %s: %w", path, err)
	}
	b.mu.Lock()
	if b.addons == nil {
		b.addons = make(map[string]*os.File)
	}
	b.addons[link] = f
	b.mu.Unlock()
	return link, nil
}

// releaseAddon closes a sealed copy once node has mapped it.
func (b *broker) releaseAddon(link string) {
	b.mu.Lock()
	f, ok := b.addons[link]
	delete(b.addons, link)
	b.mu.Unlock()
	if ok {
		f.Close()
		os.RemoveAll(filepath.Dir(link))
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
