//go:build linux

package nodeguard_test

import (
	"bufio"
	"bytes"
	"encoding/json"
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

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// evilModule is what an attacker writes into a package once node has
// started: a canary, then exports.
func evilModule(label string) string {
	return canaryJS(label) + "module.exports = 'evil';\n"
}

// swapApp loads dep, whose package is then read ahead, and changes three
// of dep's files as an attacker who can write the folder would: one
// overwritten, one replaced by a rename, one by a symbolic link to a file
// outside. It loads each, then loads the overwritten one once more.
var swapApp = map[string]string{
	"package.json": `{"name": "app", "private": true, "dependencies": {"dep": "1.0.0"}}` + "\n",
	"main.js": `const fs = require('fs');
const path = require('path');
const pkg = path.join(__dirname, 'node_modules', 'dep');
const evil = (label) => fs.readFileSync(path.join(__dirname, 'evil.txt'), 'utf8').replace('LABEL', label);
function attempt(name, f) {
  try { console.log(name, f()); } catch (e) { console.log(name, e.code || e.message); }
}
attempt('index', () => require('dep'));
fs.writeFileSync(path.join(pkg, 'lazy.js'), evil('lazy'));
fs.writeFileSync(path.join(pkg, 'tmp.js'), evil('renamed'));
fs.renameSync(path.join(pkg, 'tmp.js'), path.join(pkg, 'renamed.js'));
fs.writeFileSync(path.join(__dirname, 'outside.js'), evil('linked'));
fs.rmSync(path.join(pkg, 'linked.js'));
fs.symlinkSync(path.join(__dirname, 'outside.js'), path.join(pkg, 'linked.js'));
for (const name of ['lazy', 'renamed', 'linked']) attempt(name, () => require('dep/' + name + '.js'));
delete require.cache[require.resolve('dep/lazy.js')];
attempt('lazy again', () => require('dep/lazy.js'));
`,
	"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0"}` + "\n",
	"node_modules/dep/index.js":     "module.exports = 'index';\n",
	"node_modules/dep/lazy.js":      "module.exports = 'lazy';\n",
	"node_modules/dep/renamed.js":   "module.exports = 'renamed';\n",
	"node_modules/dep/linked.js":    "module.exports = 'linked';\n",
}

// TestReadAheadSwap: node compiles the bytes that were checked, never the
// bytes an attacker put in place afterwards. Once a package is read ahead,
// files of it overwritten, renamed over or replaced by a link still load
// as they were checked (proof that they were read ahead), a link node
// resolves to the file outside is refused, and a file used once is read
// again when loaded again, and refused. With --preserve-symlinks node asks
// for the link's own path, which was read ahead as it was. No statement
// the attacker wrote runs, and each refusal is one event.
func TestReadAheadSwap(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, preserve := range []bool{false, true} {
			dir := t.TempDir()
			write(t, dir, swapApp)
			s := sign(t, dir)
			write(t, dir, map[string]string{"evil.txt": evilModule("LABEL")})
			canaryDir := t.TempDir()
			events := filepath.Join(t.TempDir(), "events.json")
			t.Setenv(intact.EnvEventLog, events)
			args := []string{"main.js"}
			want := "index index\nlazy lazy\nrenamed renamed\nlinked ERR_CODE_INTEGRITY_VIOLATION\nlazy again ERR_CODE_INTEGRITY_VIOLATION\n"
			refused := []string{filepath.Join(dir, "outside.js"), filepath.Join(dir, "node_modules/dep/lazy.js")}
			if preserve {
				args = []string{"--preserve-symlinks", "main.js"}
				want = strings.Replace(want, "linked ERR_CODE_INTEGRITY_VIOLATION", "linked linked", 1)
				refused = refused[1:]
			}
			res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, args...)
			if res.Stdout != want {
				t.Errorf("preserve-symlinks %v: exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", preserve, res.Exit, res.Stdout, want, res.Stderr)
			}
			if c := canaries(t, canaryDir); len(c) > 0 {
				t.Errorf("statements written after the check ran: %v", c)
			}
			if got := eventPaths(t, events, intact.EventDenied); strings.Join(got, "\n") != strings.Join(refused, "\n") {
				t.Errorf("preserve-symlinks %v: denials logged for %q, want %q", preserve, got, refused)
			}
		}
	})
}

// eventPaths returns the paths of the events of a kind in an event log.
func eventPaths(t *testing.T, log, kind string) []string {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var paths []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var ev struct{ Event, Path string }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("event %q: %v", sc.Text(), err)
		}
		if ev.Event == kind {
			paths = append(paths, ev.Path)
		}
	}
	return paths
}

// TestReadAheadUnsigned: an unsigned file beside signed ones in a package
// read ahead is left out of it, silently: loaded, it is refused as always,
// none of it runs, and it is the one denial logged; an unsigned file never
// loaded leaves no event. In audit mode it runs, with one audit event.
func TestReadAheadUnsigned(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"package.json": `{"name": "app", "private": true}` + "\n",
		"main.js": `function attempt(name, f) {
  try { console.log(name, f()); } catch (e) { console.log(name, e.code || e.message); }
}
attempt('index', () => require('dep'));
attempt('good', () => require('dep/good.js'));
attempt('bad', () => require('dep/bad.js'));
`,
		"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0"}` + "\n",
		"node_modules/dep/index.js":     "module.exports = 'index';\n",
		"node_modules/dep/good.js":      "module.exports = 'good';\n",
	})
	s := sign(t, dir)
	write(t, dir, map[string]string{
		"node_modules/dep/bad.js":   evilModule("bad"),
		"node_modules/dep/never.js": evilModule("never"),
	})
	bad := filepath.Join(dir, "node_modules/dep/bad.js")
	forEachNode(t, func(t *testing.T, n testNode) {
		for _, tc := range []struct {
			policy, want, event string
			ran                 []string
		}{
			{"enforce", "index index\ngood good\nbad ERR_CODE_INTEGRITY_VIOLATION\n", intact.EventDenied, nil},
			{"audit", "index index\ngood good\nbad evil\n", intact.EventAudit, []string{"bad"}},
		} {
			canaryDir := t.TempDir()
			events := filepath.Join(t.TempDir(), "events.json")
			t.Setenv(intact.EnvEventLog, events)
			res := s.run(t, n, tc.policy, runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "main.js")
			if res.Stdout != tc.want {
				t.Errorf("%s: exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", tc.policy, res.Exit, res.Stdout, tc.want, res.Stderr)
			}
			if c := canaries(t, canaryDir); strings.Join(c, ",") != strings.Join(tc.ran, ",") {
				t.Errorf("%s: canaries %v, want %v", tc.policy, c, tc.ran)
			}
			log, _ := os.ReadFile(events)
			if got := eventPaths(t, events, tc.event); len(got) != 1 || got[0] != bad || strings.Count(string(log), "\n") != 1 {
				t.Errorf("%s: events:\n%s\nwant one %s event for %s", tc.policy, log, tc.event, bad)
			}
		}
	})
}

// TestReadAheadPerThread: each thread keeps what was read ahead for it. A
// worker started after the main thread read a package ahead, and after a
// file of it was changed, reads the file anew and is refused; the main
// thread still loads the file as it was checked.
func TestReadAheadPerThread(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"package.json": `{"name": "app", "private": true}` + "\n",
		"main.js": `const fs = require('fs');
const path = require('path');
const { Worker } = require('worker_threads');
console.log('main', require('dep'));
fs.writeFileSync(path.join(__dirname, 'node_modules/dep/lazy.js'), fs.readFileSync(path.join(__dirname, 'evil.txt')));
const w = new Worker(path.join(__dirname, 'worker.js'));
w.on('message', (m) => {
  console.log('worker', m);
  console.log('main', require('dep/lazy.js'));
});
`,
		"worker.js": `const { parentPort } = require('worker_threads');
try { parentPort.postMessage(require('dep/lazy.js')); } catch (e) { parentPort.postMessage(e.code); }
`,
		"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0"}` + "\n",
		"node_modules/dep/index.js":     "module.exports = 'index';\n",
		"node_modules/dep/lazy.js":      "module.exports = 'lazy';\n",
	})
	s := sign(t, dir)
	write(t, dir, map[string]string{"evil.txt": evilModule("lazy")})
	forEachNode(t, func(t *testing.T, n testNode) {
		write(t, dir, map[string]string{"node_modules/dep/lazy.js": "module.exports = 'lazy';\n"}) // as signed
		runUntampered(t, s, n, "main.js", "main index\nworker ERR_CODE_INTEGRITY_VIOLATION\nmain lazy\n")
	})
}

// recordingEnforcer allows every file and records the paths it judged.
type recordingEnforcer struct {
	name string
	mu   sync.Mutex
	seen []string
}

func (e *recordingEnforcer) Name() string { return e.name }
func (e *recordingEnforcer) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true}
}
func (e *recordingEnforcer) Status() enforcer.Status { return enforcer.Status{Available: true} }

func (e *recordingEnforcer) record(path string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seen = append(e.seen, filepath.Base(path))
}

// contentRecorder judges bytes; fileRecorder judges open files, as the
// OS enforcers do.
type contentRecorder struct{ recordingEnforcer }
type fileRecorder struct{ recordingEnforcer }

func (e *contentRecorder) CheckContent(c enforcer.Content) error { e.record(c.Path); return nil }
func (e *fileRecorder) CheckFile(f *os.File, path string) error  { e.record(path); return nil }

// TestNoReadAheadUnderOSEnforcer: under an enforcer that judges open files,
// as the kernel's AT_EXECVE_CHECK does, nothing is read ahead (the OS may
// record its own verdicts): it judges exactly the files node loads. An
// enforcer that judges bytes only sees the package read ahead.
func TestNoReadAheadUnderOSEnforcer(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"package.json":                  `{"name": "app", "private": true}` + "\n",
		"main.js":                       "console.log(require('dep'));\n",
		"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0"}` + "\n",
		"node_modules/dep/index.js":     "module.exports = 'index';\n",
		"node_modules/dep/unused.js":    "module.exports = 'unused';\n",
	})
	n := nodes(t)[0]
	s := &signed{dir: dir, system: t.TempDir()}
	file := &fileRecorder{recordingEnforcer{name: "file"}}
	content := &contentRecorder{recordingEnforcer{name: "content"}}
	for _, tc := range []struct {
		e    enforcer.Enforcer
		rec  *recordingEnforcer
		want string
	}{
		{file, &file.recordingEnforcer, "index.js,main.js"},
		{content, &content.recordingEnforcer, "index.js,main.js,unused.js"},
	} {
		res := s.runPolicy(t, n, intact.New(intact.Config{Enforcers: []enforcer.Enforcer{tc.e}}), nil, runOpts{}, "main.js")
		if res.Stdout != "index\n" {
			t.Fatalf("%s: exit %+v, stdout %q\n%s", tc.rec.name, res.Exit, res.Stdout, res.Stderr)
		}
		tc.rec.mu.Lock()
		seen := slices.Clone(tc.rec.seen)
		tc.rec.mu.Unlock()
		slices.Sort(seen)
		if got := strings.Join(slices.Compact(seen), ","); got != tc.want {
			t.Errorf("%s enforcer judged %s, want %s", tc.rec.name, got, tc.want)
		}
	}
}

// TestReadAheadMemory: what is read ahead is bounded. A package holding
// files larger than the broker reads ahead, and many more small files
// than it hands over at once, none of them loaded, adds little to the peak
// memory of node or of the broker, against the same app without them.
func TestReadAheadMemory(t *testing.T) {
	timeBin, err := exec.LookPath("time")
	if _, serr := os.Stat("/usr/bin/time"); serr == nil {
		timeBin, err = "/usr/bin/time", nil
	}
	if err != nil {
		t.Skip("no /usr/bin/time to measure node's peak memory")
	}
	n := nodes(t)[0]
	app := map[string]string{
		"package.json":                  `{"name": "app", "private": true, "dependencies": {"dep": "1.0.0"}}` + "\n",
		"main.js":                       "console.log(require('dep'));\n",
		"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0"}` + "\n",
		"node_modules/dep/index.js":     "module.exports = 'index';\n",
	}
	plain, big := t.TempDir(), t.TempDir()
	write(t, plain, app)
	write(t, big, app)
	// 24 MiB in 4 files too large to read ahead, and 16 MiB in 256 files
	// that would each be.
	huge := strings.Repeat("// "+strings.Repeat("x", 1021)+"\n", 6<<10)
	small := strings.Repeat("// "+strings.Repeat("y", 1021)+"\n", 64)
	for i := range 4 {
		write(t, big, map[string]string{fmt.Sprintf("node_modules/dep/huge%d.js", i): huge})
	}
	for i := range 256 {
		write(t, big, map[string]string{fmt.Sprintf("node_modules/dep/lib/small%03d.js", i): small})
	}
	peaks := func(dir string) (node, broker int64) {
		s := sign(t, dir)
		report := filepath.Join(t.TempDir(), "rss")
		wrap := filepath.Join(t.TempDir(), "node")
		write(t, filepath.Dir(wrap), map[string]string{"node": "#!/bin/sh\nexec " + timeBin + " -f %M -o " + report + " " + n.Path + " \"$@\"\n"})
		os.Chmod(wrap, 0o755)
		resetPeakRSS(t)
		res := s.run(t, n, "enforce", runOpts{wrap: wrap}, "main.js")
		broker = peakRSS(t)
		if res.Stdout != "index\n" {
			t.Fatalf("exit %+v, stdout %q\n%s", res.Exit, res.Stdout, res.Stderr)
		}
		data, err := os.ReadFile(report)
		if err != nil {
			t.Fatal(err)
		}
		fields := strings.Fields(string(data))
		if node, err = strconv.ParseInt(fields[len(fields)-1], 10, 64); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		return node, broker
	}
	// Each measured twice, the smaller kept: the first run warms caches.
	var nodeBase, brokerBase, nodeBig, brokerBig int64 = 1 << 40, 1 << 40, 1 << 40, 1 << 40
	for range 2 {
		nb, bb := peaks(plain)
		ng, bg := peaks(big)
		nodeBase, brokerBase = min(nodeBase, nb), min(brokerBase, bb)
		nodeBig, brokerBig = min(nodeBig, ng), min(brokerBig, bg)
	}
	t.Logf("peak RSS: node %d → %d KiB, broker (this test process) %d → %d KiB", nodeBase, nodeBig, brokerBase, brokerBig)
	const limit = 10 << 10 // KiB
	if nodeBig-nodeBase > limit {
		t.Errorf("node's peak grew by %d KiB with 40 MiB of unused code beside it, want at most %d", nodeBig-nodeBase, limit)
	}
	if brokerBig-brokerBase > limit {
		t.Errorf("the broker's peak grew by %d KiB with 40 MiB of unused code beside it, want at most %d", brokerBig-brokerBase, limit)
	}
}

// resetPeakRSS sets this process's peak resident set to its current size.
func resetPeakRSS(t *testing.T) {
	t.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skip("cannot reset the peak resident set:", err)
	}
}

// peakRSS returns this process's peak resident set, in KiB.
func peakRSS(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// TestReadAheadInvalidUTF8: a decoding of a path that is not valid UTF-8
// turns every invalid byte into U+FFFD (as the bootstrap once keyed files
// read ahead). A signed file named "\xff.js" must not stand in for an unsigned
// "\uFFFD.js" that node loads: the unsigned file is refused, none of
// either file runs, and the refusal is logged.
func TestReadAheadInvalidUTF8(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"package.json":                  `{"name": "app", "private": true, "dependencies": {"pkg": "1"}}` + "\n",
		"main.js":                       "try { console.log(require('pkg')); } catch (e) { console.log(e.code); }\n",
		"node_modules/pkg/package.json": `{"name": "pkg", "main": "index.js"}` + "\n",
		"node_modules/pkg/index.js":     "module.exports = 'signed index';\n",
		"node_modules/pkg/\xff.js":      canaryJS("signed-ff") + "module.exports = 'bytes of <0xff>.js';\n",
	})
	s := sign(t, dir)
	// The attacker's unsigned file, named U+FFFD.js, which package.json
	// (never checked) now names as the package's main.
	write(t, dir, map[string]string{
		"node_modules/pkg/\uFFFD.js":    evilModule("unsigned"),
		"node_modules/pkg/package.json": `{"name": "pkg", "main": "\uFFFD.js"}` + "\n",
	})
	unsigned := filepath.Join(dir, "node_modules/pkg/\uFFFD.js")
	forEachNode(t, func(t *testing.T, n testNode) {
		canaryDir := t.TempDir()
		events := filepath.Join(t.TempDir(), "events.json")
		t.Setenv(intact.EnvEventLog, events)
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "main.js")
		if want := "ERR_CODE_INTEGRITY_VIOLATION\n"; res.Stdout != want {
			t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("code ran in place of the unsigned file: %v", c)
		}
		if got := eventPaths(t, events, intact.EventDenied); len(got) != 1 || got[0] != unsigned {
			t.Errorf("denials logged for %q, want one for %q", got, unsigned)
		}
	})
}

// TestReadAheadSameHash: the bootstrap finds files read ahead through a
// 32-bit hash of their paths' length and last bytes, and must hand each
// file over for its own path only. Two files of a package whose paths hash alike, both
// read ahead, then overwritten by an attacker (so that each loads as
// checked only if it was read ahead): each loads as its own checked bytes.
func TestReadAheadSameHash(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		// A folder of its own for each node: the app overwrites its files.
		dir := t.TempDir()
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			t.Fatal(err)
		}
		a, b := sameHash(filepath.Join(real, "node_modules", "dep") + string(filepath.Separator))
		write(t, dir, map[string]string{
			"package.json": `{"name": "app", "private": true, "dependencies": {"dep": "1.0.0"}}` + "\n",
			"main.js": `const fs = require('fs');
const path = require('path');
const pkg = path.join(__dirname, 'node_modules', 'dep');
console.log(require('dep'));
for (const name of ['` + a + `', '` + b + `']) fs.writeFileSync(path.join(pkg, name), fs.readFileSync(path.join(__dirname, 'evil.txt')));
console.log(require('dep/` + b + `'));
console.log(require('dep/` + a + `'));
`,
			"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0"}` + "\n",
			"node_modules/dep/index.js":     "module.exports = 'index';\n",
			"node_modules/dep/" + a:         "module.exports = 'a';\n",
			"node_modules/dep/" + b:         "module.exports = 'b';\n",
		})
		s := sign(t, dir)
		write(t, dir, map[string]string{"evil.txt": evilModule("overwritten")})
		runUntampered(t, s, n, "main.js", "index\nb\na\n")
	})
}

// sameHash returns two file names whose paths in folder dir (which ends
// in a separator) hash alike as the bootstrap hashes them: FNV-1a of the
// path's length in bytes and of its last 16 bytes at most.
func sameHash(dir string) (string, string) {
	const offset, prime = 0x811c9dc5, 0x01000193
	hash := func(path string) uint32 {
		h := (offset ^ uint32(len(path))) * prime
		for i := max(0, len(path)-16); i < len(path); i++ {
			h = (h ^ uint32(path[i])) * prime
		}
		return h
	}
	seen := map[uint32]string{}
	for i := 0; ; i++ {
		// Names of one length, so that only their ends tell them apart.
		name := fmt.Sprintf("f%09d.js", i)
		h := hash(dir + name)
		if other, ok := seen[h]; ok {
			return other, name
		}
		seen[h] = name
	}
}

// TestReadAheadDropped: the bootstrap keeps at most 4 MiB read ahead, and
// drops the oldest files first. An app that loads the first file of each
// of ten packages of a hundred files, 0.9 MiB each (which the broker reads
// ahead, package after package), then every file of them, gets each
// file's own bytes, whether it was still kept or dropped and asked for
// again, as the bootstrap's table of files kept grows.
func TestReadAheadDropped(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	var deps, main strings.Builder
	main.WriteString("let out = [];\n")
	const packages, perPackage = 10, 100
	pad := "// " + strings.Repeat("z", 9<<10) + "\n"
	for p := range packages {
		name := fmt.Sprintf("p%d", p)
		fmt.Fprintf(&deps, "%q: \"1.0.0\",", name)
		files["node_modules/"+name+"/package.json"] = fmt.Sprintf(`{"name": %q, "version": "1.0.0", "main": "f0.js"}`+"\n", name)
		for f := range perPackage {
			files[fmt.Sprintf("node_modules/%s/f%d.js", name, f)] = pad + fmt.Sprintf("module.exports = '%s/%d';\n", name, f)
		}
		fmt.Fprintf(&main, "out.push(require(%q));\n", name)
	}
	main.WriteString("for (let p = 0; p < 10; p++) for (let f = 0; f < 100; f++) out.push(require('p' + p + '/f' + f + '.js'));\n")
	main.WriteString("console.log(out.join(' '));\n")
	files["package.json"] = `{"name": "app", "private": true, "dependencies": {` + strings.TrimSuffix(deps.String(), ",") + `}}` + "\n"
	files["main.js"] = main.String()
	write(t, dir, files)
	s := sign(t, dir)
	var want []string
	for p := range packages {
		want = append(want, fmt.Sprintf("p%d/0", p))
	}
	for p := range packages {
		for f := range perPackage {
			want = append(want, fmt.Sprintf("p%d/%d", p, f))
		}
	}
	forEachNode(t, func(t *testing.T, n testNode) {
		res := s.run(t, n, "enforce", runOpts{}, "main.js")
		if got := strings.TrimSpace(res.Stdout); got != strings.Join(want, " ") {
			t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, got, strings.Join(want, " "), res.Stderr)
		}
	})
}

// TestReadAheadManyFiles: a package of 600 small files comes in one reply,
// more than the bootstrap's first table of files kept holds, which grows
// while they are kept. Once the first is loaded, the others are
// overwritten by an attacker: each still loads as its own checked bytes
// (so it was kept, through the table's growth), and nothing of the
// attacker's runs.
func TestReadAheadManyFiles(t *testing.T) {
	const count = 600
	files := map[string]string{
		"package.json": `{"name": "app", "private": true, "dependencies": {"dep": "1.0.0"}}` + "\n",
		"main.js": `const fs = require('fs');
const path = require('path');
const out = [require('dep/f0.js')];
const evil = fs.readFileSync(path.join(__dirname, 'evil.txt'));
for (let f = 1; f < 600; f++) fs.writeFileSync(path.join(__dirname, 'node_modules', 'dep', 'f' + f + '.js'), evil);
for (let f = 1; f < 600; f++) out.push(require('dep/f' + f + '.js'));
console.log(out.join(' '));
`,
		"node_modules/dep/package.json": `{"name": "dep", "version": "1.0.0"}` + "\n",
	}
	var want []string
	for f := range count {
		files[fmt.Sprintf("node_modules/dep/f%d.js", f)] = fmt.Sprintf("module.exports = %d;\n", f)
		want = append(want, strconv.Itoa(f))
	}
	forEachNode(t, func(t *testing.T, n testNode) {
		// A folder of its own for each node: the app overwrites its files.
		dir := t.TempDir()
		write(t, dir, files)
		s := sign(t, dir)
		write(t, dir, map[string]string{"evil.txt": evilModule("overwritten")})
		runUntampered(t, s, n, "main.js", strings.Join(want, " ")+"\n")
	})
}

// TestReadAheadCollidingNames: whoever can write node_modules names the
// files a package holds. Thousands of copies of a small signed file under
// names of one length and one ending, in packages an unsigned package.json
// names, are read ahead and handed to node: the bootstrap hashed the last
// 16 bytes of a path only, and keeping them cost node's main thread n²/2
// comparisons of whole paths, minutes for one reply (outside review rt81).
// Now the app runs within a few times its time without them.
func TestReadAheadCollidingNames(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"main.js": `require('./lib/one.js');
setTimeout(() => { require('./other/x.js'); console.log('ran'); }, 1500);
`,
		"lib/one.js":         "module.exports = 1;\n",
		"other/package.json": `{"name": "other"}`,
		"other/x.js":         "module.exports = 2;\n",
	})
	s := sign(t, dir)
	// The same app without them first, side by side: the bound below is
	// a multiple of its time (9.9 s against 2.0 s here before the fix).
	start := time.Now()
	if res := s.run(t, n, "enforce", runOpts{timeout: time.Minute}, "main.js"); res.Stdout != "ran\n" {
		t.Fatalf("exit %+v, stdout %q\n%s", res.Exit, res.Stdout, res.Stderr)
	}
	alone := time.Since(start)
	const packages, files = 6, 4000
	deps := make([]string, packages)
	for p := range packages {
		name := fmt.Sprintf("flood%d", p)
		deps[p] = fmt.Sprintf("%q: %q", name, "1")
		pkg := filepath.Join(dir, "node_modules", name)
		write(t, pkg, map[string]string{"package.json": `{"name": "` + name + `"}`})
		for f := range files {
			// One length, one ending: only the front differs.
			if err := os.Link(filepath.Join(dir, "lib", "one.js"), filepath.Join(pkg, fmt.Sprintf("f%05d%s.js", f, strings.Repeat("y", 16)))); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(t, dir, map[string]string{"package.json": `{"name": "app", "dependencies": {` + strings.Join(deps, ", ") + "}}"})
	start = time.Now()
	res := s.run(t, n, "enforce", runOpts{timeout: time.Minute}, "main.js")
	flooded := time.Since(start)
	if res.Exit.Code != 0 || res.Stdout != "ran\n" {
		t.Errorf("exit %+v, stdout %q\n%s", res.Exit, res.Stdout, res.Stderr)
	}
	t.Logf("the app alone %v, beside %d files of one length and ending %v", alone, packages*files, flooded)
	if flooded > 3*alone {
		t.Errorf("the app took %v beside %d files of one length and ending, against %v alone: want at most 3 times", flooded, packages*files, alone)
	}
}
