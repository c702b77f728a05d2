package main

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestTrustedSlimNode: intact node hands off only to an intact-node that
// whoever can change it could also change intact with.
func TestTrustedSlimNode(t *testing.T) {
	self := unix.Stat_t{Mode: unix.S_IFREG | 0o755, Uid: 0, Gid: 0}
	groupSelf := unix.Stat_t{Mode: unix.S_IFREG | 0o775, Uid: 1000, Gid: 50}
	for _, tc := range []struct {
		name       string
		self, slim unix.Stat_t
		want       bool
	}{
		{"same owner and mode", self, unix.Stat_t{Mode: unix.S_IFREG | 0o755}, true},
		{"stricter mode", self, unix.Stat_t{Mode: unix.S_IFREG | 0o500}, true},
		{"another owner", self, unix.Stat_t{Mode: unix.S_IFREG | 0o755, Uid: 1000}, false},
		{"group-writable", self, unix.Stat_t{Mode: unix.S_IFREG | 0o775}, false},
		{"writable by others", self, unix.Stat_t{Mode: unix.S_IFREG | 0o757}, false},
		{"a folder", self, unix.Stat_t{Mode: unix.S_IFDIR | 0o755}, false},
		{"a FIFO", self, unix.Stat_t{Mode: unix.S_IFIFO | 0o755}, false},
		{"group-writable, as intact is", groupSelf, unix.Stat_t{Mode: unix.S_IFREG | 0o775, Uid: 1000, Gid: 50}, true},
		{"group-writable by another group", groupSelf, unix.Stat_t{Mode: unix.S_IFREG | 0o775, Uid: 1000, Gid: 51}, false},
		{"another group, not writable by it", groupSelf, unix.Stat_t{Mode: unix.S_IFREG | 0o755, Uid: 1000, Gid: 51}, true},
	} {
		if got := trustedSlimNode(&tc.self, &tc.slim); got != tc.want {
			t.Errorf("%s: trustedSlimNode = %v, want %v", tc.name, got, tc.want)
		}
	}
}
