//go:build linux

package nodeguard_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// raceApp requires swap/victim.js again and again (dropping it from the
// cache each time) until $STOP exists, and counts how each load ended.
// The unsigned version counts its own runs in globalThis.evilRuns.
const raceApp = `const fs = require('fs');
const target = require('path').join(__dirname, process.env.VICTIM);
const counts = { good: 0, refused: 0, missing: 0, other: 0 };
globalThis.evilRuns = 0;
fs.writeFileSync(process.env.STARTED, '');
while (!fs.existsSync(process.env.STOP)) {
  delete require.cache[target];
  try {
    counts[require(target) === 'good' ? 'good' : 'other']++;
  } catch (e) {
    if (e.code === 'ERR_CODE_INTEGRITY_VIOLATION') counts.refused++;
    else if (e.code === 'ENOENT' || e.code === 'MODULE_NOT_FOUND') counts.missing++;
    else { counts.other++; console.error(e); }
  }
}
counts.evil = globalThis.evilRuns;
console.log(JSON.stringify(counts));
`

const (
	raceGood = "module.exports = 'good';\n"
	raceEvil = "globalThis.evilRuns++; module.exports = 'evil';\n"
)

// raceCounts is what raceApp printed.
type raceCounts struct{ Good, Refused, Missing, Other, Evil int }

// TestRenameRace swaps the file node requires between a signed and an
// unsigned version by rename, at least 10,000 times, while node requires it
// in a loop: the unsigned version never runs, because node compiles the
// bytes the broker checked, not a second read of the path. The same holds
// for a symbolic link swapped between the two, with --preserve-symlinks.
func TestRenameRace(t *testing.T) {
	ns := nodes(t)
	n := ns[len(ns)-1]
	dir := t.TempDir()
	write(t, dir, map[string]string{"race.js": raceApp, "swap/good.js": raceGood})
	s := sign(t, dir)
	write(t, dir, map[string]string{"swap/evil.js": raceEvil})
	good, evil := filepath.Join(dir, "swap/good.js"), filepath.Join(dir, "swap/evil.js")

	for _, tc := range []struct {
		name   string
		swaps  int
		victim string
		flags  []string
		// swap puts src in place at target atomically.
		swap func(src, tmp, target string) error
	}{
		{"rename", 10000, "swap/victim.js", nil, func(src, tmp, target string) error {
			if err := os.Link(src, tmp); err != nil {
				return err
			}
			return os.Rename(tmp, target)
		}},
		{"symlink", 2000, "swap/link.js", []string{"--preserve-symlinks"}, func(src, tmp, target string) error {
			if err := os.Symlink(src, tmp); err != nil {
				return err
			}
			return os.Rename(tmp, target)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := filepath.Join(dir, tc.victim)
			tmp := target + ".tmp"
			if err := tc.swap(good, tmp, target); err != nil {
				t.Fatal(err)
			}
			stop, started := filepath.Join(t.TempDir(), "stop"), filepath.Join(t.TempDir(), "started")
			swapped := make(chan int)
			go func() {
				// At least tc.swaps swaps, and at least a second and a
				// half of them while node's loop runs, however long node
				// takes to start on a loaded machine.
				i := 0
				deadline := time.Now().Add(2 * time.Minute)
				var racing time.Time
				for ; i < tc.swaps || racing.IsZero() || time.Since(racing) < 1500*time.Millisecond; i++ {
					if racing.IsZero() && fileExists(started) {
						racing = time.Now()
					}
					src := good
					if i%2 == 0 {
						src = evil
					}
					if err := tc.swap(src, tmp, target); err != nil {
						t.Error(err)
						break
					}
					if time.Now().After(deadline) {
						break
					}
				}
				os.WriteFile(stop, nil, 0o644)
				swapped <- i
			}()
			args := append(append([]string{}, tc.flags...), "race.js")
			res := s.run(t, n, "enforce", runOpts{env: []string{"STOP=" + stop, "STARTED=" + started, "VICTIM=" + tc.victim}}, args...)
			swaps := <-swapped
			var c raceCounts
			if err := json.Unmarshal([]byte(strings.TrimSpace(res.Stdout)), &c); err != nil {
				t.Fatalf("exit %+v, stdout %q: %v\n%s", res.Exit, res.Stdout, err, res.Stderr)
			}
			t.Logf("%d swaps: %+v", swaps, c)
			if swaps < tc.swaps {
				t.Errorf("only %d swaps", swaps)
			}
			if c.Evil != 0 || c.Other != 0 {
				t.Errorf("the unsigned version ran %d times (%d other results)", c.Evil, c.Other)
			}
			if c.Good == 0 || c.Refused == 0 {
				t.Errorf("the race was not run: %+v", c)
			}
		})
	}
}
