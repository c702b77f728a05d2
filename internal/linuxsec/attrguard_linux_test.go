package linuxsec

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// attrEnv, in a test binary's environment, makes TestMain run attrChild:
// its value is the folder of TestAttrGuard's files.
const attrEnv = "INTACT_TEST_ATTR_CHILD"

// attrRaceEnv, set to "1", adds chmodRace to attrChild's tries.
const attrRaceEnv = "INTACT_TEST_ATTR_RACE"

// attrThreadEnv is the id of the thread that started attrChild.
const attrThreadEnv = "INTACT_TEST_ATTR_THREAD"

// attrBenchEnv, set to a number n, makes attrChild time n chmods instead.
const attrBenchEnv = "INTACT_TEST_ATTR_BENCH"

// attrChild tries to change the modes and owners of the files in dir, as
// a process under DenyTracing(readOnly) would, and prints the outcome of
// each ("chmod_ro=EPERM chmod_rw=ok ..."). dir holds ro/ (read-only),
// ro/f, rw/ (writable), rw/f, rw/link (to ../ro/f) and solo (a read-only
// file). Its working folder is ro.
func attrChild(dir string) int {
	ro, rw := filepath.Join(dir, "ro"), filepath.Join(dir, "rw")
	if n, err := strconv.Atoi(os.Getenv(attrBenchEnv)); err == nil {
		// BenchmarkAttrGuard's loop: n chmods, their time per call.
		start := time.Now()
		for range n {
			if err := unix.Chmod(rw+"/f", 0o644); err != nil {
				fmt.Println(err)
				return 1
			}
		}
		fmt.Println(time.Since(start).Nanoseconds() / int64(n))
		return 0
	}
	var report []string
	try := func(name string, err error) {
		result := "ok"
		var errno unix.Errno
		if errors.As(err, &errno) {
			result = unix.ErrnoName(errno)
		} else if err != nil {
			result = "error"
		}
		report = append(report, name+"="+result)
	}
	try("chmod_ro", unix.Chmod(ro+"/f", 0o666))
	try("chmod_rw", unix.Chmod(rw+"/f", 0o640))
	try("chmod_solo", unix.Chmod(dir+"/solo", 0o666))
	try("chmod_ro_dir", unix.Chmod(ro, 0o777))
	try("chmod_relative", unix.Chmod("f", 0o666)) // the working folder is ro
	try("chmod_dotdot", unix.Chmod(rw+"/../ro/f", 0o666))
	try("chmod_through_link", unix.Chmod(rw+"/link", 0o666))
	try("chown_ro", unix.Chown(ro+"/f", 65534, -1))
	try("chown_rw", unix.Chown(rw+"/f", 65534, 65534))
	try("chown_through_link", unix.Chown(rw+"/link", 65534, -1))
	try("lchown_link", unix.Lchown(rw+"/link", 65534, -1))
	try("chmod_missing", unix.Chmod(rw+"/missing", 0o666))
	for _, f := range []struct{ name, path string }{{"ro", ro + "/f"}, {"rw", rw + "/f"}} {
		fd, err := unix.Open(f.path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			try("open_"+f.name, err)
			continue
		}
		try("fchmod_"+f.name, unix.Fchmod(fd, 0o644))
		try("fchown_"+f.name, unix.Fchown(fd, -1, 65534))
		try("fchownat_empty_"+f.name, unix.Fchownat(fd, "", -1, 0, unix.AT_EMPTY_PATH))
		unix.Close(fd)
	}
	if d, err := unix.Open(rw, unix.O_PATH|unix.O_CLOEXEC, 0); err == nil {
		try("fchmodat_dotdot", unix.Fchmodat(d, "../ro/f", 0o666, 0))
		try("fchownat_rw", unix.Fchownat(d, "f", 0, 0, 0))
		try("fchmod_opath", unix.Fchmod(d, 0o755)) // EBADF, as without the guard
		unix.Close(d)
	}
	try("fchmodat_bad_flags", fchmodat2(unix.AT_FDCWD, rw+"/f", 0o644, 0x1000000))
	try("fchmodat2_nofollow", fchmodat2(unix.AT_FDCWD, rw+"/link", 0o644, unix.AT_SYMLINK_NOFOLLOW))
	try("setxattr_rw", unix.Setxattr(rw+"/f", "user.intact", []byte("x"), 0))
	try("io_uring_setup", ioUringSetup())
	try("userfaultfd", userfaultfd(false))
	try("userfaultfd_dev", userfaultfd(true))
	try("link_out", unix.Link(ro+"/f", rw+"/hard"))
	// Through /proc's links to files, which the guard would follow as
	// itself: /proc/self/fd is its own, /proc/<pid>/root a way into any
	// process's mounts (outside review rt48).
	if fd, err := unix.Open(rw+"/f", unix.O_RDONLY|unix.O_CLOEXEC, 0); err == nil {
		try("chmod_proc_fd", unix.Chmod(fmt.Sprintf("/proc/self/fd/%d", fd), 0o600))
		try("chmod_dev_fd", unix.Chmod(fmt.Sprintf("/dev/fd/%d", fd), 0o600))
		unix.Close(fd)
	}
	try("chmod_proc_root", unix.Chmod(fmt.Sprintf("/proc/%d/root%s/f", os.Getppid(), rw), 0o600))
	try("chmod_leased", chmodLeased(rw+"/f"))
	try("stop_guard", stopGuard())
	try("chmod_after", unix.Chmod(rw+"/f", 0o640))
	if os.Getenv(attrRaceEnv) == "1" {
		try("chmod_race", chmodRace(rw+"/f", ro+"/f"))
	}
	fmt.Println(strings.Join(report, " "))
	return 0
}

// chmodLeased chmods file from a thread that holds a write lease on its
// own /proc status file, which the guard reads for every call: the lease
// would hold the guard's read up for the lease-break time (outside review
// rt50). The filter refuses every lease since (F_SETLEASE, outside review
// rt86), so under it taking the lease fails with EPERM, whatever the
// kernel would give on a /proc file (6.18.44 gives none: EINVAL).
func chmodLeased(file string) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	status, err := unix.Open(fmt.Sprintf("/proc/%d/status", unix.Gettid()), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(status)
	if _, err := unix.FcntlInt(uintptr(status), unix.F_SETLEASE, unix.F_WRLCK); err != nil {
		return fmt.Errorf("taking the lease: %w", err)
	}
	defer unix.FcntlInt(uintptr(status), unix.F_SETLEASE, unix.F_UNLCK)
	return unix.Chmod(file, 0o640)
}

// stopGuard writes to each eventfd of the thread that started this process,
// whose descriptors the domain lets it reach in /proc, as one would to stop
// the guard (outside review rt47 did so with its pipe): it returns the
// first error opening one, or nil if there was none to open.
func stopGuard() error {
	dir := fmt.Sprintf("/proc/%s/fd", os.Getenv(attrThreadEnv))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if link, _ := os.Readlink(dir + "/" + e.Name()); link != "anon_inode:[eventfd]" {
			continue
		}
		fd, err := unix.Open(dir+"/"+e.Name(), unix.O_WRONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		unix.Write(fd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		unix.Close(fd)
	}
	return nil
}

// userfaultfd makes a userfaultfd, by the call (dev false) or by
// /dev/userfaultfd, and closes it.
func userfaultfd(dev bool) error {
	var fd uintptr
	var errno unix.Errno
	if dev {
		d, err := unix.Open("/dev/userfaultfd", unix.O_RDWR|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(d)
		fd, _, errno = unix.Syscall(unix.SYS_IOCTL, uintptr(d), userfaultfdIocNew, unix.O_CLOEXEC)
	} else {
		fd, _, errno = unix.Syscall(unix.SYS_USERFAULTFD, unix.O_CLOEXEC, 0, 0)
	}
	if errno != 0 {
		return errno
	}
	unix.Close(int(fd))
	return nil
}

// ioUringSetup makes a ring of one entry, and closes it.
func ioUringSetup() error {
	var params [120]byte // struct io_uring_params, zeroed
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 1, uintptr(unsafe.Pointer(&params)), 0)
	if errno != 0 {
		return errno
	}
	unix.Close(int(fd))
	return nil
}

func fchmodat2(dir int, path string, mode uint32, flags int) error {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return err
	}
	_, _, errno := unix.Syscall6(unix.SYS_FCHMODAT2, uintptr(dir), uintptr(unsafe.Pointer(p)), uintptr(mode), uintptr(flags), 0, 0)
	runtime.KeepAlive(p)
	if errno != 0 {
		return errno
	}
	return nil
}

// chmodRace calls chmod(writable) 20,000 times while another thread
// rewrites the path in its memory to readOnly and back, as an attacker
// would to have the guard judge one file and change another: it returns
// EPERM if ever a chmod of readOnly went through (its mode changed), else
// nil.
func chmodRace(writable, readOnly string) error {
	size := max(len(writable), len(readOnly)) + 1
	a, b := make([]byte, size), make([]byte, size)
	copy(a, writable)
	copy(b, readOnly)
	buf := make([]byte, size)
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; !stop.Load(); i++ {
			if i%2 == 0 {
				copy(buf, a)
			} else {
				copy(buf, b)
			}
		}
	}()
	cwd := unix.AT_FDCWD
	for range 20000 {
		unix.Syscall6(unix.SYS_FCHMODAT, uintptr(cwd), uintptr(unsafe.Pointer(&buf[0])), 0o606, 0, 0, 0)
	}
	stop.Store(true)
	<-done
	var st unix.Stat_t
	if err := unix.Stat(readOnly, &st); err != nil {
		return err
	}
	if st.Mode&0o777 == 0o606 {
		return unix.EPERM
	}
	return nil
}

// attrFiles makes TestAttrGuard's files in a new folder and returns it
// and the read-only paths.
func attrFiles(t testing.TB) (dir string, readOnly []string) {
	t.Helper()
	dir = t.TempDir()
	for _, d := range []string{"ro", "rw"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"ro/f", "rw/f", "solo"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("../ro/f", filepath.Join(dir, "rw/link")); err != nil {
		t.Fatal(err)
	}
	return dir, []string{filepath.Join(dir, "ro"), filepath.Join(dir, "solo")}
}

// runAttrChild runs attrChild on dir from th, through wrap (a command that
// runs its arguments with other credentials) when not empty.
func runAttrChild(t testing.TB, th *Thread, dir string, wrap ...string) string {
	t.Helper()
	return runSelf(t, th, filepath.Join(dir, "ro"), []string{attrEnv + "=" + dir, attrThreadEnv + "=" + strconv.Itoa(th.ID())}, wrap...)
}

// guarded returns a thread confined by DenyExecReadOnly(nothing, readOnly)
// and put under DenyTracing(readOnly), and its guard, both ended with the
// test.
func guarded(t testing.TB, readOnly []string) *Thread {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the guard is for processes that run as root, as this test must")
	}
	th := confinedReadOnly(t, deniedBinary(t), readOnly)
	g, err := th.DenyTracing(readOnly)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skipf("kernel or architecture lacks the feature: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return th
}

// deniedBinary returns a program for DenyExec to deny, which a ruleset
// needs.
func deniedBinary(t testing.TB) []string {
	denied := filepath.Join(t.TempDir(), "node")
	copyExecutable(t, denied)
	return []string{denied}
}

func modeOf(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestAttrGuard: root under the guard changes the modes and owners of
// files that are not read-only, and of none that are, by any path, link,
// descriptor or call, even with the path rewritten under the guard's
// eyes; extended attributes do not change at all. Without the guard, the
// same calls change the read-only files, which shows the test can fail.
func TestAttrGuard(t *testing.T) {
	dir, readOnly := attrFiles(t)
	th := guarded(t, readOnly)
	t.Setenv(attrRaceEnv, "1")
	got := runAttrChild(t, th, dir)
	want := "chmod_ro=EPERM chmod_rw=ok chmod_solo=EPERM chmod_ro_dir=EPERM chmod_relative=EPERM chmod_dotdot=EPERM chmod_through_link=EPERM " +
		"chown_ro=EPERM chown_rw=ok chown_through_link=EPERM lchown_link=ok chmod_missing=ENOENT " +
		"fchmod_ro=EPERM fchown_ro=EPERM fchownat_empty_ro=EPERM fchmod_rw=ok fchown_rw=ok fchownat_empty_rw=ok " +
		"fchmodat_dotdot=EPERM fchownat_rw=ok fchmod_opath=EBADF fchmodat_bad_flags=EINVAL fchmodat2_nofollow=ENOTSUP " +
		"setxattr_rw=EPERM io_uring_setup=EPERM userfaultfd=EPERM userfaultfd_dev=EPERM link_out=EXDEV chmod_proc_fd=EPERM chmod_dev_fd=EPERM chmod_proc_root=EPERM chmod_leased=EPERM stop_guard=ENXIO chmod_after=ok chmod_race=ok"
	if _, err := os.Stat("/dev/userfaultfd"); errors.Is(err, os.ErrNotExist) {
		want = strings.Replace(want, "userfaultfd_dev=EPERM", "userfaultfd_dev=ENOENT", 1)
	}
	if got != want {
		t.Errorf("under the guard:\n got %s\nwant %s", got, want)
	}
	for _, p := range []string{"ro/f", "ro", "solo"} {
		if m := modeOf(t, filepath.Join(dir, p)); m != 0o644 && m != 0o755 {
			t.Errorf("%s: mode %v, want it unchanged", p, m)
		}
	}
	var st unix.Stat_t
	if err := unix.Stat(filepath.Join(dir, "ro/f"), &st); err != nil || st.Uid != 0 || st.Gid != 0 {
		t.Errorf("ro/f: owner %d:%d, %v; want root's", st.Uid, st.Gid, err)
	}
	if err := unix.Stat(filepath.Join(dir, "rw/f"), &st); err != nil || st.Uid != 0 || st.Gid != 0 || st.Mode&0o7777 != 0o606 {
		t.Errorf("rw/f: owner %d:%d mode %o, %v; want the last changes made (0:0, 0606)", st.Uid, st.Gid, st.Mode&0o7777, err)
	}

	// The control: the same calls from a thread with no guard.
	dir2, readOnly2 := attrFiles(t)
	free := confinedReadOnly(t, deniedBinary(t), readOnly2)
	got = runAttrChild(t, free, dir2)
	if !strings.HasPrefix(got, "chmod_ro=ok chmod_rw=ok chmod_solo=ok") || strings.Contains(got, " setxattr_rw=EPERM ") || !strings.Contains(got, " userfaultfd=ok ") {
		t.Errorf("without the guard: %s, want the read-only files changed, and no extended attribute refused", got)
	}
	if on, _ := os.ReadFile("/proc/sys/kernel/io_uring_disabled"); strings.TrimSpace(string(on)) == "0" && !strings.Contains(got, " io_uring_setup=ok ") {
		t.Errorf("without the guard: %s, want a ring made", got)
	}
}

// TestAttrGuardCredentials: a process of the tree that became another
// user, with no power over others' files, changes its own files but no
// read-only ones, and nothing the kernel would not let it; one that kept
// root but gave up a capability (CAP_FOWNER) is refused outright, since
// the guard would change files with the capability it gave up.
func TestAttrGuardCredentials(t *testing.T) {
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) is not installed")
	}
	dir, readOnly := attrFiles(t)
	th := guarded(t, readOnly)
	// nobody owns rw/f and ro/f, and can reach them: a process of root's
	// tree that becomes a file's owner must not change it if it is
	// read-only, which the kernel would let it (outside review rt47).
	for _, f := range []string{"rw/f", "ro/f"} {
		if err := os.Chown(filepath.Join(dir, f), 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got := runAttrChild(t, th, dir, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
	// Changed as nobody: giving rw/f to root is refused, which the guard,
	// root, could do.
	for _, want := range []string{"chmod_ro=EPERM", "chmod_rw=ok", "chown_ro=EPERM", "fchmod_rw=ok", "fchownat_rw=EPERM", "chmod_after=ok"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("as nobody: %s, want %s", got, want)
		}
	}
	got = runAttrChild(t, th, dir, setpriv, "--bounding-set=-fowner", "--inh-caps=-fowner")
	for _, want := range []string{"chmod_ro=EPERM", "chmod_rw=EPERM"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("as root without CAP_FOWNER: %s, want %s", got, want)
		}
	}
}

// BenchmarkAttrGuard: what a chmod of a writable file costs a process of
// the tree, with and without the guard, timed in the process itself
// (b.N calls; ns/op is the child's, not the start's).
func BenchmarkAttrGuard(b *testing.B) {
	for _, guard := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "guarded"}[guard], func(b *testing.B) {
			dir, readOnly := attrFiles(b)
			var th *Thread
			if guard {
				th = guarded(b, readOnly)
			} else {
				th = confinedReadOnly(b, deniedBinary(b), readOnly)
			}
			b.Setenv(attrBenchEnv, strconv.Itoa(b.N))
			out := runAttrChild(b, th, dir)
			ns, err := strconv.ParseFloat(out, 64)
			if err != nil {
				b.Fatalf("the child: %s", out)
			}
			b.ReportMetric(ns, "ns/chmod")
			b.ReportMetric(0, "ns/op")
		})
	}
}
