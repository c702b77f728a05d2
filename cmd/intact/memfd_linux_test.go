package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

func init() { scriptCommands["memfd-exec"] = memfdExec }

// memfdExec is the testscript command
//
//	memfd-exec [-stdin] FILE COMMAND [ARGS...]
//
// It copies FILE into a memfd (mode 0777, no link in any folder), keeps only
// a read-only descriptor to it open across exec, and becomes COMMAND with
// every "{memfd}" in ARGS replaced by /proc/self/fd/N; with -stdin the
// memfd is COMMAND's standard input instead. This is how an attacker hands
// code that lives in no folder to an interpreter.
func memfdExec() {
	args := os.Args[1:]
	stdin := len(args) > 0 && args[0] == "-stdin"
	if stdin {
		args = args[1:]
	}
	if len(args) < 2 {
		memfdFail(fmt.Errorf("usage: memfd-exec [-stdin] FILE COMMAND [ARGS...]"))
	}
	src, err := os.Open(args[0])
	if err != nil {
		memfdFail(err)
	}
	fd, err := unix.MemfdCreate("code", unix.MFD_CLOEXEC)
	if err != nil {
		memfdFail(fmt.Errorf("memfd_create: %w", err))
	}
	w := os.NewFile(uintptr(fd), "memfd")
	if _, err := io.Copy(w, src); err != nil {
		memfdFail(err)
	}
	// A read-only descriptor, without close-on-exec: the kernel refuses
	// to execute a file that is open for writing.
	ro, err := unix.Open("/proc/self/fd/"+strconv.Itoa(fd), unix.O_RDONLY, 0)
	if err != nil {
		memfdFail(err)
	}
	w.Close()
	if stdin {
		if err := unix.Dup2(ro, 0); err != nil {
			memfdFail(err)
		}
		unix.Close(ro)
	}
	path, err := exec.LookPath(args[1])
	if err != nil {
		memfdFail(err)
	}
	argv := args[1:]
	for i, a := range argv {
		argv[i] = strings.ReplaceAll(a, "{memfd}", "/proc/self/fd/"+strconv.Itoa(ro))
	}
	memfdFail(syscall.Exec(path, argv, os.Environ()))
}

func memfdFail(err error) {
	fmt.Fprintln(os.Stderr, "memfd-exec:", err)
	os.Exit(2)
}
