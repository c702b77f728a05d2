//go:build !linux

package main

import (
	"os"
	"runtime"
)

// anonymousPipe reports whether f is a pipe that no path names. Only Linux
// tells (through /proc); elsewhere a pipe on stdin is judged named, and
// events are read from the file they are in. Windows has no pipes in the
// file system: its pipes on stdin are the operator's.
func anonymousPipe(f *os.File) bool { return runtime.GOOS == "windows" }

// ownedBySelf reports whether fi (a terminal) belongs to this process's
// real user; outside Linux, intact does not tell, and trusts its console.
func ownedBySelf(fi os.FileInfo) bool { return true }
