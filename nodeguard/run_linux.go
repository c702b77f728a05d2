package nodeguard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/intactdev/intact/internal/linuxsec"
	"github.com/intactdev/intact/internal/regularfile"
	"golang.org/x/sys/unix"
)

// Exec replaces this process with node and args, unchanged: what intact
// node does when no policy is in force. It returns only on failure.
func Exec(node string, args []string) error {
	return unix.Exec(node, append([]string{node}, args...), os.Environ())
}

// Run starts node under the policy, serves it until it exits, and returns
// how it ended. Every file node compiles is read by Policy.ReadCode;
// options and environment pass the allow-list first. Refusals before node
// starts are a *FlagError, a *VersionError or an intact error
// (*intact.BlockedError for -e, the REPL, stdin, the inspector).
func Run(cfg Config) (Exit, error) {
	// The signals passed on to node are caught from the start (until
	// then Go drops SIGUSR1 and SIGUSR2, outside review rt52): catching
	// them is a round trip to a thread of Go's runtime per signal, 0.2 ms
	// for the seven here, and 1.4 ms when the other core is busy. One that
	// arrives before node starts ends the broker as it would have uncaught
	// (pendingSignal).
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, forwarded...)
	// Stopping is a round trip to that thread per signal too, which would
	// delay the broker's exit after node's (1-2 ms on a busy machine): the
	// caller, which then exits, need not wait for it. A signal caught
	// meanwhile is dropped, as node has gone.
	defer func() { go signal.Stop(signals) }()
	// process.execPath: this broker's own descriptor of the shim
	// executable, which no rename or write into a folder can replace.
	shimExe, err := openShim(cfg.Shim)
	if err != nil {
		return Exit{}, err
	}
	defer shimExe.Close()
	// Node and its children may not execute node themselves, unless the
	// policy only audits code integrity: nothing is refused then. The
	// rules that deny it take longest of what node's start waits for:
	// they are built from here on, while the broker judges the binary and
	// prepares node's start (see denyRules).
	s := cfg.Policy.Settings()
	confine := !s.Audit.Enabled || s.DisableInteractiveMode.Enabled || s.DisableDynamicCode.Enabled
	var early *denyRules
	if confine && linuxsec.DenyExecSupported() == nil {
		early = buildDenyRules(cfg.Node, envOrEnviron(cfg.Env), shimExe)
	}
	var start *starter
	l, err := prepare(cfg, func(l *launch, env []string) (nodeRunner, error) {
		var err error
		start, err = newStarter(l.node, confine, env, shimExe, early, l.stderr)
		early = nil // taken or discarded
		if err != nil {
			return nodeRunner{}, err
		}
		return nodeRunner{
			command: func(ctx context.Context, args ...string) *exec.Cmd {
				return start.command(ctx, l.node.path, args...)
			},
			start: start.start,
		}, nil
	})
	early.discard() // when prepare failed before the starter took it
	if start != nil {
		defer start.close()
	}
	if err != nil {
		return Exit{}, err
	}
	nodeBin, inv, settings, nodeEnv := l.node, l.inv, l.settings, l.env
	defer nodeBin.close()
	proc := start.procID()
	execPath := fmt.Sprintf("/proc/%d/fd/%d", proc, shimExe.Fd())
	// The name node, first on node's PATH, for spawn('node') and
	// `#!/usr/bin/env node`: a link to execPath in a private folder.
	shimDir, err := privateDir()
	if err != nil {
		return Exit{}, err
	}
	shimDirFD, err := unix.Open(shimDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		os.RemoveAll(shimDir)
		return Exit{}, &os.PathError{Op: "open", Path: shimDir, Err: err}
	}
	defer removePrivateDir(shimDir, shimDirFD)
	// Through the descriptor, as the clean-up removes it: the name may
	// already be another folder.
	if err := unix.Symlinkat(execPath, shimDirFD, "node"); err != nil {
		return Exit{}, &os.LinkError{Op: "symlink", Old: execPath, New: filepath.Join(shimDir, "node"), Err: err}
	}
	if nodeEnv, err = childEnv(nodeEnv, cfg, shimDir); err != nil {
		return Exit{}, err
	}
	shim := shimConfig(cfg, nodeEnv)
	policyCopies, err := sealedPolicies(shim.Policies)
	for _, f := range policyCopies {
		defer f.Close()
	}
	if err != nil {
		return Exit{}, err
	}
	for i, f := range policyCopies {
		shim.Policies[i] = fmt.Sprintf("/proc/%d/fd/%d", proc, f.Fd())
	}
	shimFile, err := writeShimConfig(shim)
	if err != nil {
		return Exit{}, err
	}
	defer shimFile.Close()

	// The main thread's channel, then the workers'.
	chans, err := newChannels(1 + threadChannels)
	if err != nil {
		return Exit{}, err
	}
	defer chans.closeNodeEnds()
	nodeEnv, extra, fds, ipc := childFiles(nodeEnv, chans.nodeEnds())
	bootCfg := l.bootstrap([2]int{fds[0], fds[0]}, execPath)
	bootCfg.BrokerPID = proc
	bootCfg.Channel = chans[0].name
	bootCfg.ThreadChannels = threadChannels
	bootCfg.ChannelFDs = fds
	// Kept open while node runs: every new thread reads it. The stub names
	// it, and the bootstrap holds the stub (for workers).
	bootFile, err := sealableFile("intact-node-bootstrap")
	if err != nil {
		chans.closeBrokerEnds()
		return Exit{}, fmt.Errorf("keeping intact node's bootstrap: %w", err)
	}
	defer bootFile.Close()
	bootPath := fmt.Sprintf("/proc/%d/fd/%d", proc, bootFile.Fd())
	bootCfg.StubURL = bootstrapStub(bootPath)
	code, err := bootstrapCode(bootCfg)
	if err == nil {
		_, err = fillSealed(bootFile, code)
	}
	if err != nil {
		chans.closeBrokerEnds()
		return Exit{}, fmt.Errorf("keeping intact node's bootstrap: %w", err)
	}
	var mainModule string
	if bootstrapAsMain(inv, nodeEnv) {
		f, err := sealedFile("intact-node-main", []byte(bootstrapCall(bootPath, true)))
		if err != nil {
			chans.closeBrokerEnds()
			return Exit{}, fmt.Errorf("keeping intact node's bootstrap: %w", err)
		}
		defer f.Close()
		mainModule = fmt.Sprintf("/proc/%d/fd/%d", proc, f.Fd())
	}

	cmd := start.command(context.Background(), cfg.Node, nodeArgv(inv, bootCfg.StubURL, mainModule, settings)...)
	cmd.Env = nodeEnv
	cmd.Dir = cfg.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = l.stdin, l.stdout, l.stderr
	cmd.ExtraFiles = extra
	var stdinPipe *os.File
	if l.stdinCode != nil {
		r, w, err := os.Pipe()
		if err != nil {
			chans.closeBrokerEnds()
			return Exit{}, err
		}
		defer r.Close()
		cmd.Stdin, stdinPipe = r, w
	}

	fwd := newForwarder()
	defer fwd.close()
	// Node starts once it is confined, and only if no signal that would
	// have ended the broker came first. The rules can take milliseconds,
	// and a signal that came while node's start waited for them would
	// otherwise reach node only once it ran, or, a terminal's Ctrl-C, not
	// at all: node was not in the group yet (outside review rt53).
	err = start.ready()
	if err == nil {
		if sig := pendingSignal(signals); sig != 0 {
			chans.closeBrokerEnds()
			if stdinPipe != nil {
				stdinPipe.Close()
			}
			return Exit{Signal: sig}, nil
		}
		err = start.start(cmd)
	}
	chans.closeNodeEnds()
	if ipc != nil {
		// Node's alone from here: a copy left open here would keep the
		// channel up after node's process.disconnect(), and its parent
		// waiting for the 'disconnect' for as long as this broker lives
		// (outside review rt76).
		ipc.Close()
	}
	if err != nil {
		chans.closeBrokerEnds()
		if stdinPipe != nil {
			stdinPipe.Close()
		}
		return Exit{}, fmt.Errorf("starting %s: %w", cfg.Node, err)
	}
	if err := nodeBin.unchanged(); err != nil {
		// Written between its check and its exec: node has only just
		// started, and is stopped before it serves anything.
		cmd.Process.Kill()
		cmd.Wait()
		chans.closeBrokerEnds()
		if stdinPipe != nil {
			stdinPipe.Close()
		}
		return Exit{}, err
	}
	if cfg.LimitHeap {
		limitHeap(cfg.Policy)
	}
	if stdinPipe != nil {
		go func() {
			stdinPipe.Write(l.stdinCode)
			stdinPipe.Close()
		}()
	}
	threads := make([]threadSocket, threadChannels)
	for i, c := range chans[1:] {
		threads[i] = threadSocket{fd: fds[1+i], name: c.name, broker: c.broker}
	}
	lb := &linuxBroker{proc: proc, node: cmd.Process.Pid, free: threads}
	b := newBroker(cfg.Policy, lb)
	b.goServe(lb.channelEnd(chans[0].broker, cmd.Process.Pid, true), mainScript(inv, cfg.Dir))
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-signals:
				if fwd.forward(s) {
					cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	b.release()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return Exit{}, err
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return Exit{Signal: ws.Signal()}, nil
	}
	return Exit{Code: ws.ExitStatus()}, nil
}

// pendingSignal returns a signal caught before node started whose default
// action would have ended the broker (all but SIGWINCH), or 0. Node is
// not started then: the caller ends as that signal would have ended it.
func pendingSignal(signals <-chan os.Signal) syscall.Signal {
	for {
		select {
		case s := <-signals:
			if sig := s.(syscall.Signal); sig != syscall.SIGWINCH {
				return sig
			}
		default:
			return 0
		}
	}
}

// channel is a thread's channel: a Unix socket pair with blocking
// descriptors (see broker.serve), node's end inherited by node. A socket,
// not pipes: nothing can open a socket through /proc/<pid>/fd (ENXIO), so
// code in node's process holds only node's end, and what it writes there
// reaches the broker, never the replies node's bootstrap reads.
type channel struct {
	broker, node *os.File
	// name is what the kernel names node's end in node's
	// /proc/self/fd: 'socket:[<inode>]'. The bootstrap checks that its
	// channel's descriptor names it, and not a socket of the
	// application's at the same number.
	name string
}

func newChannel() (*channel, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("making a channel to node: %w", err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fds[1], &st); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, fmt.Errorf("making a channel to node: %w", err)
	}
	return &channel{
		broker: os.NewFile(uintptr(fds[0]), "intact-node-channel"), node: os.NewFile(uintptr(fds[1]), "node-channel"),
		name: fmt.Sprintf("socket:[%d]", st.Ino),
	}, nil
}

// channels are the channels node starts with.
type channels []*channel

// newChannels makes n channels; on failure, none.
func newChannels(n int) (channels, error) {
	chs := make(channels, 0, n)
	for range n {
		c, err := newChannel()
		if err != nil {
			chs.closeBrokerEnds()
			chs.closeNodeEnds()
			return nil, err
		}
		chs = append(chs, c)
	}
	return chs, nil
}

func (chs channels) nodeEnds() []*os.File {
	files := make([]*os.File, len(chs))
	for i, c := range chs {
		files[i] = c.node
	}
	return files
}

func (chs channels) closeNodeEnds() {
	for _, c := range chs {
		c.closeNodeEnds()
	}
}

func (chs channels) closeBrokerEnds() {
	for _, c := range chs {
		c.closeBrokerEnds()
	}
}

// closeNodeEnds closes node's end in this process, once node has it
// (closing twice is harmless).
func (c *channel) closeNodeEnds() { c.node.Close() }

// closeBrokerEnds closes the broker's end when node never started.
func (c *channel) closeBrokerEnds() { c.broker.Close() }

// openShim opens the executable that runs node children through intact
// node: shim, or by default this executable.
func openShim(shim string) (*os.File, error) {
	if shim == "" {
		self, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("finding intact's own executable for node children: %w", err)
		}
		shim = self
	}
	f, err := regularfile.Open(shim) // a FIFO is refused, not waited on
	if err != nil {
		return nil, fmt.Errorf("opening intact's own executable for node children: %w", err)
	}
	return f, nil
}

// privateDir makes the broker's private folder (for the name node on
// PATH) under a base nobody else can rename or replace it in:
// $XDG_RUNTIME_DIR when that is this user's private folder, else /tmp.
// TMPDIR is ignored: whoever owns the parent of a folder can rename it.
func privateDir() (string, error) {
	base := "/tmp"
	if xdg := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(xdg) && checkPrivate(xdg) == nil && checkAncestors(xdg) == nil {
		base = xdg
	} else if err := checkAncestors(filepath.Join(base, "x")); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(base, "intact-node-")
	if err != nil {
		return "", err
	}
	if err := checkPrivate(dir); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// removePrivateDir removes the private folder dir, which fd holds, and the
// link in it. Node's tree can write dir's parent's entry for it: it can
// rename the folder and put a symbolic link to another in its place, where
// removing dir/node by name would remove a node in a folder node's tree
// itself may not write (outside review rt76). So the link goes through fd,
// and the folder by name only while the name is still the folder; one
// moved is left where node's tree put it.
func removePrivateDir(dir string, fd int) {
	defer unix.Close(fd)
	unix.Unlinkat(fd, "node", 0)
	var held, named unix.Stat_t
	if unix.Fstat(fd, &held) != nil || unix.Lstat(dir, &named) != nil || held.Dev != named.Dev || held.Ino != named.Ino {
		return
	}
	// By name first: os.RemoveAll would try the folder as a file, then as
	// empty, then list it. It is left for entries node's tree made in it.
	if unix.Rmdir(dir) != nil {
		os.RemoveAll(dir)
	}
}

// checkAncestors refuses a path any of whose folders another user could
// rename things in: each must be a real folder (not a symbolic link) owned
// by root or this user, and writable by others only with the sticky bit.
func checkAncestors(path string) error {
	uid := uint32(os.Getuid())
	for dir := filepath.Dir(filepath.Clean(path)); ; dir = filepath.Dir(dir) {
		var st unix.Stat_t
		if err := unix.Lstat(dir, &st); err != nil {
			return &os.PathError{Op: "lstat", Path: dir, Err: err}
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR || (st.Uid != 0 && st.Uid != uid) ||
			(st.Mode&0o022 != 0 && st.Mode&unix.S_ISVTX == 0) {
			return fmt.Errorf("%s is not a folder only root or this user can rename things in: not trusted for intact node's private folder", dir)
		}
		if dir == "/" {
			return nil
		}
	}
}

// inheritedIPCFD is the descriptor of fork()'s IPC channel that a node
// parent handed this process (NODE_CHANNEL_FD), or -1. It is judged once,
// before this process opens anything of its own, so that the number can
// only name a descriptor it inherited; and it must be a socket, as node's
// channel is. Any other NODE_CHANNEL_FD would hand node one of the
// broker's own descriptors.
var inheritedIPCFD = func() int {
	n, err := strconv.Atoi(os.Getenv(envChannelFD))
	if err != nil || n < 3 {
		return -1
	}
	var st unix.Stat_t
	if unix.Fstat(n, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return -1
	}
	return n
}()

// childFiles lays out node's descriptors beyond stdio: the channels'
// sockets, and NODE_CHANNEL_FD at its own number when this process inherited
// that socket from a node parent (inheritedIPCFD), so fork()'s IPC keeps
// working through the shim. Any other NODE_CHANNEL_FD is dropped from env.
// It returns node's environment, the ExtraFiles, the channels' descriptor
// numbers in node, in order, from 3 up, and the IPC socket, if any, which
// the caller closes once node has started.
func childFiles(env []string, socks []*os.File) (_ []string, extra []*os.File, fds []int, ipcFile *os.File) {
	env, ipc := ipcEnv(env, inheritedIPCFD)
	place := func(fd int, f *os.File) {
		for len(extra) <= fd-3 {
			extra = append(extra, nil)
		}
		extra[fd-3] = f
	}
	if ipc >= 0 {
		ipcFile = os.NewFile(uintptr(ipc), "node-ipc")
		place(ipc, ipcFile)
	}
	fds = make([]int, len(socks))
	next := 3
	for i, sock := range socks {
		if next == ipc {
			next++
		}
		fds[i] = next
		place(next, sock)
		next++
	}
	return env, extra, fds, ipcFile
}

// Raise ends this process with sig, as node was ended: the default action
// is restored first, so the parent sees the same signal.
func Raise(sig syscall.Signal) {
	signal.Reset(sig)
	// For the signals Go's runtime crashes on (SIGABRT, SIGQUIT, SIGSEGV
	// and others) its own handler stays after Reset, and would print a
	// goroutine dump and exit with status 2: the kernel's default action
	// is put back directly. A zero struct sigaction is SIG_DFL, no flags,
	// an empty mask, on every architecture (the array is larger than any).
	var dfl [8]uintptr
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
	// Sent to this very thread, the signal is acted on as the call
	// returns, before the fallback below could exit first.
	runtime.LockOSThread()
	unix.Tgkill(os.Getpid(), unix.Gettid(), sig)
	// The default action of most signals is immediate; for those whose is
	// not (SIGCHLD, SIGWINCH...) fall back on the shell's convention.
	os.Exit(128 + int(sig))
}
