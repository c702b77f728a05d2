package nodeguard

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// winBroker is the broker's Windows layer. Native libraries are loaded
// from their own path, held against writers (WDAC judges every image the
// loader maps, and intact's check comes first); threads other than the
// main one connect to the broker's named pipe (pipeListener) rather than
// ask with opChannel.
type winBroker struct{}

// pinAddon opens a native library with read sharing only, so that nobody
// can write, delete or rename it (or a folder above it) while node loads
// it, checks the file at its final path, and returns that path: what node
// loads is the file that was checked. The library keeps its own folder, so
// the DLLs it depends on are found beside it as usual.
func (winBroker) pinAddon(path string, check func(string) ([]byte, error)) (string, io.Closer, error) {
	f, final, err := openPinned(path)
	if err != nil {
		return "", nil, err
	}
	if _, err := check(final); err != nil {
		f.Close()
		return "", nil, err
	}
	return final, f, nil
}

// openThreadChannel: on Windows a thread connects to the broker's pipe.
func (winBroker) openThreadChannel(*broker, string) {}

// nodeExiting: the broker cannot tell here; channelEnded waits for node's
// exit instead.
func (winBroker) nodeExiting() (exiting, known bool) { return false, false }

func (winBroker) release() {}

// pipeHandle reads and writes a pipe handle with plain blocking calls; the
// end of the pipe is io.EOF.
type pipeHandle struct {
	h    windows.Handle
	once sync.Once
}

func (p *pipeHandle) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	var n uint32
	err := windows.ReadFile(p.h, b, &n, nil)
	switch {
	case errors.Is(err, windows.ERROR_BROKEN_PIPE), errors.Is(err, windows.ERROR_PIPE_NOT_CONNECTED):
		return 0, io.EOF
	case err != nil:
		return int(n), err
	case n == 0:
		return 0, io.EOF
	}
	return int(n), nil
}

func (p *pipeHandle) Write(b []byte) (int, error) {
	written := 0
	for written < len(b) {
		var n uint32
		if err := windows.WriteFile(p.h, b[written:], &n, nil); err != nil {
			return written, err
		}
		written += int(n)
	}
	return written, nil
}

// A stallPipe writes a thread's replies on its pipe, and gives a write up
// once it has made no progress for stallLimit: a worker terminated in the
// middle of a reply leaves the rest unread for ever, since node keeps the
// pipe's handle, and the write would hold its serving place (maxServing)
// for as long (outside review rt60). The broker cannot tell here that the
// thread is gone, or only stopped (a debugger): a thread that reads
// nothing for that long loses its channel either way. The pipe is opened
// for synchronous I/O, so the write is ended by CancelSynchronousIo on the
// thread that serves the channel (serve locks it), in chunks of the pipe's
// buffer, each of which is progress.
type stallPipe struct {
	*pipeHandle
	thread windows.Handle // the serving thread, once it has written
	guard  stallGuard
}

func newStallPipe(p *pipeHandle) *stallPipe {
	s := &stallPipe{pipeHandle: p}
	s.guard = stallGuard{limit: stallLimit, cancel: func() { cancelSynchronousIo(s.thread) }}
	return s
}

// pipeChunk is the most a stallPipe writes at once: the pipes' buffer.
const pipeChunk = 64 << 10

func (s *stallPipe) Write(b []byte) (int, error) {
	if s.thread == 0 {
		// GetCurrentThread's handle names whichever thread uses it.
		var h windows.Handle
		if err := windows.DuplicateHandle(windows.CurrentProcess(), windows.CurrentThread(), windows.CurrentProcess(), &h,
			windows.THREAD_TERMINATE, false, 0); err != nil {
			return 0, fmt.Errorf("replying on a channel: %w", err)
		}
		s.thread = h
	}
	written := 0
	for written < len(b) {
		chunk := b[written:min(len(b), written+pipeChunk)]
		var n uint32
		err := s.guard.write(func() error { return windows.WriteFile(s.h, chunk, &n, nil) })
		written += int(n)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// Close closes the thread's handle and the pipe, once however often it is
// called, as pipeHandle's Close.
func (s *stallPipe) Close() error {
	if s.thread != 0 {
		windows.CloseHandle(s.thread)
		s.thread = 0
	}
	return s.pipeHandle.Close()
}

// hungUp reports whether the other end of the pipe has been closed: a
// peek at it, which reads nothing, fails so, once nothing is left in the
// pipe to read (until then the peek cannot tell).
func (p *pipeHandle) hungUp() bool {
	var avail uint32
	err := peekNamedPipe(p.h, nil, 0, nil, &avail, nil)
	return errors.Is(err, windows.ERROR_BROKEN_PIPE) || errors.Is(err, windows.ERROR_PIPE_NOT_CONNECTED)
}

// Close closes the handle once, however often it is called: a thread's
// channel is one handle for both directions.
func (p *pipeHandle) Close() error {
	var err error
	p.once.Do(func() { err = windows.CloseHandle(p.h) })
	return err
}

// pipeListener serves the broker's named pipe. A client in node's own
// process (by the process id Windows reports for it) is one of node's
// threads: its connection becomes that thread's channel. Any other client
// is a node child started through the shim, and is sent the shim
// configuration. The pipe is made before node starts, as its first
// instance, so no other process can have made it first; its access list
// lets only this user connect, and only from this machine.
type pipeListener struct {
	name       string
	shimConfig []byte
	nodePID    atomic.Uint32 // 0 until node has started
	started    bool
	closing    atomic.Bool
	done       chan struct{}
	sa         windows.SecurityAttributes
	first      windows.Handle
	// shimSends holds a place for each shim configuration being sent
	// (maxShimSends), for sendLimit at most (shimSendLimit, but in tests).
	shimSends chan struct{}
	sendLimit time.Duration
}

// maxShimSends bounds the shim configurations sent at once: each waits
// until its shim has read it, which a shim does as soon as it connects,
// and for shimSendLimit at most.
const maxShimSends = 64

// listenPipe makes the broker's pipe; run serves it.
func listenPipe(name string, shimConfig []byte) (*pipeListener, error) {
	sd, err := userOnly("")
	if err != nil {
		return nil, fmt.Errorf("the access list of %s: %w", name, err)
	}
	l := &pipeListener{name: name, shimConfig: shimConfig, done: make(chan struct{}),
		shimSends: make(chan struct{}, maxShimSends), sendLimit: shimSendLimit}
	l.sa = windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(l.sa)), SecurityDescriptor: sd}
	if l.first, err = l.instance(true); err != nil {
		return nil, fmt.Errorf("making the pipe %s: %w", name, err)
	}
	return l, nil
}

// instance makes one more instance of the pipe to wait on. Only the first
// may create the pipe: FILE_FLAG_FIRST_PIPE_INSTANCE fails if another
// process already made one by that name.
func (l *pipeListener) instance(first bool) (windows.Handle, error) {
	flags := uint32(windows.PIPE_ACCESS_DUPLEX)
	if first {
		flags |= windows.FILE_FLAG_FIRST_PIPE_INSTANCE
	}
	name, err := windows.UTF16PtrFromString(l.name)
	if err != nil {
		return 0, err
	}
	return windows.CreateNamedPipe(name, flags,
		windows.PIPE_TYPE_BYTE|windows.PIPE_READMODE_BYTE|windows.PIPE_WAIT|windows.PIPE_REJECT_REMOTE_CLIENTS,
		windows.PIPE_UNLIMITED_INSTANCES, 64<<10, 64<<10, 0, &l.sa)
}

// start serves the pipe with b until close.
func (l *pipeListener) start(b *broker) {
	l.started = true
	go l.run(b)
}

// run accepts connections until close.
func (l *pipeListener) run(b *broker) {
	defer close(l.done)
	h := l.first
	threads := 0 // connections served to node's threads (threadChannels)
	for {
		err := windows.ConnectNamedPipe(h, nil)
		if l.closing.Load() {
			windows.CloseHandle(h)
			return
		}
		if err != nil && !errors.Is(err, windows.ERROR_PIPE_CONNECTED) {
			windows.CloseHandle(h)
			if h, err = l.instance(false); err != nil {
				l.noInstance(b, err)
				return
			}
			continue
		}
		// The next instance first, so that a thread finds one waiting.
		next, nextErr := l.instance(false)
		var client uint32
		if windows.GetNamedPipeClientProcessId(h, &client) == nil && client != 0 && client == l.nodePID.Load() {
			if threads == threadChannels {
				// The thread finds the pipe closed, and fails closed.
				windows.CloseHandle(h)
				b.noChannelLeft()
			} else {
				threads++
				conn := newStallPipe(&pipeHandle{h: h})
				b.goServe(channelEnd{requests: conn, replies: conn, close: conn.Close, repliesEnd: true, hungUp: conn.hungUp, oneEnd: true}, "")
			}
		} else {
			select {
			case l.shimSends <- struct{}{}:
				go func(h windows.Handle) { // the loop's h moves on to the next instance
					defer func() { <-l.shimSends }()
					l.sendShimConfig(h)
				}(h)
			default:
				// A connection that never reads would hold its goroutine
				// and pipe instance until node exits: a process of node's
				// tree could pile them up (outside review rt68). The shim
				// finds the pipe closed, and fails closed.
				windows.CloseHandle(h)
			}
		}
		if nextErr != nil {
			l.noInstance(b, nextErr)
			return
		}
		h = next
	}
}

// noInstance logs that the pipe has no instance left to accept on: node's
// threads and children that connect from then on find none, and fail
// closed.
func (l *pipeListener) noInstance(b *broker, err error) {
	if l.closing.Load() {
		return
	}
	b.policy.LogRefusal("node's channels", fmt.Sprintf("the broker's pipe takes no more connections (%v): "+
		"node's threads and children that start from now on are refused", err))
}

// sendShimConfig answers a node child's shim, which verifies that this
// process serves the pipe (LoadShimConfig). A shim reads at once; a
// connection that has not read within shimSendLimit is given up, so that
// connections that never read cannot hold every place (maxShimSends) for
// long (outside review rt69).
func (l *pipeListener) sendShimConfig(h windows.Handle) {
	runtime.LockOSThread() // the thread the guard cancels
	defer runtime.UnlockOSThread()
	conn := newStallPipe(&pipeHandle{h: h})
	conn.guard.limit = l.sendLimit
	defer conn.Close()
	if _, err := conn.Write(l.shimConfig); err == nil {
		// Until the client has read it all.
		conn.guard.write(func() error { return windows.FlushFileBuffers(h) })
	}
}

// shimSendLimit is how long a shim may take to read its configuration.
const shimSendLimit = 10 * time.Second

// close stops accepting: a connection from this process wakes run from
// ConnectNamedPipe, and run sees it is closing.
func (l *pipeListener) close() {
	l.closing.Store(true)
	if !l.started {
		windows.CloseHandle(l.first)
		return
	}
	name, err := windows.UTF16PtrFromString(l.name)
	if err != nil {
		return
	}
	for {
		h, err := windows.CreateFile(name, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING, 0, 0)
		if err == nil {
			windows.CloseHandle(h)
		}
		select {
		case <-l.done:
			return
		case <-time.After(time.Millisecond):
		}
	}
}

// userOnly is a security descriptor whose access list grants all access
// to this process's user alone, not inherited from the parent folder (and,
// with inherit "OICI", to what is made inside it).
func userOnly(inherit string) (*windows.SECURITY_DESCRIPTOR, error) {
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, err
	}
	return windows.SecurityDescriptorFromString("D:P(A;" + inherit + ";GA;;;" + user.User.Sid.String() + ")")
}
