package jsruntime

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dop251/goja"
	"github.com/intactdev/intact/jsruntime/nodelib"
)

// The host half of node:child_process (nodelib's child_process.js is the
// rest): processes started with os/exec, their output and exit handed back
// through the event loop. A program that starts node or process.execPath
// gets a child runtime from Config.ChildRuntime, under this runtime's
// policy, never whatever interpreter that name would find.

// spawnRequest is what child_process.js asks for, normalised by it as
// Node's normalizeSpawnArguments does.
type spawnRequest struct {
	file  string
	args  []string // argv: args[0] is argv0
	dir   string
	env   []string
	stdio [3]string // "pipe", "inherit" or "ignore", for fds 0, 1 and 2
	// detached starts the child in a session (Unix) or process group
	// (Windows) of its own.
	detached bool
}

func (r *Runtime) spawnRequest(o *goja.Object) spawnRequest {
	var req spawnRequest
	req.file = o.Get("file").String()
	if err := r.vm.ExportTo(o.Get("args"), &req.args); err != nil {
		r.throw(err)
	}
	if v := o.Get("cwd"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
		req.dir = v.String()
	}
	if err := r.vm.ExportTo(o.Get("envPairs"), &req.env); err != nil {
		r.throw(err)
	}
	req.detached = o.Get("detached").ToBoolean()
	var stdio []string
	if err := r.vm.ExportTo(o.Get("stdio"), &stdio); err != nil {
		r.throw(err)
	}
	for i := range req.stdio {
		req.stdio[i] = "ignore"
		if i < len(stdio) {
			req.stdio[i] = stdio[i]
		}
	}
	return req
}

// command returns the command that runs req. node and process.execPath
// become a child runtime (Config.ChildRuntime) with the same command line.
func (r *Runtime) command(req spawnRequest) (*exec.Cmd, error) {
	cmd := &exec.Cmd{Args: req.args, Dir: req.dir, Env: req.env}
	if req.detached {
		detach(cmd)
	}
	path, node := "", r.startsNode(req.file)
	if !node {
		var err error
		if path, err = lookPath(req.file, req.env); err != nil {
			return nil, err
		}
		node = r.isExecPath(path, req.dir)
	}
	if node {
		if r.cfg.ChildRuntime == nil {
			return nil, &nodeError{Code: "ERR_NOT_SUPPORTED", Message: "child_process: this host does not start child runtimes, so " + req.file + " cannot be started"}
		}
		cmd.Path, cmd.Args = r.cfg.ChildRuntime(req.args[1:])
		return cmd, nil
	}
	cmd.Path = path
	return cmd, nil
}

// startsNode reports whether file names node (by name, as PATH would find
// it, or by a path whose last element is node) or this runtime's own
// executable, process.execPath.
func (r *Runtime) startsNode(file string) bool {
	base := strings.TrimSuffix(filepath.Base(file), ".exe")
	if base == "node" {
		return true
	}
	return filepath.Clean(file) == filepath.Clean(r.cfg.ExecPath)
}

// isExecPath reports whether path, found for the child (relative to dir,
// its working folder, unless absolute), is process.execPath under another
// name: /proc/self/exe, a relative path, a link, or the same executable
// found on PATH. Started as itself it would run without the parent's
// policies on its command line, so it is a child runtime too. (A program
// that swaps a link between this look and the start can still start it
// under another name; what is in force without a command line, the system
// policy and the kernel's securebits, applies to it then.)
func (r *Runtime) isExecPath(path, dir string) bool {
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	own, err := os.Stat(r.cfg.ExecPath)
	return err == nil && os.SameFile(fi, own)
}

// lookPath finds file as execvp would, on the PATH of the child's
// environment (libuv's rule) or, without one, on this process's.
func lookPath(file string, env []string) (string, error) {
	if strings.ContainsRune(file, '/') || runtime.GOOS == "windows" {
		if runtime.GOOS == "windows" {
			return exec.LookPath(file)
		}
		return file, nil
	}
	pathList, found := os.Getenv("PATH"), false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathList, found = v, true
		}
	}
	if !found && pathList == "" {
		pathList = "/usr/bin:/bin"
	}
	denied := false
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, file)
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() {
			continue
		}
		if fi.Mode()&0o111 == 0 {
			denied = true
			continue
		}
		return p, nil
	}
	if denied {
		return "", &os.PathError{Op: "exec", Path: file, Err: syscall.EACCES}
	}
	return "", &os.PathError{Op: "exec", Path: file, Err: syscall.ENOENT}
}

// errnoObject is a failed call's result for child_process.js: libuv's
// code and errno, from which it builds Node's error.
func (r *Runtime) errnoObject(err error) *goja.Object {
	o := r.vm.NewObject()
	var ne *nodeError
	if errors.As(err, &ne) {
		o.Set("code", ne.Code)
		o.Set("message", ne.Message)
		return o
	}
	code, errno, _ := nodelib.Errno(err)
	o.Set("code", code)
	o.Set("errno", errno)
	return o
}

// exitStatus returns a finished process's exit code, or the number of the
// signal that ended it (code is then -1).
func exitStatus(ps *os.ProcessState) (code, signal int) {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, int(ws.Signal())
	}
	return ps.ExitCode(), 0
}

// signalProcess sends signal number sig to p, as libuv's uv_process_kill
// does; a process that has ended is ESRCH.
func signalProcess(p *os.Process, sig int) error {
	err := p.Signal(syscall.Signal(sig))
	if errors.Is(err, os.ErrProcessDone) {
		return syscall.ESRCH
	}
	return err
}

// ---- spawnSync -------------------------------------------------------------

// capped collects up to max bytes of a child's output; past that it
// kills the child, once, with kill and keeps discarding, so that the
// child ends by that signal rather than by a broken pipe.
type capped struct {
	buf      bytes.Buffer
	max      float64
	exceeded bool
	kill     func()
}

func (c *capped) Write(p []byte) (int, error) {
	if c.exceeded {
		return len(p), nil
	}
	if room := c.max - float64(c.buf.Len()); float64(len(p)) > room {
		c.buf.Write(p[:int(max(room, 0))])
		c.exceeded = true
		c.kill()
		return len(p), nil
	}
	return c.buf.Write(p)
}

// spawnSync runs a child to its end, as Node's spawnSync does: the result
// has pid, status, signal (a number), output [null, stdout, stderr] and,
// when the child could not be started, was timed out or wrote more than
// maxBuffer, error.
func (r *Runtime) spawnSync(o *goja.Object) *goja.Object {
	req := r.spawnRequest(o)
	res := r.vm.NewObject()
	res.Set("pid", 0)
	res.Set("status", goja.Null())
	res.Set("signal", goja.Null())
	res.Set("output", goja.Null())
	cmd, err := r.command(req)
	if err != nil {
		res.Set("error", r.errnoObject(err))
		return res
	}
	killSignal := int(o.Get("killSignal").ToInteger())
	maxBuffer := o.Get("maxBuffer").ToFloat()
	var (
		mu       sync.Mutex
		killed   bool
		timedOut bool
	)
	kill := func() {
		mu.Lock()
		defer mu.Unlock()
		if !killed && cmd.Process != nil {
			killed = true
			signalProcess(cmd.Process, killSignal)
		}
	}
	var outs [3]*capped
	for fd, how := range req.stdio {
		var f *os.File
		var w io.Writer
		switch fd {
		case 0:
			f = r.cfg.Stdin
		case 1:
			w = r.cfg.Stdout
		case 2:
			w = r.cfg.Stderr
		}
		switch {
		case how == "inherit" && fd == 0:
			cmd.Stdin = f
		case how == "inherit":
			if fd == 1 {
				cmd.Stdout = w
			} else {
				cmd.Stderr = w
			}
		case how == "pipe" && fd == 0:
			var input []byte
			if v := o.Get("input"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
				input = r.bytesOf(v, "options.stdio[0]", "of type string or an instance of Buffer, TypedArray, or DataView")
			}
			cmd.Stdin = bytes.NewReader(input)
		case how == "pipe":
			outs[fd] = &capped{max: maxBuffer, kill: kill}
			if fd == 1 {
				cmd.Stdout = outs[fd]
			} else {
				cmd.Stderr = outs[fd]
			}
		}
	}
	mu.Lock()
	err = cmd.Start()
	mu.Unlock()
	if err != nil {
		res.Set("error", r.errnoObject(err))
		return res
	}
	res.Set("pid", cmd.Process.Pid)
	if timeout := o.Get("timeout").ToInteger(); timeout > 0 {
		t := time.AfterFunc(time.Duration(timeout)*time.Millisecond, func() {
			mu.Lock()
			timedOut = !killed
			mu.Unlock()
			kill()
		})
		defer t.Stop()
	}
	werr := cmd.Wait()
	var exit *exec.ExitError
	if werr != nil && !errors.As(werr, &exit) {
		res.Set("error", r.errnoObject(werr))
	}
	code, sig := exitStatus(cmd.ProcessState)
	if sig != 0 {
		res.Set("signal", sig)
	} else {
		res.Set("status", code)
	}
	output := []any{nil, nil, nil}
	for fd, c := range outs {
		if c == nil {
			continue
		}
		output[fd] = r.vm.NewArrayBuffer(c.buf.Bytes())
		if c.exceeded && res.Get("error") == nil {
			res.Set("error", r.errnoObject(syscall.ENOBUFS))
		}
	}
	res.Set("output", output)
	mu.Lock()
	defer mu.Unlock()
	if timedOut {
		res.Set("error", r.errnoObject(syscall.ETIMEDOUT))
	}
	return res
}

// ---- spawn -----------------------------------------------------------------

// A child is a process started by spawn. Goroutines wait for it and read
// its output; what they find reaches JavaScript through the event loop.
type child struct {
	r      *Runtime
	cmd    *exec.Cmd
	ref    bool // its exit keeps the loop alive
	exited bool
	stdin  chan pendingWrite // nil once ended
}

type pendingWrite struct {
	data []byte
	done goja.Value // called with 0 or a negative errno
}

// post hands fn to the event loop. It gives up, dropping fn, once the
// runtime is closed.
func (r *Runtime) post(fn func()) bool {
	select {
	case r.loop.posted <- fn:
		return true
	case <-r.closed:
		return false
	}
}

// spawn starts a child. o is the request; onData(fd, chunk) receives its
// output, with a null chunk at the end of each stream; onExit(code,
// signal) its end. It returns the child's handle, or {code, errno} when it
// could not be started.
func (r *Runtime) spawn(o *goja.Object, onData, onExit goja.Value) goja.Value {
	req := r.spawnRequest(o)
	cmd, err := r.command(req)
	if err != nil {
		return r.errnoObject(err)
	}
	var (
		childEnds  []*os.File // closed in this process once the child has them
		readers    = map[int]*os.File{}
		stdinWrite *os.File
	)
	closeAll := func() {
		for _, f := range childEnds {
			f.Close()
		}
		for _, f := range readers {
			f.Close()
		}
		if stdinWrite != nil {
			stdinWrite.Close()
		}
	}
	for fd, how := range req.stdio {
		if how == "inherit" {
			switch fd {
			case 0:
				cmd.Stdin = r.cfg.Stdin
				continue
			case 1, 2:
				// A writer that is not a file is written on this
				// goroutine only: the output goes through a pipe.
				w := r.cfg.Stdout
				if fd == 2 {
					w = r.cfg.Stderr
				}
				if f, ok := w.(*os.File); ok {
					if fd == 1 {
						cmd.Stdout = f
					} else {
						cmd.Stderr = f
					}
					continue
				}
			}
		}
		if how == "ignore" {
			continue
		}
		pr, pw, err := os.Pipe()
		if err != nil {
			closeAll()
			return r.errnoObject(err)
		}
		if fd == 0 {
			cmd.Stdin, stdinWrite = pr, pw
			childEnds = append(childEnds, pr)
			continue
		}
		if fd == 1 {
			cmd.Stdout = pw
		} else {
			cmd.Stderr = pw
		}
		childEnds = append(childEnds, pw)
		readers[fd] = pr
	}
	if err := cmd.Start(); err != nil {
		closeAll()
		return r.errnoObject(err)
	}
	for _, f := range childEnds {
		f.Close()
	}
	c := &child{r: r, cmd: cmd, ref: true}
	// Output passed on for an inherited fd is written before the exit is
	// reported, as it would be were the child writing to the fd itself.
	var inherited sync.WaitGroup
	for fd, f := range readers {
		inherit := req.stdio[fd] == "inherit"
		if inherit {
			inherited.Add(1)
		}
		r.loop.pending++
		go func() {
			if inherit {
				defer inherited.Done()
			}
			r.readChild(f, fd, onData, inherit)
		}()
	}
	r.loop.pending++
	go func() {
		cmd.Wait()
		inherited.Wait()
		code, sig := exitStatus(cmd.ProcessState)
		r.post(func() {
			c.exited = true
			if c.ref {
				r.loop.pending--
			}
			if sig != 0 {
				r.call(onExit, goja.Undefined(), goja.Null(), r.vm.ToValue(sig))
			} else {
				r.call(onExit, goja.Undefined(), r.vm.ToValue(code), goja.Null())
			}
		})
	}()
	h := r.vm.NewObject()
	h.Set("pid", cmd.Process.Pid)
	// kill returns 0, or {code, errno} when the signal was not sent.
	h.Set("kill", func(sig int) goja.Value {
		err := error(syscall.ESRCH)
		if !c.exited {
			err = signalProcess(cmd.Process, sig)
		}
		if err != nil {
			return r.errnoObject(err)
		}
		return r.vm.ToValue(0)
	})
	h.Set("ref", func() {
		if !c.ref && !c.exited {
			c.ref = true
			r.loop.pending++
		}
	})
	h.Set("unref", func() {
		if c.ref && !c.exited {
			c.ref = false
			r.loop.pending--
		}
	})
	if stdinWrite != nil {
		c.stdin = make(chan pendingWrite, 64)
		go c.writeStdin(stdinWrite, c.stdin)
		h.Set("write", c.write)
		h.Set("end", c.endStdin)
	}
	return h
}

// readChild delivers a child's output on fd until its end; with inherit,
// the runtime's own writer prints it instead.
func (r *Runtime) readChild(f *os.File, fd int, onData goja.Value, inherit bool) {
	defer f.Close()
	buf := make([]byte, 64*1024)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			chunk := append([]byte(nil), buf[:n]...)
			ok := r.post(func() {
				switch {
				case !inherit:
					r.call(onData, goja.Undefined(), r.vm.ToValue(fd), r.vm.ToValue(r.vm.NewArrayBuffer(chunk)))
				case fd == 1:
					r.cfg.Stdout.Write(chunk)
				default:
					r.cfg.Stderr.Write(chunk)
				}
			})
			if !ok {
				return
			}
		}
		if err != nil {
			r.post(func() {
				r.loop.pending--
				if !inherit {
					r.call(onData, goja.Undefined(), r.vm.ToValue(fd), goja.Null())
				}
			})
			return
		}
	}
}

// write queues data for the child's stdin; done is called on the loop
// with 0 or a negative errno once it is written.
func (c *child) write(data goja.Value, done goja.Value) {
	if c.stdin == nil {
		return
	}
	c.r.loop.pending++
	c.stdin <- pendingWrite{data: append([]byte(nil), c.r.bytesOf(data, "chunk", chunkTypes)...), done: done}
}

// endStdin closes the child's stdin after what was queued.
func (c *child) endStdin() {
	if c.stdin != nil {
		close(c.stdin)
		c.stdin = nil
	}
}

// writeStdin writes the queued data, in order, on its own goroutine: a
// child that does not read must not block the event loop.
func (c *child) writeStdin(f *os.File, queue <-chan pendingWrite) {
	defer f.Close()
	failed := 0
	for w := range queue {
		if failed == 0 {
			if _, err := f.Write(w.data); err != nil {
				_, failed, _ = nodelib.Errno(err)
			}
		}
		status := failed
		c.r.post(func() {
			c.r.loop.pending--
			if w.done != nil && !goja.IsUndefined(w.done) {
				c.r.call(w.done, goja.Undefined(), c.r.vm.ToValue(status))
			}
		})
	}
}

// spawnBinding is the "spawn" binding of child_process.js.
func (r *Runtime) spawnBinding() *goja.Object {
	b := r.vm.NewObject()
	b.Set("spawn", r.spawn)
	b.Set("spawnSync", r.spawnSync)
	return b
}
