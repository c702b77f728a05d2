package nodeguard

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/scratch"
)

// These tests drive reading ahead through the broker's protocol, with a
// policy whose only enforcer allows everything and counts what it judged.

// countingEnforcer allows all content and counts, by their first line,
// the files it judged.
type countingEnforcer struct {
	mu     sync.Mutex
	judged map[string]int
}

func (c *countingEnforcer) Name() string { return "counting" }
func (c *countingEnforcer) Settings() enforcer.Settings {
	return enforcer.Settings{EnforceCodeIntegrity: true}
}
func (c *countingEnforcer) Status() enforcer.Status { return enforcer.Status{Available: true} }
func (c *countingEnforcer) CheckContent(content enforcer.Content) error {
	first, _, _ := bytes.Cut(content.Data, []byte("\n"))
	c.mu.Lock()
	c.judged[string(first)]++
	c.mu.Unlock()
	return nil
}

func (c *countingEnforcer) count(first string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.judged[first]
}

// aheadFiles returns the files read ahead in an opReadCode reply's body,
// path → bytes.
func aheadFiles(t *testing.T, body []byte) map[string]string {
	t.Helper()
	files := map[string]string{}
	for off := 4 + len(servedBytes(t, body)); off < len(body); {
		n := int(le32(body[off:]))
		path := string(body[off+4 : off+4+n])
		off += 4 + n
		size := int(le32(body[off:]))
		files[path] = string(body[off+4 : off+4+size])
		off += 4 + size
	}
	return files
}

// writeTree writes files (name → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		writeFile(t, dir, name, content)
	}
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// TestReadAheadSymlinkLoop: a package is read ahead once, whatever path
// leads to it. Two packages that depend on each other, each with its
// node_modules linked back to the folder above (a → .., an attacker's
// loop), make 2^n names for the same two packages; each is read once,
// and what is read in all stays bounded however many requests node makes.
func TestReadAheadSymlinkLoop(t *testing.T) {
	app := scratch.Dir(t)
	files := map[string]string{
		"package.json": `{"name": "app", "dependencies": {"a": "1"}}`,
		"main.js":      "// main\n",
	}
	for _, p := range []string{"a", "b"} {
		files["node_modules/"+p+"/package.json"] = `{"name": "` + p + `", "dependencies": {"a": "1", "b": "1"}}`
		files["node_modules/"+p+"/index.js"] = "// package " + p + "\n"
	}
	// docs/ is never read ahead: node asks for each of these.
	const requests = 200
	for i := range requests {
		files[fmt.Sprintf("docs/m%d.js", i)] = fmt.Sprintf("// docs %d\n", i)
	}
	writeTree(t, app, files)
	for _, p := range []string{"a", "b"} {
		link := filepath.Join(app, "node_modules", p, "node_modules")
		if err := os.Symlink("..", link); err != nil {
			t.Skip("cannot make symbolic links here:", err)
		}
		// Before scratch.Dir's clean-up, which would follow the loop.
		t.Cleanup(func() { os.Remove(link) })
	}
	counter := &countingEnforcer{judged: map[string]int{}}
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{counter}})
	fos := &fakeOS{}
	s := startSession(t, newBroker(p, fos), fos, filepath.Join(app, "main.js"))

	handed := map[string]int{}
	for i := range requests {
		path := filepath.Join(app, "main.js")
		if i > 0 {
			path = filepath.Join(app, "docs", fmt.Sprintf("m%d.js", i))
		}
		status, body := s.call(opReadCode, path)
		if status != statusOK {
			t.Fatalf("%s: status %d, body %q", path, status, body)
		}
		for f := range aheadFiles(t, body) {
			handed[strings.TrimPrefix(f, app)]++
		}
		if counter.count("// package a") > 1 || counter.count("// package b") > 1 {
			break
		}
	}
	for _, p := range []string{"a", "b"} {
		if n := counter.count("// package " + p); n > 1 {
			t.Errorf("package %s's index.js was read ahead %d times, want once", p, n)
		}
	}
	if len(handed) > 2 {
		t.Errorf("files handed over (name → times): %v; want each package's index.js once, by one name", handed)
	}
}

// TestReadAheadStale: a package read ahead long before node asks for
// anything more is not handed over: node would run its files as they were
// at the check, which doc/node.md bounds to 10 seconds. The broker hands
// over batches no older than its limit (shortened here), and the
// bootstrap keeps them for the rest (TestReadAheadAgeLimits). A file of
// the package then changed is served as it is now.
func TestReadAheadStale(t *testing.T) {
	const limit = 300 * time.Millisecond
	for _, tc := range []struct {
		maxAge    time.Duration
		wantOther string // other.js as handed over with index.js, "" for not
	}{
		{aheadMaxAge, "// other v1\n"}, // younger than the limit: as it was checked
		{limit, ""},
	} {
		app := scratch.Dir(t)
		writeTree(t, app, map[string]string{
			"package.json":                  `{"name": "app", "dependencies": {"dep": "1"}}`,
			"main.js":                       "// main\n",
			"node_modules/dep/package.json": `{"name": "dep"}`,
			"node_modules/dep/index.js":     "// index\n",
			"node_modules/dep/other.js":     "// other v1\n",
		})
		counter := &countingEnforcer{judged: map[string]int{}}
		p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{counter}})
		fos := &fakeOS{}
		b := newBroker(p, fos)
		b.maxAge = tc.maxAge
		s := startSession(t, b, fos, "")
		// The reply hands over main.js's package; dep, a dependency, is
		// read ahead once it is written, and waits for node's next
		// request.
		if status, body := s.call(opReadCode, filepath.Join(app, "main.js")); status != statusOK {
			t.Fatalf("main.js: status %d, body %q", status, body)
		}
		for deadline := time.Now().Add(time.Minute); counter.count("// other v1") == 0; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("dep was not read ahead")
			}
		}
		time.Sleep(2 * limit)
		other := filepath.Join(app, "node_modules/dep/other.js")
		writeTree(t, app, map[string]string{"node_modules/dep/other.js": "// other v2\n"})
		status, body := s.call(opReadCode, filepath.Join(app, "node_modules/dep/index.js"))
		if status != statusOK {
			t.Fatalf("index.js: status %d, body %q", status, body)
		}
		if got := aheadFiles(t, body)[other]; got != tc.wantOther {
			t.Errorf("limit %v: other.js handed over at least %v after its check as %q, want %q", tc.maxAge, 2*limit, got, tc.wantOther)
		}
		if tc.wantOther == "" {
			if status, body := s.call(opReadCode, other); status != statusOK || string(servedBytes(t, body)) != "// other v2\n" {
				t.Errorf("other.js asked for: status %d, body %q, want it as it is now", status, body)
			}
		}
	}
}

// TestReadAheadAgeLimits: the broker's limit and the bootstrap's together
// keep doc/node.md's promise that a file read ahead is used within 10
// seconds of its check.
func TestReadAheadAgeLimits(t *testing.T) {
	m := regexp.MustCompile(`(?m)^const aheadTTL = (\d+);`).FindStringSubmatch(bootstrapSource)
	if m == nil {
		t.Fatal("bootstrap.js declares no aheadTTL")
	}
	ttl, _ := strconv.Atoi(m[1])
	if aheadMaxAge <= 0 || aheadMaxAge+time.Duration(ttl)*time.Millisecond > 10*time.Second {
		t.Errorf("the broker hands over files %v old and the bootstrap keeps them %d ms more: over 10 s", aheadMaxAge, ttl)
	}
	if b := newBroker(intact.New(intact.Config{}), &fakeOS{}); b.maxAge != aheadMaxAge {
		t.Errorf("a broker hands over files up to %v old, want %v", b.maxAge, aheadMaxAge)
	}
}

// TestReadAheadBounded: code in node can ask for files in a new folder
// every time, none of which exist (a missing file logs nothing), with a
// file that does now and then. What the broker keeps of its reading ahead
// for them is bounded: its heap grew by 1.5 MB a second without end
// (outside review rt76), and stays within a few MiB now.
func TestReadAheadBounded(t *testing.T) {
	app := scratch.Dir(t)
	writeTree(t, app, map[string]string{"main.js": "// main\n"})
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{&countingEnforcer{judged: map[string]int{}}}})
	fos := &fakeOS{}
	s := startSession(t, newBroker(p, fos), fos, filepath.Join(app, "main.js"))
	request := func(i int) {
		path := filepath.Join(app, "missing", strconv.Itoa(i), "x.js")
		if i%100 == 0 {
			path = filepath.Join(app, "main.js")
		}
		if status, body := s.call(opReadCode, path); (status == statusOK) != (i%100 == 0) {
			t.Fatalf("%s: status %d, body %q", path, status, body)
		}
	}
	// The first requests fill what is bounded; the rest must not add.
	const warm, more = 10000, 20000
	for i := range warm {
		request(i)
	}
	before := heapInUse()
	for i := warm; i < warm+more; i++ {
		request(i)
	}
	after := heapInUse()
	t.Logf("heap after %d requests %d KiB, after %d more %d KiB", warm, before>>10, more, after>>10)
	if after > before+(4<<20) {
		t.Errorf("the broker's heap grew from %d to %d KiB over %d requests for missing files in new folders, want at most 4 MiB more",
			before>>10, after>>10, more)
	}
}

// TestReadAheadRefusedDropped: a file refused in a package of its own
// leaves nothing of the package's reading ahead behind. Each refusal
// (signed code trying plugins planted one by one) kept its package's
// files, up to 1 MiB, for good (outside review rt77: 600 MiB for 600).
func TestReadAheadRefusedDropped(t *testing.T) {
	app := scratch.Dir(t)
	big := strings.Repeat("// "+strings.Repeat("x", 96)+"\n", 3000) // 300 KB
	writeTree(t, app, map[string]string{"main.js": "// main\n"})
	const plugins = 150
	for i := range plugins {
		writeTree(t, app, map[string]string{
			fmt.Sprintf("plugins/p%d/index.js", i): "// " + unsignedMark + "\n",
			fmt.Sprintf("plugins/p%d/a.js", i):     big,
			fmt.Sprintf("plugins/p%d/b.js", i):     big,
		})
	}
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{markEnforcer{enforcing}}})
	fos := &fakeOS{}
	s := startSession(t, newBroker(p, fos), fos, filepath.Join(app, "main.js"))
	if status, body := s.call(opReadCode, filepath.Join(app, "main.js")); status != statusOK {
		t.Fatalf("main.js: status %d, body %q", status, body)
	}
	before := heapInUse()
	for i := range plugins {
		path := filepath.Join(app, "plugins", fmt.Sprintf("p%d", i), "index.js")
		if status, _ := s.call(opReadCode, path); status == statusOK {
			t.Fatalf("%s was allowed", path)
		}
	}
	after := heapInUse()
	t.Logf("heap %d KiB before %d refusals, %d KiB after", before>>10, plugins, after>>10)
	if after > before+(8<<20) {
		t.Errorf("the broker's heap grew from %d to %d KiB over %d refusals in packages of 600 KB each, want at most 8 MiB more",
			before>>10, after>>10, plugins)
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestDependenciesBounded: the dependencies of a package are looked for
// within bounds: a package.json that nothing checks named 1,024 of them
// from a folder 1,900 deep, and the broker looked for each in every
// folder up to the root, node waiting meanwhile, for 7 minutes and 4 GiB
// (outside review rt77).
func TestDependenciesBounded(t *testing.T) {
	names := make([]string, aheadMaxWant)
	for i := range names {
		names[i] = fmt.Sprintf("%q: %q", fmt.Sprintf("d%04d", i), "1")
	}
	manifest := `{"name": "dep", "dependencies": {` + strings.Join(names, ", ") + "}}"
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{&countingEnforcer{judged: map[string]int{}}}})
	for _, depth := range []int{20, aheadMaxDepth + 10} {
		dir := filepath.Join(scratch.Dir(t), strings.Repeat("a/", depth))
		writeTree(t, dir, map[string]string{"package.json": manifest})
		r := newReader(p, true, aheadMaxAge)
		r.dependencies(dir, time.Now().Add(time.Hour))
		looked := r.looked
		r.close()
		if depth > aheadMaxDepth && looked != 0 {
			t.Errorf("%d folders deep: %d folders looked at for dependencies, want none", depth, looked)
		}
		if depth <= aheadMaxDepth && (looked == 0 || looked > aheadMaxLookups) {
			t.Errorf("%d folders deep: %d folders looked at for dependencies, want 1 to %d", depth, looked, aheadMaxLookups)
		}
	}
}

// TestReadAheadDropReleasesHeld: a package the speculator read ahead, then
// dropped because node asked for a file of it that is refused, is no
// longer counted as held: counted on, it kept the speculator waiting for
// room for good, and nothing more was read ahead (outside review rt79).
func TestReadAheadDropReleasesHeld(t *testing.T) {
	app := scratch.Dir(t)
	writeTree(t, app, map[string]string{
		"package.json":                `{"name": "app", "dependencies": {"a": "1"}}`,
		"main.js":                     "// main\n",
		"node_modules/a/package.json": `{"name": "a"}`,
		"node_modules/a/index.js":     strings.Repeat("// a\n", 20000),
		"node_modules/a/bad.js":       "// " + unsignedMark + "\n",
	})
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{markEnforcer{enforcing}}})
	r := newReader(p, true, aheadMaxAge)
	defer r.close()
	if _, _, err := r.read(filepath.Join(app, "main.js")); err != nil {
		t.Fatal(err)
	}
	r.next() // queues a for the speculator
	held := func() int64 {
		r.held.mu.Lock()
		defer r.held.mu.Unlock()
		return r.held.n
	}
	for end := time.Now().Add(10 * time.Second); held() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("package a was not read ahead")
		}
	}
	if _, _, err := r.read(filepath.Join(app, "node_modules/a/bad.js")); err == nil {
		t.Fatal("bad.js was allowed")
	}
	if n := held(); n != 0 {
		t.Errorf("%d bytes still counted as held once package a was dropped, want 0", n)
	}
}

// TestDependencyNamesLookedFor: only package names are looked for: @scope/name, or
// a name without a slash. A name of many slashes (outside review rt78:
// 1,950) walked as many folders per lookup.
func TestDependencyNamesLookedFor(t *testing.T) {
	dir := scratch.Dir(t)
	writeTree(t, dir, map[string]string{
		"package.json":                          `{"name": "app", "dependencies": {"@s/n": "1", "plain": "1", "x/y": "1", "a/b/c": "1", "@s/n/deeper": "1"}}`,
		"node_modules/@s/n/package.json":        "{}",
		"node_modules/plain/package.json":       "{}",
		"node_modules/x/y/package.json":         "{}",
		"node_modules/a/b/c/package.json":       "{}",
		"node_modules/@s/n/deeper/package.json": "{}",
	})
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{&countingEnforcer{judged: map[string]int{}}}})
	r := newReader(p, true, aheadMaxAge)
	defer r.close()
	var got []string
	for _, root := range r.dependencies(dir, time.Now().Add(time.Hour)) {
		rel, _ := filepath.Rel(filepath.Join(dir, "node_modules"), root.real)
		got = append(got, filepath.ToSlash(rel))
	}
	slices.Sort(got)
	if want := []string{"@s/n", "plain"}; !slices.Equal(got, want) {
		t.Errorf("dependencies found %q, want %q", got, want)
	}
}

// TestReadAheadCountsPaths: what is read ahead counts the bytes of the
// files' paths as well as their own: 4,094 tiny files under 3.5 KB paths
// per package held hundreds of MiB in the broker and in node, counted as
// a few (outside review rt81).
func TestReadAheadCountsPaths(t *testing.T) {
	dir := scratch.Dir(t)
	files := map[string]string{"package.json": "{}"}
	for i := range 4000 {
		files[fmt.Sprintf("%s%04d.js", strings.Repeat("n", 240), i)] = "1"
	}
	writeTree(t, dir, files)
	got := candidates(packageRoot{dir: dir, deep: true, real: dir})
	var size int
	for _, path := range got {
		size += len(path) + 1
	}
	if size > aheadMaxBatch || len(got) == 4000 {
		t.Errorf("%d files read ahead, %d bytes with their paths; want at most %d bytes", len(got), size, aheadMaxBatch)
	}
}
