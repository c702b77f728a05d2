package nodeguard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"sync"

	"github.com/intactdev/intact/internal/linuxsec"
	"github.com/intactdev/intact/internal/regularfile"
	"github.com/intactdev/intact/sipolicy"
	"golang.org/x/sys/unix"
)

// sealedFile returns a memfd named name holding data, sealed against
// writing, growing, shrinking and further sealing: its content is fixed
// for as long as anyone holds it.
func sealedFile(name string, data []byte) (*os.File, error) {
	f, err := sealableFile(name)
	if err != nil {
		return nil, err
	}
	return fillSealed(f, data)
}

// sealableFile makes an empty memfd for fillSealed, for a caller that
// needs its descriptor's number before its contents.
func sealableFile(name string) (*os.File, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), "memfd:"+name), nil
}

// fillSealed writes data into the new memfd f and seals it with
// fullSeals. On failure it closes f.
func fillSealed(f *os.File, data []byte) (*os.File, error) {
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, fullSeals); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// fullSeals are the seals of every memfd a broker hands out.
const fullSeals = unix.F_SEAL_WRITE | unix.F_SEAL_GROW | unix.F_SEAL_SHRINK | unix.F_SEAL_SEAL

// writeShimConfig keeps cfg in a sealed memfd, which node children started
// through the shim find among this process's descriptors
// (LoadShimConfig). The caller keeps it open while node runs.
func writeShimConfig(cfg ShimConfig) (*os.File, error) {
	data, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	f, err := sealedFile(shimConfigName, data)
	if err != nil {
		return nil, fmt.Errorf("keeping intact node's shim configuration: %w", err)
	}
	return f, nil
}

// sealedPolicies returns sealed copies of the policy files, which node
// children load (as /proc/<broker>/fd/<n>) instead of the files: root in
// node's tree could rewrite a policy file outside the folders it cannot
// write, and node children started through the shim would load what it
// wrote (outside review rt19). The copies hold what the files held before
// node started. On error it returns the copies made so far, for the caller
// to close.
func sealedPolicies(paths []string) ([]*os.File, error) {
	var files []*os.File
	for _, p := range paths {
		data, err := regularfile.Read(p, sipolicy.MaxFileSize)
		if err != nil {
			return files, fmt.Errorf("policy %s: %w", p, err)
		}
		f, err := sealedFile("intact-node-policy", data)
		if err != nil {
			return files, fmt.Errorf("keeping policy %s for node children: %w", p, err)
		}
		files = append(files, f)
	}
	return files, nil
}

// readSealed reads a memfd, refusing one that is not fully sealed (whose
// content its holder could still change).
func readSealed(path string) ([]byte, error) {
	f, err := openSealed(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<20))
}

// openSealed opens a memfd, refusing one that is not fully sealed.
func openSealed(path string) (*os.File, error) {
	f, err := regularfile.Open(path) // a memfd is a regular file
	if err != nil {
		return nil, err
	}
	seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err == nil && seals&fullSeals != fullSeals {
		err = errors.New("not sealed")
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// brokerShimConfig reads the shim configuration of process pid, if it is a
// broker: the same executable as this one, holding a sealed memfd named
// shimConfigName. pid may also name one of the process's threads.
//
// Each of its threads is tried, the one pid names first: a confined node
// and its children reach a broker only through its thread in their
// Landlock domain (see starter), and /proc/<id>/fd of its other tasks is
// closed to them.
//
// The broker is pinned first (a pidfd of its process) and found alive
// after everything is read, its policies' sealed copies opened as this
// process's own descriptors: so every /proc/<id> path read in between was
// the broker's, not that of a process that took its number after it
// exited, while this one was stopped (outside review rt20: a policy of the
// application's own, under a reused number, was loaded as the broker's).
func brokerShimConfig(pid int) (ShimConfig, bool, error) {
	tgid, err := threadGroup(pid)
	if err != nil {
		return ShimConfig{}, false, nil
	}
	pidfd, err := unix.PidfdOpen(tgid, 0)
	if err != nil {
		return ShimConfig{}, false, nil // gone
	}
	defer unix.Close(pidfd)
	// Only from an ancestor: a process of the application's, a child of
	// node, could hold a sealed memfd of that name too, with a
	// configuration of its choosing (outside review rt14). Checked once
	// the process is pinned: one that took an ancestor's number since is
	// younger than this one, never its ancestor.
	if !isAncestor(tgid) {
		return ShimConfig{}, false, nil
	}
	// A broker that confines node starts it in a Landlock domain of one
	// thread's own, below its other threads, which are closed to node and
	// what node starts (Landlock lets a process inspect only tasks in its
	// domain or one nested in it). An intact that node's tree started and
	// stopped before it made a domain or a configuration of its own holds
	// what its parent left it, a sealed memfd named as a broker's
	// configuration too, and all its threads are open to that parent's
	// other children (outside review rt21): it is no broker of theirs.
	//
	// That holds where node is confined, which this process knows by the
	// broker's seccomp filter it runs under (UnderDenyTracing), or, where
	// no such filter can be installed (an architecture whose system call
	// numbers intact does not know), by Landlock being there to confine
	// (outside review rt75). Where node is not confined (a policy that
	// only audits, a kernel without Landlock, a node that is no ELF
	// program), nothing is closed, and node's tree can run node unchecked
	// anyway: asking for a closed task there refused every node child
	// (found under an audit policy; outside review rt74 found that a
	// domain made for the purpose took sudo and mount from node's tree).
	confined := linuxsec.UnderDenyTracing() || !linuxsec.DenyTracingSupported() && linuxsec.DenyExecSupported() == nil
	if confined && !hasClosedTask(tgid) {
		return ShimConfig{}, false, nil
	}
	cfg, id, found, err := pinnedShimConfig(pid, tgid)
	if !found || err != nil {
		return cfg, found, err
	}
	for i, p := range cfg.Policies {
		if !isSealedCopy(p) {
			continue
		}
		f, err := openSealed(p)
		if err != nil {
			return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration: policy %s: %w", p, err)
		}
		heldPolicies = append(heldPolicies, f)
		cfg.Policies[i] = fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), f.Fd())
	}
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	_, taskErr := os.Stat(fmt.Sprintf("/proc/%d/task/%d", tgid, id))
	if err != nil || n != 0 || taskErr != nil {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration: the broker %d ended while it was read", id)
	}
	return cfg, true, nil
}

// hasClosedTask reports whether a task of process tgid is closed to this
// one: its executable cannot be read (EACCES).
func hasClosedTask(tgid int) bool {
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(tgid) + "/task")
	if err != nil {
		return false
	}
	for _, t := range tasks {
		_, err := os.Readlink("/proc/" + strconv.Itoa(tgid) + "/task/" + t.Name() + "/exe")
		if errors.Is(err, fs.ErrPermission) {
			return true
		}
	}
	return false
}

// loaderInjectable reports whether the process at proc (/proc/<id>) runs
// this executable with variables that make the dynamic loader map a
// library of their choosing into it, when this executable is dynamically
// linked: node's tree can start intact so, and the library can make it
// pose as a broker, with a configuration and threads in Landlock domains
// of its own (outside review rt22). A statically linked intact (intact-node
// as documented) has no loader to inject into. It only raises the bar: the
// environment /proc shows is the process's own memory, which an injected
// library can rewrite (outside review rt26), and what such a program gains
// is no more than running node's ELF interpreter on node (doc/node.md).
func loaderInjectable(proc string) bool {
	if !dynamicallyLinked() {
		return false
	}
	env, err := os.ReadFile(proc + "/environ")
	if err != nil {
		return true // not known: as if it were
	}
	for _, kv := range bytes.Split(env, []byte{0}) {
		for _, name := range []string{"LD_PRELOAD=", "LD_AUDIT=", "LD_LIBRARY_PATH="} {
			if bytes.HasPrefix(kv, []byte(name)) {
				return true
			}
		}
	}
	return false
}

// dynamicallyLinked reports whether this executable has an ELF
// interpreter.
var dynamicallyLinked = sync.OnceValue(func() bool {
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		return true
	}
	defer f.Close()
	interp, err := linuxsec.ELFInterpreter(f)
	return err != nil || interp != ""
})

// heldPolicies are the broker's sealed policy copies that this process, its
// shim, opened: held open for its whole life, since it loads them by their
// /proc/<pid>/fd paths after LoadShimConfig returns, and so may the node
// children of the broker it becomes.
var heldPolicies []*os.File

// pinnedShimConfig is brokerShimConfig's reading of process tgid's tasks,
// pid's first; it also returns the task whose configuration it read.
func pinnedShimConfig(pid, tgid int) (ShimConfig, int, bool, error) {
	ids := []int{pid}
	if tasks, err := os.ReadDir("/proc/" + strconv.Itoa(tgid) + "/task"); err == nil {
		for _, t := range tasks {
			if id, err := strconv.Atoi(t.Name()); err == nil && id != pid {
				ids = append(ids, id)
			}
		}
	}
	for _, id := range ids {
		if cfg, found, err := taskShimConfig(id); found || err != nil {
			return cfg, id, found, err
		}
	}
	return ShimConfig{}, 0, false, nil
}

// taskShimConfig reads the shim configuration of the broker task id.
func taskShimConfig(id int) (ShimConfig, bool, error) {
	proc := "/proc/" + strconv.Itoa(id)
	if !sameFile(proc+"/exe", "/proc/self/exe") || loaderInjectable(proc) {
		return ShimConfig{}, false, nil
	}
	entries, err := os.ReadDir(proc + "/fd")
	if err != nil {
		return ShimConfig{}, false, nil
	}
	// Exactly one: a broker that node's tree started (a nested one, through
	// the shim) inherits whatever descriptors that code left it, and a
	// sealed memfd so named among them would be a configuration of the
	// application's choosing (outside review rt15). The broker's own is
	// always there, so two mean one was planted.
	var found string
	for _, e := range entries {
		fdPath := proc + "/fd/" + e.Name()
		target, err := os.Readlink(fdPath)
		if err != nil || target != "/memfd:"+shimConfigName+" (deleted)" {
			continue
		}
		if found != "" {
			return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration: the broker %d holds two (%s and %s): one was not its own", id, found, fdPath)
		}
		found = fdPath
	}
	if found == "" {
		return ShimConfig{}, false, nil
	}
	data, err := readSealed(found)
	if err != nil {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration in %s: %w", found, err)
	}
	var cfg ShimConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration in %s: %w", found, err)
	}
	return cfg, true, nil
}
