// Command runtime measures what code-integrity enforcement costs intact run,
// side by side in one run:
//
//   - a generated app of 2,000 CommonJS modules (and a JSON file), run with
//     no policy and under a real WDAC policy with a signed catalog of every
//     file (the TEST-ONLY keys in cmd/intact/testdata/pki);
//   - the npm acceptance set of internal/npmcompat (its pinned packages,
//     installed with npm, each driven by its script), every script run with
//     no policy, under the policy with a signed catalog of the whole app
//     (node_modules included), and with node for reference; then all the
//     scripts in one process, and hello.js in that app for the fixed cost
//     of its catalog;
//   - start-up: intact run hello.js against node hello.js;
//   - cpu.js, a CPU-heavy script (JSON, regular expressions, object churn,
//     recursion), with no policy, enforcing and under node.
//
// Beside wall and CPU time it records each run's peak resident set, and
// compares intact run with node for the 2,000 modules, hello.js, cpu.js
// and the npm set in one process (all.js), the package-heavy workload.
//
// Every round runs each variant once; within a round the variants of one
// program run back to back, in reverse order every other round, so that
// drift in the machine's load affects them alike. Before timing, each
// program runs once per variant, and its output with enforcement must equal
// its output without. Run it from the repository root:
//
//	go run ./bench/runtime [-n 15] [-modules 2000] [-npm=false]
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intactdev/intact/bench/internal/benchkit"
	"github.com/intactdev/intact/internal/npmcompat"
)

func main() {
	runs := flag.Int("n", 15, "timed rounds; each runs every variant once")
	modules := flag.Int("modules", 2000, "modules in the generated app")
	npm := flag.Bool("npm", true, "also run the npm package set of internal/npmcompat (installs it with npm)")
	flag.Parse()
	if *runs < 1 || *modules < 1 {
		fmt.Fprintln(os.Stderr, "bench: -n and -modules must be at least 1")
		os.Exit(2)
	}
	if err := bench(*runs, *modules, *npm); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// scriptsDir holds npmcompat's driver scripts, relative to the repository
// root, where the command must run.
const scriptsDir = "internal/npmcompat/scripts"

func bench(runs, modules int, npm bool) error {
	if _, err := os.Stat(benchkit.PKIDir); err != nil {
		return fmt.Errorf("run from the repository root: %w", err)
	}
	dir, err := os.MkdirTemp("", "intact-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	intact, err := npmcompat.BuildIntact(dir)
	if err != nil {
		return err
	}
	s, err := newSigner(intact, dir)
	if err != nil {
		return err
	}

	app := filepath.Join(dir, "app")
	if err := generateApp(app, modules); err != nil {
		return err
	}
	if err := write(filepath.Join(app, "cpu.js"), cpuScript); err != nil {
		return err
	}
	enforce, err := s.sign(app)
	if err != nil {
		return err
	}
	main, hello := filepath.Join(app, "main.js"), filepath.Join(app, "hello.js")
	generated := program{label: fmt.Sprintf("%d modules", modules), variants: []*variant{
		{name: "no policy", argv: []string{intact, "run", main}},
		{name: "enforcing", argv: slices.Concat([]string{intact, "run"}, enforce, []string{main})},
	}}
	startup := program{label: "hello.js", variants: []*variant{
		{name: "intact run hello.js", argv: []string{intact, "run", hello}},
		{name: "intact run hello.js, enforcing", argv: slices.Concat([]string{intact, "run"}, enforce, []string{hello})},
	}}
	cpuJS := filepath.Join(app, "cpu.js")
	cpu := program{label: "cpu.js", variants: []*variant{
		{name: "no policy", argv: []string{intact, "run", cpuJS}},
		{name: "enforcing", argv: slices.Concat([]string{intact, "run"}, enforce, []string{cpuJS})},
	}}
	node, err := exec.LookPath("node")
	if err == nil {
		for _, p := range []*program{&generated, &startup, &cpu} {
			p.variants = append(p.variants, &variant{name: "node", argv: []string{node, p.variants[0].argv[2]}})
		}
		startup.variants[2].name = "node hello.js"
	}
	programs := []program{generated, startup, cpu}

	var npmSet []program
	var npmHello, npmAll program
	var npmFiles int
	if npm {
		if npmSet, npmHello, npmAll, npmFiles, err = npmPrograms(filepath.Join(dir, "npm"), intact, node, s); err != nil {
			return err
		}
		programs = append(programs, npmSet...)
		programs = append(programs, npmHello, npmAll)
	}

	// Warm the page cache, and check that every variant works and that
	// enforcement changes no output. The first variant of each program runs
	// without a policy, the second enforcing, the third (if any) is node.
	for _, p := range programs {
		var outs []string
		for _, v := range p.variants {
			out, err := v.run()
			if err != nil {
				return err
			}
			outs = append(outs, out)
			v.wall, v.cpu, v.rss = nil, nil, nil
		}
		if outs[1] != outs[0] {
			return fmt.Errorf("%s: the output with enforcement differs from the output without", p.label)
		}
		if len(outs) > 2 && outs[2] != outs[0] {
			fmt.Printf("note: %s prints something else under node than under intact\n", p.label)
		}
	}

	fmt.Printf("%d rounds, alternating; load average %s at start\n", runs, benchkit.LoadAvg())
	for r := 0; r < runs; r++ {
		for _, p := range programs {
			vs := p.variants
			for i := range vs {
				v := vs[i]
				if r%2 == 1 {
					v = vs[len(vs)-1-i]
				}
				if _, err := v.run(); err != nil {
					return err
				}
			}
		}
	}
	fmt.Printf("load average %s at end\n\n", benchkit.LoadAvg())

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "variant\twall med\twall min\twall max\tcpu med\tcpu min\tpeak RSS med\t")
	for _, p := range []program{generated, startup, cpu} {
		for _, v := range p.variants {
			name := v.name
			if p.label != startup.label {
				name = p.label + ", " + v.name
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, benchkit.MS(benchkit.Median(v.wall)), benchkit.MS(slices.Min(v.wall)),
				benchkit.MS(slices.Max(v.wall)), benchkit.MS(benchkit.Median(v.cpu)), benchkit.MS(slices.Min(v.cpu)), mib(v.rss))
		}
	}
	w.Flush()
	off, on := generated.variants[0], generated.variants[1]
	fmt.Printf("\nenforcement overhead, %d-module app (median on/off): wall %s, cpu %s\n",
		modules, change(on.wall, off.wall), change(on.cpu, off.cpu))
	if vs := startup.variants; len(vs) > 2 {
		fmt.Printf("start-up, intact run hello.js / node hello.js (median): wall %.2fx, cpu %.2fx\n",
			ratio(vs[0].wall, vs[2].wall), ratio(vs[0].cpu, vs[2].cpu))
	}

	off, on = cpu.variants[0], cpu.variants[1]
	fmt.Printf("enforcement overhead, cpu.js (median on/off): wall %s, cpu %s\n", change(on.wall, off.wall), change(on.cpu, off.cpu))

	if npm {
		fmt.Printf("\nnpm package set (internal/npmcompat): %d scripts, %d files in the app and its signed catalog;\n", len(npmSet), npmFiles)
		fmt.Printf("medians; off = intact run, on = intact run enforcing (policy + signed catalog)\n\n")
		reportNpm(slices.Concat(npmSet, []program{npmAll}))
		off, on := npmHello.variants[0], npmHello.variants[1]
		fmt.Printf("fixed cost per process of enforcing with this catalog (hello.js in the npm app, median on - off): wall %s, cpu %s\n",
			benchkit.MS(benchkit.Median(on.wall)-benchkit.Median(off.wall)), benchkit.MS(benchkit.Median(on.cpu)-benchkit.Median(off.cpu)))
	}
	if node != "" {
		against := []program{generated, startup, cpu}
		if npm {
			against = append(against, npmAll)
		}
		reportNode(against)
	}
	return nil
}

// cpuScript is cpu.js, the CPU-heavy workload: JSON, regular expressions,
// object churn and recursion, no I/O.
//
//go:embed cpu.js
var cpuScript string

// reportNode prints intact run without a policy against node for each
// program whose third variant is node: medians of wall time, CPU time and
// peak resident set, and their ratios.
func reportNode(programs []program) {
	fmt.Printf("\nintact run (no policy) against node, medians\n\n")
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "program\twall intact\twall node\tratio\tcpu intact\tcpu node\tratio\tpeak RSS intact\tpeak RSS node\tratio\t")
	for _, p := range programs {
		intact, node := p.variants[0], p.variants[2]
		fmt.Fprintf(w, "%s\t%s\t%s\t%.2fx\t%s\t%s\t%.2fx\t%s\t%s\t%.2fx\t\n", p.label,
			benchkit.MS(benchkit.Median(intact.wall)), benchkit.MS(benchkit.Median(node.wall)), ratio(intact.wall, node.wall),
			benchkit.MS(benchkit.Median(intact.cpu)), benchkit.MS(benchkit.Median(node.cpu)), ratio(intact.cpu, node.cpu),
			mib(intact.rss), mib(node.rss), rssRatio(intact.rss, node.rss))
	}
	w.Flush()
}

// rssRatio is the ratio of the medians of two sets of peak resident sets
// (NaN where the system reports none).
func rssRatio(a, b []int64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	return float64(benchkit.Median(a)) / float64(benchkit.Median(b))
}

// mib formats the median of peak resident sets, in KiB, as MiB.
func mib(rss []int64) string {
	if len(rss) == 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f MiB", float64(benchkit.Median(rss))/1024)
}

// A program is one thing to run, in several variants (no policy,
// enforcing, node) that are compared with each other.
type program struct {
	label    string
	variants []*variant
}

// reportNpm prints, for each script of the npm set, for the whole set (the
// median over the rounds of each round's sum over the scripts) and for the
// last program of set, all.js, the median wall and CPU time of every variant
// and the on/off change.
func reportNpm(set []program) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "script\twall off\twall on\ton/off\tcpu off\tcpu on\ton/off\t")
	withNode := len(set[0].variants) > 2
	if withNode {
		fmt.Fprint(w, "wall node\tcpu node\tcpu off/node\t")
	}
	fmt.Fprintln(w)
	row := func(label string, vs []*variant) {
		off, on := vs[0], vs[1]
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t", label, benchkit.MS(benchkit.Median(off.wall)), benchkit.MS(benchkit.Median(on.wall)), change(on.wall, off.wall),
			benchkit.MS(benchkit.Median(off.cpu)), benchkit.MS(benchkit.Median(on.cpu)), change(on.cpu, off.cpu))
		if withNode {
			node := vs[2]
			fmt.Fprintf(w, "%s\t%s\t%.2fx\t", benchkit.MS(benchkit.Median(node.wall)), benchkit.MS(benchkit.Median(node.cpu)), ratio(off.cpu, node.cpu))
		}
		fmt.Fprintln(w)
	}
	total := make([]*variant, len(set[0].variants))
	for i := range total {
		total[i] = &variant{}
	}
	scripts, all := set[:len(set)-1], set[len(set)-1]
	for _, p := range scripts {
		for i, v := range p.variants {
			total[i].add(v)
		}
		row(p.label, p.variants)
	}
	row("total", total)
	row("all.js (every script in one process)", all.variants)
	w.Flush()
	fmt.Printf("\nenforcement overhead, npm package set (median of round totals, on/off): wall %s, cpu %s\n",
		change(total[1].wall, total[0].wall), change(total[1].cpu, total[0].cpu))
	off, on := all.variants[0], all.variants[1]
	fmt.Printf("enforcement overhead, every script in one process (all.js, median on/off): wall %s, cpu %s\n",
		change(on.wall, off.wall), change(on.cpu, off.cpu))
}

// npmPrograms installs the npm package set into dir, signs it whole, and
// returns the programs to time there: set, one per driver script; hello, a
// hello.js that shows the fixed cost of enforcing with the app's catalog;
// and all, every script in one process, which pays that cost once. files
// is the number of files in the app and its catalog. node is "" when node
// is not installed.
func npmPrograms(dir, intact, node string, s *signer) (set []program, hello, all program, files int, err error) {
	scripts, err := installNpmApp(dir)
	if err != nil {
		return nil, hello, all, 0, fmt.Errorf("%w (-npm=false skips the npm package set)", err)
	}
	var allJS strings.Builder
	for _, script := range scripts {
		fmt.Fprintf(&allJS, "require('./%s');\n", script)
	}
	if err := write(filepath.Join(dir, "all.js"), allJS.String()); err != nil {
		return nil, hello, all, 0, err
	}
	if err := write(filepath.Join(dir, "hello.js"), "console.log('hello');\n"); err != nil {
		return nil, hello, all, 0, err
	}
	if files, err = countFiles(dir); err != nil {
		return nil, hello, all, 0, err
	}
	enforce, err := s.sign(dir)
	if err != nil {
		return nil, hello, all, 0, err
	}
	// newProgram runs args in dir without a policy, enforcing, and under
	// node (where installed, and unless noNode).
	newProgram := func(label string, noNode bool, args ...string) program {
		p := program{label: label, variants: []*variant{
			{name: "off", dir: dir, argv: slices.Concat([]string{intact, "run"}, args)},
			{name: "on", dir: dir, argv: slices.Concat([]string{intact, "run"}, enforce, args)},
		}}
		if node != "" && !noNode {
			p.variants = append(p.variants, &variant{name: "node", dir: dir, argv: slices.Concat([]string{node}, args)})
		}
		return p
	}
	for _, script := range scripts {
		set = append(set, newProgram(script, false, append([]string{script}, npmcompat.ScriptArgs[script]...)...))
	}
	return set, newProgram("hello.js in the npm app", true, "hello.js"), newProgram("all.js", false, "all.js"), files, nil
}

// installNpmApp installs npmcompat.Packages with npm into dir and puts the
// driver scripts of internal/npmcompat beside node_modules, as
// npmcompat.App does for the tests. It returns the scripts' names.
func installNpmApp(dir string) ([]string, error) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, errors.New("npm is not installed: cannot install the npm package set")
	}
	if err := write(filepath.Join(dir, "package.json"), `{"name":"intact-bench-npm","private":true}`+"\n"); err != nil {
		return nil, err
	}
	// The flags of npmcompat's install, and the local npm cache first.
	args := slices.Concat([]string{"install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock",
		"--loglevel=error", "--prefer-offline"}, npmcompat.Packages)
	if err := benchkit.Run(dir, npm, args...); err != nil {
		return nil, err
	}
	scripts := npmcompat.Scripts()
	for _, name := range scripts {
		data, err := os.ReadFile(filepath.Join(scriptsDir, name))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return nil, err
		}
	}
	return scripts, nil
}

// signer makes catalogs signed by a leaf of the TEST-ONLY PKI, under a
// policy that trusts its root and enforces code integrity.
type signer struct{ *benchkit.Signer }

func newSigner(intact, out string) (*signer, error) {
	s, err := benchkit.NewSigner(intact, out)
	return &signer{s}, err
}

// sign writes a catalog of every file under app and returns the flags of
// intact run that enforce the policy with that catalog.
func (s *signer) sign(app string) ([]string, error) {
	cat, err := s.Sign(app)
	if err != nil {
		return nil, err
	}
	return []string{"--no-warnings", "--policy", s.Policy, "--catalog", cat}, nil
}

// A variant is one command line, timed over the rounds.
type variant struct {
	name string
	dir  string
	argv []string
	wall []time.Duration
	cpu  []time.Duration // user + system, which a busy machine disturbs less
	rss  []int64         // peak resident set, KiB
}

// add adds the times of o, round by round, to those of v.
func (v *variant) add(o *variant) {
	if v.wall == nil {
		v.wall, v.cpu = make([]time.Duration, len(o.wall)), make([]time.Duration, len(o.cpu))
	}
	for r := range o.wall {
		v.wall[r] += o.wall[r]
		v.cpu[r] += o.cpu[r]
	}
	// A set of processes one after the other peaks at its largest.
	if v.rss == nil {
		v.rss = make([]int64, len(o.rss))
	}
	for r := range o.rss {
		v.rss[r] = max(v.rss[r], o.rss[r])
	}
}

// run runs v once, records its wall and CPU time, and returns its stdout.
func (v *variant) run() (string, error) {
	cmd := exec.Command(v.argv[0], v.argv[1:]...)
	cmd.Dir = v.dir
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	v.wall = append(v.wall, time.Since(start))
	if err != nil {
		return "", fmt.Errorf("%s: %v\n%s", strings.Join(v.argv, " "), err, stderr.String())
	}
	v.cpu = append(v.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
	if rss, ok := peakRSS(cmd.ProcessState); ok {
		v.rss = append(v.rss, rss)
	}
	return stdout.String(), nil
}

func ratio(a, b []time.Duration) float64 {
	return float64(benchkit.Median(a)) / float64(benchkit.Median(b))
}

// change formats the median of a against the median of b as a percentage.
func change(a, b []time.Duration) string { return fmt.Sprintf("%+.1f%%", 100*(ratio(a, b)-1)) }

func countFiles(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	return n, err
}

// generateApp writes main.js, which requires n modules spread over 20
// packages in node_modules and local folders, each module requiring the
// previous one of its group, and hello.js.
func generateApp(dir string, n int) error {
	var main strings.Builder
	main.WriteString("let sum = 0;\n")
	for i := 0; i < n; i++ {
		group := i % 20
		var rel, file string
		if group%2 == 0 {
			rel = fmt.Sprintf("pkg%d/lib/m%d", group, i)
			file = filepath.Join(dir, "node_modules", rel+".js")
		} else {
			rel = fmt.Sprintf("./src/g%d/m%d", group, i)
			file = filepath.Join(dir, rel+".js")
		}
		body := fmt.Sprintf("'use strict';\nconst data = { id: %d, name: 'module %d', tags: ['a', 'b', 'c'] };\n"+
			"function compute(x) { let s = 0; for (let k = 0; k < 10; k++) s += (x * k) %% 7; return s + data.id; }\n", i, i)
		if i >= 20 {
			prev := i - 20
			if group%2 == 0 {
				body += fmt.Sprintf("const prev = require('./m%d');\n", prev)
			} else {
				body += fmt.Sprintf("const prev = require('./m%d.js');\n", prev)
			}
		} else {
			body += "const prev = {};\n"
		}
		// Modules link to the previous one without calling through the
		// chain, so that loading, not computing, dominates.
		body += "module.exports = { compute: (x) => compute(x) + (prev.data ? prev.data.id % 3 : 0), data };\n"
		if err := write(file, body); err != nil {
			return err
		}
		fmt.Fprintf(&main, "sum += require(%q).compute(%d);\n", rel, i)
	}
	main.WriteString("const config = require('./config.json');\nconsole.log(config.name, sum);\n")
	if err := write(filepath.Join(dir, "main.js"), main.String()); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, "config.json"), `{"name": "bench"}`); err != nil {
		return err
	}
	return write(filepath.Join(dir, "hello.js"), "console.log('hello');\n")
}

func write(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}
