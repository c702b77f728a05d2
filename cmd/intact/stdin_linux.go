package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// anonymousPipe reports whether f is a pipe that no path names: one a
// shell made for "command | intact ...". A named pipe (FIFO) is writable
// by whoever its mode lets open it, as a file is.
func anonymousPipe(f *os.File) bool {
	target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
	return err == nil && strings.HasPrefix(target, "pipe:")
}

// ownedBySelf reports whether fi (a terminal) belongs to this process's
// real user: a terminal of someone else is theirs to type into.
func ownedBySelf(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
