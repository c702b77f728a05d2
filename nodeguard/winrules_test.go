package nodeguard

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestCRTFDs: the descriptor table handed to node.exe is laid out as the C
// runtime and libuv read it, for 64- and 32-bit handles, and a table whose
// count does not fit its size is refused rather than read past its end.
func TestCRTFDs(t *testing.T) {
	fds := []crtFD{{crtOpen | crtDevice, 0x10}, {crtOpen, 0x14}, {crtOpen, 0x18}, {}, {crtOpen | crtPipe, 0x1234}}
	for _, size := range []int{8, 4} {
		buf := encodeCRTFDs(fds, size)
		if len(buf) != 4+5+5*size {
			t.Fatalf("%d-byte handles: table of %d bytes", size, len(buf))
		}
		// Count, flags, then the handles, unaligned.
		if buf[0] != 5 || buf[4] != crtOpen|crtDevice || buf[8] != crtOpen|crtPipe || buf[9] != 0x10 || buf[9+4*size] != 0x34 {
			t.Errorf("%d-byte handles: table % x", size, buf)
		}
		got, err := decodeCRTFDs(buf, size)
		if err != nil || !slices.Equal(got, fds) {
			t.Errorf("%d-byte handles: decoded %v, %v; want %v", size, got, err, fds)
		}
	}
	buf := encodeCRTFDs(fds, 8)
	for _, bad := range [][]byte{nil, buf[:3], buf[:len(buf)-1], append([]byte{0xff, 0xff, 0xff, 0x7f}, buf[4:]...)} {
		if got, err := decodeCRTFDs(bad, 8); err == nil {
			t.Errorf("table % x: decoded %v, want an error", bad, got)
		}
	}
}

// TestShimBrokerID: a shim finds its broker only from a broker's private
// folder, by the id in the folder's name.
func TestShimBrokerID(t *testing.T) {
	id := strings.Repeat("0123456789abcdef", 2)
	for exe, want := range map[string]string{
		`C:\Users\u\AppData\Local\Temp\intact-node-` + id + `\node.exe`:  id,
		`Z:/tmp/intact-node-` + id + `/node.exe`:                         id,
		`C:\Users\u\AppData\Local\Temp\intact-node-` + id + `x\node.exe`: "",
		`C:\Users\u\intact-node-` + strings.ToUpper(id) + `\node.exe`:    "",
		`C:\Users\u\intact-node-` + id[:31] + `g\node.exe`:               "",
		`C:\Program Files\intact\intact.exe`:                             "",
		`node.exe`:                                                       "",
	} {
		got, ok := shimBrokerID(exe)
		if got != want || ok != (want != "") {
			t.Errorf("shimBrokerID(%q) = %q, %v; want %q", exe, got, ok, want)
		}
	}
	if got := brokerPipeName(id); got != `\\.\pipe\intact-node-`+id {
		t.Errorf("pipe name %q", got)
	}
}

func TestWindowsShimName(t *testing.T) {
	for argv0, want := range map[string]bool{
		"node": true, "NODE.EXE": true, `C:\x\intact-node-1\node.exe`: true, "C:/x/Node.exe": true,
		"intact.exe": false, `C:\node\intact.exe`: false, "nodejs": false, "node.exe.bak": false,
	} {
		if got := isWindowsShimName(argv0); got != want {
			t.Errorf("isWindowsShimName(%q) = %v", argv0, got)
		}
	}
}

func TestPlainPath(t *testing.T) {
	long := `\\?\C:\` + strings.Repeat(`d\`, 130) + "addon.node"
	for final, want := range map[string]string{
		`\\?\C:\app\node_modules\x\addon.node`: `C:\app\node_modules\x\addon.node`,
		`\\?\UNC\server\share\addon.node`:      `\\server\share\addon.node`,
		long:                                   long,
		`\\?\Volume{0b1c}\addon.node`:          `\\?\Volume{0b1c}\addon.node`,
		`C:\already\plain.node`:                `C:\already\plain.node`,
		// Names Win32 normalisation would change without the prefix: the
		// plain path would name another file than the one pinned.
		`\\?\C:\app\x\addon.node.`:         `\\?\C:\app\x\addon.node.`,
		`\\?\C:\app\x\addon.node `:         `\\?\C:\app\x\addon.node `,
		`\\?\C:\app\x.\addon.node`:         `\\?\C:\app\x.\addon.node`,
		`\\?\C:\app\x \addon.node`:         `\\?\C:\app\x \addon.node`,
		`\\?\C:\app\...\addon.node`:        `\\?\C:\app\...\addon.node`,
		`\\?\C:\app\x\CON.node`:            `\\?\C:\app\x\CON.node`,
		`\\?\C:\app\x\nul`:                 `\\?\C:\app\x\nul`,
		`\\?\C:\app\x\Com1.dll`:            `\\?\C:\app\x\Com1.dll`,
		`\\?\C:\app\x\lpt9 .node`:          `\\?\C:\app\x\lpt9 .node`,
		`\\?\C:\app\x\COM¹.node`:           `\\?\C:\app\x\COM¹.node`,
		`\\?\C:\app\x\conin$`:              `\\?\C:\app\x\conin$`,
		`\\?\C:\aux\x\addon.node`:          `\\?\C:\aux\x\addon.node`,
		`\\?\UNC\server\share\x\prn.node`:  `\\?\UNC\server\share\x\prn.node`,
		`\\?\UNC\server\share\addon.node.`: `\\?\UNC\server\share\addon.node.`,
		// Names that only look like them keep the plain form.
		`\\?\C:\app\console\com10.node`: `C:\app\console\com10.node`,
		`\\?\C:\app\.bin\x.node`:        `C:\app\.bin\x.node`,
	} {
		if got := plainPath(final); got != want {
			t.Errorf("plainPath(%q) = %q, want %q", final, got, want)
		}
	}
}

func TestSameContent(t *testing.T) {
	big := bytes.Repeat([]byte("intact"), 50000) // several buffers' worth
	for _, tc := range []struct {
		a, b []byte
		want bool
	}{
		{big, big, true},
		{nil, nil, true},
		{big, big[:len(big)-1], false},
		{big[:len(big)-1], big, false},
		{big, append(bytes.Clone(big[:len(big)-1]), 'X'), false},
	} {
		got, err := sameContent(bytes.NewReader(tc.a), bytes.NewReader(tc.b))
		if err != nil || got != tc.want {
			t.Errorf("%d and %d bytes: %v, %v; want %v", len(tc.a), len(tc.b), got, err, tc.want)
		}
	}
}

func TestEnvBlock(t *testing.T) {
	got, err := envBlock([]string{"A=1", "PATH=C:\\é"})
	want := []uint16{'A', '=', '1', 0, 'P', 'A', 'T', 'H', '=', 'C', ':', '\\', 'é', 0, 0}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("envBlock = %v, %v; want %v", got, err, want)
	}
	if got, err := envBlock(nil); err != nil || !slices.Equal(got, []uint16{0, 0}) {
		t.Errorf("empty environment: %v, %v", got, err)
	}
	if _, err := envBlock([]string{"A=1\x00B=2"}); err == nil {
		t.Error("a NUL inside a variable passed: it would end the variable early and add another")
	}
}

// TestWindowsNodeEnv: node's environment names the system's Windows
// folder, whatever the caller's said and however it spelled the names,
// and keeps programs from being looked for in the working folder.
func TestWindowsNodeEnv(t *testing.T) {
	env := windowsNodeEnv([]string{`Path=C:\bin`, `SystemRoot=C:\evil`, `WINDIR=C:\evil`, "nodefaultcurrentdirectoryinexepath="}, `C:\Windows`)
	want := []string{`Path=C:\bin`, `SYSTEMROOT=C:\Windows`, `windir=C:\Windows`, "NoDefaultCurrentDirectoryInExePath=1"}
	if !slices.Equal(env, want) {
		t.Errorf("windowsNodeEnv = %q, want %q", env, want)
	}
	if env := windowsNodeEnv(nil, `D:\WINNT`); !slices.Contains(env, `SYSTEMROOT=D:\WINNT`) || !slices.Contains(env, "NoDefaultCurrentDirectoryInExePath=1") {
		t.Errorf("from nothing: %q", env)
	}
}

// TestRemotePath: a file on a network share, however its path is spelled
// by GetFinalPathNameByHandle, is remote; a local one is not.
func TestRemotePath(t *testing.T) {
	for final, want := range map[string]bool{
		`\\?\UNC\server\share\node.exe`:        true,
		`\\?\unc\server\share\x.node`:          true,
		`\\?\C:\Program Files\nodejs\node.exe`: false,
		`\\?\UNCLE\node.exe`:                   false,
		`\\?\UN`:                               false,
		``:                                     false,
	} {
		if got := remotePath(final); got != want {
			t.Errorf("remotePath(%q) = %v, want %v", final, got, want)
		}
	}
}

// TestLoadedBeside: the files in a program's folder that Windows' loader
// may take into it are its DLLs, whatever their case, and its DLL
// redirection folder.
func TestLoadedBeside(t *testing.T) {
	for name, want := range map[string]bool{
		"USERENV.dll": true, "dbghelp.DLL": true, "x.Dll": true, "node.exe.local": true, "NODE.EXE.LOCAL": true,
		".dll": false, "dll": false, "node.exe": false, "npm.cmd": false, "readme.dll.txt": false, "other.exe.local": false,
	} {
		if got := loadedBeside(name, "node.exe"); got != want {
			t.Errorf("loadedBeside(%q, node.exe) = %v, want %v", name, got, want)
		}
	}
}
