package nodeguard

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"github.com/intactdev/intact/internal/regularfile"
	"golang.org/x/sys/windows"
)

// outlastedSignals are the console's events intact outlasts while node
// runs: Ctrl-C and Ctrl-Break (os.Interrupt), and the console closing,
// logoff and shutdown (SIGTERM). Node receives them itself, as it shares
// this process's console and process group, and decides what they do to
// it; intact then returns node's exit status. Without this, Go would end
// intact at the first Ctrl-C and leave node running on the console.
var outlastedSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// Run starts node.exe under the policy, serves it until it exits, and
// returns how it ended. Every file node compiles is read by
// Policy.ReadCode; options and environment pass the allow-list first.
// Refusals before node starts are a *FlagError, a *VersionError or an
// intact error (*intact.BlockedError for -e, the REPL, stdin, the
// inspector).
//
// The main thread's channel is two anonymous pipes that node inherits as
// C runtime descriptors (crtFD), which its fs.readSync and fs.writeSync
// use synchronously; no other process can reach them. Other threads
// connect to the broker's named pipe (pipeListener). Node runs in a job
// object that kills it when intact ends.
func Run(cfg Config) (Exit, error) {
	l, err := prepare(cfg, func(l *launch, _ []string) (nodeRunner, error) {
		return nodeRunner{
			command: func(ctx context.Context, args ...string) *exec.Cmd {
				return exec.CommandContext(ctx, l.node.exec, args...)
			},
			start: (*exec.Cmd).Start,
		}, nil
	})
	if err != nil {
		return Exit{}, err
	}
	nodeBin, inv, settings, nodeEnv := l.node, l.inv, l.settings, l.env
	defer nodeBin.close()
	priv, err := newPrivateDir()
	if err != nil {
		return Exit{}, err
	}
	defer priv.remove()
	shimPath, err := priv.placeShim(cfg.Shim)
	if err != nil {
		return Exit{}, err
	}
	if nodeEnv, err = childEnv(nodeEnv, cfg, priv.dir); err != nil {
		return Exit{}, err
	}
	windowsDir, err := windows.GetSystemWindowsDirectory()
	if err != nil {
		return Exit{}, fmt.Errorf("finding the Windows folder: %w", err)
	}
	nodeEnv = windowsNodeEnv(nodeEnv, windowsDir)
	shimJSON, err := json.Marshal(shimConfig(cfg, nodeEnv))
	if err != nil {
		return Exit{}, err
	}
	pipe := brokerPipeName(priv.id)
	listener, err := listenPipe(pipe, shimJSON)
	if err != nil {
		return Exit{}, err
	}
	defer listener.close()

	ch, err := newChannel()
	if err != nil {
		return Exit{}, err
	}
	defer ch.closeNodeEnds()
	nodeEnv, ipc := ipcEnv(nodeEnv, inheritedIPC.fd)
	fds := channelFDs(ipc)
	bootCfg := l.bootstrap(fds, shimPath)
	bootCfg.ThreadPipe = pipe
	boot, err := priv.writeBootstrap(bootCfg)
	if err != nil {
		ch.closeBrokerEnds()
		return Exit{}, err
	}

	stdinHandle := windows.Handle(l.stdin.Fd())
	var stdinPipe *pipeHandle
	if l.stdinCode != nil {
		var r windows.Handle
		stdinPipe = &pipeHandle{}
		if err := windows.CreatePipe(&r, &stdinPipe.h, nil, 0); err != nil {
			ch.closeBrokerEnds()
			return Exit{}, fmt.Errorf("making node's standard input: %w", err)
		}
		defer windows.CloseHandle(r)
		stdinHandle = r
	}
	inherit := []inheritedFD{
		{fd: 0, h: stdinHandle}, {fd: 1, h: windows.Handle(l.stdout.Fd())}, {fd: 2, h: windows.Handle(l.stderr.Fd())},
		{fd: fds[0], h: ch.nodeReq.h}, {fd: fds[1], h: ch.nodeResp.h},
	}
	if ipc >= 0 {
		inherit = append(inherit, inheritedFD{fd: ipc, h: inheritedIPC.h, flags: inheritedIPC.flags})
	}
	argv := append([]string{cfg.Node}, nodeArgv(inv, boot, "", settings)...)
	proc, err := startNode(nodeBin.exec, argv, nodeEnv, cfg.Dir, inherit)
	ch.closeNodeEnds()
	if ipc >= 0 {
		// Node's alone from here: a copy left open here would keep the
		// channel up after node's process.disconnect(), and its parent
		// waiting for the 'disconnect' for as long as this broker lives
		// (outside review rt76).
		windows.CloseHandle(inheritedIPC.h)
	}
	if err != nil {
		ch.closeBrokerEnds()
		if stdinPipe != nil {
			stdinPipe.Close()
		}
		return Exit{}, fmt.Errorf("starting %s: %w", cfg.Node, err)
	}
	defer proc.close()
	// Node's threads may connect once the listener knows node's id: node
	// is still suspended.
	listener.nodePID.Store(proc.pid)
	b := newBroker(cfg.Policy, winBroker{})
	listener.start(b)
	stop := outlastSignals()
	defer stop()
	if err := proc.resume(); err != nil {
		proc.kill()
		ch.closeBrokerEnds()
		if stdinPipe != nil {
			stdinPipe.Close()
		}
		return Exit{}, fmt.Errorf("starting %s: %w", cfg.Node, err)
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
	replies := newStallPipe(ch.brokerResp)
	b.goServe(channelEnd{requests: ch.brokerReq, replies: replies, repliesEnd: true, main: true, hungUp: ch.brokerReq.hungUp,
		close: func() error { return errors.Join(ch.brokerReq.Close(), replies.Close()) }}, mainScript(l.inv, cfg.Dir))
	code, err := proc.wait()
	b.release()
	if err != nil {
		return Exit{}, fmt.Errorf("waiting for %s: %w", cfg.Node, err)
	}
	return Exit{Code: int(code)}, nil
}

// runProbe runs a probe of node and returns its standard output and error.
// The probe starts as node does (startNode): under imageLoadMitigations,
// with the system's SYSTEMROOT and windir, not the caller's (os/exec would
// add the caller's to an empty environment), and from the Windows folder,
// not the caller's working folder: it runs node.exe before any broker
// exists (outside review rt72). Node writes its output to files rather
// than pipes: node.exe under Wine fails to write to a pipe (EBADF), and
// files cost Windows nothing. So it is started here, not by start; its
// output is kept up to probeOutputMax, as on Linux.
func runProbe(cmd *exec.Cmd, _ func(*exec.Cmd) error) (stdout, stderr []byte, err error) {
	windowsDir, err := windows.GetSystemWindowsDirectory()
	if err != nil {
		return nil, nil, fmt.Errorf("finding the Windows folder: %w", err)
	}
	var files [2]*os.File
	for i := range files {
		f, err := os.CreateTemp("", "intact-probe-")
		if err != nil {
			return nil, nil, err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		files[i] = f
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		return nil, nil, err
	}
	defer null.Close()
	fds := []inheritedFD{{fd: 0, h: windows.Handle(null.Fd())}, {fd: 1, h: windows.Handle(files[0].Fd())}, {fd: 2, h: windows.Handle(files[1].Fd())}}
	proc, err := startNode(cmd.Path, cmd.Args, windowsNodeEnv(cmd.Env, windowsDir), windowsDir, fds)
	if err != nil {
		return nil, nil, err
	}
	defer proc.close()
	if err := proc.resume(); err != nil {
		proc.kill()
		return nil, nil, err
	}
	// As the context os/exec would have been given: a probe that does
	// not answer is ended.
	if ev, err := windows.WaitForSingleObject(proc.process, uint32(probeTimeout/time.Millisecond)); err != nil || ev != windows.WAIT_OBJECT_0 {
		proc.kill()
		return nil, nil, fmt.Errorf("%s did not answer within %v", cmd.Path, probeTimeout)
	}
	code, err := proc.wait()
	stdout, outErr := regularfile.Read(files[0].Name(), probeOutputMax)
	stderr, _ = regularfile.Read(files[1].Name(), probeOutputMax)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit status %d", code)
	}
	if err == nil && outErr != nil {
		err = errProbeOutput
	}
	return stdout, stderr, err
}

func inode(os.FileInfo) uint64 { return 0 }

// Raise exits with the shell's status for a process ended by sig. Nothing
// on Windows ends node with a signal: node's status says it all.
func Raise(sig syscall.Signal) { os.Exit(128 + int(sig)) }

// channel is the main thread's channel: two anonymous pipes, node's ends
// inherited by node.
type channel struct {
	brokerReq, nodeReq   *pipeHandle
	nodeResp, brokerResp *pipeHandle
}

func newChannel() (*channel, error) {
	c := &channel{brokerReq: &pipeHandle{}, nodeReq: &pipeHandle{}, nodeResp: &pipeHandle{}, brokerResp: &pipeHandle{}}
	if err := windows.CreatePipe(&c.brokerReq.h, &c.nodeReq.h, nil, 0); err != nil {
		return nil, fmt.Errorf("making the channel to node: %w", err)
	}
	// The named pipe's buffer, so that each chunk a stallPipe writes is
	// progress on either kind of channel.
	if err := windows.CreatePipe(&c.nodeResp.h, &c.brokerResp.h, nil, pipeChunk); err != nil {
		c.closeNodeEnds()
		c.brokerReq.Close()
		return nil, fmt.Errorf("making the channel to node: %w", err)
	}
	return c, nil
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

// privateDir is a broker's private folder, which holds node's shim and the
// bootstrap while node runs, each held open so that nobody can write,
// delete or rename it.
type privateDir struct {
	dir, id string
	held    []*os.File
}

// newPrivateDir makes the folder in this user's local application data
// (found by the known-folder API, not TEMP, which the environment sets),
// with an access list that lets this user alone in.
func newPrivateDir() (*privateDir, error) {
	base, err := windows.KnownFolderPath(windows.FOLDERID_LocalAppData, windows.KF_FLAG_DEFAULT)
	if err != nil {
		return nil, fmt.Errorf("finding this user's local application data for intact node's folder: %w", err)
	}
	base = filepath.Join(base, "Temp")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, err
	}
	var random [brokerIDLen / 2]byte
	rand.Read(random[:]) // never fails: crypto/rand crashes the program instead
	d := &privateDir{id: hex.EncodeToString(random[:])}
	d.dir = filepath.Join(base, brokerDirPrefix+d.id)
	sd, err := userOnly("OICI")
	if err != nil {
		return nil, fmt.Errorf("the access list of intact node's folder %s: %w", d.dir, err)
	}
	sa := windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(sa))
	name, err := windows.UTF16PtrFromString(d.dir)
	if err != nil {
		return nil, err
	}
	if err := windows.CreateDirectory(name, &sa); err != nil {
		return nil, &os.PathError{Op: "mkdir", Path: d.dir, Err: err}
	}
	// The user's local application data is wherever the user's registry
	// says: on a network share, node would read the bootstrap, and start
	// the shim, through opens of its own, which the share's server answers
	// as it likes (outside review rt72).
	if err := notRemote(d.dir); err != nil {
		os.Remove(d.dir)
		return nil, fmt.Errorf("intact node's folder %s: %w", d.dir, err)
	}
	return d, nil
}

// notRemote refuses a folder on a network share (remotePath).
func notRemote(dir string) error {
	final, err := finalPathOf(dir)
	if err != nil {
		return err
	}
	if remotePath(final) {
		return fmt.Errorf("it is on a network share (%s): set this user's local application data to a local folder", final)
	}
	return nil
}

// remove closes and removes what the folder holds, then the folder. A
// node child still running from the shim keeps node.exe, and so the folder.
func (d *privateDir) remove() {
	for _, f := range d.held {
		f.Close()
		os.Remove(f.Name())
	}
	os.Remove(d.dir)
}

// create makes a new file in the folder, open for writing with read
// sharing only, and holds it until remove.
func (d *privateDir) create(name string) (*os.File, error) {
	path := filepath.Join(d.dir, name)
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.FILE_SHARE_READ, nil,
		windows.CREATE_NEW, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "create", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(h), path)
	d.held = append(d.held, f)
	return f, nil
}

// placeShim puts node.exe in the folder: the shim executable (by default
// this one) under the name node children are started by. process.execPath
// names it, and the folder comes first on node's PATH, so fork(),
// spawn(process.execPath) and spawn('node') all start the shim, which
// knows its broker by the folder it runs from. It is a hard link where
// Windows allows one, else a copy; either way it is held against writers.
func (d *privateDir) placeShim(shim string) (string, error) {
	if shim == "" {
		self, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("finding intact's own executable for node children: %w", err)
		}
		shim = self
	}
	dst := filepath.Join(d.dir, "node.exe")
	src, err := windows.UTF16PtrFromString(shim)
	if err != nil {
		return "", err
	}
	link, err := windows.UTF16PtrFromString(dst)
	if err != nil {
		return "", err
	}
	// The final path of the file held is what runs, not the name, which
	// could have become a link to another file since (outside review
	// rt72): the shim knows its broker by its folder's name, which a file
	// elsewhere lacks.
	if windows.CreateHardLink(link, src, 0) == nil {
		f, final, err := openPinned(dst)
		if err != nil {
			os.Remove(dst)
			return "", fmt.Errorf("intact node's shim %s: %w", dst, err)
		}
		d.held = append(d.held, f)
		return final, nil
	}
	// A copy (another volume): written, then held like the link, once
	// its writer is closed, for CreateProcess takes no file another
	// handle may write (outside review rt71: every node child failed with
	// EBUSY). Between the two a process of this user could replace it: the
	// file held must have the bytes written.
	in, err := os.Open(shim)
	if err != nil {
		return "", fmt.Errorf("opening intact's own executable for node children: %w", err)
	}
	defer in.Close()
	out, err := d.create("node.exe")
	if err != nil {
		return "", fmt.Errorf("intact node's shim: %w", err)
	}
	written := sha256.New()
	_, err = io.Copy(io.MultiWriter(out, written), in)
	d.held = slices.DeleteFunc(d.held, func(f *os.File) bool { return f == out })
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return "", fmt.Errorf("copying %s to %s: %w", shim, dst, err)
	}
	f, final, err := openPinned(dst)
	if err != nil {
		os.Remove(dst)
		return "", fmt.Errorf("intact node's shim %s: %w", dst, err)
	}
	d.held = append(d.held, f)
	held := sha256.New()
	if _, err := io.Copy(held, io.NewSectionReader(f, 0, 1<<62)); err != nil {
		return "", fmt.Errorf("intact node's shim %s: %w", dst, err)
	}
	if !bytes.Equal(held.Sum(nil), written.Sum(nil)) {
		return "", fmt.Errorf("intact node's shim %s was replaced as it was placed", dst)
	}
	return final, nil
}

// writeBootstrap writes the bootstrap, with cfg built in, into the folder
// and returns the stub that runs it (bootstrapStub), for node's --import.
// The file stays open for writing with read sharing only until node has
// exited: node reads it (every thread does), and nobody else can change,
// delete or rename it.
func (d *privateDir) writeBootstrap(cfg bootstrapConfig) (string, error) {
	f, err := d.create("bootstrap.js")
	if err != nil {
		return "", err
	}
	cfg.StubURL = bootstrapStub(f.Name())
	code, err := bootstrapCode(cfg)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(code); err != nil {
		return "", fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	return cfg.StubURL, nil
}

// inheritedFD is a handle node inherits as C runtime descriptor fd.
type inheritedFD struct {
	fd    int
	h     windows.Handle
	flags byte // 0: from the handle's type
}

// nodeProcess is node.exe, started suspended in a job object.
type nodeProcess struct {
	process, thread, job windows.Handle
	pid                  uint32
}

// startupInfoEx is STARTUPINFOEXW with the C runtime's two fields, which
// golang.org/x/sys/windows leaves unnamed: lpReserved2 carries node's
// descriptor table.
type startupInfoEx struct {
	Cb                                                          uint32
	_                                                           *uint16
	Desktop, Title                                              *uint16
	X, Y, XSize, YSize, XCountChars, YCountChars, FillAttribute uint32
	Flags                                                       uint32
	ShowWindow                                                  uint16
	CbReserved2                                                 uint16
	LpReserved2                                                 *byte
	StdInput, StdOutput, StdErr                                 windows.Handle
	ProcThreadAttributeList                                     *windows.ProcThreadAttributeList
}

// Its layout must be STARTUPINFOEXW's: both arrays have length zero only
// if the sizes are equal.
var (
	_ [unsafe.Sizeof(startupInfoEx{}) - unsafe.Sizeof(windows.StartupInfoEx{})]byte
	_ [unsafe.Sizeof(windows.StartupInfoEx{}) - unsafe.Sizeof(startupInfoEx{})]byte
)

// imageLoadMitigations is node's image load policy
// (PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY; the values are winnt.h's
// PROCESS_CREATION_MITIGATION_POLICY_IMAGE_LOAD_*_ALWAYS_ON): the loader
// maps no image from a network share, whose server decides what each open
// reads, nor one with the low integrity label. Not PREFER_SYSTEM32, which
// would also put System32's copy of a DLL before the one an addon ships
// beside it (a C++ runtime, onnxruntime.dll: outside review rt72); a DLL
// beside node.exe is checked instead (checkBeside).
const imageLoadMitigations uint64 = 1<<52 | // NO_REMOTE
	1<<56 // NO_LOW_LABEL

// startNode creates node's process, suspended, with the given descriptors
// and no other handle of this process (PROC_THREAD_ATTRIBUTE_HANDLE_LIST),
// under imageLoadMitigations, in a job object that kills it when the job's
// last handle, this process's, closes: node dies with intact. Processes node starts are not
// in the job (libuv puts them in a job of node's own, which ends them with
// node unless they are detached).
func startNode(app string, argv, env []string, dir string, fds []inheritedFD) (*nodeProcess, error) {
	self := windows.CurrentProcess()
	n := 0
	for _, fd := range fds {
		n = max(n, fd.fd+1)
	}
	table := make([]crtFD, n)
	for i := range table {
		table[i].Handle = uint64(windows.InvalidHandle)
	}
	var list []windows.Handle
	defer func() {
		for _, h := range list {
			windows.CloseHandle(h)
		}
	}()
	for _, fd := range fds {
		if fd.h == 0 || fd.h == windows.InvalidHandle {
			continue // none: the C runtime leaves the descriptor closed
		}
		// An inheritable duplicate for node; the handle list names it.
		var dup windows.Handle
		if err := windows.DuplicateHandle(self, fd.h, self, &dup, 0, true, windows.DUPLICATE_SAME_ACCESS); err != nil {
			return nil, fmt.Errorf("handing node descriptor %d: %w", fd.fd, err)
		}
		list = append(list, dup)
		flags := fd.flags
		if flags == 0 {
			flags = crtOpen
			switch t, _ := windows.GetFileType(dup); t {
			case windows.FILE_TYPE_PIPE:
				flags |= crtPipe
			case windows.FILE_TYPE_CHAR:
				flags |= crtDevice
			}
		}
		table[fd.fd] = crtFD{Flags: flags, Handle: uint64(dup)}
	}
	crt := encodeCRTFDs(table, int(unsafe.Sizeof(uintptr(0))))
	if len(crt) > 0xffff {
		return nil, errors.New("too many descriptors for node")
	}

	attrs, err := windows.NewProcThreadAttributeList(2)
	if err != nil {
		return nil, err
	}
	defer attrs.Delete()
	if len(list) > 0 {
		if err := attrs.Update(windows.PROC_THREAD_ATTRIBUTE_HANDLE_LIST, unsafe.Pointer(&list[0]), uintptr(len(list))*unsafe.Sizeof(list[0])); err != nil {
			return nil, err
		}
	}
	mitigations := imageLoadMitigations
	if err := attrs.Update(windows.PROC_THREAD_ATTRIBUTE_MITIGATION_POLICY, unsafe.Pointer(&mitigations), unsafe.Sizeof(mitigations)); err != nil {
		return nil, fmt.Errorf("setting node's image load policy: %w", err)
	}
	si := startupInfoEx{Flags: windows.STARTF_USESTDHANDLES, CbReserved2: uint16(len(crt)), LpReserved2: &crt[0],
		ProcThreadAttributeList: attrs.List()}
	si.Cb = uint32(unsafe.Sizeof(si))
	si.StdInput, si.StdOutput, si.StdErr = stdHandle(table, 0), stdHandle(table, 1), stdHandle(table, 2)

	block, err := envBlock(env)
	if err != nil {
		return nil, err
	}
	appName, err := windows.UTF16PtrFromString(app)
	if err != nil {
		return nil, err
	}
	cmdLine, err := windows.UTF16PtrFromString(windows.ComposeCommandLine(argv))
	if err != nil {
		return nil, err
	}
	var cwd *uint16
	if dir != "" {
		if cwd, err = windows.UTF16PtrFromString(dir); err != nil {
			return nil, err
		}
	}
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return nil, fmt.Errorf("making node's job object: %w", err)
	}
	limits := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{BasicLimitInformation: windows.JOBOBJECT_BASIC_LIMIT_INFORMATION{
		LimitFlags: windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | windows.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK}}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&limits)), uint32(unsafe.Sizeof(limits))); err != nil {
		windows.CloseHandle(job)
		return nil, fmt.Errorf("making node's job object: %w", err)
	}
	var pi windows.ProcessInformation
	flags := uint32(windows.CREATE_SUSPENDED | windows.CREATE_UNICODE_ENVIRONMENT | windows.EXTENDED_STARTUPINFO_PRESENT)
	err = windows.CreateProcess(appName, cmdLine, nil, nil, true, flags, &block[0], cwd,
		(*windows.StartupInfo)(unsafe.Pointer(&si)), &pi)
	if err != nil {
		windows.CloseHandle(job)
		return nil, err
	}
	p := &nodeProcess{process: pi.Process, thread: pi.Thread, job: job, pid: pi.ProcessId}
	if err := windows.AssignProcessToJobObject(job, pi.Process); err != nil {
		p.kill()
		p.close()
		return nil, fmt.Errorf("placing node in its job object: %w", err)
	}
	return p, nil
}

// stdHandle is the handle of standard descriptor fd in the table, or 0.
func stdHandle(table []crtFD, fd int) windows.Handle {
	if fd >= len(table) || table[fd].Flags == 0 {
		return 0
	}
	return windows.Handle(table[fd].Handle)
}

func (p *nodeProcess) resume() error {
	_, err := windows.ResumeThread(p.thread)
	return err
}

func (p *nodeProcess) kill() { windows.TerminateProcess(p.process, 1) }

// wait waits for node to exit and returns its exit status.
func (p *nodeProcess) wait() (uint32, error) {
	if _, err := windows.WaitForSingleObject(p.process, windows.INFINITE); err != nil {
		return 0, err
	}
	var code uint32
	err := windows.GetExitCodeProcess(p.process, &code)
	return code, err
}

func (p *nodeProcess) close() {
	windows.CloseHandle(p.thread)
	windows.CloseHandle(p.process)
	windows.CloseHandle(p.job)
}
