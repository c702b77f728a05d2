package nodeguard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"

	"github.com/intactdev/intact/internal/linuxsec"
	"github.com/intactdev/intact/internal/regularfile"
	"golang.org/x/sys/unix"
)

// starter starts the node processes of one broker: the probe and node.
// When it can, it confines them: node, and every process node starts, then
// cannot execute a node binary (doc/node.md, "Confinement").
type starter struct {
	bin  *nodeBinary
	conf *confinement // nil when node is not confined
}

// confinement is a Landlock domain that denies executing the node binary
// (and any other node on PATH), kept by a thread of the broker.
//
// Nothing can execute node inside the domain, the broker included, so node
// starts inside it as its ELF interpreter's program: the interpreter is
// executed, and maps node without executing it. The thread's id stands for
// the broker in /proc: a process in the domain can reach
// /proc/<thread>/fd/<n> but not /proc/<broker>/fd/<n>.
type confinement struct {
	thread *linuxsec.Thread
	interp string // node's ELF interpreter (PT_INTERP)
	argv0  bool   // whether interp takes --argv0
	// node is what interp maps: node's path after symbolic links, or the
	// sealed copy of the checked bytes as /proc/<thread>/fd/<n>.
	node  string
	image *os.File // that sealed copy, or nil
	// guard keeps the read-only files' modes and owners, which Landlock
	// does not, when there are read-only files (rootReadOnly); set
	// before confined delivers.
	guard *linuxsec.AttrGuard

	// confined delivers the outcome of building the ruleset and confining
	// the thread, which happens while the broker prepares the rest of
	// node's start: for a node binary in a large folder (/usr/bin) the
	// ruleset takes a few milliseconds. wait takes it once.
	confined chan error
	waitOnce sync.Once
	err      error
}

// denyRules is a ruleset that DenyExec builds in the background, started
// as soon as the broker knows which node binaries to deny: for a node in a
// large folder (/usr/bin) it takes milliseconds, which would otherwise
// delay node's start.
type denyRules struct {
	denied   []string // the files denied, as given to DenyExec
	readOnly []string // and the paths made read-only
	done     chan struct{}
	rules    *linuxsec.ExecRuleset
	err      error
}

// UnderBroker reports whether this process descends from a node that an
// intact node broker started (and confined): its tree carries the
// broker's seccomp filter, which nothing in it can remove
// (linuxsec.UnderDenyTracing).
func UnderBroker() bool { return linuxsec.UnderDenyTracing() }

// buildDenyRules starts building the ruleset that denies executing the
// node binary node (after symbolic links) and the other nodes on env's
// PATH (pathNodes). It returns nil when node cannot be resolved: the
// starter then builds the rules itself, and reports the error.
func buildDenyRules(node string, env []string, shim *os.File) *denyRules {
	real, err := filepath.EvalSymlinks(node)
	if err != nil {
		return nil
	}
	d := &denyRules{denied: append([]string{real}, pathNodes(env, shim)...), readOnly: rootReadOnly(real), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		d.rules, d.err = linuxsec.DenyExecReadOnly(d.denied, d.readOnly)
	}()
	// os/exec's first start of a process clones a child to learn whether
	// pidfds work (Go 1.23 and later): that happens now, beside the rules,
	// not on node's way to starting.
	go func() {
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			p.Release()
		}
	}()
	return d
}

// take returns the ruleset, or why it could not be built, once DenyExec
// is done, if it was asked to deny exactly denied and make exactly
// readOnly read-only; else it releases it and returns nil and no error,
// for the caller to build the right one.
func (d *denyRules) take(denied, readOnly []string) (*linuxsec.ExecRuleset, error) {
	if d == nil {
		return nil, nil
	}
	<-d.done
	if !slices.Equal(d.denied, denied) || !slices.Equal(d.readOnly, readOnly) {
		if d.rules != nil {
			d.rules.Close()
		}
		return nil, nil
	}
	return d.rules, d.err
}

// readOnlyOf returns rootReadOnly(real): as worked out for the early rules
// when they were built for real, else anew.
func (d *denyRules) readOnlyOf(real string) []string {
	if d != nil && d.denied[0] == real {
		return d.readOnly
	}
	return rootReadOnly(real)
}

// discard releases the ruleset, which nothing took.
func (d *denyRules) discard() {
	if d == nil {
		return
	}
	go func() {
		<-d.done
		if d.rules != nil {
			d.rules.Close()
		}
	}()
}

// newStarter returns the starter of bin, confined when confine is set and
// the kernel can do it; early, when not nil, is the ruleset already being
// built (buildDenyRules), which newStarter takes or discards. Where the
// kernel cannot confine (no Landlock, Landlock ABI 1, or a node that is not
// a dynamically linked ELF program), it says so on warn and starts node as
// it is.
func newStarter(bin *nodeBinary, confine bool, env []string, shim *os.File, early *denyRules, warn io.Writer) (*starter, error) {
	s := &starter{bin: bin}
	image := bin.image
	bin.image = nil // about 120 MB: held no longer than the copy takes
	if !confine {
		early.discard()
		return s, nil
	}
	conf, err := newConfinement(bin, image, env, shim, early)
	if unsupported(err) {
		fmt.Fprintf(warn, "intact node: warning: node is not confined (%v): a node binary that node or its children execute by its path runs without intact node's checks\n", err)
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	s.conf = conf
	return s, nil
}

// unsupported reports whether err says this system cannot do what was
// asked of it (a *linuxsec.UnsupportedError: no Landlock, an older ABI, an
// architecture whose system call numbers intact does not know), which
// intact node lets pass with what it says. A system call that failed with
// ENOSYS or EOPNOTSUPP once the support was established is no such thing,
// though errors.Is counts it as errors.ErrUnsupported: a seccomp profile
// can answer that way, and node must then not start without the filter
// or the rules (outside review rt52).
func unsupported(err error) bool {
	var u *linuxsec.UnsupportedError
	return errors.As(err, &u)
}

func newConfinement(bin *nodeBinary, image []byte, env []string, shim *os.File, early *denyRules) (*confinement, error) {
	if err := linuxsec.DenyExecSupported(); err != nil {
		early.discard()
		return nil, err
	}
	real := bin.real
	if real == "" {
		var err error
		if real, err = filepath.EvalSymlinks(bin.path); err != nil {
			early.discard()
			return nil, fmt.Errorf("the node binary %s: %w", bin.path, err)
		}
	}
	c := &confinement{thread: linuxsec.NewThread(), node: real, confined: make(chan error, 1)}
	// The rules first: the rest is quicker than they are. Rules built
	// early are used only if they deny the binary judged, whose path a
	// symbolic link swapped since could have moved.
	denied := append([]string{real}, pathNodes(env, shim)...)
	readOnly := early.readOnlyOf(real)
	go func() {
		// Node's children share node's domain, in which Landlock lets
		// them trace node: load a library into it, or take its channel's
		// descriptors. Where the system call numbers are not known,
		// Yama's ptrace_scope is what is left (doc/node.md). The filter
		// goes on the thread first, while the rules are still being
		// built: node starts from the thread only once both are on it.
		var err error
		if c.guard, err = c.thread.DenyTracing(readOnly); unsupported(err) {
			err = nil
		}
		var rules *linuxsec.ExecRuleset
		if err == nil {
			rules, err = early.take(denied, readOnly)
			if rules == nil && err == nil {
				rules, err = linuxsec.DenyExecReadOnly(denied, readOnly)
			}
		} else {
			early.discard()
		}
		if err == nil {
			err = c.thread.Confine(rules)
		}
		c.confined <- err
		// The ruleset, a thousand-odd rules for a node in /usr/bin, is
		// freed while node starts, not before: the domain no longer
		// needs it.
		if rules != nil {
			rules.Close()
		}
	}()
	fail := func(err error) (*confinement, error) {
		c.release()
		return nil, fmt.Errorf("the node binary %s: %w", bin.path, err)
	}
	interp, err := interpreter(real, image)
	if err != nil {
		return fail(err)
	}
	if interp == "" {
		c.release()
		return nil, &linuxsec.UnsupportedError{Reason: bin.path + " is not a dynamically linked ELF program, which only its interpreter could start inside the domain"}
	}
	if !filepath.IsAbs(interp) {
		// Relative to the working folder, as the kernel would take it:
		// not a program intact node runs.
		return fail(fmt.Errorf("its ELF interpreter %q is not an absolute path", interp))
	}
	c.interp, c.argv0 = interp, takesArgv0(interp)
	if image != nil {
		// A node binary others than root could write: the interpreter
		// maps a sealed copy of the checked bytes. Mapping the file would
		// let a write to it reach the running node, which an executed
		// file's ETXTBSY forbids.
		if c.image, err = sealedImage(image); err != nil {
			return fail(err)
		}
		c.node = fmt.Sprintf("/proc/%d/fd/%d", c.thread.ID(), c.image.Fd())
	}
	return c, nil
}

// rootReadOnly is what node's tree must not write when the broker runs as
// root, or with a capability that overrides file permissions, for whom
// they guard nothing (see linuxsec.DenyExecReadOnly); nothing for anyone
// else. The node binary,
// which node maps rather than executes, so that the kernel does not guard
// it either (ETXTBSY): root in node's tree wrote native code into it
// (outside review rt14). /etc and /usr, where configuration files load
// native code into node (OpenSSL's openssl.cnf, glibc's nsswitch.conf,
// ld.so.preload) and the loader finds the libraries they name (rt17); the
// folders of libraries that are not links into /usr (/lib where /usr is
// not merged); and the folder of node's ELF interpreter, which on Linux
// distributions holds the C libraries node maps.
func rootReadOnly(real string) []string {
	if !overridesFilePermissions() {
		return nil
	}
	paths := []string{"/etc", "/usr", "/lib", "/lib64", "/lib32", "/libx32"}
	if interp, err := interpreter(real, nil); err == nil && filepath.IsAbs(interp) {
		// The folder it is named in, and the folder of the file it is:
		// /lib64/ld-linux-x86-64.so.2 is a link into the C libraries'.
		paths = append(paths, filepath.Dir(interp))
		if file, err := filepath.EvalSymlinks(interp); err == nil {
			paths = append(paths, filepath.Dir(file))
		}
	}
	paths = append(paths, real)
	// Those that exist, after links; DenyExecReadOnly leaves out what lies
	// inside another.
	var resolved []string
	for _, p := range paths {
		if r, err := filepath.EvalSymlinks(p); err == nil && !slices.Contains(resolved, r) {
			resolved = append(resolved, r)
		}
	}
	return resolved
}

// overridesFilePermissions reports whether this process, or a program it
// starts, may write files their permissions do not let it: it runs as
// root, or holds CAP_DAC_OVERRIDE, CAP_FOWNER (which changes any file's
// mode) or CAP_CHOWN in its permitted set, which bounds its children's
// under no_new_privs (a service given them as ambient capabilities, rt19).
func overridesFilePermissions() bool {
	if os.Geteuid() == 0 {
		return true
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return true // not known: as if it could
	}
	const override = 1<<unix.CAP_CHOWN | 1<<unix.CAP_DAC_OVERRIDE | 1<<unix.CAP_FOWNER
	return data[0].Permitted&override != 0
}

// wait returns once the thread is confined, or why it could not be.
func (c *confinement) wait() error {
	c.waitOnce.Do(func() {
		if err := <-c.confined; err != nil {
			c.err = fmt.Errorf("confining node: %w", err)
		}
	})
	return c.err
}

// interpreter returns node's ELF interpreter, from the checked image when
// there is one.
func interpreter(real string, image []byte) (string, error) {
	if image != nil {
		return linuxsec.ELFInterpreter(bytes.NewReader(image))
	}
	f, err := regularfile.Open(real)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return linuxsec.ELFInterpreter(f)
}

// takesArgv0 reports whether the ELF interpreter interp sets the program's
// argv[0] when asked (glibc 2.33 and later do), by looking for the option's
// name in it. Without it, node's argv[0] is the path it was mapped from.
// An interpreter is a few hundred kilobytes: anything but a regular file
// of at most 64 MiB is taken as an old one. It is scanned through a small
// buffer: a copy of it all cost the broker some 0.3 ms on every start.
func takesArgv0(interp string) bool {
	f, err := regularfile.Open(interp)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() > 64<<20 {
		return false
	}
	name := []byte("--argv0\x00")
	buf := make([]byte, 64<<10)
	kept := 0 // the end of the last chunk, which the name may straddle
	for {
		n, err := io.ReadFull(f, buf[kept:])
		if bytes.Contains(buf[:kept+n], name) {
			return true
		}
		if err != nil {
			return false
		}
		kept = copy(buf, buf[kept+n-(len(name)-1):kept+n])
	}
}

// sealedImage copies a checked node binary into a memfd sealed against
// writing, growing, shrinking and execution: the interpreter maps it, and
// nothing can execute it as a program.
func sealedImage(image []byte) (*os.File, error) {
	const name = "intact-node-binary"
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING|unix.MFD_NOEXEC_SEAL)
	if errors.Is(err, unix.EINVAL) {
		// Before Linux 6.3 there is no MFD_NOEXEC_SEAL: take the
		// execute bits away instead.
		if fd, err = unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING); err == nil {
			if err = unix.Fchmod(fd, 0o400); err != nil {
				unix.Close(fd)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("making a memfd for its copy: %w", err)
	}
	f, err := fillSealed(os.NewFile(uintptr(fd), "memfd:"+name), image)
	if err != nil {
		return nil, fmt.Errorf("copying it into a sealed memfd: %w", err)
	}
	return f, nil
}

// pathNodes returns the other node binaries a program would find on env's
// PATH (named node or nodejs, after symbolic links), which the domain
// denies too: code that runs "node" by an absolute path may well mean one
// of them. The shim, which a parent broker's folder names node, is not
// one.
func pathNodes(env []string, shim *os.File) []string {
	var shimID unix.Stat_t
	if unix.Fstat(int(shim.Fd()), &shimID) != nil {
		return nil
	}
	var nodes []string
	for _, dir := range envList(env, "PATH") {
		if !filepath.IsAbs(dir) {
			continue
		}
		for _, name := range []string{"node", "nodejs"} {
			// One stat rules out most names, which name nothing; resolving
			// a path takes one per folder on its way.
			path := filepath.Join(dir, name)
			var st unix.Stat_t
			if unix.Stat(path, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Mode&0o111 == 0 ||
				(st.Dev == shimID.Dev && st.Ino == shimID.Ino) {
				continue
			}
			real, err := filepath.EvalSymlinks(path)
			if err != nil || slices.Contains(nodes, real) {
				continue
			}
			if unix.Stat(real, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Mode&0o111 == 0 ||
				(st.Dev == shimID.Dev && st.Ino == shimID.Ino) {
				continue
			}
			nodes = append(nodes, real)
		}
	}
	return nodes
}

// command returns the command that runs node with args and argv0 as its
// argv[0]: node itself, or, confined, its interpreter mapping it.
//
// Node gets SIGKILL should the thread that starts it end first: the
// broker killed (SIGKILL, the OOM killer, a supervisor ending its main
// process only, a node parent's child.kill('SIGKILL') of the shim) would
// otherwise leave node running on with no broker, its files refused, and
// a parent waiting for its output to close (outside review rt76). That
// thread is the confined one, which lives until node has exited, or, not
// confined, the caller's: Go ends a thread only when a goroutine locked to
// it exits, and the caller is not locked.
func (s *starter) command(ctx context.Context, argv0 string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if c := s.conf; c == nil {
		cmd = exec.CommandContext(ctx, s.bin.exec, args...)
		cmd.Args[0] = argv0
	} else {
		var argv []string
		if c.argv0 {
			argv = append(argv, "--argv0", argv0)
		}
		argv = append(argv, c.node)
		cmd = exec.CommandContext(ctx, c.interp, append(argv, args...)...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// ready waits until node can start: until it is confined, when it is.
func (s *starter) ready() error {
	if s.conf == nil {
		return nil
	}
	return s.conf.wait()
}

// start starts cmd, made by command: inside the domain when node is
// confined.
func (s *starter) start(cmd *exec.Cmd) error {
	if err := s.ready(); err != nil {
		return err
	}
	if s.conf == nil {
		return cmd.Start()
	}
	var err error
	s.conf.thread.Do(func() { err = cmd.Start() })
	return err
}

// procID is the id that names the broker in /proc for node and its
// children: the confined thread's, or the broker's own.
func (s *starter) procID() int {
	if s.conf == nil {
		return os.Getpid()
	}
	return s.conf.thread.ID()
}

// close ends the confined thread and releases the sealed copy, once node
// has exited.
func (s *starter) close() {
	if s.conf == nil {
		return
	}
	s.conf.release()
}

// release ends the confined thread and the guard, once confining is done,
// and closes the sealed copy.
func (c *confinement) release() {
	c.wait()
	c.thread.Close()
	c.guard.Close()
	if c.image != nil {
		c.image.Close()
	}
}
