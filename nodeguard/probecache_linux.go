package nodeguard

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// writeProbeCache stores a probe. A failure only costs a probe next time.
//
// Node's tree can write the user's cache folder when node lives elsewhere,
// and put a link there to a folder it may not write itself (as root, one
// of /etc or /usr, which its Landlock domain makes read-only): the next
// broker, unconfined, made the file there (outside review rt78). So the
// cache folder and the folders beneath it are opened without following
// links, made one by one, and the file is written through the last one's
// descriptor.
func writeProbeCache(path string, data []byte) {
	base, err := os.UserCacheDir()
	if err != nil {
		return
	}
	rel, err := filepath.Rel(base, filepath.Dir(path))
	if err != nil || !filepath.IsLocal(rel) {
		return
	}
	dir, err := unix.Open(base, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer func() { unix.Close(dir) }()
	for _, name := range strings.Split(rel, string(filepath.Separator)) {
		if err := unix.Mkdirat(dir, name, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
			return
		}
		next, err := unix.Openat(dir, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return
		}
		unix.Close(dir)
		dir = next
	}
	var random [8]byte
	rand.Read(random[:])
	tmp := "." + filepath.Base(path) + "." + hex.EncodeToString(random[:])
	fd, err := unix.Openat(dir, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), tmp)
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = unix.Renameat(dir, tmp, dir, filepath.Base(path))
	}
	if err != nil {
		unix.Unlinkat(dir, tmp, 0)
	}
}
