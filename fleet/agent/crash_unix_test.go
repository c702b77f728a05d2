//go:build unix

package agent_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/intactdev/intact/fleet/agent"
	"github.com/intactdev/intact/internal/testfleet"
)

// crashConfigEnv names the configuration a child test process polls with,
// killing itself between staging and switching.
const crashConfigEnv = "INTACT_AGENT_TEST_CRASH_CONFIG"

func TestMain(m *testing.M) {
	if name := os.Getenv(crashConfigEnv); name != "" {
		os.Exit(crashingPoll(name))
	}
	os.Exit(m.Run())
}

// crashingPoll polls with the configuration in name and is killed
// (SIGKILL: no deferred function, no clean-up) once the new generation is
// staged, before it is switched to. It returns only if it was not killed.
func crashingPoll(name string) int {
	cfg, err := agent.ReadConfig(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	a, err := agent.New(cfg, agent.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	a.SetBeforeSwitch(func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) })
	_, err = a.Poll(context.Background())
	fmt.Fprintln(os.Stderr, "poll returned:", err)
	return 3
}

func TestCrashBetweenStageAndSwitch(t *testing.T) {
	f := newFixture(t)
	f.release("1.0.0.1")
	f.mustInstall(f.agent(), "1.0.0.1")
	f.release("1.0.0.2")

	data, err := json.Marshal(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgFile := testfleet.WriteFile(t, f.path("agent/config.json"), data)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashConfigEnv+"="+cfgFile)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the agent was not killed before switching: %v\n%s", err, out)
	}

	// Killed with generation 2 staged: generation 1 stays in force.
	gens, err := os.ReadDir(filepath.Join(f.cfg.SystemDir, "generations"))
	if err != nil || len(gens) != 2 {
		t.Fatalf("generations after the kill: %v, %v; want the one in force and the staged one", gens, err)
	}
	if got, want := f.installed(), testfleet.PolicyID+" 1.0.0.1"; got != want {
		t.Fatalf("in force after the kill: %q, want %q", got, want)
	}
	// The next run recovers and installs.
	f.mustInstall(f.agent(), "1.0.0.2")
}
