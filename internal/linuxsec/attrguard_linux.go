package linuxsec

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An AttrGuard answers, through a seccomp listener, the calls that change
// a file's mode or owner made by the processes a Thread started after
// DenyTracing(readOnly): chmod, fchmod, fchmodat, fchmodat2, chown,
// lchown, fchown and fchownat. It refuses them with EPERM for the
// read-only files and everything beneath the read-only folders, and makes
// the others itself.
//
// It makes them itself, rather than letting the kernel go on with the
// call, because a call's path lies in the caller's memory and its
// descriptor in the caller's table, both of which another of the caller's
// threads can change between the guard's look and the kernel's: the guard
// judges the file it opened, and changes that same file. It does so with
// its own credentials for a caller whose credentials are the same (a tree
// of root, as the guard is), and for a caller that has given up the power
// to change others' files (a process that became another user) on a
// thread of its own with that caller's file-system ids and groups, so
// that the kernel judges the change as it would the caller's; any other
// caller is refused. See doc/node.md, "Confinement".
type AttrGuard struct {
	readOnly map[fileID]bool // the read-only files and folders, by inode
	self     credentials     // the confined thread's, which its processes start with
	arch     uint32          // the native architecture, whose calls attrCalls are
	root     fileID          // this process's root folder, from which it finds paths
	listener int
	// stop is an eventfd Close writes to. Not a pipe: node's tree reaches
	// the confined thread's descriptors through /proc, and can open a
	// pipe there and write to it, but not an eventfd (outside review
	// rt47).
	stop    int
	closing chan struct{} // closed by Close, for run waiting for a slot
	done    chan struct{}
	wg      sync.WaitGroup // answers under way
	// slots bounds the answers under way, and so the threads they take
	// (each call of a process that became another user takes one of its
	// own): a tree of thousands of threads calling at once waits in the
	// kernel's queue, not in threads past the Go runtime's limit.
	slots chan struct{}
}

// maxAnswers is how many calls the guard answers at once.
const maxAnswers = 64

// The layouts of seccomp's notification and response
// (include/uapi/linux/seccomp.h), and the ioctl that says whether a
// notification is still pending, which golang.org/x/sys does not define:
// _IOW('!', 2, __u64).
type seccompNotif struct {
	id    uint64
	pid   uint32 // the calling thread, in the listener's pid namespace
	flags uint32
	nr    int32
	arch  uint32
	ip    uint64
	args  [6]uint64
}

type seccompNotifResp struct {
	id    uint64
	val   int64
	error int32
	flags uint32
}

const seccompIoctlNotifIDValid = 0x40082102

// An attrCall says where a call that changes a file's attributes has its
// arguments.
type attrCall struct {
	op   attrOp
	form callForm
	// follow is whether a symbolic link named last is followed; flags,
	// when not 0, the index of a flags argument that may say not to
	// (AT_SYMLINK_NOFOLLOW) and may name the folder itself
	// (AT_EMPTY_PATH).
	follow bool
	flags  int
}

type attrOp int

const (
	opChmod attrOp = iota // mode
	opChown               // owner, group
)

type callForm int

const (
	byPath callForm = iota // path; then mode, or owner and group
	byFD                   // descriptor; then the same
	byAt                   // folder descriptor, path; then the same
)

// attrNumbers returns the numbers of attrCalls, sorted, for the filter.
func attrNumbers() []uint32 {
	nrs := make([]uint32, 0, len(attrCalls))
	for nr := range attrCalls {
		nrs = append(nrs, nr)
	}
	slices.Sort(nrs)
	return nrs
}

// newAttrGuard returns a guard of readOnly (absolute paths, after
// symbolic links) for the processes thread starts, not serving yet.
func newAttrGuard(readOnly []string, thread int) (*AttrGuard, error) {
	g := &AttrGuard{readOnly: make(map[fileID]bool), arch: tracingSyscalls()[0].arch, listener: -1, stop: -1,
		closing: make(chan struct{}), done: make(chan struct{}), slots: make(chan struct{}, maxAnswers)}
	for _, p := range readOnly {
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil {
			return nil, fmt.Errorf("guarding the attributes of %s: %w", p, err)
		}
		g.readOnly[fileID{uint64(st.Dev), uint64(st.Ino)}] = true
	}
	var st unix.Stat_t
	if err := unix.Stat("/", &st); err != nil {
		return nil, fmt.Errorf("guarding file attributes: %w", err)
	}
	g.root = fileID{uint64(st.Dev), uint64(st.Ino)}
	var err error
	if g.self, err = readCredentials(thread); err != nil {
		return nil, fmt.Errorf("guarding file attributes: %w", err)
	}
	return g, nil
}

// serve starts answering listener's notifications, until Close.
func (g *AttrGuard) serve(listener int) error {
	g.listener = listener
	var err error
	if g.stop, err = unix.Eventfd(0, unix.EFD_CLOEXEC); err != nil {
		unix.Close(listener)
		return fmt.Errorf("guarding file attributes: %w", err)
	}
	go g.run()
	return nil
}

// run answers notifications until Close, or until the listener fails. It
// then closes the listener once the answers under way are sent, without
// waiting for them: a call still to come fails (ENOSYS) rather than wait
// for an answer that will not come, and an answer that does not end (a
// file whose lock a process of the tree holds) holds up only its callers,
// not the broker's end.
func (g *AttrGuard) run() {
	defer close(g.done)
	defer func() {
		go func() {
			g.wg.Wait()
			unix.Close(g.listener)
		}()
	}()
	fds := []unix.PollFd{{Fd: int32(g.listener), Events: unix.POLLIN}, {Fd: int32(g.stop), Events: unix.POLLIN}}
	for {
		fds[0].Revents, fds[1].Revents = 0, 0
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			return
		}
		if fds[1].Revents != 0 || fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
			return // closed, or no process left under the filter
		}
		if fds[0].Revents&unix.POLLIN == 0 {
			continue
		}
		select {
		case g.slots <- struct{}{}:
		case <-g.closing:
			return
		}
		var n seccompNotif
		if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(g.listener), unix.SECCOMP_IOCTL_NOTIF_RECV, uintptr(unsafe.Pointer(&n))); errno != 0 {
			// ENOENT: the caller went (a signal, or its end) before the
			// notification was taken.
			<-g.slots
			continue
		}
		// Each in its own goroutine: a path on a file system that does
		// not answer holds up that call, not every other.
		g.wg.Add(1)
		go func() {
			defer func() { <-g.slots }()
			defer g.wg.Done()
			r := g.answer(&n)
			// ENOENT: the caller is gone, or was interrupted and will
			// call again.
			unix.Syscall(unix.SYS_IOCTL, uintptr(g.listener), unix.SECCOMP_IOCTL_NOTIF_SEND, uintptr(unsafe.Pointer(&r)))
		}()
	}
}

// Close stops answering; the listener is released once the answers under
// way are sent, and the calls of processes still under the filter then
// fail (ENOSYS). It does not wait for those answers.
func (g *AttrGuard) Close() error {
	if g == nil {
		return nil
	}
	close(g.closing)
	var one [8]byte
	one[0] = 1 // an eventfd takes a native-endian uint64; any byte set is > 0
	unix.Write(g.stop, one[:])
	<-g.done
	return unix.Close(g.stop)
}

// answer judges notification n and makes the call.
func (g *AttrGuard) answer(n *seccompNotif) seccompNotifResp {
	r := seccompNotifResp{id: n.id}
	if err := g.judge(n); err != nil {
		errno, ok := err.(unix.Errno)
		if !ok {
			errno = unix.EPERM
		}
		r.error = -int32(errno)
	}
	return r
}

// judge makes the call n asks for, unless it would change a read-only
// file, and returns its error.
func (g *AttrGuard) judge(n *seccompNotif) error {
	call, ok := attrCalls[uint32(n.nr)]
	if !ok || n.arch != g.arch {
		return unix.EPERM // the filter sends no other
	}
	tid := int(n.pid)
	caller, err := readCredentials(tid)
	if err != nil {
		return unix.EPERM
	}
	var as func(func() error) error
	switch {
	case caller.equal(g.self):
		as = func(f func() error) error { return f() }
	case caller.powerless(g.self):
		// A process of root's tree can become the owner of any file,
		// of /etc among them, which the kernel would let it change
		// (outside review rt47): judged and changed as that user.
		as = caller.do
	default:
		return unix.EPERM
	}
	at, err := g.locate(n, call, tid)
	if err != nil {
		return err
	}
	defer at.close()
	return as(func() error {
		target, err := at.open()
		if err != nil {
			return err
		}
		defer unix.Close(target)
		// What the guard read of the caller (its credentials, memory and
		// descriptors) was the caller's only if the caller still waits
		// in this call: a thread that ended could have lent its id to
		// another.
		if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(g.listener), seccompIoctlNotifIDValid, uintptr(unsafe.Pointer(&n.id))); errno != 0 {
			return errno
		}
		if g.beneathReadOnly(target) {
			return unix.EPERM
		}
		return change(target, call, n.args)
	})
}

// values returns the index of the first value argument of call: the mode,
// or the owner.
func (call attrCall) values() int {
	if call.form == byAt {
		return 2
	}
	return 1
}

// A place is a file as a call names it: path from the folder base
// (O_PATH), or base itself when path is empty; an absolute path from the
// root, base then AT_FDCWD.
type place struct {
	base  int
	path  string
	flags int // openat's
}

// open opens the file at p with O_PATH, as the calling thread's
// credentials find it. It refuses (EPERM) a path that crosses one of
// /proc's links to a file (/proc/<pid>/fd/<n>, cwd, root, /dev/fd/<n>):
// followed by the guard, /proc/self is the broker, not the caller, and
// /proc/<pid>/root a way into another process's mounts, which Landlock
// closes to the caller but not to the guard (outside review rt48).
func (p place) open() (int, error) {
	if p.path == "" {
		return unix.FcntlInt(uintptr(p.base), unix.F_DUPFD_CLOEXEC, 0)
	}
	fd, err := unix.Openat2(p.base, p.path, &unix.OpenHow{Flags: uint64(p.flags), Resolve: unix.RESOLVE_NO_MAGICLINKS})
	if err == unix.ELOOP {
		// A loop of symbolic links, or such a link: only a loop fails
		// without the flag too.
		if plain, err := unix.Openat(p.base, p.path, p.flags, 0); err == nil {
			unix.Close(plain)
			return -1, unix.EPERM
		}
	}
	if err == unix.ENOSYS {
		return -1, unix.EPERM // before Linux 5.6: no openat2
	}
	return fd, err
}

func (p place) close() {
	if p.base >= 0 {
		unix.Close(p.base)
	}
}

// locate returns where the file call n names lies, as the caller tid
// would find it.
func (g *AttrGuard) locate(n *seccompNotif, call attrCall, tid int) (place, error) {
	proc := "/proc/" + strconv.Itoa(tid)
	if call.form == byFD {
		fd := int32(n.args[0])
		if fd < 0 {
			return place{}, unix.EBADF
		}
		base, err := openDescriptor(proc, fd, false)
		return place{base: base}, err
	}
	var flags uint64
	if call.flags != 0 {
		flags = n.args[call.flags]
		if flags&^uint64(unix.AT_SYMLINK_NOFOLLOW|unix.AT_EMPTY_PATH) != 0 {
			return place{}, unix.EINVAL
		}
	}
	addr, dir := n.args[0], int32(unix.AT_FDCWD)
	if call.form == byAt {
		addr, dir = n.args[1], int32(n.args[0])
	}
	path, err := readPath(proc, addr)
	if err != nil {
		return place{}, err
	}
	// A path is found from the caller's root, which must be this
	// process's: the guard finds it from its own.
	var root unix.Stat_t
	if unix.Stat(proc+"/root", &root) != nil || (fileID{uint64(root.Dev), uint64(root.Ino)}) != g.root {
		return place{}, unix.EPERM
	}
	if path == "" && flags&unix.AT_EMPTY_PATH == 0 {
		return place{}, unix.ENOENT
	}
	p := place{base: unix.AT_FDCWD, path: path, flags: unix.O_PATH | unix.O_CLOEXEC}
	if !call.follow || flags&unix.AT_SYMLINK_NOFOLLOW != 0 {
		p.flags |= unix.O_NOFOLLOW
	}
	if strings.HasPrefix(path, "/") {
		return p, nil
	}
	switch {
	case dir == unix.AT_FDCWD:
		p.base, err = unix.Open(proc+"/cwd", unix.O_PATH|unix.O_CLOEXEC, 0)
	case dir < 0:
		return place{}, unix.EBADF
	default:
		p.base, err = openDescriptor(proc, dir, true)
	}
	return p, err
}

// openDescriptor opens with O_PATH the file the caller's descriptor fd
// refers to, or fails with EBADF when it has no such descriptor or, as
// fchmod and fchown would, when the descriptor is itself O_PATH and
// pathOK (a folder's, for the *at calls) is not set.
func openDescriptor(proc string, fd int32, pathOK bool) (int, error) {
	name := strconv.Itoa(int(fd))
	f, err := unix.Open(proc+"/fd/"+name, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, unix.EBADF
	}
	if pathOK {
		return f, nil
	}
	var buf [512]byte
	info, err := readSmall(proc+"/fdinfo/"+name, buf[:])
	if err == nil {
		_, rest, _ := bytes.Cut(info, []byte("flags:\t"))
		line, _, _ := bytes.Cut(rest, []byte("\n"))
		if flags, perr := strconv.ParseUint(string(line), 8, 64); perr == nil && flags&unix.O_PATH != 0 {
			err = unix.EBADF
		}
	}
	if err != nil {
		unix.Close(f)
		return -1, unix.EBADF
	}
	return f, nil
}

// readPath reads the NUL-terminated path at addr in the caller's memory,
// as the kernel would: at most PATH_MAX bytes with the NUL.
func readPath(proc string, addr uint64) (string, error) {
	mem, err := openProc(proc + "/mem")
	if err != nil {
		return "", unix.EPERM
	}
	defer unix.Close(mem)
	var buf [unix.PathMax]byte
	page := uint64(os.Getpagesize())
	for have := 0; have < len(buf); {
		// To the end of the page at most: the next may not be mapped.
		chunk := buf[have:min(uint64(len(buf)), uint64(have)+page-addr%page)]
		n, err := unix.Pread(mem, chunk, int64(addr))
		if n < 0 {
			n = 0
		}
		if i := bytes.IndexByte(chunk[:n], 0); i >= 0 {
			return string(buf[:have+i]), nil
		}
		if err != nil || n < len(chunk) {
			return "", unix.EFAULT
		}
		have += n
		addr += uint64(n)
	}
	return "", unix.ENAMETOOLONG
}

// openProc opens the caller's file name of /proc for reading, without
// waiting: the caller owns it, and a write lease it takes there would
// hold an open up for the lease-break time, 45 seconds by default, and
// with it a slot of the guard's (outside review rt50). With O_NONBLOCK
// the open fails at once (EWOULDBLOCK), and so does the call.
func openProc(name string) (int, error) {
	return unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
}

// readSmall reads the file name, of /proc, into buf with one read: such a
// file is made whole on the first. A file that fills buf is refused.
func readSmall(name string, buf []byte) ([]byte, error) {
	fd, err := openProc(name)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n, err := unix.Read(fd, buf)
	if err != nil {
		return nil, err
	}
	if n == len(buf) {
		return nil, fmt.Errorf("%s: longer than %d bytes", name, len(buf))
	}
	return buf[:n], nil
}

// beneathReadOnly reports whether the file open as fd is one of the guard's
// read-only files, or lies beneath one of its folders: whether it, or a
// folder on its path, is one of them by inode, whichever mount the path
// crosses. A pipe, a socket or an anonymous inode lies beneath none, nor
// does a file with no name left (removed, or made with O_TMPFILE); a file
// whose path does not lead to it in the broker's mounts (a file of
// another mount namespace's, outside review rt48), or whose folders
// cannot be looked at, counts as read-only.
func (g *AttrGuard) beneathReadOnly(fd int) bool {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || g.readOnly[fileID{uint64(st.Dev), uint64(st.Ino)}] {
		return true
	}
	var buf [unix.PathMax]byte
	n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(fd), buf[:])
	if err != nil {
		return true
	}
	path := string(buf[:n])
	if !strings.HasPrefix(path, "/") {
		for _, kind := range []string{"pipe:", "socket:", "anon_inode:"} {
			if strings.HasPrefix(path, kind) {
				return false
			}
		}
		return true
	}
	if st.Nlink == 0 {
		return false
	}
	var at unix.Stat_t
	if unix.Lstat(path, &at) != nil || at.Dev != st.Dev || at.Ino != st.Ino {
		return true
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		if err := unix.Stat(dir, &st); err != nil || g.readOnly[fileID{uint64(st.Dev), uint64(st.Ino)}] {
			return true
		}
		if dir == "/" {
			return false
		}
	}
}

// change makes the change call asks for, with args, to the file open as
// fd (O_PATH).
func change(fd int, call attrCall, args [6]uint64) error {
	v := call.values()
	if call.op == opChown {
		// -1 leaves an id as it is; the kernel takes 32 bits.
		return unix.Fchownat(fd, "", int(int32(args[v])), int(int32(args[v+1])), unix.AT_EMPTY_PATH)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return unix.EOPNOTSUPP // a link's own mode cannot change (fchmodat2)
	}
	// Through /proc/self/fd: fchmod refuses an O_PATH descriptor, and
	// fchmodat2's AT_EMPTY_PATH is Linux 6.6's.
	return unix.Fchmodat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), uint32(args[v])&0o7777, 0)
}

// credentials are what decides whether a thread may change a file's mode
// or owner: its ids, groups and effective capabilities, as
// /proc/<tid>/status shows them, and its user namespace.
type credentials struct {
	uid, gid, groups, capEff string // the status lines' values
	userNS                   string
}

// readCredentials reads thread tid's credentials.
func readCredentials(tid int) (credentials, error) {
	proc := "/proc/" + strconv.Itoa(tid)
	var c credentials
	var buf [8192]byte
	status, err := readSmall(proc+"/status", buf[:])
	if err != nil {
		return c, err
	}
	fields := map[string]*string{"Uid": &c.uid, "Gid": &c.gid, "Groups": &c.groups, "CapEff": &c.capEff}
	for line := range strings.Lines(string(status)) {
		name, value, _ := strings.Cut(strings.TrimSuffix(line, "\n"), ":")
		if dst := fields[name]; dst != nil {
			*dst = strings.TrimSpace(value)
		}
	}
	if c.uid == "" || c.capEff == "" {
		return c, errors.New(proc + "/status lacks Uid or CapEff")
	}
	if c.userNS, err = os.Readlink(proc + "/ns/user"); err != nil {
		return c, err
	}
	return c, nil
}

func (c credentials) equal(d credentials) bool { return c == d }

// powerless reports whether a thread with credentials c, in the same user
// namespace as self, can change only what it owns: its file-system uid is
// not root's and it holds neither CAP_CHOWN nor CAP_FOWNER.
func (c credentials) powerless(self credentials) bool {
	if c.userNS != self.userNS {
		return false
	}
	ids := strings.Fields(c.uid) // real, effective, saved, file system
	if len(ids) != 4 || ids[3] == "0" {
		return false
	}
	caps, err := strconv.ParseUint(c.capEff, 16, 64)
	return err == nil && caps&(1<<unix.CAP_CHOWN|1<<unix.CAP_FOWNER) == 0
}

// do runs f on a thread of its own with c's file-system uid and gid and
// its groups, and no effective capabilities, so that the kernel judges
// what f does as it would c's (which has no CAP_CHOWN or CAP_FOWNER); the
// thread ends with f.
func (c credentials) do(f func() error) error {
	uid, gid, groups, err := c.fileSystemIDs()
	if err != nil {
		return unix.EPERM
	}
	done := make(chan error, 1)
	go func() {
		// Never unlocked: the runtime ends the thread, and its ids, with
		// the goroutine.
		runtime.LockOSThread()
		// setgroups(2) itself, not Go's syscall.Setgroups, which would
		// change every thread's.
		if err := unix.Setgroups(groups); err != nil {
			done <- unix.EPERM
			return
		}
		unix.Setfsgid(gid)
		unix.Setfsuid(uid)
		// Each returns the id before; with -1, which it refuses, the id
		// as it is.
		if g, _ := unix.SetfsgidRetGid(-1); g != gid {
			done <- unix.EPERM
			return
		}
		if u, _ := unix.SetfsuidRetUid(-1); u != uid {
			done <- unix.EPERM
			return
		}
		// And every other capability: CAP_SYS_PTRACE would open other
		// processes' /proc links to it (outside review rt48).
		if err := dropEffectiveCapabilities(); err != nil {
			done <- unix.EPERM
			return
		}
		done <- f()
	}()
	return <-done
}

// dropEffectiveCapabilities empties the calling thread's effective
// capabilities.
func dropEffectiveCapabilities() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3} // Pid 0: this thread
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	data[0].Effective, data[1].Effective = 0, 0
	return unix.Capset(&hdr, &data[0])
}

// fileSystemIDs returns c's file-system uid and gid and its groups.
func (c credentials) fileSystemIDs() (uid, gid int, groups []int, err error) {
	uids, gids := strings.Fields(c.uid), strings.Fields(c.gid)
	if len(uids) != 4 || len(gids) != 4 {
		return 0, 0, nil, errors.New("credentials without four uids and gids")
	}
	if uid, err = strconv.Atoi(uids[3]); err != nil {
		return 0, 0, nil, err
	}
	if gid, err = strconv.Atoi(gids[3]); err != nil {
		return 0, 0, nil, err
	}
	for _, g := range strings.Fields(c.groups) {
		id, err := strconv.Atoi(g)
		if err != nil {
			return 0, 0, nil, err
		}
		groups = append(groups, id)
	}
	return uid, gid, groups, nil
}
