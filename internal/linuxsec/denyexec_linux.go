package linuxsec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An ExecRuleset is a Landlock ruleset that lets every file be executed
// except a few, and every file be opened for writing except beneath /proc,
// for Thread.Confine. Where Landlock has scopes (ABI 6, Linux 6.12), it
// also keeps the domain from connecting to abstract Unix sockets made
// outside it and from signalling processes outside it: a server on such a
// socket (X11, a container runtime's shim, a D-Bus bus on an abstract
// address), or a Node.js process whose inspector SIGUSR1 opens, could
// otherwise do for the domain what the domain may not do itself.
//
// Landlock only ever grants: a rule gives a right on a file, or on
// everything beneath a folder, and the kernel allows an execution when a
// rule covers some folder on the file's path. So the rules cover, in each
// folder on the way from / to a denied file, every entry but the next
// folder on that way and the denied files. Rules belong to inodes, not
// names: an entry that is another hard link of a denied file is left out
// too, or it would grant the file wherever it is linked.
//
// What this cannot deny, by how Landlock works: a copy of a denied file; a
// hard link to it or a bind mount of a folder above it, made elsewhere by a
// process outside the domain; and mapping it without executing it, as its
// ELF interpreter does when run as a program (ld.so FILE). And what it
// denies beyond the files: an entry made after the ruleset directly in a
// folder on the way to a denied file cannot be executed either, nor moved
// or linked into a folder that grants the execute right (EXDEV: the refer
// right never lets a file gain a right by moving).
type ExecRuleset struct {
	fd int
}

// fileID names a file by its inode, as Landlock's rules do.
type fileID struct{ dev, ino uint64 }

// deniedFiles are the files a ruleset denies.
type deniedFiles struct {
	ids   map[fileID]bool // their inodes
	paths map[string]bool // their paths, after symbolic links
	// way are the inodes of the folders on the way to them: a rule on one
	// would grant everything beneath it, the denied files too. A folder on
	// the way renamed, or mounted, under another name it must still get no
	// rule.
	way map[fileID]bool
	// singleLinks is set when each had one link when it was judged: then
	// no entry but its own path is the file, unless someone who may write
	// into a folder has linked it there since.
	singleLinks bool
}

// DenyExec returns a ruleset that grants the execute right on every file
// but files, after symbolic links, and their hard links in the folders
// above them; and the right to open files for writing everywhere but
// beneath /proc (allowWritesButProc). It also lets files be moved and
// linked from folder to folder
// (the refer right), which every Landlock domain otherwise refuses; the
// kernel still refuses a move that would make a file executable where it
// was not, such as a new link to a denied file. Folders on the way that
// cannot be listed grant nothing but the way on.
//
// It returns an *UnsupportedError when this kernel's Landlock cannot do
// this: it is missing, or older than ABI 2 (Linux 5.19), which refuses
// every move between folders in a domain.
func DenyExec(files []string) (*ExecRuleset, error) { return DenyExecReadOnly(files, nil) }

// DenyExecReadOnly is DenyExec that also makes the files and folders
// readOnly (absolute paths, after symbolic links) read-only, whatever the
// caller's privileges: nothing beneath them can be opened for writing,
// made, removed, renamed or linked there, or truncated (Landlock ABI 3).
// Rules belong to inodes: the kernel judges a write by the folders above
// the file written, whatever the mount or the path it is reached by (a
// descriptor of a folder elsewhere and "..", a working folder, another
// mount of the same file system), so nothing in the domain writes there;
// only a hard link to such a file or a bind mount of such a folder made
// elsewhere beforehand is another way, as for execution.
func DenyExecReadOnly(files, readOnly []string) (*ExecRuleset, error) {
	if err := DenyExecSupported(); err != nil {
		return nil, err
	}
	d := &deniedFiles{ids: make(map[fileID]bool), paths: make(map[string]bool), way: make(map[fileID]bool), singleLinks: true}
	onTheWay := make(map[string]bool) // folders from / to a denied file
	for _, f := range files {
		real, err := filepath.EvalSymlinks(f)
		if err == nil && !filepath.IsAbs(real) {
			err = errors.New("not an absolute path")
		}
		var st unix.Stat_t
		if err == nil {
			err = unix.Stat(real, &st)
		}
		if err != nil {
			return nil, fmt.Errorf("denying execution of %s: %w", f, err)
		}
		d.ids[fileID{uint64(st.Dev), uint64(st.Ino)}] = true
		d.paths[real] = true
		d.singleLinks = d.singleLinks && st.Nlink == 1
		for dir := filepath.Dir(real); !onTheWay[dir]; dir = filepath.Dir(dir) {
			onTheWay[dir] = true
		}
	}

	for dir := range onTheWay {
		var st unix.Stat_t
		if err := unix.Stat(dir, &st); err != nil {
			return nil, fmt.Errorf("denying execution beneath %s: %w", dir, err)
		}
		d.way[fileID{uint64(st.Dev), uint64(st.Ino)}] = true
	}

	ro, err := newReadOnly(readOnly)
	if err != nil {
		return nil, err
	}
	var scoped uint64
	if ScopesSupported() == nil {
		scoped = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | unix.LANDLOCK_SCOPE_SIGNAL
	}
	r, err := newRuleset(unix.LANDLOCK_ACCESS_FS_EXECUTE|unix.LANDLOCK_ACCESS_FS_REFER|ro.rights, scoped)
	if err != nil {
		return nil, err
	}
	if err := r.allow("/", unix.LANDLOCK_ACCESS_FS_REFER); err != nil {
		r.Close()
		return nil, err
	}
	if err := r.allowWritesButProc(ro); err != nil {
		r.Close()
		return nil, err
	}
	// Sorted, so that the same files always make the same rules.
	dirs := make([]string, 0, len(onTheWay))
	for dir := range onTheWay {
		dirs = append(dirs, dir)
	}
	slices.Sort(dirs)
	for _, dir := range dirs {
		if err := r.allowEntries(dir, onTheWay, d); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// fileWriteRights are the write rights a rule on a file, not a folder, may
// grant.
const fileWriteRights = unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_TRUNCATE

// readOnlyFiles are the files and folders a ruleset makes read-only.
type readOnlyFiles struct {
	// rights are the write rights the ruleset handles: opening files for
	// writing, and with read-only files also making, removing and
	// truncating them.
	rights uint64
	ids    map[fileID]bool // their inodes
	paths  map[string]bool // their paths, after symbolic links
	// way are the folders above them, but /, by path and by inode: a rule
	// on one would grant writing everything beneath it.
	way    map[string]bool
	wayIDs map[fileID]bool
}

func newReadOnly(paths []string) (*readOnlyFiles, error) {
	ro := &readOnlyFiles{rights: unix.LANDLOCK_ACCESS_FS_WRITE_FILE, ids: map[fileID]bool{}, paths: map[string]bool{}, way: map[string]bool{}, wayIDs: map[fileID]bool{}}
	if len(paths) == 0 {
		return ro, nil
	}
	ro.rights |= unix.LANDLOCK_ACCESS_FS_REMOVE_DIR | unix.LANDLOCK_ACCESS_FS_REMOVE_FILE |
		unix.LANDLOCK_ACCESS_FS_MAKE_CHAR | unix.LANDLOCK_ACCESS_FS_MAKE_DIR | unix.LANDLOCK_ACCESS_FS_MAKE_REG |
		unix.LANDLOCK_ACCESS_FS_MAKE_SOCK | unix.LANDLOCK_ACCESS_FS_MAKE_FIFO | unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK |
		unix.LANDLOCK_ACCESS_FS_MAKE_SYM
	if abi, err := LandlockABI(); err == nil && abi >= 3 {
		ro.rights |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	reals := make([]string, len(paths))
	for i, p := range paths {
		real, err := filepath.EvalSymlinks(p)
		if err == nil && !filepath.IsAbs(real) {
			err = errors.New("not an absolute path")
		}
		if err != nil {
			return nil, fmt.Errorf("making %s read-only: %w", p, err)
		}
		reals[i] = real
	}
	// Folders before what lies beneath them, which they cover: a folder
	// above a read-only path must not become one of the way's, whose
	// other entries are writable.
	slices.Sort(reals)
	covered := func(p string) bool {
		for dir := p; ; dir = filepath.Dir(dir) {
			if ro.paths[dir] {
				return true
			}
			if dir == "/" {
				return false
			}
		}
	}
	for _, real := range reals {
		if covered(real) {
			continue
		}
		var st unix.Stat_t
		if err := unix.Stat(real, &st); err != nil {
			return nil, fmt.Errorf("making %s read-only: %w", real, err)
		}
		ro.ids[fileID{uint64(st.Dev), uint64(st.Ino)}] = true
		ro.paths[real] = true
		for dir := filepath.Dir(real); dir != "/" && !ro.way[dir]; dir = filepath.Dir(dir) {
			ro.way[dir] = true
			if err := unix.Stat(dir, &st); err != nil {
				return nil, fmt.Errorf("making %s read-only: %w", real, err)
			}
			ro.wayIDs[fileID{uint64(st.Dev), uint64(st.Ino)}] = true
		}
	}
	return ro, nil
}

// allowWritesButProc grants ro's write rights beneath every entry of / but
// /proc and ro's files and the folders above them, in which it grants them
// entry by entry (allowWritesIn). Beneath /proc, /proc/<pid>/mem writes a
// process's memory, its code included, with no system call a seccomp
// filter could see: node's own, or that of the broker's thread in node's
// domain (outside review rt13). Other files there that programs write
// (oom_score_adj, uid_map for a user namespace) become read-only too.
func (r *ExecRuleset) allowWritesButProc(ro *readOnlyFiles) error {
	if err := r.allowWritesIn("/", ro, map[string]bool{"/proc": true}); err != nil {
		return err
	}
	dirs := slices.Sorted(maps.Keys(ro.way))
	for _, dir := range dirs {
		if err := r.allowWritesIn(dir, ro, nil); err != nil {
			return err
		}
	}
	return nil
}

// allowWritesIn grants ro's write rights beneath each entry of dir but
// those in skip, ro's files (or another link of one) and the folders above
// them (or one of them under another name). Symbolic links get no rule:
// a write through one is judged by the path it leads to.
func (r *ExecRuleset) allowWritesIn(dir string, ro *readOnlyFiles, skip map[string]bool) error {
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrPermission) {
		return nil // nothing beneath it will be writable
	}
	if err != nil {
		return fmt.Errorf("allowing writes in %s: %w", dir, err)
	}
	defer d.Close()
	entries, err := readEntries(int(d.Fd()))
	if err != nil {
		return fmt.Errorf("allowing writes in %s: %w", dir, err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.name)
		if e.typ == unix.DT_LNK || skip[p] || ro.paths[p] || ro.way[p] {
			continue
		}
		fd, err := unix.Openat(int(d.Fd()), e.name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ENOENT) {
			continue // removed since it was listed
		}
		if err != nil {
			return fmt.Errorf("allowing writes beneath %s: %w", p, err)
		}
		// The inode, not the entry: another link of a read-only file, or
		// a folder above one renamed or mounted here.
		var st unix.Stat_t
		err = unix.Fstat(fd, &st)
		if id := (fileID{uint64(st.Dev), uint64(st.Ino)}); err == nil && st.Mode&unix.S_IFMT != unix.S_IFLNK && !ro.ids[id] && !ro.wayIDs[id] {
			rights := ro.rights
			if st.Mode&unix.S_IFMT != unix.S_IFDIR {
				rights &= fileWriteRights // the others are a folder's
			}
			err = r.addRule(fd, rights)
		}
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("allowing writes beneath %s: %w", p, err)
		}
	}
	return nil
}

// ScopesSupported returns an *UnsupportedError when this kernel's Landlock
// has no scopes (before ABI 6, Linux 6.12), so that DenyExec's rulesets
// leave abstract Unix sockets and signals outside the domain open, and nil
// when it has them.
func ScopesSupported() error {
	abi, err := LandlockABI()
	if err != nil {
		return err
	}
	if abi < 6 {
		return &UnsupportedError{fmt.Sprintf("Landlock ABI %d has no scopes (ABI 6, Linux 6.12, is needed)", abi)}
	}
	return nil
}

// DenyExecSupported returns an *UnsupportedError when this kernel's
// Landlock cannot make the rulesets of DenyExec, and nil when it can.
func DenyExecSupported() error {
	abi, err := LandlockABI()
	if err != nil {
		return err
	}
	if abi < 2 {
		return &UnsupportedError{fmt.Sprintf("Landlock ABI %d lets no file move between folders in a domain (ABI 2, Linux 5.19, is needed)", abi)}
	}
	return nil
}

// newRuleset makes a ruleset that handles the file system rights handled
// and the scopes scoped (none before Landlock ABI 6).
func newRuleset(handled, scoped uint64) (*ExecRuleset, error) {
	// The kernel accepts the struct cut after the last field it is given
	// (handled_access_fs alone is Landlock ABI 1's), so older kernels,
	// which know no later fields, are given none.
	attr := unix.LandlockRulesetAttr{Handled_access_fs: handled, Scoped: scoped}
	size := unsafe.Offsetof(attr.Handled_access_net)
	if scoped != 0 {
		size = unsafe.Offsetof(attr.Scoped) + unsafe.Sizeof(attr.Scoped)
	}
	fd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if errno != 0 {
		return nil, fmt.Errorf("landlock_create_ruleset: %w", errno)
	}
	return &ExecRuleset{fd: int(fd)}, nil
}

// allow grants access beneath path.
func (r *ExecRuleset) allow(path string, access uint64) error {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("allowing execution under %s: %w", path, err)
	}
	defer unix.Close(fd)
	if err := r.addRule(fd, access); err != nil {
		return fmt.Errorf("allowing execution under %s: %w", path, err)
	}
	return nil
}

// addRule grants access beneath the file fd.
func (r *ExecRuleset) addRule(fd int, access uint64) error {
	rule := unix.LandlockPathBeneathAttr{Allowed_access: access, Parent_fd: int32(fd)}
	_, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(r.fd), unix.LANDLOCK_RULE_PATH_BENEATH, uintptr(unsafe.Pointer(&rule)), 0, 0, 0)
	if errno != 0 {
		return fmt.Errorf("landlock_add_rule: %w", errno)
	}
	return nil
}

// allowEntries grants the execute right on each folder and regular file in
// dir, but for the folders in skip and the denied files. Symbolic links get
// no rule: executing one executes the file it leads to, judged by its own
// path.
func (r *ExecRuleset) allowEntries(dir string, skip map[string]bool, denied *deniedFiles) error {
	d, err := os.Open(dir)
	if errors.Is(err, fs.ErrPermission) {
		return nil // nothing beneath it but the way on will be executable
	}
	if err != nil {
		return fmt.Errorf("allowing execution in %s: %w", dir, err)
	}
	defer d.Close()
	fd := int(d.Fd())
	var st unix.Stat_t
	var sfs unix.Statfs_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("allowing execution in %s: %w", dir, err)
	}
	if err := unix.Fstatfs(fd, &sfs); err != nil {
		return fmt.Errorf("allowing execution in %s: %w", dir, err)
	}
	// The types and inode numbers come with the names (getdents): a
	// symbolic link or a device costs no system call.
	entries, err := readEntries(fd)
	if err != nil {
		return fmt.Errorf("allowing execution in %s: %w", dir, err)
	}
	l := entryList{
		fd: fd, dir: dir, dev: uint64(st.Dev), denied: denied, deniedHere: make(map[string]bool),
		// Only root can add, rename or remove entries here: a regular file
		// listed is still that file when it is opened.
		rootOnly:  st.Uid == 0 && st.Mode&0o022 == 0,
		inoListed: inodeNumbersListed(sfs.Type),
	}
	for p := range denied.paths {
		if filepath.Dir(p) == dir {
			l.deniedHere[filepath.Base(p)] = true
		}
	}
	for _, e := range entries {
		if (e.typ == unix.DT_DIR || e.typ == unix.DT_REG || e.typ == unix.DT_UNKNOWN) && !skip[filepath.Join(dir, e.name)] {
			l.entries = append(l.entries, e)
		}
	}
	// Each entry costs three or four system calls (open, perhaps fstat,
	// the rule, close), some 5-8 µs on a virtual machine: a folder like
	// /usr/bin takes milliseconds on node's way to starting. Only the rule
	// takes the ruleset's lock in the kernel, so a second thread shares
	// out the rest.
	const perWorker = 256
	n := len(l.entries)
	workers := min(runtime.GOMAXPROCS(0), (n+perWorker-1)/perWorker, 2)
	if workers <= 1 {
		return r.allowList(&l, l.entries)
	}
	errs := make(chan error, 1)
	go func() { errs <- r.allowList(&l, l.entries[n/2:]) }()
	return errors.Join(r.allowList(&l, l.entries[:n/2]), <-errs)
}

// A dirEntry is a folder's entry as getdents lists it.
type dirEntry struct {
	name string
	ino  uint64
	typ  uint8 // DT_DIR, DT_REG, ..., or DT_UNKNOWN
}

// readEntries lists the folder fd's entries but . and ..: their names,
// inode numbers and types, which os.File.ReadDir does not all give.
func readEntries(fd int) ([]dirEntry, error) {
	buf := make([]byte, 32<<10)
	var entries []dirEntry
	for {
		n, err := unix.Getdents(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			return entries, nil
		}
		// struct linux_dirent64: u64 inode, s64 offset, u16 record length,
		// u8 type, the name ending in NUL.
		const nameOff = 19
		for rec := buf[:n]; len(rec) > 0; {
			if len(rec) < nameOff {
				return nil, errors.New("getdents: a record cut short")
			}
			size := int(binary.NativeEndian.Uint16(rec[16:18]))
			if size < nameOff || size > len(rec) {
				return nil, errors.New("getdents: a record of a bad length")
			}
			name := rec[nameOff:size]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			if s := string(name); s != "." && s != ".." {
				entries = append(entries, dirEntry{name: s, ino: binary.NativeEndian.Uint64(rec[0:8]), typ: rec[18]})
			}
			rec = rec[size:]
		}
	}
}

// inodeNumbersListed reports whether the file system of magic number
// magic lists each entry with its inode's number (d_ino is st_ino). Not all
// do: overlayfs may list a lower layer's number.
func inodeNumbersListed(magic int64) bool {
	switch uint32(magic) {
	case unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC, unix.TMPFS_MAGIC:
		return true
	}
	return false
}

// entryList is what allowEntries grants in one folder.
type entryList struct {
	fd         int
	dir        string
	dev        uint64 // the folder's device
	rootOnly   bool
	inoListed  bool            // the listed inode numbers are the inodes'
	deniedHere map[string]bool // names of denied files in the folder
	entries    []dirEntry
	denied     *deniedFiles
}

// allowList grants the execute right on entries of l.
func (r *ExecRuleset) allowList(l *entryList, entries []dirEntry) error {
	for _, e := range entries {
		if err := r.allowEntry(l, e); err != nil {
			return err
		}
	}
	return nil
}

// allowEntry grants the execute right on l's entry e, unless it is one of
// the denied files.
//
// The rule goes on the inode opened, which the denied files are told
// apart by: it is judged by fstat, unless opening it already says it is
// no denied file. A folder is none, and when only root can change the
// folder listed, none on the way to one either (nobody renamed one into the
// entry since it was listed, nor mounted one over it), so it is opened as
// a folder only (O_DIRECTORY). A regular file is none when only root can change the
// folder, so that nobody has linked or renamed a denied file into the
// entry since it was listed, and it is not a denied file's name, and
// either no denied file has another link or the inode number listed is
// none of theirs; it is opened without crossing into a file mounted over
// it (RESOLVE_NO_XDEV), which could be anything.
func (r *ExecRuleset) allowEntry(l *entryList, e dirEntry) error {
	var fd int
	var err error
	switch {
	case e.typ == unix.DT_DIR && l.rootOnly:
		fd, err = unix.Openat2(l.fd, e.name, &unix.OpenHow{
			Flags:   unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_DIRECTORY,
			Resolve: unix.RESOLVE_NO_XDEV,
		})
	case e.typ == unix.DT_REG && l.rootOnly && !l.deniedHere[e.name] &&
		(l.denied.singleLinks || l.inoListed && !l.denied.ids[fileID{l.dev, e.ino}]):
		fd, err = unix.Openat2(l.fd, e.name, &unix.OpenHow{
			Flags:   unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_NO_XDEV,
		})
	default:
		err = unix.EINVAL // judged by fstat below
	}
	if err != nil && !errors.Is(err, unix.ENOENT) {
		// Not what it was listed as (ENOTDIR, ELOOP), a mount point (EXDEV),
		// not known, or openat2 refused (ENOSYS under some seccomp filters):
		// opened and judged as it is.
		fd, err = r.openJudged(l.fd, e.name, l.denied)
		if fd < 0 && err == nil {
			return nil
		}
	}
	if errors.Is(err, unix.ENOENT) {
		return nil // removed since it was listed
	}
	if err != nil {
		return fmt.Errorf("allowing execution of %s: %w", filepath.Join(l.dir, e.name), err)
	}
	// Closed at once, not held for Close: a thousand descriptors held
	// would grow the process's descriptor table several times, and in a
	// process with threads each growth waits for an RCU grace period
	// (expand_fdtable), some milliseconds on a busy machine.
	defer unix.Close(fd)
	if err := r.addRule(fd, unix.LANDLOCK_ACCESS_FS_EXECUTE); err != nil {
		return fmt.Errorf("allowing execution of %s: %w", filepath.Join(l.dir, e.name), err)
	}
	return nil
}

// openJudged opens dir's entry name and returns it if it is a folder or a
// regular file and none of the denied files or the folders on the way to
// them; else it returns -1 and no error.
func (r *ExecRuleset) openJudged(dirfd int, name string, denied *deniedFiles) (int, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	// The inode, not the entry: a file mounted over the entry is another
	// inode than the one listed, and it is the one a rule would cover.
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	id := fileID{uint64(st.Dev), uint64(st.Ino)}
	if t := st.Mode & unix.S_IFMT; (t != unix.S_IFDIR && t != unix.S_IFREG) || denied.ids[id] || denied.way[id] {
		unix.Close(fd)
		return -1, nil
	}
	return fd, nil
}

// Close releases the ruleset, which frees its rules. Threads it confines
// stay confined: a caller in a hurry confines first and closes later.
func (r *ExecRuleset) Close() error {
	return unix.Close(r.fd)
}

// A Thread is an OS thread kept for starting processes inside a Landlock
// domain of its own (Confine): a process inherits the domain of the thread
// that forked it. The rest of the process stays outside.
//
// Being in the domain is what lets those processes reach this process's
// descriptors as /proc/<thread id>/fd/<n>: Landlock lets a process in a
// domain inspect, through /proc, only tasks in the same domain or one
// nested in it, so /proc/<process id>/fd is closed to them.
type Thread struct {
	id    int
	jobs  chan func()
	close sync.Once
}

// NewThread starts a thread, not confined yet, which lives until Close.
// Its id is known at once, so that a caller can name it (in /proc paths)
// while it builds the ruleset that Confine applies.
func NewThread() *Thread {
	t := &Thread{jobs: make(chan func())}
	started := make(chan struct{})
	go t.run(started)
	<-started
	return t
}

func (t *Thread) run(started chan<- struct{}) {
	// Never unlocked: the goroutine returns still locked, so the runtime
	// ends the thread with it and never runs another goroutine confined.
	// (LockOSThread also makes sure the runtime starts new threads from a
	// thread of its own, not from this one.)
	runtime.LockOSThread()
	if unix.Gettid() == unix.Getpid() {
		// The process's main thread, whose id is the process's: confined,
		// it would put the process itself, as /proc/<pid> and as the
		// target of a signal to the process, in the domain, and the
		// domain could signal it (Landlock's signal scope lets a domain
		// signal its own). Another goroutine takes the thread's place; it
		// runs on another thread, since this one stays locked to this
		// goroutine until the other has started.
		other := make(chan struct{})
		go t.run(other)
		<-other
		runtime.UnlockOSThread()
		close(started)
		return
	}
	t.id = unix.Gettid()
	close(started)
	for job := range t.jobs {
		job()
	}
}

// Confine puts the thread in a new domain made of r, nested in the one it
// is in, if any.
func (t *Thread) Confine(r *ExecRuleset) error {
	var err error
	t.Do(func() { err = restrictSelf(r.fd) })
	return err
}

// ID returns the thread's id, which names it in /proc.
func (t *Thread) ID() int { return t.id }

// Do runs f on the thread and returns once it has. Do must not be called
// after Close.
func (t *Thread) Do(f func()) {
	done := make(chan struct{})
	t.jobs <- func() {
		defer close(done)
		f()
	}
	<-done
}

// Close ends the thread. Processes it started keep their domain.
func (t *Thread) Close() {
	t.close.Do(func() { close(t.jobs) })
}
