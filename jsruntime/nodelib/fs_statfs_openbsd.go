package nodelib

import "golang.org/x/sys/unix"

// statfs returns Node's StatFs fields of the file system holding path: type,
// bsize, blocks, bfree, bavail, files, ffree. OpenBSD's statfs names no
// type number; libuv reports 0 there.
func statfs(path string) ([]float64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return nil, err
	}
	return []float64{
		0, float64(st.F_bsize), float64(st.F_blocks), float64(st.F_bfree), float64(st.F_bavail),
		float64(st.F_files), float64(st.F_ffree),
	}, nil
}
