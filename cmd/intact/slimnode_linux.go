package main

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// slimNodeName is the slim intact node (cmd/intact-node), which intact node
// hands its command line to when it is installed beside intact.
const slimNodeName = "intact-node"

// execSlimNode replaces this process with the intact-node installed beside
// this executable, started with args (intact node's command line, after
// "node"), when one is there and trusted; it returns only when none is, or
// the exec failed, and intact node then runs here.
//
// Why: intact node's broker runs for as long as node does, and this
// executable is five times intact-node's size. Its package initialisers
// and the runtime touch code and data all over it, and Linux maps a file's
// pages by whole large folios, so the broker would keep about 20 MiB more
// resident than intact-node's (bench/README.md). The exec costs this
// executable's start, which has already been paid.
//
// Trusted means nobody gets to run a broker of their choice who could not
// already replace intact: the file is a regular file in the same folder as
// this executable (so the same folder permissions guard both), owned by the
// same user, and writable by no group or others that cannot write this
// executable too. It is checked and executed through one descriptor, so a
// rename after the check cannot swap it.
func execSlimNode(args []string) {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	var self unix.Stat_t
	if unix.Stat("/proc/self/exe", &self) != nil {
		return
	}
	path := filepath.Join(filepath.Dir(exe), slimNodeName)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	var slim unix.Stat_t
	if unix.Fstat(fd, &slim) != nil || !trustedSlimNode(&self, &slim) {
		return
	}
	// Only an ELF executable: it runs from its close-on-exec descriptor
	// (the kernel opens it before closing the descriptors), where a script's
	// interpreter would find the descriptor closed once the exec succeeded.
	magic := make([]byte, 4)
	if n, _ := unix.Pread(fd, magic, 0); n != 4 || string(magic) != "\x7fELF" {
		return
	}
	// On success this does not return; on failure intact node runs here.
	syscall.Exec("/proc/self/fd/"+strconv.Itoa(fd), append([]string{path}, args...), os.Environ())
}

// trustedSlimNode reports whether the file slim, in the folder of the
// running executable self, is one that whoever can change it could also
// change self: a regular file with self's owner, writable by group or
// others only where self is.
func trustedSlimNode(self, slim *unix.Stat_t) bool {
	return slim.Mode&unix.S_IFMT == unix.S_IFREG && slim.Uid == self.Uid &&
		(slim.Gid == self.Gid || slim.Mode&0o020 == 0) &&
		slim.Mode&0o022&^(self.Mode&0o022) == 0
}
