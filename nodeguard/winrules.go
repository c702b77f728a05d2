package nodeguard

// The rules of the Windows broker that need no Windows to state: the C
// runtime's descriptor table handed to node, the names of the broker's
// folder and pipe, the paths node is given. They are plain Go, without
// build tags, so that they are tested on every system; the calls into
// Windows are in *_windows.go.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf16"
)

// crtFD is one entry of the descriptor table a Windows parent hands the C
// runtime of its child in STARTUPINFO's lpReserved2, which is how libuv
// gives node descriptors beyond standard input, output and error (and how
// node gives fork()'s IPC channel to its children). Node's fs.readSync and
// fs.writeSync take these numbers, synchronously.
type crtFD struct {
	Flags  byte
	Handle uint64 // a HANDLE, pointer-sized in the table
}

// The C runtime's flags of an entry (FOPEN, FPIPE, FDEV in its lowio
// headers, as libuv's process-stdio.c spells them).
const (
	crtOpen   = 0x01
	crtPipe   = 0x08
	crtDevice = 0x40
)

// encodeCRTFDs lays out the table: a 32-bit count, one flag byte per
// descriptor, then one handle per descriptor, each handleSize bytes (the
// size of a HANDLE: 8 on 64-bit Windows, 4 on 32-bit), all unaligned and
// little-endian.
func encodeCRTFDs(fds []crtFD, handleSize int) []byte {
	n := len(fds)
	buf := make([]byte, 4+n+n*handleSize)
	binary.LittleEndian.PutUint32(buf, uint32(n))
	for i, fd := range fds {
		buf[4+i] = fd.Flags
		h := buf[4+n+i*handleSize:]
		if handleSize == 8 {
			binary.LittleEndian.PutUint64(h, fd.Handle)
		} else {
			binary.LittleEndian.PutUint32(h, uint32(fd.Handle))
		}
	}
	return buf
}

// maxCRTFDs bounds the table a parent can make this process read: the C
// runtime's own limit on inherited descriptors.
const maxCRTFDs = 2048

// decodeCRTFDs reads a table encodeCRTFDs laid out, as the C runtime does,
// refusing one whose count does not fit its size.
func decodeCRTFDs(buf []byte, handleSize int) ([]crtFD, error) {
	if len(buf) < 4 {
		return nil, errors.New("C runtime descriptor table shorter than its count")
	}
	n := int(binary.LittleEndian.Uint32(buf))
	if n < 0 || n > maxCRTFDs || len(buf) < 4+n+n*handleSize {
		return nil, fmt.Errorf("C runtime descriptor table of %d bytes cannot hold %d descriptors", len(buf), n)
	}
	fds := make([]crtFD, n)
	for i := range fds {
		fds[i].Flags = buf[4+i]
		h := buf[4+n+i*handleSize:]
		if handleSize == 8 {
			fds[i].Handle = binary.LittleEndian.Uint64(h)
		} else {
			fds[i].Handle = uint64(binary.LittleEndian.Uint32(h))
		}
	}
	return fds, nil
}

// brokerDirPrefix begins the name of a Windows broker's private folder,
// which holds node's shim (node.exe) and the bootstrap; the rest of the
// name is the broker's id, which also names its pipe.
const brokerDirPrefix = "intact-node-"

// brokerIDLen is the length of a broker id: 16 random bytes in hex.
const brokerIDLen = 32

// brokerPipeName is the named pipe of broker id: node's worker threads
// connect to it for their channels, and node children started through the
// shim for the broker's shim configuration.
func brokerPipeName(id string) string { return `\\.\pipe\` + brokerDirPrefix + id }

// shimBrokerID returns the id of the broker whose private folder holds
// exe, the shim's own executable: a shim knows its broker by where it runs
// from, never by its environment or command line, which the application
// chooses.
func shimBrokerID(exe string) (string, bool) {
	dir := exe[:max(strings.LastIndexAny(exe, `\/`), 0)]
	name := dir[strings.LastIndexAny(dir, `\/`)+1:]
	id, ok := strings.CutPrefix(name, brokerDirPrefix)
	if !ok || len(id) != brokerIDLen {
		return "", false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false
		}
	}
	return id, true
}

// isWindowsShimName reports whether argv0 names node's shim on Windows:
// node.exe in a broker's private folder (fork and process.execPath), or
// "node" found on PATH, in any case.
func isWindowsShimName(argv0 string) bool {
	base := argv0[strings.LastIndexAny(argv0, `\/`)+1:]
	return strings.EqualFold(base, "node") || strings.EqualFold(base, "node.exe")
}

// maxPath is the longest path Windows takes without the \\?\ prefix.
const maxPath = 260

// plainPath turns the path GetFinalPathNameByHandle returns (\\?\C:\dir\f,
// \\?\UNC\server\share\f) into the form every program accepts, C:\dir\f or
// \\server\share\f, when that names the same file: no longer than MAX_PATH
// (the prefix is what lifts the limit), and with no name that Win32 path
// normalisation, which the prefix turns off, would change (win32Stable).
// Otherwise the plain path could name another file than the handle pins,
// and that other file would be checked and loaded.
func plainPath(final string) string {
	var plain, names string
	switch {
	case strings.HasPrefix(final, `\\?\UNC\`):
		names = final[len(`\\?\UNC\`):]
		plain = `\\` + names
	case strings.HasPrefix(final, `\\?\`) && len(final) > 6 && final[5] == ':':
		plain = final[len(`\\?\`):]
		names = strings.TrimPrefix(plain[2:], `\`)
	default:
		return final
	}
	if len(plain) >= maxPath || !win32Stable(names) {
		return final
	}
	return plain
}

// win32Stable reports whether Win32 path normalisation leaves every name
// of a backslash-separated path as it is. It drops trailing dots and
// spaces (of the last name; a single trailing dot of any), collapses
// empty names, "." and "..", and turns DOS device names (CON, NUL, COM1,
// and on older Windows CON.txt or "NUL .x" as well) into devices. Any
// such name, wherever it is, makes the path unstable: a folder has no
// reason to be named so, and the \\?\ form then still names the file.
func win32Stable(names string) bool {
	if names == "" {
		return true // the volume's root
	}
	for _, name := range strings.Split(names, `\`) {
		if name == "" || strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
			return false
		}
		base := name
		if i := strings.IndexAny(base, ".:"); i >= 0 {
			base = base[:i]
		}
		if dosDevices[strings.ToUpper(strings.TrimRight(base, " "))] {
			return false
		}
	}
	return true
}

// dosDevices are the names Win32 takes for devices rather than files.
var dosDevices = func() map[string]bool {
	m := map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true, "CLOCK$": true}
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\u00b9", "\u00b2", "\u00b3"} {
		m["COM"+d], m["LPT"+d] = true, true
	}
	return m
}()

// sameContent reports whether a and b hold the same bytes: a shim that
// was copied rather than linked into its broker's folder knows its broker
// by running the same program.
func sameContent(a, b io.Reader) (bool, error) {
	bufA, bufB := make([]byte, 64<<10), make([]byte, 64<<10)
	for {
		na, errA := io.ReadFull(a, bufA)
		nb, errB := io.ReadFull(b, bufB)
		if !bytes.Equal(bufA[:na], bufB[:nb]) {
			return false, nil
		}
		endA := errA == io.EOF || errA == io.ErrUnexpectedEOF
		endB := errB == io.EOF || errB == io.ErrUnexpectedEOF
		switch {
		case errA != nil && !endA:
			return false, errA
		case errB != nil && !endB:
			return false, errB
		case endA || endB:
			return endA == endB, nil
		}
	}
}

// envBlock is an environment as CreateProcess takes it: each NAME=value
// followed by a NUL, and one more NUL at the end.
func envBlock(env []string) ([]uint16, error) {
	var block []uint16
	for _, kv := range env {
		if strings.IndexByte(kv, 0) >= 0 {
			name, _, _ := strings.Cut(kv, "=")
			return nil, fmt.Errorf("environment variable %q holds a NUL byte", name)
		}
		block = append(block, utf16.Encode([]rune(kv))...)
		block = append(block, 0)
	}
	if len(block) == 0 {
		block = append(block, 0)
	}
	return append(block, 0), nil
}

// windowsNodeEnv sets in node's environment env what Windows itself reads
// there, whatever env said:
//
//   - SYSTEMROOT and windir, to windowsDir: Windows components expand
//     %SystemRoot% in the paths of DLLs they load (outside review rt71);
//   - NoDefaultCurrentDirectoryInExePath, whose presence keeps a program
//     named without a folder (spawn('node'), a command cmd.exe runs) from
//     being looked for in the working folder before PATH: a node.exe there
//     would run instead of the shim, and code nobody checked with it
//     (rt71). Node's children inherit it with node's environment.
//
// Windows' variable names are case-insensitive: each replaces every
// spelling of its name.
func windowsNodeEnv(env []string, windowsDir string) []string {
	for _, kv := range []string{"SYSTEMROOT=" + windowsDir, "windir=" + windowsDir, "NoDefaultCurrentDirectoryInExePath=1"} {
		name, _, _ := strings.Cut(kv, "=")
		env = append(slices.DeleteFunc(env, func(old string) bool {
			n, _, _ := strings.Cut(old, "=")
			return strings.EqualFold(n, name)
		}), kv)
	}
	return env
}

// remotePath reports whether final, a path GetFinalPathNameByHandle gave,
// is on a network share (a mapped drive letter too resolves to one). Such
// a file's server answers each open as it likes: the bytes checked through
// one handle need not be those the image loader maps through another
// (outside review rt71).
func remotePath(final string) bool {
	return len(final) >= len(`\\?\UNC\`) && strings.EqualFold(final[:len(`\\?\UNC\`)], `\\?\UNC\`)
}

// loadedBeside reports whether Windows' loader may take a file named name
// in the folder of the program exe (its base name) into that program: a
// DLL, which the loader looks for in the program's folder, or the
// program's DLL redirection folder (exe.local).
func loadedBeside(name, exe string) bool {
	ext := name[strings.LastIndexByte(name, '.')+1:]
	return strings.EqualFold(ext, "dll") && len(name) > len(".dll") || strings.EqualFold(name, exe+".local")
}
