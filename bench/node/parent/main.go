// Command parent starts a program, waits for it and exits with its status:
// the least that any launcher which outlives node costs, a Go process of
// its own started before node and ended after it. With -exec it becomes
// the program instead (execve), as a launcher that does not outlive node
// would. bench/node -floor times both beside intact node.
//
//	parent [-exec] PROGRAM [ARGS...]
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	args := os.Args[1:]
	become := len(args) > 0 && args[0] == "-exec"
	if become {
		args = args[1:]
	}
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: parent [-exec] PROGRAM [ARGS...]")
		os.Exit(2)
	}
	if become {
		err := syscall.Exec(args[0], args, os.Environ())
		fmt.Fprintln(os.Stderr, "parent:", err)
		os.Exit(1)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "parent:", err)
		os.Exit(1)
	}
}
