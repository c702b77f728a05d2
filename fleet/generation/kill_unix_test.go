//go:build unix

package generation

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// stagerEnv makes the test binary a stager: it opens the store of the
// system folder the variable names, stages a generation, fills it, says so
// on stdout and waits to be killed, as an agent killed between staging and
// switch would be.
const stagerEnv = "INTACT_TEST_GENERATION_STAGER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(stagerEnv); dir != "" {
		s, err := Open(Options{SystemDir: dir})
		if err == nil {
			var st *Staged
			if st, err = s.Stage(); err == nil {
				err = os.WriteFile(filepath.Join(st.Dir, "policy.xml"), []byte("<half-written"), 0o644)
				fmt.Println(st.Dir)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		select {}
	}
	os.Exit(m.Run())
}

// TestKilledBetweenStageAndSwitch: an agent killed with SIGKILL after
// staging leaves the old generation in force; the next run removes the
// staged one and installs.
func TestKilledBetweenStageAndSwitch(t *testing.T) {
	f := newFixture(t)
	installed := f.install("1.0.0.1").Name
	f.store.Close() // this run ends; the stager's begins

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), stagerEnv+"="+f.dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the stager said nothing: %v", err)
	}
	staged := line[:len(line)-1]
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	if f.current() != installed || !f.allows() {
		t.Fatal("the killed agent's staged generation is in force")
	}
	f.reopen() // the killed stager's lock died with it
	if _, err := os.Stat(staged); err == nil {
		t.Fatalf("the killed agent's generation %s is still there", staged)
	}
	if sw := f.install("1.0.0.2"); sw.Previous != installed || !f.allows() {
		t.Fatalf("the next install = %+v", sw)
	}
}
