package nodeguard

import (
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/regularfile"
)

// Reading ahead. A synchronous round trip to the broker costs node far
// more than checking a file does (a cross-process wake-up each way), so
// the broker reads and checks a package's code files before node asks for
// them, and hands them over in the replies node waits for anyway: when
// node asks for a file, the reply holds that file, the other code files of
// its package, and those of any package read ahead meanwhile. The
// bootstrap keeps them, by path, for node's next requests, and uses each
// at most once.
//
// A package is read ahead when node first asks for one of its files, and
// before that when it is likely to be asked for next: the main script's,
// from the start, while node boots; then the dependencies in the
// package.json of each package handed over, while node runs the files it
// has, as far as aheadMaxHeld allows. A package is known by its real path,
// so that one reached by many paths (node_modules linked back to a folder
// above, an endless supply of names) is read once.
//
// Files are read with Policy.ReadCodeAhead: ReadCode's checks, no event
// logged, and bytes only for files every enforcer allows outright. A file
// it refuses is simply not sent: when node asks for it, ReadCode decides
// and logs as always.
const (
	// aheadMaxFile is the largest file read ahead: larger ones are read
	// when node asks for them (a round trip is small beside compiling
	// them).
	aheadMaxFile = 512 << 10
	// aheadMaxBatch bounds the bytes read ahead for one package, files
	// and paths; aheadMaxReply, those one reply carries.
	aheadMaxBatch = 1 << 20
	aheadMaxReply = 2 << 20
	// aheadMaxScan bounds the folder entries looked at in one package.
	aheadMaxScan = 4096
	// aheadMaxHeld bounds the bytes the speculator has read ahead and not
	// handed over yet; aheadMaxPending, the packages queued for it. The
	// speculator reads a package only when a whole one more fits. With
	// 4 MiB, node and the broker together peaked 3.7 MiB higher with
	// 2,000 modules (+23.7 against +20.0 MiB over plain node, 21 rounds
	// side by side) for 2% less time (1.11x against 1.13x plain node's);
	// with 1 MiB the app took 1.28x (bench/README.md).
	aheadMaxHeld    = 2 << 20
	aheadMaxPending = 64
	// aheadMaxWant bounds the packages waiting to be queued: those past it
	// are read when node asks for one of their files.
	aheadMaxWant = 1024
	// aheadMaxLookups bounds the folders looked at for one package's
	// dependencies (each name, in each folder up to the root), and
	// aheadMaxDepth the folders above a package whose dependencies are
	// looked for at all: a package.json nothing checks named 1,024
	// dependencies from a folder 1,900 deep, and the broker took 7
	// minutes and 4 GiB to look for them (outside review rt77). Node
	// finds those beyond the bounds when it asks for their files.
	aheadMaxLookups = 4096
	aheadMaxDepth   = 64
	// aheadMaxLookupTime bounds the time one reply's dependencies are
	// looked for (next), which node's next request waits for: each
	// lookup can take milliseconds through chains of links nothing
	// checks (outside review rt79 held node for 15 minutes with 1,024 of
	// them). The packages not looked at are read when node asks.
	aheadMaxLookupTime = 50 * time.Millisecond
	// aheadMaxPackages bounds the packages one thread reads ahead over
	// its life: past it, node's requests are read alone. aheadMaxCached
	// bounds each cache of folders looked at (packageOf, installedPackage),
	// which starts again empty once full. Code in node can ask for files
	// in a new folder each time, and a cache without bound grew the broker
	// by 1.5 MB a second (outside review rt76); an app has a few thousand
	// packages at most.
	aheadMaxPackages = 8192
	aheadMaxCached   = 4096
	// aheadMaxAge is how old, from its check, a batch may be when it is
	// handed over; older ones are dropped, and read again when node asks
	// for one of their files. The bootstrap keeps a file aheadTTL more
	// (bootstrap.js), counted from its request: together no more than the
	// 10 seconds doc/node.md promises. A file read ahead that changes
	// meanwhile runs as it was checked, so the bound is what keeps it from
	// running long after a newer version replaced it.
	aheadMaxAge = 5 * time.Second
	// aheadMaxWait bounds how long a request waits for the read-ahead of
	// its own package, which takes milliseconds unless a file system does
	// not answer: past it, node gets its file alone, and the package with
	// a later reply once it is read.
	aheadMaxWait = time.Second
)

// aheadFile is a file read ahead: its path and its checked bytes.
type aheadFile struct {
	path string
	data []byte
}

// packageRoot is the folder whose code files are read ahead together.
type packageRoot struct {
	dir  string
	deep bool // its subfolders count too
	// real is dir after symbolic links, which names the package: each is
	// read ahead once, whatever path leads to it.
	real string
}

// A batch is one package's code files, read ahead by whoever claims it
// first: the thread's speculator, or the request that needs it.
type batch struct {
	root    packageRoot
	claimed atomic.Bool
	ready   chan struct{} // closed once files and held are set
	checked time.Time     // when the first of files was read
	files   []aheadFile
	held    int64 // the bytes of files the speculator counts as held
	// late is set, by the goroutine serving requests, once a request gave
	// up waiting for the batch: later requests do not wait for it either.
	late bool
}

func newBatch(root packageRoot) *batch {
	return &batch{root: root, ready: make(chan struct{})}
}

// fill reads the batch with up to workers files at a time, unless someone
// else has claimed it, and reports whether it did.
func (b *batch) fill(p *intact.Policy, workers int) bool {
	if !b.claimed.CompareAndSwap(false, true) {
		return false
	}
	b.checked = time.Now()
	b.files = readAhead(p, candidates(b.root), workers)
	return true
}

// size is the bytes of the files read and of their paths: tiny files
// under long paths held hundreds of MiB in the broker, and in node,
// counted as a few (outside review rt81).
func (b *batch) size() int64 {
	var n int64
	for _, f := range b.files {
		n += int64(len(f.path) + len(f.data))
	}
	return n
}

// wait waits at most d for the batch to be ready, and reports whether it
// is.
func (b *batch) wait(d time.Duration) bool {
	if b.isReady() {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-b.ready:
		return true
	case <-t.C:
		return false
	}
}

func (b *batch) isReady() bool {
	select {
	case <-b.ready:
		return true
	default:
		return false
	}
}

// reader reads code for one thread: the files the thread asks for and,
// ahead of its requests, whole packages. It is used by the goroutine that
// serves the thread's channel, and by the thread's speculator goroutine,
// which reads ahead the batches that goroutine queues.
type reader struct {
	policy *intact.Policy
	ahead  bool          // whether to read ahead at all
	maxAge time.Duration // how old a batch handed over may be (aheadMaxAge)
	// roots caches the package root of a folder (packageOf).
	roots map[string]packageRoot
	// installed caches, by path, the folders looked at for a dependency
	// (installedPackage).
	installed map[string]installation
	// looked counts the folders installedPackage has looked at.
	looked int
	// batched are the packages read ahead or being read, by real path:
	// each is read ahead once.
	batched map[string]bool
	// pending are the batches not handed over yet, oldest first.
	pending []*batch
	// want are the packages to read ahead when pending has room, at most
	// aheadMaxWant, each once (wanted, by real path); handed are the
	// packages handed over since next last ran.
	want, handed []packageRoot
	wanted       map[string]bool
	spec         chan *batch // to the speculator
	held         heldBytes   // what the speculator read and did not hand over
}

func newReader(p *intact.Policy, ahead bool, maxAge time.Duration) *reader {
	r := &reader{policy: p, ahead: ahead, maxAge: maxAge, roots: map[string]packageRoot{}, installed: map[string]installation{},
		batched: map[string]bool{}, wanted: map[string]bool{}}
	r.held.cond.L = &r.held.mu
	if ahead {
		r.spec = make(chan *batch, aheadMaxPending)
		go r.speculate()
	}
	return r
}

// speculate reads ahead the batches queued by next, in turn, while what it
// holds leaves room for one more. A core is left to node, which runs
// meanwhile. A batch waiting for room can be claimed, and read, by the
// request that needs it.
func (r *reader) speculate() {
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	for b := range r.spec {
		if b.claimed.Load() {
			continue // read by a request meanwhile
		}
		if !r.held.waitRoom() {
			return
		}
		if b.fill(r.policy, workers) {
			b.held = b.size()
			r.held.add(b.held)
			close(b.ready)
		}
	}
}

// heldBytes counts bytes read ahead and not handed over yet.
type heldBytes struct {
	mu     sync.Mutex
	cond   sync.Cond
	n      int64
	closed bool
}

func (h *heldBytes) add(n int64) {
	h.mu.Lock()
	h.n += n
	h.mu.Unlock()
	h.cond.Broadcast()
}

// waitRoom waits until a batch more fits in aheadMaxHeld, and reports
// false once the reader is closed.
func (h *heldBytes) waitRoom() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for h.n+aheadMaxBatch > aheadMaxHeld && !h.closed {
		h.cond.Wait()
	}
	return !h.closed
}

func (h *heldBytes) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cond.Broadcast()
}

// close stops the speculator, leaving unread what it was given.
func (r *reader) close() {
	if r.spec == nil {
		return
	}
	for _, b := range r.pending {
		b.claimed.Store(true)
	}
	r.held.close()
	close(r.spec)
}

// begin reads ahead, before any request, the package of the script node
// is about to run, and the packages it depends on.
func (r *reader) begin(script string) {
	if !r.ahead || script == "" {
		return
	}
	if real, err := realPath(script); err == nil {
		script = real // node runs the main script by its real path
	}
	if tooDeep(script) {
		return
	}
	root := r.packageOf(filepath.Dir(script))
	r.wish(root)
	r.handed = append(r.handed, root)
	r.next()
}

// read returns the checked bytes of the file at path (ReadCode) and those
// of the files handed over with it.
func (r *reader) read(path string) ([]byte, []aheadFile, error) {
	if !r.ahead || !filepath.IsAbs(path) || tooDeep(path) {
		data, err := r.policy.ReadCode(path)
		return data, nil, err
	}
	// The package of path is read while ReadCode judges path itself,
	// unless it was read ahead already.
	root := r.packageOf(filepath.Dir(path))
	var own *batch
	if !r.batched[root.real] {
		if len(r.pending) >= aheadMaxPending || len(r.batched) >= aheadMaxPackages {
			// Read alone: the pending batches are handed over with
			// the next file that is read.
			return r.readAlone(path)
		}
		own = newBatch(root)
		r.batched[root.real] = true
		r.pending = append(r.pending, own)
	} else if i := slices.IndexFunc(r.pending, func(b *batch) bool { return b.root.real == root.real && !b.late }); i >= 0 {
		own = r.pending[i]
	}
	if own != nil {
		// Node waits for it: every core, unless the speculator has it.
		go func(b *batch) {
			if b.fill(r.policy, runtime.GOMAXPROCS(0)) {
				close(b.ready)
			}
		}(own)
	}
	data, err := r.policy.ReadCode(path)
	if err != nil {
		// The other batches stay pending, for the next reply; path's own
		// is dropped, once read, so that refusals do not pile batches up
		// nothing counts (outside review rt77 held 600 MiB so with 600
		// refused files in folders of their own). Its package may be read
		// again when node asks for another of its files.
		if own != nil {
			if own.wait(aheadMaxWait) {
				r.drop(own)
			} else {
				own.late = true // settled by a later reply, as below
			}
		}
		return nil, nil, err
	}
	if own != nil && !own.wait(aheadMaxWait) {
		// It stays pending, for a later reply once ready.
		own.late = true
		own = nil
	}
	return data, r.handOver(own, path), nil
}

// drop takes b, which is ready, out of pending, unsent, and forgets that
// its package was read. What the speculator counted of it is no longer
// held: counted on, it kept the speculator waiting for room for good, and
// nothing more was read ahead (outside review rt79).
func (r *reader) drop(b *batch) {
	if i := slices.Index(r.pending, b); i >= 0 {
		r.pending = slices.Delete(r.pending, i, i+1)
	}
	r.held.add(-b.held)
	delete(r.batched, b.root.real)
}

// readAlone reads path without reading its package ahead, and hands over
// with it the batches that are ready.
func (r *reader) readAlone(path string) ([]byte, []aheadFile, error) {
	data, err := r.policy.ReadCode(path)
	if err != nil {
		return nil, nil, err
	}
	return data, r.handOver(nil, path), nil
}

// handOver returns the files of own and of every other pending batch that
// is ready, up to aheadMaxReply bytes, but path; the batches handed over
// leave pending. Ready batches older than maxAge leave it too, unsent, and
// their packages may be read again.
func (r *reader) handOver(own *batch, path string) []aheadFile {
	var out []aheadFile
	budget := int64(aheadMaxReply)
	kept := r.pending[:0]
	for _, b := range r.pending {
		if b != own && !b.isReady() {
			kept = append(kept, b)
			continue
		}
		if time.Since(b.checked) > r.maxAge {
			r.held.add(-b.held)
			delete(r.batched, b.root.real)
			continue
		}
		size := b.size()
		if b != own && size > budget {
			kept = append(kept, b) // the next reply, then
			continue
		}
		budget -= size
		r.held.add(-b.held)
		for _, f := range b.files {
			if f.path != path {
				out = append(out, f)
			}
		}
		r.handed = append(r.handed, b.root)
	}
	clear(r.pending[len(kept):])
	r.pending = kept
	return out
}

// next queues for the speculator the dependencies of the packages handed
// over, up to aheadMaxPending batches waiting. The broker calls it once a
// reply is written, while node runs what it got.
func (r *reader) next() {
	if !r.ahead {
		return
	}
	deadline := time.Now().Add(aheadMaxLookupTime)
	for _, root := range r.handed {
		for _, dep := range r.dependencies(root.dir, deadline) {
			r.wish(dep)
		}
	}
	r.handed = r.handed[:0]
	// This goroutine alone sends: with room in the channel, a send never
	// blocks (the speculator may be waiting for held bytes to be handed
	// over, which only this goroutine does).
	for len(r.want) > 0 && len(r.pending) < aheadMaxPending && len(r.spec) < cap(r.spec) && len(r.batched) < aheadMaxPackages {
		root := r.want[0]
		r.want = r.want[1:]
		delete(r.wanted, root.real)
		if r.batched[root.real] {
			continue
		}
		b := newBatch(root)
		r.batched[root.real] = true
		r.pending = append(r.pending, b)
		r.spec <- b
	}
}

// wish adds root to the packages to read ahead, unless it is read or
// wanted already, or aheadMaxWant are.
func (r *reader) wish(root packageRoot) {
	if r.batched[root.real] || r.wanted[root.real] || len(r.want) >= aheadMaxWant {
		return
	}
	r.wanted[root.real] = true
	r.want = append(r.want, root)
}

// tooDeep reports whether path lies more than aheadMaxDepth folders
// down: its package, or its dependencies, are not looked for, each a walk
// up the folders of stats as long as the path.
func tooDeep(path string) bool {
	return strings.Count(path, string(filepath.Separator)) > aheadMaxDepth
}

// packageOf returns the package of the files in folder dir: the nearest
// folder at or above dir that holds a package.json, looking no further up
// than a node_modules folder, with its subfolders; without one, dir alone.
func (r *reader) packageOf(dir string) packageRoot {
	if root, ok := r.roots[dir]; ok {
		return root
	}
	if len(r.roots) >= aheadMaxCached {
		clear(r.roots)
	}
	root := packageRoot{dir: dir}
	for d := dir; filepath.Base(d) != "node_modules"; {
		if fi, err := os.Stat(filepath.Join(d, "package.json")); err == nil && fi.Mode().IsRegular() {
			root = packageRoot{dir: d, deep: true}
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	root.real = root.dir
	if real, err := realPath(root.dir); err == nil {
		root.real = real
	}
	r.roots[dir] = root
	return root
}

// dependencies returns the packages that the package.json in folder dir
// names as dependencies (and optional ones), found as node finds them: in
// the node_modules folder of dir or of the nearest folder above it that
// has one holding the package. Each is given by its real path, which node
// asks for (but under --preserve-symlinks). It looks for none after
// deadline.
func (r *reader) dependencies(dir string, deadline time.Time) []packageRoot {
	if tooDeep(dir) || time.Now().After(deadline) {
		return nil
	}
	data, err := regularfile.Read(filepath.Join(dir, "package.json"), 1<<20)
	if err != nil {
		return nil
	}
	// A name may hold one slash, after a scope (@scope/name), and npm
	// takes none longer than 214 bytes: others are no package name, and a
	// name of 1,950 slashes was a walk of as many folders per lookup
	// (outside review rt78).
	names := slices.DeleteFunc(dependencyNames(data), func(name string) bool {
		slashes := strings.Count(name, "/")
		return strings.Contains(name, "..") || strings.ContainsRune(name, '\\') || name == "" || len(name) > 214 ||
			slashes > 1 || slashes == 1 && name[0] != '@'
	})
	slices.Sort(names)
	names = slices.Compact(names)
	// No more are wanted at once: the rest would cost a walk up the
	// folders each, for nothing.
	names = names[:min(len(names), aheadMaxWant)]
	var roots []packageRoot
	last := r.looked + aheadMaxLookups
	for _, name := range names {
		// Checked before every folder looked at: one name's walk up the
		// folders took 60 of them, 6 ms each through links (outside
		// review rt80).
		for d := dir; r.looked < last && !time.Now().After(deadline); {
			if filepath.Base(d) != "node_modules" {
				if p := r.installedPackage(filepath.Join(d, "node_modules", filepath.FromSlash(name))); p.found {
					if p.real != "" {
						roots = append(roots, packageRoot{dir: p.real, deep: true, real: p.real})
					}
					break
				}
			}
			parent := filepath.Dir(d)
			if parent == d {
				break
			}
			d = parent
		}
	}
	return roots
}

// installation says whether a package is installed in the folder
// pkg (it has a package.json) and, if its path resolves, its real path.
type installation struct {
	found bool
	real  string
}

// installedPackage looks at the folder pkg for a package. Packages name
// the same dependencies over and over (an app of 150 modules looks up a
// few hundred), and resolving a path costs a system call per folder on
// its way: each folder is looked at once.
func (r *reader) installedPackage(pkg string) installation {
	if p, ok := r.installed[pkg]; ok {
		return p
	}
	if len(r.installed) >= aheadMaxCached {
		clear(r.installed)
	}
	r.looked++
	var p installation
	if fi, err := os.Stat(filepath.Join(pkg, "package.json")); err == nil && fi.Mode().IsRegular() {
		p.found = true
		if real, err := realPath(pkg); err == nil {
			p.real = real
		}
	}
	r.installed[pkg] = p
	return p
}

// candidates returns the code files of the package at root to read ahead:
// those of root and, for a deep root, its subfolders (but for
// skippedFolders, hidden folders and folders holding a package.json,
// which are packages of their own, and folders more than aheadMaxDepth
// deep); regular files only, none larger than
// aheadMaxFile, no more than aheadMaxBatch bytes in all, after looking at
// no more than aheadMaxScan folder entries. A file whose path is not valid
// UTF-8 is left out: node names files by strings, whose UTF-8 (which the
// bootstrap compares with the paths it is handed) has no invalid bytes,
// so node could never ask for it by that path; a decoding of it, with
// U+FFFD for the invalid bytes, would name another file. (When node loads
// whatever a decoding names, ReadCode judges that.)
func candidates(root packageRoot) []string {
	var (
		files   []string
		budget  = int64(aheadMaxBatch)
		scanned = 0
	)
	if !utf8.ValidString(root.dir) || tooDeep(root.dir) {
		return nil
	}
	for stack := []string{root.dir}; len(stack) > 0; {
		dir := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		entries, complete := readDir(dir, aheadMaxScan-scanned)
		scanned += len(entries)
		if dir != root.dir && slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == "package.json" }) {
			continue // a package of its own
		}
		for _, e := range entries {
			name := e.Name()
			switch {
			case name == "" || name[0] == '.' || !utf8.ValidString(name):
			case e.IsDir():
				if root.deep && !skippedFolders[name] && !tooDeep(dir) {
					stack = append(stack, filepath.Join(dir, name))
				}
			case e.Type().IsRegular() && codeFile(name):
				fi, err := e.Info()
				if err != nil || fi.Size() > aheadMaxFile {
					continue
				}
				path := filepath.Join(dir, name)
				size := fi.Size() + int64(len(path)) // as batch.size counts
				if size > budget {
					return files
				}
				budget -= size
				files = append(files, path)
			}
		}
		if !complete {
			return files
		}
	}
	return files
}

// readDir returns at most n entries of folder dir, and whether they are
// all of them. A folder swapped for a FIFO since its parent was listed is
// not waited on (regularfile.OpenDir). A symbolic link is followed: a
// package's root may be reached through one (under --preserve-symlinks),
// and its subfolders are only those its listing says are folders.
func readDir(dir string, n int) ([]fs.DirEntry, bool) {
	if n <= 0 {
		return nil, false
	}
	f, err := regularfile.OpenDir(dir)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	entries, err := f.ReadDir(n)
	if errors.Is(err, io.EOF) {
		return nil, true // an empty folder
	}
	if err != nil || len(entries) < n {
		return entries, err == nil
	}
	more, _ := f.ReadDir(1)
	return entries, len(more) == 0
}

// skippedFolders are folders of a package not read ahead: other packages
// (node_modules), and what packages ship beside their code that node
// rarely loads. Their files are read when node asks for them.
var skippedFolders = map[string]bool{
	"node_modules": true,
	"test":         true, "tests": true, "__tests__": true, "__mocks__": true,
	"example": true, "examples": true, "benchmark": true, "benchmarks": true,
	"coverage": true, "docs": true,
}

// codeFile reports whether name is a file read ahead: one node's load hook
// asks for (script, JSON, WebAssembly), but not a package's manifest, which
// node reads itself, nor a minified browser build.
func codeFile(name string) bool {
	switch name {
	case "package.json", "package-lock.json":
		return false
	}
	switch filepath.Ext(name) {
	case ".js":
		return !strings.HasSuffix(name, ".min.js")
	case ".cjs", ".mjs", ".json", ".wasm":
		return true
	}
	return false
}

// readAhead reads and checks the files, up to workers at a time, with
// Policy.ReadCodeAhead and returns those the policy allows outright, in
// the order given, no more than aheadMaxBatch bytes in all.
func readAhead(p *intact.Policy, files []string, workers int) []aheadFile {
	type result struct {
		data []byte
		err  error
	}
	results := make([]result, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(files)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(files); i = int(next.Add(1) - 1) {
				data, err := p.ReadCodeAhead(files[i], aheadMaxFile)
				results[i] = result{data, err}
			}
		})
	}
	wg.Wait()
	var out []aheadFile
	budget := aheadMaxBatch
	for i, res := range results {
		// A file that grew since it was listed may not fit.
		if res.err == nil && len(res.data) <= budget {
			budget -= len(res.data)
			out = append(out, aheadFile{files[i], res.data})
		}
	}
	return out
}

// readReply is the body of opReadCode's reply, in parts: the checked bytes
// of the file asked for, then each file handed over with its path.
//
//	u32 n | n bytes | (u32 path length | path | u32 length | bytes)*
//
// Lengths are little-endian; the body fits the reply's u32 length, since
// aheadMaxReply and the maximum code size are far below 4 GiB.
func readReply(data []byte, ahead []aheadFile) [][]byte {
	parts := make([][]byte, 0, 2+2*len(ahead))
	parts = append(parts, binary.LittleEndian.AppendUint32(nil, uint32(len(data))), data)
	for _, f := range ahead {
		head := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+len(f.path)+4), uint32(len(f.path)))
		head = append(head, f.path...)
		head = binary.LittleEndian.AppendUint32(head, uint32(len(f.data)))
		parts = append(parts, head, f.data)
	}
	return parts
}

// readsAhead reports whether the broker may read files ahead under policy
// p: not when an enforcer that judges open files (an OS enforcer, such as
// the kernel's AT_EXECVE_CHECK) enforces code integrity, since the OS may
// record its own refusal of a file node never loads.
func readsAhead(p *intact.Policy) bool {
	for _, e := range p.Enforcers() {
		if _, ok := e.(enforcer.FileChecker); ok && e.Settings().EnforceCodeIntegrity {
			return false
		}
	}
	return true
}
