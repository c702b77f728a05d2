package nodeguard

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/internal/regularfile"
	"golang.org/x/sys/unix"
)

// nodeBinary is the node binary a broker runs, once judged.
type nodeBinary struct {
	path string // as named (for messages and the probe cache)
	real string // path after symbolic links, once resolved
	// exec is what is executed: path, or /proc/self/fd/<n> of the
	// descriptor whose bytes the policy checked.
	exec   string
	file   *os.File // that descriptor, or nil
	before unix.Stat_t
	// image is the bytes the policy checked, when it checked them, until
	// the broker has made its sealed copy (see newStarter).
	image []byte
}

// checkNodeBinary judges the node binary before anything executes it.
// Under a policy that enforces code integrity (or audits it), a binary
// that anyone but root could write — the file or any folder above it not
// owned by root, or writable by group or others (a sticky folder excepted)
// — must pass Policy.ReadImage on its own bytes, like any other code: the
// operator lists it in a catalog. It is then read and executed through one
// descriptor, /proc/self/fd/<n>, so that no rename can swap it between the
// check and the exec. A root-protected binary is the operating system's to
// guard (as /usr/bin is), and is not hashed on every start: about 120 MB.
func checkNodeBinary(p *intact.Policy, path string) (*nodeBinary, error) {
	if !p.ChecksCode() {
		return &nodeBinary{path: path, exec: path}, nil
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("the node binary %s: %w", path, err)
	}
	if rootProtected(real) {
		// Executed by its resolved path: a symbolic link on the way
		// could be owned by anyone.
		return &nodeBinary{path: path, real: real, exec: real}, nil
	}
	f, err := regularfile.Open(real) // a FIFO is refused, not waited on
	if err != nil {
		return nil, fmt.Errorf("the node binary %s: %w", path, err)
	}
	b := &nodeBinary{path: path, real: real, exec: fmt.Sprintf("/proc/self/fd/%d", f.Fd()), file: f}
	if err := unix.Fstat(int(f.Fd()), &b.before); err != nil {
		f.Close()
		return nil, fmt.Errorf("the node binary %s: %w", path, err)
	}
	// The binary goes to the OS image loader, not a script engine.
	if b.image, err = p.ReadImage(b.exec); err != nil {
		f.Close()
		return nil, fmt.Errorf("the node binary %s (writable by others than root, so it must be in a catalog): %w", path, err)
	}
	if err := b.unchanged(); err != nil {
		f.Close()
		return nil, err
	}
	return b, nil
}

// unchanged refuses a checked binary written since its check: node's exec
// then blocks further writes (ETXTBSY).
func (b *nodeBinary) unchanged() error {
	if b.file == nil {
		return nil
	}
	var now unix.Stat_t
	if err := unix.Fstat(int(b.file.Fd()), &now); err != nil {
		return fmt.Errorf("the node binary %s: %w", b.path, err)
	}
	if now.Size != b.before.Size || now.Mtim != b.before.Mtim || now.Ctim != b.before.Ctim {
		return fmt.Errorf("the node binary %s changed after it was checked: not run", b.path)
	}
	return nil
}

func (b *nodeBinary) close() {
	if b.file != nil {
		b.file.Close()
	}
}

// rootProtected reports whether only root can change the file at real (a
// path without symbolic links): it and every folder above it are owned by
// root and writable by no group or others, except folders with the sticky
// bit, in which nobody else can rename root's entries.
func rootProtected(real string) bool {
	var st unix.Stat_t
	if unix.Lstat(real, &st) != nil || st.Uid != 0 || st.Mode&0o022 != 0 || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return false
	}
	for dir := filepath.Dir(real); ; dir = filepath.Dir(dir) {
		if unix.Lstat(dir, &st) != nil || st.Uid != 0 || (st.Mode&0o022 != 0 && st.Mode&unix.S_ISVTX == 0) {
			return false
		}
		if dir == "/" {
			return true
		}
	}
}
