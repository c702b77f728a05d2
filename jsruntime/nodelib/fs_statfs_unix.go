//go:build unix && !openbsd

package nodelib

import "golang.org/x/sys/unix"

// statfs returns Node's StatFs fields of the file system holding path: type,
// bsize, blocks, bfree, bavail, files, ffree.
func statfs(path string) ([]float64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return nil, err
	}
	return []float64{
		float64(st.Type), float64(st.Bsize), float64(st.Blocks), float64(st.Bfree), float64(st.Bavail),
		float64(st.Files), float64(st.Ffree),
	}, nil
}
