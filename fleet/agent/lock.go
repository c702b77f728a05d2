package agent

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// lockName is the file in the system folder that agents lock while they
// poll, so that two of them (a timer and a service, say) never stage and
// switch generations of one folder at once.
const lockName = "agent.lock"

// errLocked is what lockFile returns when another process holds the lock.
var errLocked = errors.New("locked")

// lockSystemDir takes the system folder's agent lock, without waiting; the
// returned function releases it. The lock is the operating system's
// (flock, LockFileEx): it dies with its process, so a killed agent leaves
// none behind.
func lockSystemDir(dir string) (unlock func(), err error) {
	name := filepath.Join(dir, lockName)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%s: another intact agent is working on this system folder", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}
