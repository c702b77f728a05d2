//go:build unix

package catalogs

import (
	"os"
	"syscall"
)

// rootsAlone reports whether only root can change the file fi describes:
// root owns it and neither its group nor others can write it.
func rootsAlone(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == 0 && fi.Mode().Perm()&0o022 == 0
}
