//go:build unix

package adminpath

import (
	"fmt"
	"os"
	"syscall"
)

// checkAdminOnly checks one element of the path Check resolved:
// it must be owned by root and writable by nobody else. A folder writable by
// others is accepted only with the sticky bit (like /tmp), where others
// cannot rename or remove root's entries. last is true for the file or
// folder the path names.
func checkAdminOnly(path string, last bool) error {
	info, err := ownedByRoot(path, "")
	if err != nil {
		return err
	}
	if RootOnly(info) {
		return nil
	}
	if !last && info.IsDir() && info.Mode()&os.ModeSticky != 0 {
		return nil
	}
	return fmt.Errorf("%s has mode %v: anyone but root must be unable to change it (chmod go-w)", path, info.Mode().Perm())
}

// checkLink checks a symbolic link met while resolving a system path: it
// must be owned by root. Its mode means nothing on most systems; who can
// replace it is decided by the folder holding it, which Check
// checks too, and in a sticky folder by the link's owner.
func checkLink(path string) error {
	_, err := ownedByRoot(path, "a link ")
	return err
}

// ownedByRoot returns what Lstat says of path if root owns it, and an
// error saying who does otherwise; what describes path in it ("a link ").
func ownedByRoot(path, what string) (os.FileInfo, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, fmt.Errorf("%s: cannot read its owner", path)
	}
	if st.Uid != 0 {
		return nil, fmt.Errorf("%s is %sowned by uid %d, not root: anyone but root must be unable to change it", path, what, st.Uid)
	}
	return info, nil
}

// RootOnly reports whether only root can change the file or folder fi
// describes: root owns it, and neither its group nor others can write it.
// Check asks it of every element of a path; a caller that opened a file
// asks it of what fstat says of the descriptor, which no rename changes.
func RootOnly(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == 0 && fi.Mode().Perm()&0o022 == 0
}
