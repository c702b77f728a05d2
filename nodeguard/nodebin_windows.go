package nodeguard

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/intactdev/intact"
	"golang.org/x/sys/windows"
)

// nodeBinary is the node binary a broker runs, once judged.
type nodeBinary struct {
	path string // as named (for messages and the probe cache)
	// exec is what is executed: path, or the final path of file.
	exec string
	file *os.File // the checked file, held against writers, or nil
}

// checkNodeBinary judges node.exe before anything executes it. Under a
// policy that enforces code integrity (or audits it), it must pass
// Policy.ReadImage, as any image the OS loads: WDAC judges it through
// wldp.dll, and a catalogs policy finds it in a catalog. (Unlike on Linux,
// a binary only administrators can change is not exempt: intact does not
// judge Windows access control lists of its own.)
//
// The file is opened first, with read sharing only, and held until node
// has exited: while the handle is open nobody can write, delete or rename
// it, nor rename a folder above it, so its final path (without links or
// junctions) names the checked file from the check to CreateProcess.
func checkNodeBinary(p *intact.Policy, path string) (*nodeBinary, error) {
	if !p.ChecksCode() {
		return &nodeBinary{path: path, exec: path}, nil
	}
	f, final, err := openPinned(path)
	if err != nil {
		return nil, fmt.Errorf("the node binary %s: %w", path, err)
	}
	if _, err := p.ReadImage(final); err != nil {
		f.Close()
		return nil, fmt.Errorf("the node binary %s (under a code-integrity policy it must pass as an image: list it in a catalog, or let WDAC allow it): %w", path, err)
	}
	if err := checkBeside(p, final); err != nil {
		f.Close()
		return nil, fmt.Errorf("the node binary %s: %w", path, err)
	}
	return &nodeBinary{path: path, exec: final, file: f}, nil
}

// checkBeside judges what Windows' loader may take into node from
// node.exe's own folder (loadedBeside), which the probe and node load
// before any of intact's checks could see them: each DLL there must pass
// Policy.ReadImage, as node.exe did, and a DLL redirection folder is
// refused. Under WDAC, Windows judges those DLLs itself as it loads them;
// under a catalogs policy nobody else would (outside review rt71: a
// USERENV.dll beside a catalogued node.exe ran in node). Node starts with
// System32 searched first (imageLoadMitigations); the probe, started by
// os/exec, does not.
func checkBeside(p *intact.Policy, exe string) error {
	dir, base := filepath.Split(exe)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("listing its folder, whose DLLs Windows would load into node: %w", err)
	}
	for _, e := range entries {
		if !loadedBeside(e.Name(), base) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if strings.EqualFold(e.Name(), base+".local") {
			return fmt.Errorf("%s redirects the DLLs node.exe loads: remove it", path)
		}
		if _, err := p.ReadImage(path); err != nil {
			return fmt.Errorf("%s beside it would be loaded into node, and does not pass as an image: remove it, or list it in a catalog: %w", path, err)
		}
	}
	return nil
}

func (b *nodeBinary) close() {
	if b.file != nil {
		b.file.Close()
	}
}

// openPinned opens path for reading with read sharing only, which forbids
// others to write, delete or rename the file while the handle is open,
// and returns the handle and the file's final path, in a form any program
// takes (plainPath). A file on a network share is refused: the share's
// server enforces sharing modes as it likes.
func openPinned(path string) (*os.File, string, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, "", err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ, windows.FILE_SHARE_READ, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, "", &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(h), path)
	final, err := finalPath(h)
	if err != nil {
		f.Close()
		return nil, "", &os.PathError{Op: "GetFinalPathNameByHandle", Path: path, Err: err}
	}
	if remotePath(final) {
		f.Close()
		return nil, "", fmt.Errorf("%s is on a network share (%s), whose server could serve the check and Windows' loader different bytes: copy it to a local folder", path, final)
	}
	return f, plainPath(final), nil
}

// GetFinalPathNameByHandle's flags (winbase.h), which
// golang.org/x/sys/windows lacks: a normalized path with a drive letter.
const (
	fileNameNormalized = 0x0
	volumeNameDOS      = 0x0
)

// finalPath is the path of an open file with every link and junction
// resolved.
func finalPath(h windows.Handle) (string, error) {
	buf := make([]uint16, windows.MAX_PATH)
	for {
		n, err := windows.GetFinalPathNameByHandle(h, &buf[0], uint32(len(buf)), fileNameNormalized|volumeNameDOS)
		if err != nil {
			return "", err
		}
		if int(n) < len(buf) {
			return windows.UTF16ToString(buf[:n]), nil
		}
		buf = make([]uint16, n) // n counts the terminating NUL here
	}
}
