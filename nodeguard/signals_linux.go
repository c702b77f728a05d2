package nodeguard

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// forwarded are the signals intact node passes on to node.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// forwarder passes the signals the broker receives on to node, except
// those node has already had from the terminal.
//
// A terminal sends SIGINT (Ctrl-C), SIGQUIT (Ctrl-\) and SIGWINCH to its
// whole foreground process group, and node is in the broker's group:
// passing those on too would give node each of them twice (an app that
// exits on the second Ctrl-C would exit on the first). Go does not tell
// who sent a signal, so the broker judges by where it stands: when its
// group is the terminal's foreground group, these three came from the
// terminal. A `kill -INT` aimed at the broker alone while it is in the
// foreground is then not passed on; send it to node, or to the group.
type forwarder struct {
	tty int // the controlling terminal, or -1
}

func newForwarder() *forwarder {
	tty, err := unix.Open("/dev/tty", unix.O_RDONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		tty = -1 // no controlling terminal: every signal was aimed at the broker
	}
	return &forwarder{tty: tty}
}

// forward reports whether sig, received by the broker, is for node to
// have from it.
func (f *forwarder) forward(sig os.Signal) bool {
	switch sig {
	case syscall.SIGINT, syscall.SIGQUIT, syscall.SIGWINCH:
	default:
		return true
	}
	if f.tty < 0 {
		return true
	}
	fg, err := unix.IoctlGetInt(f.tty, unix.TIOCGPGRP)
	return err != nil || fg != unix.Getpgrp()
}

func (f *forwarder) close() {
	if f.tty >= 0 {
		unix.Close(f.tty)
	}
}
