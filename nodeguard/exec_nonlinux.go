//go:build !linux

package nodeguard

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// Exec runs node with args, unchanged, and exits with its status: what
// intact node does when no policy is in force. (Only Linux's Exec replaces
// this process with node.)
func Exec(node string, args []string) error {
	cmd := exec.Command(node, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	stop := outlastSignals()
	err := cmd.Run()
	stop()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}

// outlastSignals keeps this process alive through outlastedSignals, which
// node receives too, until the returned function is called.
func outlastSignals() (stop func()) {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, outlastedSignals...)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-signals:
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(signals)
		close(done)
	}
}

// UnderBroker reports whether this process descends from a node that an
// intact node broker started: never, where node is not confined.
func UnderBroker() bool { return false }
