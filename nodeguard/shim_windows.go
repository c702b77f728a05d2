package nodeguard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// isSealedCopy reports whether path names a broker's sealed copy of a
// policy: on Windows, node children take the policies' paths.
func isSealedCopy(string) bool { return false }

// IsShimName reports whether argv0 is a name under which intact is node's
// shim: node.exe in a broker's private folder (fork and process.execPath)
// or "node" found on PATH.
func IsShimName(argv0 string) bool { return isWindowsShimName(argv0) }

// LoadShimConfig returns the configuration of the intact node broker whose
// node started this process as the shim. The shim runs from the broker's
// private folder, whose name gives the broker's pipe (shimBrokerID); it
// asks the broker there, and believes the answer only from a process that
// runs this same program (the broker, whose executable the shim is a link
// to or a copy of): so neither a child's environment and command line,
// which the application sets, nor a pipe server the application makes,
// can give a child another node binary. found is false when no broker
// started this process.
func LoadShimConfig(argv0 string) (cfg ShimConfig, found bool, err error) {
	if !IsShimName(argv0) {
		return ShimConfig{}, false, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim: %w", err)
	}
	id, ok := shimBrokerID(exe)
	if !ok {
		return ShimConfig{}, false, nil
	}
	pipe := brokerPipeName(id)
	conn, err := dialPipe(pipe)
	if err != nil {
		if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
			return ShimConfig{}, false, nil // the broker has exited
		}
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration from %s: %w", pipe, err)
	}
	defer conn.Close()
	var server uint32
	if err := windows.GetNamedPipeServerProcessId(conn.h, &server); err != nil {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration from %s: %w", pipe, err)
	}
	// Read first, judge the server after: the broker holds one of its few
	// places for shims (maxShimSends) until this has read, and judging it
	// can take a while (runsProgram may compare two executables whole).
	// Nothing read is used before the server passes.
	data, err := io.ReadAll(io.LimitReader(conn, 1<<20))
	if err != nil {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration from %s: %w", pipe, err)
	}
	if err := runsProgram(server, exe); err != nil {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration from %s is not trusted: %w", pipe, err)
	}
	if len(data) == 0 {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration from %s: the broker sent none: "+
			"it sends %d at once, and other processes held every place", pipe, maxShimSends)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return ShimConfig{}, false, fmt.Errorf("intact node's shim configuration from %s: %w", pipe, err)
	}
	return cfg, true, nil
}

// dialPipe connects to a named pipe for reading, waiting while every
// instance is busy. The server may identify the shim but not impersonate
// it (SECURITY_IDENTIFICATION): a server other than the broker, which the
// shim judges only after it has read, gets no use of the shim's token.
func dialPipe(name string) (*pipeHandle, error) {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		h, err := windows.CreateFile(p, windows.GENERIC_READ, 0, nil, windows.OPEN_EXISTING,
			windows.SECURITY_SQOS_PRESENT|windows.SECURITY_IDENTIFICATION, 0)
		if err == nil {
			return &pipeHandle{h: h}, nil
		}
		if !errors.Is(err, windows.ERROR_PIPE_BUSY) || time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(time.Millisecond)
	}
}

// runsProgram checks that process pid runs the program at exe: the same
// file (a hard link of it), or a file with the same bytes (a copy).
func runsProgram(pid uint32, exe string) error {
	proc, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return fmt.Errorf("process %d: %w", pid, err)
	}
	defer windows.CloseHandle(proc)
	buf := make([]uint16, windows.MAX_LONG_PATH)
	size := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(proc, 0, &buf[0], &size); err != nil {
		return fmt.Errorf("process %d: %w", pid, err)
	}
	image := windows.UTF16ToString(buf[:size])
	theirs, err := os.Open(image)
	if err != nil {
		return fmt.Errorf("process %d's program: %w", pid, err)
	}
	defer theirs.Close()
	ours, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer ours.Close()
	a, errA := theirs.Stat()
	b, errB := ours.Stat()
	if errA != nil || errB != nil {
		return errors.Join(errA, errB)
	}
	if os.SameFile(a, b) {
		return nil
	}
	if a.Size() == b.Size() {
		if same, err := sameContent(theirs, ours); err != nil || same {
			return err
		}
	}
	return fmt.Errorf("process %d runs %s, not %s", pid, image, exe)
}

// inheritedIPC is fork()'s IPC channel that a node parent handed this
// process (NODE_CHANNEL_FD) as a C runtime descriptor, if any: the
// descriptor that variable names in the table this process was started
// with, open, and a pipe, as node's channel is. It is passed on to node at
// the same number, so fork()'s IPC works through the shim.
var inheritedIPC = func() (ipc struct {
	fd    int
	h     windows.Handle
	flags byte
}) {
	ipc.fd = -1
	n, err := strconv.Atoi(os.Getenv(envChannelFD))
	if err != nil || n < 3 {
		return ipc
	}
	var si startupInfoEx
	windows.GetStartupInfo((*windows.StartupInfo)(unsafe.Pointer(&si)))
	if si.CbReserved2 == 0 || si.LpReserved2 == nil {
		return ipc
	}
	table, err := decodeCRTFDs(unsafe.Slice(si.LpReserved2, si.CbReserved2), int(unsafe.Sizeof(uintptr(0))))
	if err != nil || n >= len(table) || table[n].Flags&crtOpen == 0 {
		return ipc
	}
	h := windows.Handle(table[n].Handle)
	if t, err := windows.GetFileType(h); err != nil || t != windows.FILE_TYPE_PIPE {
		return ipc
	}
	ipc.fd, ipc.h, ipc.flags = n, h, table[n].Flags
	return ipc
}()
