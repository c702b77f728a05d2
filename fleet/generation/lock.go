package generation

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LockName is the file in the system folder that a Store locks from Open
// to Close, so that two processes (an agent's timer and its service, say)
// never recover, stage or switch generations of one folder at once.
const LockName = "agent.lock"

// ErrLocked is returned (wrapped) by Open when another process holds the
// system folder's lock.
var ErrLocked = errors.New("another intact agent is working on this system folder")

// errLocked is what lockFile returns when another process holds the lock.
var errLocked = errors.New("locked")

// lockSystemDir takes the system folder's lock, without waiting; the
// returned function releases it. The lock is the operating system's
// (flock, LockFileEx): it dies with its process, so a killed agent leaves
// none behind.
func lockSystemDir(dir string) (unlock func(), err error) {
	name := filepath.Join(dir, LockName)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("generation: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%s: %w", name, ErrLocked)
		}
		return nil, fmt.Errorf("generation: %s: %w", name, err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}
