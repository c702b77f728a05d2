package nodelib

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"github.com/dop251/goja"
	"golang.org/x/sys/unix"
)

// watchMask is what libuv asks inotify to report.
const watchMask = unix.IN_ATTRIB | unix.IN_CREATE | unix.IN_MODIFY | unix.IN_DELETE | unix.IN_DELETE_SELF |
	unix.IN_MOVE_SELF | unix.IN_MOVED_FROM | unix.IN_MOVED_TO

// inotifyWatcher is fs.watch on Linux: one inotify instance watching a file
// or a directory, and with recursive every directory below it. A goroutine
// reads its events and posts them to the event loop.
type inotifyWatcher struct {
	s        *libState
	file     *os.File // the inotify descriptor, non-blocking, in Go's poller
	fd       int      // the same, for inotify_add_watch (File.Fd would make it blocking)
	stop     chan struct{}
	onChange goja.Value
	refd     bool
	closed   bool

	root      string
	recursive bool
	mu        sync.Mutex       // guards dirs and fdClosed, which the reading goroutine also uses
	dirs      map[int32]string // watch descriptor → directory, relative to root
	fdClosed  bool
}

// fsChange is one event as Node reports it: "rename" or "change", and the
// name of what changed, relative to the watched directory.
type fsChange struct{ event, name string }

// watch starts watching path for fs.watch; it returns null where it cannot
// (a runtime with no event loop).
func (b *fsBinding) watch(path string, persistent, recursive bool, onChange goja.Value) goja.Value {
	rt := b.s.rt
	if b.s.loop == nil {
		return goja.Null()
	}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		b.throw(err, "watch", path, "")
	}
	w := &inotifyWatcher{
		s: b.s, file: os.NewFile(uintptr(fd), "inotify"), fd: fd, stop: make(chan struct{}), onChange: onChange,
		root: path, recursive: recursive, dirs: map[int32]string{},
	}
	if err := w.add(path, ""); err != nil {
		w.file.Close()
		b.throw(err, "watch", path, "")
	}
	if recursive {
		w.addBelow(path, "")
	}
	b.s.track(w)
	if persistent {
		w.ref()
	}
	go w.read()
	handle := rt.NewObject()
	handle.Set("close", func() { w.Close() })
	handle.Set("ref", w.ref)
	handle.Set("unref", w.unref)
	return handle
}

// add watches the file or directory at path, rel below the root.
func (w *inotifyWatcher) add(path, rel string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fdClosed {
		return os.ErrClosed
	}
	wd, err := unix.InotifyAddWatch(w.fd, path, watchMask)
	if err != nil {
		return err
	}
	w.dirs[int32(wd)] = rel
	return nil
}

// addBelow watches every directory below dir (rel below the root). Those
// that vanish meanwhile are skipped: their removal is an event of its own.
func (w *inotifyWatcher) addBelow(dir, rel string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path, childRel := filepath.Join(dir, e.Name()), filepath.Join(rel, e.Name())
		if w.add(path, childRel) == nil {
			w.addBelow(path, childRel)
		}
	}
}

func (w *inotifyWatcher) ref() {
	if !w.refd && !w.closed {
		w.refd = true
		w.s.loop.Ref()
	}
}

func (w *inotifyWatcher) unref() {
	if w.refd {
		w.refd = false
		w.s.loop.Unref()
	}
}

// Close stops the watcher; the reading goroutine ends. It runs on the
// goroutine that runs JavaScript.
func (w *inotifyWatcher) Close() error {
	if w.closed {
		return nil
	}
	w.unref()
	w.closed = true
	close(w.stop)
	w.s.untrack(w)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fdClosed = true
	return w.file.Close()
}

// read turns inotify's events into Node's until the watcher is closed.
func (w *inotifyWatcher) read() {
	buf := make([]byte, 64<<10)
	for {
		n, err := w.file.Read(buf)
		if err != nil {
			if errors.Is(err, os.ErrClosed) || errors.Is(err, fs.ErrClosed) {
				return
			}
			select {
			case <-w.stop:
				return
			default:
			}
			continue
		}
		changes := w.parse(buf[:n])
		if len(changes) == 0 {
			continue
		}
		if !w.s.loop.Post(w.stop, func() { w.deliver(changes) }) {
			return
		}
	}
}

// parse decodes a read of inotify events, as libuv does: a change of
// contents or attributes is "change", anything else "rename"; the name is
// the entry's in a watched directory, else the watched file's own.
func (w *inotifyWatcher) parse(buf []byte) []fsChange {
	var out []fsChange
	for len(buf) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[0]))
		end := unix.SizeofInotifyEvent + int(ev.Len)
		if end > len(buf) {
			break
		}
		name := string(bytes.TrimRight(buf[unix.SizeofInotifyEvent:end], "\x00"))
		buf = buf[end:]
		if ev.Mask&(unix.IN_IGNORED|unix.IN_Q_OVERFLOW) != 0 {
			continue
		}
		w.mu.Lock()
		rel, ok := w.dirs[ev.Wd]
		w.mu.Unlock()
		if !ok {
			continue
		}
		event := "change"
		if ev.Mask&^uint32(unix.IN_ATTRIB|unix.IN_MODIFY) != 0 {
			event = "rename"
		}
		switch {
		case name == "" && rel == "":
			name = filepath.Base(w.root)
		case name == "":
			name = rel
		default:
			if w.recursive && ev.Mask&unix.IN_ISDIR != 0 && ev.Mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0 {
				path := filepath.Join(w.root, rel, name)
				if w.add(path, filepath.Join(rel, name)) == nil {
					w.addBelow(path, filepath.Join(rel, name))
				}
			}
			name = filepath.Join(rel, name)
		}
		out = append(out, fsChange{event, name})
	}
	return out
}

// deliver calls the watcher's JavaScript with each change, on the goroutine
// that runs JavaScript.
func (w *inotifyWatcher) deliver(changes []fsChange) {
	rt := w.s.rt
	for _, c := range changes {
		if w.closed {
			return
		}
		w.s.loop.Call(w.onChange, rt.ToValue(c.event), rt.ToValue(c.name))
	}
}
