package nodeguard

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// linuxBroker is the broker's Linux layer: sealed in-memory copies of
// native libraries, and threads' channels handed out from those node
// started with.
type linuxBroker struct {
	// proc names the broker in /proc for node: its process id, or the id
	// of its thread in node's Landlock domain (see starter.procID).
	proc int
	// node is node's process id, whose threads read the channels.
	node int

	mu sync.Mutex
	// free are the threads' channels not handed out yet.
	free []threadSocket
	// rendezvous are the files that told threads their channels, or that
	// none is left, by thread id; refused are the ids of the latter, oldest
	// first.
	rendezvous map[string]*os.File
	refused    []string

	// addons are the sealed copies of the native libraries handed to
	// node, by the SHA-256 of their bytes, kept until node exits (see
	// pinAddon). Their own lock: a copy of a large library takes a while,
	// and threads' channels need not wait for it.
	addonsMu sync.Mutex
	addons   map[[sha256.Size]byte]*os.File
}

// maxRefused is how many rendezvous saying that no channel is left the
// broker keeps at once. Application code can ask for channels without end:
// an outside review (rt56) sent 20,000 requests, and the broker kept a
// memfd for each until it could open no more files, when the guard of
// modes and owners refused every chmod and no file could be judged. A
// thread whose answer was let go of finds none, and fails as it would
// have (bootstrap.js, openChannel).
const maxRefused = 16

// threadSocket is a channel node started with for a thread other than the
// main one: node's end is its descriptor fd, which the kernel names name.
type threadSocket struct {
	fd     int
	name   string
	broker *os.File
}

// openThreadChannel hands a channel node started with to the thread that
// asked with id, and serves it. The thread finds which in a sealed memfd
// named after its id, among this process's descriptors, which nobody else
// can put a file among: "<fd> <name>\n", or "none\n" once every channel
// is taken. The name lets the thread check that fd is still the socket
// and not one of the application's at the same number.
func (l *linuxBroker) openThreadChannel(b *broker, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, dup := l.rendezvous[id]; dup {
		return
	}
	text := "none\n"
	var c threadSocket
	if n := len(l.free); n > 0 {
		c = l.free[n-1]
		text = fmt.Sprintf("%d %s\n", c.fd, c.name)
	}
	rendezvous, err := sealedFile(threadChannelName(id), []byte(text))
	if c.broker == nil {
		b.noChannelLeft()
	}
	if err != nil || c.broker == nil {
		if rendezvous != nil {
			// The thread reads that there is none.
			l.hold(id, rendezvous)
			l.refused = append(l.refused, id)
			if len(l.refused) > maxRefused {
				oldest := l.refused[0]
				l.refused = slices.Delete(l.refused, 0, 1)
				l.rendezvous[oldest].Close()
				delete(l.rendezvous, oldest)
			}
		}
		return
	}
	l.free = l.free[:len(l.free)-1]
	l.hold(id, rendezvous)
	b.goServe(l.channelEnd(c.broker, threadOf(id), false), "")
}

// threadOf returns the thread id in a channel request's id, which the
// bootstrap makes "<node's pid>-<thread id>-<random>", or 0.
func threadOf(id string) int {
	_, rest, _ := strings.Cut(id, "-")
	tid, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(tid)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// channelEnd serves f, the broker's end of a channel that node's thread
// tid reads (0: not known), with writes that end once that thread has
// exited (stallWriter). main says it is the main thread's.
func (l *linuxBroker) channelEnd(f *os.File, tid int, main bool) channelEnd {
	w := stallWriter{f: f}
	if tid > 0 {
		w.task = fmt.Sprintf("/proc/%d/task/%d", l.node, tid)
		// The thread is waiting for its channel now. Its start time tells
		// it from a later thread given the same id: ids come round again
		// (pid_max is 32,768 on many systems).
		if w.started, _ = statField(w.task+"/stat", threadStartField); w.started == "" {
			// The id names no thread of node's (code in node chose it):
			// never taken for gone, though the stall limit still gives up
			// a reply it never reads.
			w.task = ""
		}
	}
	hungUp := func() bool { return socketHungUp(f) }
	tv := unix.NsecToTimeval(stallTimeout.Nanoseconds())
	if err := unix.SetsockoptTimeval(int(f.Fd()), unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv); err != nil {
		// Writes wait for ever then: the place covers the read only.
		return channelEnd{requests: f, replies: f, close: f.Close, main: main, hungUp: hungUp, oneEnd: true}
	}
	return channelEnd{requests: f, replies: w, close: f.Close, repliesEnd: true, main: main, hungUp: hungUp, oneEnd: true}
}

// socketHungUp reports whether the other end of the socket f has been
// closed (or shut down for writing), without reading.
func socketHungUp(f *os.File) bool {
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLRDHUP}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0 && fds[0].Revents&(unix.POLLRDHUP|unix.POLLHUP) != 0
}

// stallTimeout is how long a write on a channel waits for the thread to
// make room before stallWriter looks whether the thread still lives.
const stallTimeout = 500 * time.Millisecond

// stallWriter writes replies on the broker's end of a channel whose writes
// time out (SO_SNDTIMEO): past each timeout it writes on while the thread
// that reads them lives, and fails once the thread has exited, or has run
// for stallLimit without reading any of it. A worker terminated in the
// middle of a reply leaves the rest unread for ever, since node keeps the
// channel's descriptor: the write then ends, and with it the request's
// place (maxServing) and the goroutine. A thread that is stopped (SIGSTOP,
// a debugger) is waited for: it reads on once continued.
type stallWriter struct {
	f       *os.File
	task    string // /proc/<node>/task/<tid> of the thread, or "" when not known
	started string // the thread's start time (threadStartField)
}

// Fields of /proc/<pid>/task/<tid>/stat: the thread's state, and when it
// started, in clock ticks since boot.
const (
	threadStateField = 3
	threadStartField = 22
)

func (w stallWriter) Write(p []byte) (int, error) {
	written := 0
	var stalled time.Duration
	for {
		n, err := w.f.Write(p[written:])
		written += n
		if !errors.Is(err, syscall.EAGAIN) {
			return written, err
		}
		// SO_SNDTIMEO: the write waited stallTimeout for room, at least
		// (a signal restarts the wait: os.File retries on EINTR), which
		// is what stalled counts.
		gone, stopped := w.thread()
		switch {
		case gone:
			return written, fmt.Errorf("replying on a channel: thread %s: %w", filepath.Base(w.task), errThreadGone)
		case n > 0 || stopped:
			stalled = 0
		default:
			if stalled += stallTimeout; stalled >= stallLimit {
				return written, fmt.Errorf("replying on a channel: its thread has read nothing for %v", stalled)
			}
		}
	}
}

// thread reports whether the channel's thread has exited (its task is
// missing, or is a later thread's), and whether it is stopped. A thread
// not known is neither.
func (w stallWriter) thread() (gone, stopped bool) {
	if w.task == "" {
		return false, false
	}
	fields, err := statFields(w.task+"/stat", threadStartField)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, false
	case err != nil:
		return false, false
	case fields[threadStartField-3] != w.started:
		return true, false
	}
	state := fields[threadStateField-3]
	return false, state == "T" || state == "t"
}

// hold keeps a thread's rendezvous until node exits, l.mu held: no request
// on the channel tells that the thread has read it, since application
// code can write requests there first. There are at most threadChannels
// and maxRefused.
func (l *linuxBroker) hold(id string, rendezvous *os.File) {
	if l.rendezvous == nil {
		l.rendezvous = make(map[string]*os.File)
	}
	l.rendezvous[id] = rendezvous
}

// threadChannelName names the memfd that tells thread id its channel.
func threadChannelName(id string) string { return "intact-node-channel:" + id }

// nodeExiting reads node's flags in /proc: PF_EXITING is set on each of
// its threads before the kernel closes its descriptors, so a channel that
// ends while it is clear was closed by code in node.
func (l *linuxBroker) nodeExiting() (exiting, known bool) {
	flags, err := statField(fmt.Sprintf("/proc/%d/stat", l.node), processFlagsField)
	if errors.Is(err, fs.ErrNotExist) {
		return true, true // gone
	}
	f, perr := strconv.ParseUint(flags, 10, 64)
	if err != nil || perr != nil {
		return false, false
	}
	return f&pfExiting != 0, true
}

// processFlagsField is the field of /proc/<pid>/stat holding the task's
// flags, and pfExiting the flag of a task in do_exit (linux/sched.h).
const (
	processFlagsField = 9
	pfExiting         = 0x4
)

// release closes the rendezvous and the channels no thread took, once
// node has exited.
func (l *linuxBroker) release() {
	l.mu.Lock()
	held, free := l.rendezvous, l.free
	l.rendezvous, l.free, l.refused = nil, nil, nil
	l.mu.Unlock()
	l.addonsMu.Lock()
	addons := l.addons
	l.addons = nil
	l.addonsMu.Unlock()
	for _, f := range held {
		f.Close()
	}
	for _, f := range addons {
		f.Close()
	}
	for _, c := range free {
		c.broker.Close()
	}
}

// pinAddon copies a native library that check allows into a sealed memfd.
// It returns the path node maps it by: /proc/<broker>/fd/<n>, which no
// rename or write into a folder can replace. Node maps the copy, never the
// file an attacker could swap after the check. (The copy's path does not
// keep the library's file name; SQLite's entry point, which it derives from
// the name, is handled by the bootstrap.)
//
// Copies are kept until node exits, one per content: the C library's
// dlopen takes a path it has loaded before for the library it loaded
// then, so a descriptor closed and its number given to the next library's
// copy had node run the first library's code for the second (outside
// review rt85). The same bytes get the same copy and path, so that loading
// a library twice finds it loaded, as it does under plain node. Node maps
// each library it loads, so a copy kept costs the broker a descriptor, and
// memory only for a library node failed to load or has unloaded.
func (l *linuxBroker) pinAddon(path string, check func(string) ([]byte, error)) (string, io.Closer, error) {
	data, err := check(path)
	if err != nil {
		return "", nil, err
	}
	if !sharedObject(data) {
		// dlopen would refuse it too; the broker need not hold a copy of
		// whatever signed file application code names (outside review
		// rt57 had it hold a 60 MB JSON file 127 times).
		return "", nil, fmt.Errorf("%s: not an ELF shared object: %w", path, syscall.ENOEXEC)
	}
	sum := sha256.Sum256(data)
	l.addonsMu.Lock()
	defer l.addonsMu.Unlock()
	f := l.addons[sum]
	if f == nil {
		if f, err = sealedFile("intact-addon:"+filepath.Base(path), data); err != nil {
			return "", nil, fmt.Errorf("sealing %s: %w", path, err)
		}
		if l.addons == nil {
			l.addons = make(map[[sha256.Size]byte]*os.File)
		}
		l.addons[sum] = f
	}
	return fmt.Sprintf("/proc/%d/fd/%d", l.proc, f.Fd()), keptCopy{}, nil
}

// keptCopy releases nothing: pinAddon keeps its copies until node exits.
type keptCopy struct{}

func (keptCopy) Close() error { return nil }

// sharedObject reports whether data begins as an ELF shared object
// (ET_DYN: libraries, and position-independent programs, which dlopen
// refuses itself).
func sharedObject(data []byte) bool {
	if len(data) < 18 || string(data[:4]) != elf.ELFMAG {
		return false
	}
	var typ uint16
	switch elf.Data(data[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		typ = binary.LittleEndian.Uint16(data[16:])
	case elf.ELFDATA2MSB:
		typ = binary.BigEndian.Uint16(data[16:])
	default:
		return false
	}
	return elf.Type(typ) == elf.ET_DYN
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
