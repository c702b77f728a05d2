package linuxsec

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ReadOnly makes paths (files or folders, after symbolic links) read-only
// for the processes the thread starts from now on: in a mount namespace of
// the thread's own, each is bind-mounted over itself with the mounts
// below it (a container's /etc/hosts stays what it is), and all of them
// made read-only. Mounts made on the host later still reach the namespace
// (it is the host's slave), writable; none made in it reach the host.
// Landlock forbids mounting inside a domain, so nothing the thread starts
// after Confine can undo it, and ReadOnly must come before Confine. It
// needs CAP_SYS_ADMIN: an *UnsupportedError says when the thread lacks it.
func (t *Thread) ReadOnly(paths []string) error {
	var err error
	t.Do(func() { err = readOnly(paths) })
	return err
}

func readOnly(paths []string) error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		if errors.Is(err, unix.EPERM) {
			return &UnsupportedError{fmt.Sprintf("no mount namespace of its own for node (unshare: %v)", err)}
		}
		return fmt.Errorf("unshare(CLONE_NEWNS): %w", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
		return fmt.Errorf("making the mounts of node's namespace the host's slaves: %w", err)
	}
	for _, p := range paths {
		if err := unix.Mount(p, p, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("making %s read-only: %w", p, err)
		}
		// A remount would make only the top mount read-only.
		attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
		if err := unix.MountSetattr(unix.AT_FDCWD, p, unix.AT_RECURSIVE, &attr); err != nil {
			return fmt.Errorf("making %s read-only: %w", p, err)
		}
	}
	return nil
}
