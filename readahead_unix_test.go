//go:build unix

package intact_test

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// TestReadCodeAheadInteractive: with interactive mode disabled and nothing
// enforced, ReadCodeAhead reads a regular file and refuses, logging
// nothing, interactive input named as a file, which ReadCode refuses with
// a block event.
func TestReadCodeAheadInteractive(t *testing.T) {
	e := newEnv(t)
	good := e.write("app.js", trustedCode)
	p, log := e.load([]string{e.policy("policy.xml", policySpec{interactive: true})}, nil)
	if data, err := p.ReadCodeAhead(good, 1<<20); err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("ReadCodeAhead = %q, %v", data, err)
	}
	if _, err := p.ReadCodeAhead(good, 1); !hasReason(err, enforcer.ReasonTooLarge) {
		t.Errorf("ReadCodeAhead over the limit = %v, want too-large", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	pipe := "/dev/fd/" + strconv.Itoa(int(r.Fd()))
	var blocked *intact.BlockedError
	if _, err := p.ReadCodeAhead(pipe, 1<<20); !errors.As(err, &blocked) {
		t.Errorf("ReadCodeAhead(a pipe) = %v, want a block", err)
	}
	if evs := log.events(t); len(evs) != 0 {
		t.Fatalf("reads ahead logged %v", evs)
	}
	if _, err := p.ReadCode(pipe); !errors.As(err, &blocked) {
		t.Errorf("ReadCode(a pipe) = %v, want a block", err)
	}
	if evs := log.events(t); len(evs) != 1 || evs[0]["event"] != intact.EventBlocked {
		t.Errorf("ReadCode(a pipe) logged %v, want one block", evs)
	}
}
