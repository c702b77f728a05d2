package nodeguard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/intactdev/intact"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// forwarded are the signals intact node passes on to node.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

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
	stdin, stdout, stderr := orStd(cfg.Stdin, os.Stdin), orStd(cfg.Stdout, os.Stdout), orStd(cfg.Stderr, os.Stderr)
	env := cfg.Env
	if env == nil {
		env = os.Environ()
	}
	inv, err := ParseArgs(cfg.Args)
	if err != nil {
		return Exit{}, err
	}
	// Verify and index the catalogs while node starts, as runtime does:
	// node's first request waits for it only if node is quicker.
	go cfg.Policy.Warm()
	// The node binary is judged before anything executes it, the probe
	// included.
	nodeBin, err := checkNodeBinary(cfg.Policy, cfg.Node)
	if err != nil {
		return Exit{}, err
	}
	defer nodeBin.close()
	// process.execPath: this broker's own descriptor of the shim
	// executable, which no rename or write into a folder can replace.
	shimExe, err := openShim(cfg.Shim)
	if err != nil {
		return Exit{}, err
	}
	defer shimExe.Close()
	// Node and its children may not execute node themselves, unless the
	// policy only audits code integrity: nothing is refused then.
	settings := cfg.Policy.Settings()
	confine := !settings.Audit.Enabled || settings.DisableInteractiveMode.Enabled || settings.DisableDynamicCode.Enabled
	start, err := newStarter(nodeBin, confine, env, shimExe, stderr)
	if err != nil {
		return Exit{}, err
	}
	defer start.close()
	probe, err := supportedNode(nodeBin, start)
	if err != nil {
		return Exit{}, err
	}
	terminal := term.IsTerminal(int(stdin.Fd()))
	if err := inv.Check(cfg.Policy, terminal); err != nil {
		return Exit{}, err
	}
	if !probe.HasFlag("--disable-sigusr1") {
		// Every supported node has it; a probe that says otherwise is
		// not trusted to leave SIGUSR1 opening the inspector, whose
		// Runtime.evaluate compiles strings whatever the policy says.
		return Exit{}, fmt.Errorf("%s (%s) has no --disable-sigusr1: SIGUSR1 would open the inspector", cfg.Node, probe.Version)
	}

	// Code on standard input: under DisableInteractiveMode it runs only
	// when the descriptor itself passes (`- < signed.js`); node then reads
	// the checked bytes from a pipe.
	var stdinCode []byte
	readsStdin := inv.Script == "-" || (inv.Script == "" && !inv.Eval && !inv.REPL && !inv.NotCode && !terminal)
	if readsStdin && settings.DisableInteractiveMode.Enabled {
		if stdinCode, err = cfg.Policy.ReadStdin(stdin); err != nil {
			return Exit{}, err
		}
	}

	nodeEnv, err := FilterEnv(env)
	if err != nil {
		return Exit{}, err
	}
	proc := start.procID()
	execPath := fmt.Sprintf("/proc/%d/fd/%d", proc, shimExe.Fd())
	// The name node, first on node's PATH, for spawn('node') and
	// `#!/usr/bin/env node`: a link to execPath in a private folder.
	shimDir, err := privateDir()
	if err != nil {
		return Exit{}, err
	}
	defer os.RemoveAll(shimDir)
	if err := os.Symlink(execPath, filepath.Join(shimDir, "node")); err != nil {
		return Exit{}, err
	}
	if nodeEnv, err = childEnv(nodeEnv, cfg, shimDir); err != nil {
		return Exit{}, err
	}
	shimConfig, err := writeShimConfig(ShimConfig{Node: cfg.Node,
		Policies: envList(nodeEnv, intact.EnvPolicy), Catalogs: envList(nodeEnv, intact.EnvCatalogs)})
	if err != nil {
		return Exit{}, err
	}
	defer shimConfig.Close()

	ch, err := newChannel()
	if err != nil {
		return Exit{}, err
	}
	defer ch.closeNodeEnds()
	nodeEnv, extra, fds := childFiles(nodeEnv, ch.nodeReq, ch.nodeResp)
	boot, err := bootstrapURL(bootstrapConfig{
		FDs:                 fds,
		BrokerPID:           proc,
		Shim:                execPath,
		ExecArgv:            inv.Options,
		Requires:            inv.Requires,
		Version:             probe.Version,
		InteractiveDisabled: settings.DisableInteractiveMode.Enabled,
		DynamicDisabled:     settings.DisableDynamicCode.Enabled,
	})
	if err != nil {
		ch.closeBrokerEnds()
		return Exit{}, err
	}

	cmd := start.command(context.Background(), cfg.Node, nodeArgv(inv, boot, settings)...)
	cmd.Env = nodeEnv
	cmd.Dir = cfg.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.ExtraFiles = extra
	var stdinPipe *os.File
	if stdinCode != nil {
		r, w, err := os.Pipe()
		if err != nil {
			ch.closeBrokerEnds()
			return Exit{}, err
		}
		defer r.Close()
		cmd.Stdin, stdinPipe = r, w
	}

	signals := make(chan os.Signal, 8)
	signal.Notify(signals, forwarded...)
	defer signal.Stop(signals)
	err = start.start(cmd)
	ch.closeNodeEnds()
	if err != nil {
		ch.closeBrokerEnds()
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
		ch.closeBrokerEnds()
		if stdinPipe != nil {
			stdinPipe.Close()
		}
		return Exit{}, err
	}
	if stdinPipe != nil {
		go func() {
			stdinPipe.Write(stdinCode)
			stdinPipe.Close()
		}()
	}
	b := &broker{policy: cfg.Policy, proc: proc}
	go b.serve(ch.brokerReq, ch.brokerResp, nil)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-signals:
				cmd.Process.Signal(s)
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

// supportedNode probes the node binary and refuses a release that is not
// Supported.
func supportedNode(bin *nodeBinary, start *starter) (*Probe, error) {
	node := bin.path
	probe, err := probeNode(bin.path, func(ctx context.Context, args ...string) *exec.Cmd {
		return start.command(ctx, bin.path, args...)
	})
	if err != nil {
		return nil, err
	}
	version, err := ParseVersion(probe.Version)
	if err != nil {
		return nil, err
	}
	if !Supported(version) {
		return nil, &VersionError{Node: node, Version: version}
	}
	return probe, nil
}

// nodeArgv is node's command line: the bootstrap first, the options that
// the settings call for, the user's options, imports and script.
func nodeArgv(inv *Invocation, boot string, settings intact.Settings) []string {
	// Under any policy in force: SIGUSR1 would open the inspector, which
	// runs code a debugger sends (interactive code) and compiles strings
	// despite --disallow-code-generation-from-strings (dynamic code).
	argv := []string{"--import", boot, "--disable-sigusr1"}
	if settings.DisableDynamicCode.Enabled {
		argv = append(argv, "--disallow-code-generation-from-strings")
	}
	argv = append(argv, inv.Pass...)
	for _, m := range inv.Imports {
		argv = append(argv, "--import", m)
	}
	if inv.HasScriptMarker {
		argv = append(argv, "--")
	}
	if inv.Script != "" {
		argv = append(argv, inv.Script)
	}
	return append(argv, inv.Args...)
}

// channel is the main thread's channel: two pipes with blocking
// descriptors (see broker.serve), node's ends inherited by node.
type channel struct {
	brokerReq, nodeReq   *os.File
	nodeResp, brokerResp *os.File
}

func newChannel() (*channel, error) {
	var req, resp [2]int
	if err := unix.Pipe2(req[:], unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("making the channel to node: %w", err)
	}
	if err := unix.Pipe2(resp[:], unix.O_CLOEXEC); err != nil {
		unix.Close(req[0])
		unix.Close(req[1])
		return nil, fmt.Errorf("making the channel to node: %w", err)
	}
	return &channel{
		brokerReq: os.NewFile(uintptr(req[0]), "intact-node-requests"), nodeReq: os.NewFile(uintptr(req[1]), "node-requests"),
		nodeResp: os.NewFile(uintptr(resp[0]), "node-replies"), brokerResp: os.NewFile(uintptr(resp[1]), "intact-node-replies"),
	}, nil
}

// closeNodeEnds closes node's ends in this process, once node has them
// (closing twice is harmless).
func (c *channel) closeNodeEnds() {
	c.nodeReq.Close()
	c.nodeResp.Close()
}

// closeBrokerEnds closes the broker's ends when node never started.
func (c *channel) closeBrokerEnds() {
	c.brokerReq.Close()
	c.brokerResp.Close()
}

func orStd(f, std *os.File) *os.File {
	if f != nil {
		return f
	}
	return std
}

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
	f, err := os.Open(shim)
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

// childEnv adds what node children started through the shim need: the
// real node, the shim first on PATH, and the caller's policies and
// catalogs.
func childEnv(env []string, cfg Config, shimDir string) ([]string, error) {
	set := func(name, value string) {
		env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
		env = append(env, name+"="+value)
	}
	get := func(name string) string {
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, name+"="); ok {
				return v
			}
		}
		return ""
	}
	// No INTACT_NODE: a child started through the shim takes its node
	// from this broker (LoadShimConfig), never from its environment.
	env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, EnvNode+"=") })
	set("PATH", shimDir+string(os.PathListSeparator)+get("PATH"))
	for _, add := range []struct {
		name  string
		files []string
	}{{intact.EnvPolicy, cfg.Policies}, {intact.EnvCatalogs, cfg.Catalogs}} {
		if len(add.files) == 0 {
			continue
		}
		list := make([]string, 0, len(add.files)+1)
		for _, f := range add.files {
			abs, err := filepath.Abs(f)
			if err != nil {
				return nil, err
			}
			list = append(list, abs)
		}
		for _, old := range filepath.SplitList(get(add.name)) {
			// A child of a child inherits both: name each file once.
			if !slices.Contains(list, old) {
				list = append(list, old)
			}
		}
		set(add.name, strings.Join(list, string(os.PathListSeparator)))
	}
	return env, nil
}

// envList returns the path list in env's variable name.
func envList(env []string, name string) []string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return filepath.SplitList(v)
		}
	}
	return nil
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

// envChannelFD names fork()'s IPC descriptor in node's environment.
const envChannelFD = "NODE_CHANNEL_FD"

// childFiles lays out node's descriptors beyond stdio: the channel's two
// pipes, and NODE_CHANNEL_FD at its own number when this process inherited
// that socket from a node parent (inheritedIPCFD), so fork()'s IPC keeps
// working through the shim. Any other NODE_CHANNEL_FD is dropped from env.
// It returns node's environment, the ExtraFiles and the channel's
// descriptor numbers in node.
func childFiles(env []string, req, resp *os.File) ([]string, []*os.File, [2]int) {
	var extra []*os.File
	ipc := -1
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		v, ok := strings.CutPrefix(kv, envChannelFD+"=")
		if !ok {
			return false
		}
		if n, err := strconv.Atoi(v); err == nil && n == inheritedIPCFD {
			ipc = n
			return false
		}
		return true
	})
	place := func(fd int, f *os.File) {
		for len(extra) <= fd-3 {
			extra = append(extra, nil)
		}
		extra[fd-3] = f
	}
	if ipc >= 0 {
		place(ipc, os.NewFile(uintptr(ipc), "node-ipc"))
	}
	var fds [2]int
	next := 3
	for i, f := range []*os.File{req, resp} {
		for next == ipc {
			next++
		}
		fds[i] = next
		place(next, f)
		next++
	}
	return env, extra, fds
}

// Raise ends this process with sig, as node was ended: the default action
// is restored first, so the parent sees the same signal.
func Raise(sig syscall.Signal) {
	signal.Reset(sig)
	unix.Kill(os.Getpid(), sig)
	// The default action of most signals is immediate; for those whose is
	// not (SIGCHLD, SIGWINCH...) fall back on the shell's convention.
	os.Exit(128 + int(sig))
}
