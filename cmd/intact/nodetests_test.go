package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Node.js's own tests of the core modules `intact run` provides
// (../shared/node-tests, see its README) are the yardstick of the runtime's
// conformance. TestNodeConformance runs them when INTACT_NODE_TESTS names
// the folder that holds the tarball, node-passes.txt and selection.tsv.
var (
	nodeTestsAll    = flag.Bool("nodetests.all", false, "run all the tests Node passes, not only the expected passes, and print the per-family table")
	nodeTestsUpdate = flag.Bool("nodetests.update", false, "with -nodetests.all: rewrite the expected-pass list and the table in doc/")
	nodeTestsFamily = flag.String("nodetests.family", "", "run only the tests of these families (comma-separated names of selection.tsv, such as fs,buffer)")
)

const (
	nodeTestsTarball  = "node-v20.11.1-test.tar.xz"
	nodeTestsExpected = "testdata/node-tests-expected-pass.txt"
	nodeTestsTable    = "../../doc/node-conformance.md"
	nodeTestsTimeout  = 20 * time.Second
	// nodeTestsSlowLimit is how long a test may run that still uses CPU
	// at nodeTestsTimeout: slow (the interpreter, a machine shared with
	// other work), not hung. A test that uses none by then has hung.
	nodeTestsSlowLimit = 60 * time.Second
	nodeTestsParallel  = 2
	nodeTestsOutputMax = 2000
	nodeTestsNotes     = "## Notes" // the heading of the hand-written part of the table's page
)

// nodeTestResult is the outcome of one test file.
type nodeTestResult struct {
	name     string
	pass     bool
	timeout  bool
	panicked bool // a Go panic reached the output: a runtime bug, never a test failure
	cpu      time.Duration
	output   string
}

// TestNodeConformance runs Node.js's tests under `intact run` with the real
// test/common, two at a time, each with Node's 20 s limit (60 s for one still
// using CPU then: slow, not hung). By default it runs
// the expected passes and fails on each that no longer passes (or that
// crashes or hangs); with -nodetests.all it runs every test Node passes and
// prints the per-family table, and with -nodetests.update it also rewrites
// the expected-pass list and doc/node-conformance.md.
func TestNodeConformance(t *testing.T) {
	dir := os.Getenv("INTACT_NODE_TESTS")
	if dir == "" {
		t.Skip("INTACT_NODE_TESTS is not set (the folder of Node.js's tests, ../shared/node-tests)")
	}
	intact, err := exec.LookPath("intact")
	if err != nil {
		t.Fatal(err)
	}
	families, order := readSelection(t, filepath.Join(dir, "selection.tsv"))
	nodePasses := readList(t, filepath.Join(dir, "node-passes.txt"))
	expected := readList(t, nodeTestsExpected)
	for _, name := range expected {
		if families[name] == "" || !slices.Contains(nodePasses, name) {
			t.Fatalf("%s: %s is not one of the selected tests that pass under Node", nodeTestsExpected, name)
		}
	}
	run := expected
	if *nodeTestsAll || *nodeTestsUpdate {
		run = nodePasses
	}
	if *nodeTestsFamily != "" {
		if *nodeTestsUpdate {
			t.Fatal("-nodetests.update rewrites the whole list: it cannot be used with -nodetests.family")
		}
		wanted := strings.Split(*nodeTestsFamily, ",")
		for _, f := range wanted {
			if !slices.Contains(order, f) {
				t.Fatalf("-nodetests.family: no family %q in selection.tsv (families: %s)", f, strings.Join(order, ", "))
			}
		}
		run = slices.DeleteFunc(slices.Clone(run), func(name string) bool { return !slices.Contains(wanted, families[name]) })
	}

	root := t.TempDir()
	untar := exec.Command("tar", "xJf", filepath.Join(dir, nodeTestsTarball), "-C", root)
	if out, err := untar.CombinedOutput(); err != nil {
		t.Fatalf("extracting %s: %v\n%s", nodeTestsTarball, err, out)
	}
	// No policy of the machine applies: these tests measure the runtime.
	systemDir := filepath.Join(root, ".system")

	results := make([]nodeTestResult, len(run))
	var wg sync.WaitGroup
	sem := make(chan struct{}, nodeTestsParallel)
	for i, name := range run {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = runNodeTest(intact, root, systemDir, name, i)
		}()
	}
	wg.Wait()

	table := nodeTestsTableOf(results, families, order)
	t.Log("\n" + table)
	var failed []string
	for _, r := range results {
		if r.panicked {
			t.Errorf("%s: Go panic in the runtime:\n%s", r.name, r.output)
		}
		if r.timeout {
			// The CPU time tells a hang (little) from slowness, which a
			// machine shared with other work turns into a timeout.
			t.Errorf("%s: no result within %v, or %v while it used CPU (CPU time used: %v)", r.name, nodeTestsTimeout, nodeTestsSlowLimit, r.cpu.Round(time.Millisecond))
		}
		if !r.pass && slices.Contains(expected, r.name) {
			failed = append(failed, r.name)
			t.Errorf("%s passed before and fails now:\n%s", r.name, r.output)
		}
	}
	if *nodeTestsUpdate {
		if len(failed) > 0 {
			t.Fatalf("not updating %s: %d expected passes fail", nodeTestsExpected, len(failed))
		}
		var list bytes.Buffer
		list.WriteString("# Node.js tests (../shared/node-tests) that pass under `intact run`; written by\n" +
			"# go test ./cmd/intact -run TestNodeConformance -nodetests.update (INTACT_NODE_TESTS set).\n")
		for _, r := range results {
			if r.pass {
				list.WriteString(r.name + "\n")
			}
		}
		if err := os.WriteFile(nodeTestsExpected, list.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		// The notes written by hand below the table stay.
		var notes string
		if old, err := os.ReadFile(nodeTestsTable); err == nil {
			if i := bytes.Index(old, []byte("\n"+nodeTestsNotes)); i >= 0 {
				notes = "\n" + string(old[i+1:])
			}
		}
		if err := os.WriteFile(nodeTestsTable, []byte(nodeTestsDoc(table, results)+notes), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if *nodeTestsAll {
		for _, r := range results {
			if r.pass && !slices.Contains(expected, r.name) {
				t.Logf("%s passes now: add it with -nodetests.update", r.name)
			}
		}
	}
}

// runNodeTest runs test/parallel/name as Node's runner does: from the
// folder that holds test/, with a TEST_THREAD_ID of its own so that
// temporary folders do not collide; exit status 0 is a pass. It is
// stopped at nodeTestsTimeout unless it is still using CPU then, and at
// nodeTestsSlowLimit in any case.
func runNodeTest(intact, root, systemDir, name string, id int) nodeTestResult {
	cmd := exec.Command(intact, "run", filepath.Join("test", "parallel", name))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), fmt.Sprintf("TEST_THREAD_ID=%d", id), "TEST_INTACT_SYSTEM_DIR="+systemDir)
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	r := nodeTestResult{name: name}
	if err := cmd.Start(); err != nil {
		r.output = err.Error()
		return r
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	check := time.NewTimer(nodeTestsTimeout)
	defer check.Stop()
	lastCPU := time.Duration(-1)
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-check.C:
			cpu, ok := processCPU(cmd.Process.Pid)
			if ok && (lastCPU < 0 || cpu-lastCPU >= 300*time.Millisecond) && time.Since(start) < nodeTestsSlowLimit {
				lastCPU = cpu
				check.Reset(time.Second)
				continue
			}
			r.timeout = true
			cmd.Process.Kill()
			err = <-done
			break wait
		}
	}
	r.pass = err == nil && !r.timeout
	if cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b := out.Bytes()
	r.panicked = bytes.Contains(b, []byte("\ngoroutine ")) && bytes.Contains(b, []byte("panic"))
	if len(b) > nodeTestsOutputMax {
		b = append(b[:nodeTestsOutputMax:nodeTestsOutputMax], "\n..."...)
	}
	r.output = string(b)
	return r
}

// processCPU returns the CPU time (user and system) a running process
// has used so far, from /proc; ok is false where there is none.
func processCPU(pid int) (cpu time.Duration, ok bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: utime and stime are the 12th and 13th, in clock ticks
	// (100 a second on Linux).
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / 100, true
}

// readSelection reads selection.tsv: test file, tab, module family. It
// returns each test's family and the families in the file's order.
func readSelection(t *testing.T, file string) (map[string]string, []string) {
	families := map[string]string{}
	var order []string
	for _, line := range readList(t, file) {
		name, family, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s: %q is not NAME<TAB>FAMILY", file, line)
		}
		families[name] = family
		if !slices.Contains(order, family) {
			order = append(order, family)
		}
	}
	return families, order
}

// readList returns the non-empty lines of file that are not # comments.
func readList(t *testing.T, file string) []string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// nodeTestsTableOf is the per-family table of results, in Markdown.
func nodeTestsTableOf(results []nodeTestResult, families map[string]string, order []string) string {
	pass := map[string]int{}
	total := map[string]int{}
	all := 0
	for _, r := range results {
		f := families[r.name]
		total[f]++
		if r.pass {
			pass[f]++
			all++
		}
	}
	var b strings.Builder
	b.WriteString("| family | pass | of | % |\n|---|---:|---:|---:|\n")
	for _, f := range order {
		if total[f] > 0 {
			fmt.Fprintf(&b, "| %s | %d | %d | %d%% |\n", f, pass[f], total[f], 100*pass[f]/total[f])
		}
	}
	fmt.Fprintf(&b, "| **all** | **%d** | **%d** | **%d%%** |\n", all, len(results), 100*all/max(1, len(results)))
	return b.String()
}

// nodeTestsSlow is the CPU time from which a test that finished is listed
// as near the limit: a machine shared with other work can stretch it past.
const nodeTestsSlow = nodeTestsTimeout / 4

// nodeTestsDoc is doc/node-conformance.md: the table, the tests that hang
// or crash, which must be none, and those near the limit.
func nodeTestsDoc(table string, results []nodeTestResult) string {
	var hangs, crashes, slow []string
	for _, r := range results {
		cpu := r.cpu.Round(100 * time.Millisecond)
		if r.timeout {
			hangs = append(hangs, fmt.Sprintf("%s (%v of CPU time)", r.name, cpu))
		} else if r.cpu >= nodeTestsSlow {
			slow = append(slow, fmt.Sprintf("%s (%v)", r.name, cpu))
		}
		if r.panicked {
			crashes = append(crashes, r.name)
		}
	}
	none := func(list []string) string {
		if len(list) == 0 {
			return "none"
		}
		return strings.Join(list, ", ")
	}
	return "# `intact run` against Node.js's own tests\n\n" +
		"Node.js v20.11.1's tests of the core modules `intact run` provides (`../shared/node-tests`,\n" +
		"its README says how they were chosen), run with the real, unmodified `test/common`, two at a\n" +
		"time, each with a 20 s limit; the yardstick is the tests that pass under Node 20. Written by\n\n" +
		"    INTACT_NODE_TESTS=../shared/node-tests go test ./cmd/intact -run TestNodeConformance -nodetests.update\n\n" +
		"which also rewrites `cmd/intact/testdata/node-tests-expected-pass.txt`; CI runs those\n" +
		"expected passes and fails when one of them stops passing.\n\n" +
		table + "\n" +
		"Tests with no result within the limit: " + none(hangs) + ".\n" +
		"Tests that crashed the runtime (a Go panic): " + none(crashes) + ".\n" +
		fmt.Sprintf("Tests that finished using %v of CPU time or more: ", nodeTestsSlow) + none(slow) + ".\n"
}
