//go:build linux

// Command node measures what `intact node` costs against plain node, side
// by side in one run, on apps it makes itself:
//
//   - start-up: an empty script, alone in its package;
//   - a generated app of 2,000 CommonJS modules (JSON files among them)
//     across npm-like packages that also carry files nothing loads;
//   - Express 5 (installed with npm, once, into a cache under the system's
//     temporary folder) serving one request on loopback.
//
// Every file of the apps is listed in a catalog signed by the TEST-ONLY
// keys of cmd/intact/testdata/pki, and `intact node` runs them under an
// enforcing policy that trusts that root. Each round runs every variant of
// a program back to back, in reverse order every other round, so that
// drift in the machine's load affects them alike; the report gives medians
// of wall and CPU time (user + system, node's included) and the ratio of
// each `intact node` variant to plain node. Peak memory is measured in
// rounds of its own (-mem): the peak resident set of node, plus that of the
// broker for `intact node`.
//
// Both entry points are timed: `intact node` and the slim intact-node.
// -baseline adds another intact binary (run as `intact node`), and
// -baseline-slim another intact-node, as variants, so that two builds can
// be compared in one run.
//
// -floor adds what the parts of any such design cost on their own, in the
// same rounds: node under a pass-through load hook (node + hooks), node
// started and waited for by a Go process of its own that does nothing else
// (parent, the bench/node/parent command), and intact-node under the same
// policy in audit mode, which confines nothing. The report then sums, per
// program, the three paired differences that make the floor of a design
// with a broker process, Landlock confinement and load hooks: parent −
// node, intact-node − its audit mode, and node + hooks − node.
//
// Run it from the repository root:
//
//	go run ./bench/node [-n 15] [-mem 5] [-node PATH] [-intact PATH] [-intact-node PATH] [-baseline PATH] [-baseline-slim PATH] [-floor]
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
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/intactdev/intact/bench/internal/benchkit"
	"github.com/intactdev/intact/internal/adminpath"
	"github.com/intactdev/intact/internal/npmcompat"
)

func main() {
	runs := flag.Int("n", 15, "timed rounds; each runs every variant once")
	memRuns := flag.Int("mem", 5, "rounds that measure peak memory (0: none)")
	modules := flag.Int("modules", 2000, "modules the generated app loads")
	nodeFlag := flag.String("node", "", "the node binary (default: node on PATH)")
	intactFlag := flag.String("intact", "", "the intact binary (default: built from this repository)")
	intactNodeFlag := flag.String("intact-node", "", "the intact-node binary (default: built from this repository)")
	baseline := flag.String("baseline", "", "another intact binary to time beside them, as intact node")
	baselineSlim := flag.String("baseline-slim", "", "another intact-node binary to time beside them")
	express := flag.Bool("express", true, "also time the Express app (installs it with npm)")
	floor := flag.Bool("floor", false, "also time the parts of the design alone: node + hooks, a bare Go parent, intact-node in audit mode")
	keep := flag.String("keep", "", "leave the apps, catalogs and policy in this folder")
	flag.Parse()
	if *runs < 1 || *modules < 2 || *memRuns < 0 {
		fmt.Fprintln(os.Stderr, "bench: -n must be at least 1, -modules at least 2, -mem at least 0")
		os.Exit(2)
	}
	err := bench(options{runs: *runs, memRuns: *memRuns, modules: *modules, node: *nodeFlag,
		intact: *intactFlag, intactNode: *intactNodeFlag, baseline: *baseline, baselineSlim: *baselineSlim,
		express: *express, keep: *keep, floor: *floor})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	runs, memRuns, modules int
	node, intact, keep     string
	intactNode             string
	baseline, baselineSlim string
	express, floor         bool
}

func bench(o options) error {
	if _, err := os.Stat(benchkit.PKIDir); err != nil {
		return fmt.Errorf("run from the repository root: %w", err)
	}
	var err error
	node := o.node
	if node == "" {
		if node, err = exec.LookPath("node"); err != nil {
			return fmt.Errorf("no node on PATH: give -node: %w", err)
		}
	}
	dir := o.keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "intact-bench-node-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	intact := o.intact
	if intact == "" {
		if intact, err = npmcompat.BuildIntact(dir); err != nil {
			return err
		}
	}
	intactNode := o.intactNode
	if intactNode == "" {
		if intactNode, err = npmcompat.BuildIntactNode(dir); err != nil {
			return err
		}
	}

	app := filepath.Join(dir, "app")
	if err := os.RemoveAll(app); err != nil {
		return err
	}
	if err := generateApp(app, o.modules); err != nil {
		return err
	}
	// The start-up script is empty and alone in a package of its own: what
	// it measures is the cost of intact node itself.
	startup := filepath.Join(dir, "startup")
	if err := os.MkdirAll(startup, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(startup, "package.json"), []byte(`{"name": "startup", "private": true}`+"\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(startup, "empty.js"), nil, 0o644); err != nil {
		return err
	}
	s, err := newSigner(intact, dir, node)
	if err != nil {
		return err
	}
	var fl *floorParts
	if o.floor {
		if fl, err = newFloorParts(dir, s); err != nil {
			return err
		}
	}
	// Each app has its catalog, as an operator would sign it.
	var programs []*program
	add := func(label, appDir, script string) error {
		flags, err := s.sign(appDir)
		if err != nil {
			return err
		}
		// command is how a variant starts intact node: `intact node` or
		// `intact-node`.
		intactVariant := func(name string, command ...string) *variant {
			return &variant{name: name, argv: slices.Concat(command, flags), env: []string{"INTACT_NODE=" + node}, broker: true}
		}
		variants := []*variant{{name: "node", argv: []string{node}},
			intactVariant("intact node", intact, "node"), intactVariant("intact-node", intactNode)}
		if o.baseline != "" {
			variants = append(variants, intactVariant("baseline", o.baseline, "node"))
		}
		if o.baselineSlim != "" {
			variants = append(variants, intactVariant("baseline-slim", o.baselineSlim))
		}
		if fl != nil {
			audit := &variant{name: "intact-node audit", argv: slices.Concat([]string{intactNode}, withPolicy(flags, fl.auditPolicy)),
				env: []string{"INTACT_NODE=" + node}, broker: true}
			variants = append(variants, &variant{name: "node + hooks", argv: []string{node, fl.hooks}},
				&variant{name: "parent", argv: []string{fl.parent, node}},
				&variant{name: "parent -exec", argv: []string{fl.parent, "-exec", node}}, audit)
		}
		programs = append(programs, newProgram(label, appDir, variants, script))
		return nil
	}
	if err := add("start-up (empty script)", startup, "empty.js"); err != nil {
		return err
	}
	if err := add(fmt.Sprintf("%d modules", o.modules), app, "main.js"); err != nil {
		return err
	}
	if o.express {
		expressDir, err := expressApp(dir)
		if err != nil {
			return fmt.Errorf("%w (-express=false leaves Express out)", err)
		}
		if err := add("Express, one request", expressDir, "server.cjs"); err != nil {
			return err
		}
	}

	// Warm the page cache, and check that every variant prints the same.
	for _, p := range programs {
		var first string
		for i, r := range p.runs {
			out, err := r.run(false)
			if err != nil {
				return err
			}
			if i == 0 {
				first = out
			} else if out != first {
				return fmt.Errorf("%s: %s printed %q, node printed %q", p.label, r.v.name, out, first)
			}
			r.reset()
		}
	}

	fmt.Printf("%s; %s\n", nodeVersion(node), cpuModel())
	fmt.Printf("%d rounds, alternating; load average %s at start\n", o.runs, benchkit.LoadAvg())
	for round := 0; round < o.runs; round++ {
		for _, p := range programs {
			for i := range p.runs {
				r := p.runs[i]
				if round%2 == 1 {
					r = p.runs[len(p.runs)-1-i]
				}
				if _, err := r.run(false); err != nil {
					return err
				}
			}
		}
	}
	for round := 0; round < o.memRuns; round++ {
		for _, p := range programs {
			for _, r := range p.runs {
				if _, err := r.run(true); err != nil {
					return err
				}
			}
		}
	}
	fmt.Printf("load average %s at end\n\n", benchkit.LoadAvg())
	report(programs, o.memRuns > 0)
	if fl != nil {
		reportFloor(programs)
	}
	return nil
}

// A program is one script, run by every variant.
type program struct {
	label string
	runs  []*runner
}

func newProgram(label, dir string, variants []*variant, args ...string) *program {
	p := &program{label: label}
	for _, v := range variants {
		p.runs = append(p.runs, &runner{v: v, dir: dir, args: args})
	}
	return p
}

// A variant is a way to run node: plain, or through an intact binary.
type variant struct {
	name string
	argv []string // before the script
	env  []string // added to the environment
	// broker is set for intact node: node runs as a child of the broker.
	broker bool
}

// A runner is one variant of one program, with what its runs measured.
type runner struct {
	v    *variant
	dir  string
	args []string
	wall []time.Duration
	cpu  []time.Duration // user + system, node's included
	// rss is the peak resident set of node plus, for intact node, that
	// of the broker, in KiB (memory rounds only).
	rss []int64
}

func (r *runner) reset() { r.wall, r.cpu, r.rss = nil, nil, nil }

// run runs the program once and returns its standard output. A timed run
// records wall and CPU time; a memory run records the peak resident set.
//
// The peak of node under intact node is what wait4 reports for intact:
// the kernel gives a process the larger of its own peak and those of the
// children it reaped, and node's is the larger. The broker's own peak is
// its VmHWM, sampled until it exits (a high-water mark only grows, so the
// last sample misses at most what it grew by in its last milliseconds);
// sampling costs CPU, so memory rounds are not timed.
func (r *runner) run(memory bool) (string, error) {
	cmd := exec.Command(r.v.argv[0], slices.Concat(r.v.argv[1:], r.args)...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), r.v.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return "", err
	}
	var brokerPeak chan int64
	if memory && r.v.broker {
		brokerPeak = make(chan int64, 1)
		go func() { brokerPeak <- sampleHWM(cmd.Process.Pid) }()
	}
	err := cmd.Wait()
	wall := time.Since(start)
	if err != nil {
		return "", fmt.Errorf("%s in %s: %v\n%s", strings.Join(cmd.Args, " "), r.dir, err, stderr.Bytes())
	}
	if !memory {
		r.wall = append(r.wall, wall)
		r.cpu = append(r.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		return stdout.String(), nil
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	if brokerPeak != nil {
		peak += <-brokerPeak
	}
	r.rss = append(r.rss, peak)
	return stdout.String(), nil
}

// sampleHWM returns the last VmHWM (KiB) of process pid read before it
// exited.
func sampleHWM(pid int) int64 {
	path := fmt.Sprintf("/proc/%d/status", pid)
	var last int64
	for {
		data, err := os.ReadFile(path)
		if err != nil {
			return last
		}
		kb, ok := statusField(data, "VmHWM:")
		if !ok {
			return last // a zombie has no memory left to report
		}
		last = kb
		time.Sleep(time.Millisecond)
	}
}

// statusField returns the KiB of a field of /proc/<pid>/status.
func statusField(status []byte, name string) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}

func report(programs []*program, memory bool) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "program\tvariant\twall med\twall min\tcpu med\twall / node\twall − node\tcpu / node\t")
	if memory {
		fmt.Fprint(w, "peak RSS med\tRSS − node\t")
	}
	fmt.Fprintln(w)
	for _, p := range programs {
		base := p.runs[0]
		for _, r := range p.runs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t", p.label, r.v.name, benchkit.MS(benchkit.Median(r.wall)), benchkit.MS(slices.Min(r.wall)), benchkit.MS(benchkit.Median(r.cpu)))
			if r == base {
				fmt.Fprint(w, "\t\t\t")
			} else {
				fmt.Fprintf(w, "%.2fx\t%+.1f ms\t%.2fx\t", pairedRatio(r.wall, base.wall), pairedDifference(r.wall, base.wall), pairedRatio(r.cpu, base.cpu))
			}
			if memory {
				fmt.Fprintf(w, "%.1f MiB\t", float64(benchkit.Median(r.rss))/1024)
				if r != base {
					fmt.Fprintf(w, "%+.1f MiB\t", float64(benchkit.Median(r.rss)-benchkit.Median(base.rss))/1024)
				} else {
					fmt.Fprint(w, "\t")
				}
			}
			fmt.Fprintln(w)
		}
	}
	w.Flush()
	fmt.Println("\nwall / node, wall − node and cpu / node: the median of each round's ratio to (or difference from) plain node's run in that round.")
}

// pairedDifference is the median of the round-by-round differences
// a[i]-b[i], in milliseconds.
func pairedDifference(a, b []time.Duration) float64 {
	diffs := make([]float64, len(a))
	for i := range a {
		diffs[i] = float64(a[i]-b[i]) / float64(time.Millisecond)
	}
	return benchkit.Median(diffs)
}

// pairedRatio is the median of the round-by-round ratios a[i]/b[i].
func pairedRatio(a, b []time.Duration) float64 {
	ratios := make([]float64, len(a))
	for i := range a {
		ratios[i] = float64(a[i]) / float64(b[i])
	}
	return benchkit.Median(ratios)
}

func nodeVersion(node string) string {
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return "node ?"
	}
	return "node " + strings.TrimSpace(string(out))
}

func cpuModel() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}

// A signer makes catalogs and gives intact node's flags for them.
type signer struct {
	*benchkit.Signer
	flags []string // the policy, and the node binary's catalog if it needs one
}

// newSigner writes the policy into dir. A node binary that others than
// root could change must be in a catalog too (doc/node.md): it gets its
// own, and then every start of intact node includes hashing it.
func newSigner(intact, dir, node string) (*signer, error) {
	bs, err := benchkit.NewSigner(intact, dir)
	if err != nil {
		return nil, err
	}
	s := &signer{Signer: bs, flags: []string{"--policy", bs.Policy}}
	if !ownedByRoot(node) {
		fmt.Printf("note: %s is not root's: it is hashed on every start of intact node\n", node)
		real, err := filepath.EvalSymlinks(node)
		if err != nil {
			return nil, err
		}
		if s.flags, err = s.sign(filepath.Dir(real)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// sign writes a catalog of every file under root and returns intact node's
// flags for the policy and that catalog.
func (s *signer) sign(root string) ([]string, error) {
	cat, err := s.Sign(root)
	if err != nil {
		return nil, err
	}
	return slices.Concat(s.flags, []string{"--catalog", cat}), nil
}

func ownedByRoot(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && adminpath.RootOnly(fi)
}

// expressApp returns a copy, under dir, of Express installed with npm into
// the cache the tests of nodeguard use, with the server script beside it.
func expressApp(dir string) (string, error) {
	cache, err := npmcompat.Express()
	if err != nil {
		return "", err
	}
	app := filepath.Join(dir, "express")
	if err := os.RemoveAll(app); err != nil {
		return "", err
	}
	if err := os.CopyFS(app, os.DirFS(cache)); err != nil {
		return "", err
	}
	return app, os.WriteFile(filepath.Join(app, "server.cjs"), []byte(npmcompat.ExpressServer), 0o644)
}

// floorParts is what -floor adds: the bare parent, the pass-through hooks
// and the audit policy.
type floorParts struct {
	parent, hooks, auditPolicy string
}

// passThroughHooks is node's main module for the node + hooks variant: a
// load hook that hands every module on unchanged, then the script, run as
// node would run it as its main module.
const passThroughHooks = `'use strict';
const m = require('node:module');
m.registerHooks({ load(url, context, nextLoad) { return nextLoad(url, context); } });
// Node resolves its main script's path before it runs it.
process.argv.splice(1, 2, require('node:path').resolve(process.argv[2]));
m.runMain();
`

func newFloorParts(dir string, s *signer) (*floorParts, error) {
	parent := filepath.Join(dir, "parent")
	// Built as intact-node is, with cgo off: a static executable.
	cmd := exec.Command("go", "build", "-o", parent, "./bench/node/parent")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building bench/node/parent: %v\n%s", err, out)
	}
	hooks := filepath.Join(dir, "hooks.cjs")
	if err := os.WriteFile(hooks, []byte(passThroughHooks), 0o644); err != nil {
		return nil, err
	}
	audit, err := s.AuditPolicy()
	if err != nil {
		return nil, err
	}
	return &floorParts{parent: parent, hooks: hooks, auditPolicy: audit}, nil
}

// withPolicy returns intact node's flags with policy in place of the one
// they give.
func withPolicy(flags []string, policy string) []string {
	flags = slices.Clone(flags)
	if i := slices.Index(flags, "--policy"); i >= 0 && i+1 < len(flags) {
		flags[i+1] = policy
	}
	return flags
}

// reportFloor prints, per program, the floor that -floor measures: the
// sum of the paired differences of the parts.
func reportFloor(programs []*program) {
	fmt.Println("\nfloor of a broker process + Landlock confinement + load hooks, medians of paired differences:")
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "program\tparent − node\tintact-node − audit\thooks − node\tfloor\tintact-node − node\tfloor / node\t")
	for _, p := range programs {
		runs := map[string]*runner{}
		for _, r := range p.runs {
			runs[r.v.name] = r
		}
		node := runs["node"]
		parent := pairedDifference(runs["parent"].wall, node.wall)
		confine := pairedDifference(runs["intact-node"].wall, runs["intact-node audit"].wall)
		hooks := pairedDifference(runs["node + hooks"].wall, node.wall)
		floor := parent + confine + hooks
		nodeMS := float64(benchkit.Median(node.wall)) / float64(time.Millisecond)
		fmt.Fprintf(w, "%s\t%+.1f ms\t%+.1f ms\t%+.1f ms\t%+.1f ms\t%+.1f ms\t%.2fx\t\n", p.label, parent, confine, hooks, floor,
			pairedDifference(runs["intact-node"].wall, node.wall), (nodeMS+floor)/nodeMS)
	}
	w.Flush()
}
