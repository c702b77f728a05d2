package tree

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestModeType: a folder entry whose type getdents64 does not give
// (DT_UNKNOWN, on file systems without d_type) gets it from its stat mode.
func TestModeType(t *testing.T) {
	for mode, want := range map[uint32]uint8{
		unix.S_IFREG: unix.DT_REG, unix.S_IFDIR: unix.DT_DIR, unix.S_IFLNK: unix.DT_LNK, unix.S_IFIFO: unix.DT_FIFO,
		unix.S_IFSOCK: unix.DT_SOCK, unix.S_IFCHR: unix.DT_CHR, unix.S_IFBLK: unix.DT_BLK,
	} {
		if got := modeType(mode | 0o4755); got != want {
			t.Errorf("modeType(%o) = %d, want %d", mode, got, want)
		}
	}
}
