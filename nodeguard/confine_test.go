//go:build linux

package nodeguard_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact/internal/linuxsec"
	"github.com/intactdev/intact/internal/testtrace"
	"github.com/intactdev/intact/nodeguard"
	"golang.org/x/sys/unix"
)

// confinedApp is a signed app that runs a planted, unsigned script with
// the node binary itself every way a program might, and node children the
// ways intact node covers, and prints what came of each.
var confinedApp = map[string]string{
	"main.js": `const { spawnSync, execFileSync, execSync, fork } = require('child_process');
const fs = require('fs');
const path = require('path');
const here = (f) => path.join(__dirname, f);
const node = process.env.NODE_BIN;
const evil = process.env.EVIL;
const violation = (s) => /ERR_CODE_INTEGRITY_VIOLATION/.test(s);
function run(name, f) {
  let r;
  try { r = f(); } catch (e) { r = e.code || e.status; }
  console.log(name + ':', r);
}
const status = (r) => (r.error ? r.error.code : r.status);
// The node binary by its path, with a clean environment: refused by the
// kernel before anything of node runs.
run('spawn node binary', () => status(spawnSync(node, [evil], { env: {} })));
run('execFile node binary', () => execFileSync(node, [evil], { env: {}, stdio: 'pipe' }).toString());
run('exec node binary', () => execSync(JSON.stringify(node) + ' ' + JSON.stringify(evil), { env: {}, stdio: 'pipe' }).toString());
run('spawn link to node', () => status(spawnSync(process.env.NODE_LINK, [evil], { env: {} })));
run('env -i node binary', () => status(spawnSync('env', ['-i', node, evil])));
run('argv[0]', () => { const r = spawnSync(process.argv[0], [evil], { encoding: 'utf8' }); return r.status + ' ' + violation(r.stderr); });
run('proc exe', () => spawnSync('/proc/' + process.pid + '/exe', [evil]).status !== 0);
// Other programs still run.
run('sh', () => status(spawnSync('sh', ['-c', 'true'])));
run('true', () => status(spawnSync('true')));
// Node children through intact node still run, under the policy.
let r = spawnSync(process.execPath, [here('child.js')], { encoding: 'utf8', env: {} });
console.log('spawn execPath signed:', r.status, r.stdout.trim());
r = spawnSync(process.execPath, [evil], { encoding: 'utf8', env: {} });
console.log('spawn execPath unsigned:', r.status, violation(r.stderr));
r = spawnSync('node', [here('child.js')], { encoding: 'utf8' });
console.log('spawn node signed:', r.status, r.stdout.trim());
r = spawnSync('node', [evil], { encoding: 'utf8' });
console.log('spawn node unsigned:', r.status, violation(r.stderr));
r = spawnSync(here('tool'), { encoding: 'utf8' });
console.log('shebang signed:', r.status, r.stdout.trim());
const child = fork(here('child.js'));
child.on('message', (m) => {
  console.log('fork signed:', m);
  // The private folder's name node, replaced by the application: a link
  // to the node binary, then a script that runs it, are refused alike.
  const link = path.join(process.env.PATH.split(':')[0], 'node');
  fs.rmSync(link);
  fs.symlinkSync(node, link);
  run('replaced link', () => status(spawnSync('node', [evil])));
  fs.rmSync(link);
  fs.writeFileSync(link, '#!/bin/sh\nexec ' + JSON.stringify(node) + ' "$@"\n', { mode: 0o755 });
  run('replaced by a script', () => status(spawnSync('node', [evil])));
});
`,
	"child.js": "if (process.send) { process.send('child ran'); process.disconnect(); } else console.log('child ran');\n",
	"tool":     "#!/usr/bin/env node\nconsole.log('tool ran');\n",
}

// TestConfined: under an enforcing policy, node and everything it starts
// cannot execute the node binary (by its path, a link to it, env -i, a
// shell, process.argv[0] or /proc/<pid>/exe), so a planted script run that
// way never runs: no statement of it leaves its canary. Node children
// started through intact node (process.execPath, spawn('node'),
// #!/usr/bin/env node, fork) still run, checked; replacing the private
// folder's node does not escape; other programs still run.
func TestConfined(t *testing.T) {
	skipUnlessConfinable(t)
	dir := t.TempDir()
	write(t, dir, confinedApp)
	os.Chmod(filepath.Join(dir, "tool"), 0o755)
	s := sign(t, dir)

	want := "spawn node binary: EACCES\nexecFile node binary: EACCES\nexec node binary: 126\n" +
		"spawn link to node: EACCES\nenv -i node binary: 126\nargv[0]: 1 true\nproc exe: true\nsh: 0\ntrue: 0\n" +
		"spawn execPath signed: 0 child ran\nspawn execPath unsigned: 1 true\n" +
		"spawn node signed: 0 child ran\nspawn node unsigned: 1 true\nshebang signed: 0 tool ran\n" +
		"fork signed: child ran\nreplaced link: EACCES\nreplaced by a script: 126\n"
	forEachNode(t, func(t *testing.T, n testNode) {
		canaryDir := t.TempDir()
		// Planted outside the catalog. Its canary names its folder itself:
		// it is run with a clean environment.
		planted := t.TempDir()
		write(t, planted, map[string]string{"evil.js": fmt.Sprintf("require('fs').writeFileSync(%q, 'ran');\nconsole.log('EVIL');\n",
			filepath.Join(canaryDir, "evil"))})
		link := filepath.Join(t.TempDir(), "node")
		if err := os.Symlink(n.Path, link); err != nil {
			t.Fatal(err)
		}
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir, "NODE_BIN=" + n.Path,
			"NODE_LINK=" + link, "EVIL=" + filepath.Join(planted, "evil.js")}}, "main.js")
		if res.Stdout != want {
			t.Errorf("exit %+v, %v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Err, res.Stdout, want, res.Stderr)
		}
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("the planted script ran: %v", c)
		}
		if strings.Contains(res.Stdout, "EVIL") {
			t.Error("the planted script printed")
		}
	})
}

// TestConfinedDepth: each generation of node children is confined one
// Landlock domain deeper, and Linux nests 16: the 17th generation is
// refused, with the reason, before anything of it runs. (The limit is the
// kernel's, the same for every node: one major is enough.)
func TestConfinedDepth(t *testing.T) {
	skipUnlessConfinable(t)
	dir := t.TempDir()
	write(t, dir, map[string]string{"depth.js": `const { spawnSync } = require('child_process');
const n = Number(process.argv[2] || 1);
require('fs').writeFileSync(require('path').join(process.env.CANARY_DIR, String(n)), 'ran');
const r = spawnSync(process.execPath, [__filename, String(n + 1)], { encoding: 'utf8' });
if (r.status === 0) process.stdout.write(r.stdout);
else console.log('generation ' + (n + 1) + ': ' + r.stderr.trim());
`})
	s := sign(t, dir)
	n := nodes(t)[len(nodes(t))-1]
	canaryDir := t.TempDir()
	res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "depth.js")
	want := "confining node: landlock_restrict_self: this thread is already in 16 nested Landlock domains"
	if !strings.HasPrefix(res.Stdout, "generation 17: ") || !strings.Contains(res.Stdout, want) {
		t.Errorf("exit %+v, %v\nstdout:\n%s\nwant generation 17 refused: %s\nstderr:\n%s", res.Exit, res.Err, res.Stdout, want, res.Stderr)
	}
	if c := canaries(t, canaryDir); len(c) != 16 {
		t.Errorf("generations that ran: %v, want 1 to 16", c)
	}
}

// TestConfinementFallback: a policy that only audits code integrity
// confines nothing, since it refuses nothing; and a node that cannot be
// confined (here a #! wrapper, which no ELF interpreter maps) runs as
// before, with a warning saying so. Either way node children started
// through the shim find their broker: they failed to start, since a shim
// asked for a thread of the broker's closed to it, which only confinement
// makes.
func TestConfinementFallback(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const { spawnSync } = require('child_process');
const r = spawnSync(process.env.NODE_BIN, ['-e', 'console.log("node ran")'], { encoding: 'utf8', env: {} });
console.log('main ran', r.status, (r.stdout || '').trim());
const c = spawnSync(process.execPath, [require('path').join(__dirname, 'child.js')], { encoding: 'utf8' });
console.log('child', c.status, (c.stdout || c.stderr).trim());
`, "child.js": "console.log('child ran');\n"})
	s := sign(t, dir)
	res := s.run(t, n, "audit", runOpts{env: []string{"NODE_BIN=" + n.Path}}, "main.js")
	if res.Stdout != "main ran 0 node ran\nchild 0 child ran\n" || strings.Contains(res.Stderr, "not confined") {
		t.Errorf("audit: exit %+v, %v\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Err, res.Stdout, res.Stderr)
	}

	// Interactive mode disabled, code integrity not enforced: the node
	// binary is not judged, so a wrapper script may stand for it.
	interactive := filepath.Join(t.TempDir(), "interactive.xml")
	intactCLI(t, "policy", "new", "--signer", filepath.Join(pki, "root.pem"), "--no-file-checks", "--deny-interactive", "-o", interactive)
	s.policies["interactive"] = interactive
	wrapper := filepath.Join(t.TempDir(), "node")
	write(t, filepath.Dir(wrapper), map[string]string{"node": "#!/bin/sh\nexec " + n.Path + " \"$@\"\n"})
	os.Chmod(wrapper, 0o755)
	res = s.run(t, n, "interactive", runOpts{env: []string{"NODE_BIN=" + n.Path}, wrap: wrapper}, "main.js")
	if res.Stdout != "main ran 0 node ran\nchild 0 child ran\n" ||
		!strings.Contains(res.Stderr, "intact node: warning: node is not confined ("+wrapper+" is not a dynamically linked ELF program") {
		t.Errorf("wrapper: exit %+v, %v\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Err, res.Stdout, res.Stderr)
	}
}

// TestChildrenCannotTraceNode: a child of node (this test binary, as any
// native program the application starts) shares node's Landlock domain,
// in which tracing node is allowed; under intact node it can neither take
// node's descriptors (pidfd_getfd: a second descriptor of the broker's
// channel), nor read node's memory, nor attach to node (and so load a
// library into it, as gdb does), nor open node's memory or its own for
// writing through /proc. Nor can node open its own memory or the broker
// thread's (process.execPath names it) for writing, where an outside
// review rewrote code read ahead and the broker's check. Writing other
// files, and standard output through /dev/stdout, still works.
func TestChildrenCannotTraceNode(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const { execFileSync } = require('child_process');
const fs = require('fs');
const out = execFileSync(process.env.TRACER, [], { env: { ...process.env, ` + testtrace.Env + `: '1' }, encoding: 'utf8' });
console.log(out.trim());
const broker = process.execPath.split('/')[2];
for (const mem of ['/proc/self/mem', '/proc/' + broker + '/mem']) {
  try { fs.closeSync(fs.openSync(mem, 'r+')); console.log(mem, 'opened for writing'); } catch (e) { console.log('node', e.code); }
}
fs.appendFileSync('/dev/stdout', 'stdout written\n');
fs.writeFileSync(process.env.WRITTEN, 'file written');
`})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		written := filepath.Join(t.TempDir(), "written")
		res := s.run(t, n, "enforce", runOpts{env: []string{"TRACER=" + self, "WRITTEN=" + written}}, "main.js")
		const want = "pidfd_getfd=EPERM process_vm_readv=EPERM ptrace=EPERM parent_mem=EACCES own_mem=EACCES open_tree=EPERM open_by_handle=EPERM tiocsti=EPERM setlease=EPERM tiocvhangup=EPERM fanotify=EPERM vhangup=EPERM seccomp_listener=EPERM\n" +
			"node EACCES\nnode EACCES\nstdout written"
		if got := strings.TrimSpace(res.Stdout); got != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", got, want, res.Stderr)
		}
		if data, err := os.ReadFile(written); err != nil || string(data) != "file written" {
			t.Errorf("the file node wrote: %q, %v", data, err)
		}
	})
}

// TestAbstractSocketsScoped: where Landlock has scopes (ABI 6, Linux
// 6.12), node's tree cannot connect to an abstract Unix socket made outside
// it, so a server there cannot act for it (outside review rt83 had a root
// server on one write into /etc). A socket node makes itself it reaches;
// a node child (fork) does not reach its parent's, since the child's domain
// is nested in its parent's (doc/node.md, "Side effects").
func TestAbstractSocketsScoped(t *testing.T) {
	skipUnlessConfinable(t)
	if err := linuxsec.ScopesSupported(); err != nil {
		t.Skipf("kernel lacks the feature: %v", err)
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const net = require('net');
const { fork } = require('child_process');
function connect(path) {
  return new Promise((done) => {
    const c = net.connect({ path }, () => { c.end(); done('connected'); });
    c.on('error', (e) => done(e.code));
  });
}
(async () => {
  if (process.argv[2] === 'child') {
    process.send(await connect('\0' + process.argv[3]));
    return;
  }
  console.log('outside:', await connect('\0' + process.env.OUTSIDE));
  const name = process.env.OUTSIDE + '-inside';
  const inside = '\0' + name;
  const server = net.createServer((s) => s.end());
  await new Promise((done) => server.listen({ path: inside }, done));
  console.log('inside:', await connect(inside));
  const child = fork(__filename, ['child', name]);
  console.log('child to parent:', await new Promise((done) => child.on('message', done)));
  server.close();
})();
`})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		name := fmt.Sprintf("intact-test-%d-%s", os.Getpid(), n.Name())
		l, err := net.Listen("unix", "@"+name)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var accepted atomic.Int32
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				accepted.Add(1)
				c.Close()
			}
		}()
		res := s.run(t, n, "enforce", runOpts{env: []string{"OUTSIDE=" + name}}, "main.js")
		const want = "outside: EPERM\ninside: connected\nchild to parent: EPERM"
		if got := strings.TrimSpace(res.Stdout); got != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", got, want, res.Stderr)
		}
		if n := accepted.Load(); n != 0 {
			t.Errorf("the server outside node's tree accepted %d connections from it", n)
		}
	})
}

// TestSignalsScoped: where Landlock has scopes (ABI 6, Linux 6.12), node's
// tree cannot signal a process outside it: outside review rt84 opened a
// plain node's inspector with SIGUSR1 from node's tree and had it write
// into /etc. Neither a node outside intact nor node's own broker gets the
// signal; node's own children do.
func TestSignalsScoped(t *testing.T) {
	skipUnlessConfinable(t)
	if err := linuxsec.ScopesSupported(); err != nil {
		t.Skipf("kernel lacks the feature: %v", err)
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const { spawn } = require('child_process');
function kill(pid, signal) {
  try { process.kill(pid, signal); return 'sent'; } catch (e) { return e.code; }
}
console.log('outside node:', kill(Number(process.env.BYSTANDER), 'SIGUSR1'));
console.log('broker:', kill(process.ppid, 0));
const child = spawn('sleep', ['60']);
console.log('own child:', kill(child.pid, 'SIGTERM'));
`})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		bystander := exec.Command(n.Path, "-e", "setInterval(() => {}, 1000)")
		var stderr bytes.Buffer
		bystander.Stderr = &stderr
		if err := bystander.Start(); err != nil {
			t.Fatal(err)
		}
		res := s.run(t, n, "enforce", runOpts{env: []string{"BYSTANDER=" + strconv.Itoa(bystander.Process.Pid)}}, "main.js")
		const want = "outside node: EPERM\nbroker: EPERM\nown child: sent"
		if got := strings.TrimSpace(res.Stdout); got != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", got, want, res.Stderr)
		}
		if err := bystander.Process.Signal(syscall.Signal(0)); err != nil {
			t.Errorf("the node outside: %v", err)
		}
		bystander.Process.Kill()
		bystander.Wait() // its standard error is whole once it has been waited for
		if strings.Contains(stderr.String(), "Debugger listening") {
			t.Errorf("the node outside opened its inspector:\n%s", stderr.String())
		}
	})
}

// TestNoPolicyOfTheApplications: code in node's tree cannot run node under
// a policy of its own choosing through intact itself. `intact node` with
// its own --policy refuses to start under another intact node; the shim
// takes a configuration only from an ancestor, not from a child of node
// holding a sealed memfd named as a broker's (outside review rt14); and not
// from a broker of node's tree that inherited such a memfd, planted at its
// descriptor 0 (rt15): that broker holds two; nor from an intact of node's
// tree stopped before it made a configuration of its own, which holds only
// the one planted, by a child of it (rt21). Nothing of the unsigned script
// runs.
func TestNoPolicyOfTheApplications(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const { spawn, spawnSync } = require('child_process');
// With an environment of its own: no policy of the broker's in it.
const r = spawnSync(process.env.INTACT, ['node', '--policy', process.env.FORGED, '--node', process.env.NODE_BIN, process.env.UNSIGNED], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
console.log('intact node', r.status, r.stderr.includes('runs under another intact node'));
const holder = spawn(process.env.HOLDER, [], { env: { ...process.env, ` + envForgedShim + `: process.env.FORGED_SHIM }, stdio: ['pipe', 'pipe', 'inherit'] });
holder.stdout.once('data', (fd) => {
  const s = spawnSync(process.execPath, [process.env.UNSIGNED], { argv0: '/proc/' + holder.pid + '/fd/' + String(fd).trim(), env: { PATH: process.env.PATH }, encoding: 'utf8' });
  console.log('forged shim', s.status, s.stderr.includes('was started by no intact node broker'));
  holder.stdin.end();
  // A broker of node's tree (this script again, through the shim) that
  // inherits a configuration planted at its descriptor 0.
  const p = spawnSync(process.env.HOLDER, [process.execPath, 'nested.js'], { env: { ...process.env, ` + envForgedShim + `: process.env.FORGED_SHIM }, encoding: 'utf8' });
  console.log('planted', p.stdout.trim(), p.status);
  // An intact of node's tree, stopped before it has a configuration of
  // its own, by a child of it that then names it as its broker.
  const q = spawnSync(process.env.HOLDER, ['stopped', process.env.UNSIGNED], { env: { ...process.env, ` + envForgedShim + `: process.env.FORGED_SHIM }, encoding: 'utf8' });
  console.log(q.stdout.trim());
});
`, "nested.js": `const r = require('child_process').spawnSync(process.execPath, [process.env.UNSIGNED], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
console.log(r.status, r.stderr.includes('holds two'));
`})
	s := sign(t, dir)
	unsigned := filepath.Join(t.TempDir(), "unsigned.js")
	canaryDir := t.TempDir()
	if err := os.WriteFile(unsigned, []byte(`require('fs').writeFileSync(require('path').join(`+"`"+canaryDir+"`"+`, 'ran'), 'unsigned');`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The application's own policy, which allows its unsigned script.
	forged := filepath.Join(t.TempDir(), "forged.xml")
	intactCLI(t, "policy", "new", "--enforce", "--allow-hash", unsigned, "-o", forged)
	forEachNode(t, func(t *testing.T, n testNode) {
		shimCfg := fmt.Sprintf(`{"node":%q,"policies":[%q],"catalogs":[]}`, n.Path, forged)
		res := s.run(t, n, "enforce", runOpts{env: []string{
			"INTACT=" + intactBin, "FORGED=" + forged, "NODE_BIN=" + n.Path, "UNSIGNED=" + unsigned,
			"HOLDER=" + self, "FORGED_SHIM=" + shimCfg}}, "main.js")
		const want = "intact node 2 true\nforged shim 1 true\nplanted 1 true 0\nstopped 1 true"
		if got := strings.TrimSpace(res.Stdout); got != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", got, want, res.Stderr)
		}
		if cs := canaries(t, canaryDir); len(cs) > 0 {
			t.Errorf("the unsigned script ran: %v", cs)
		}
	})
}

// TestRootCannotWriteNode: node running as root cannot write its own code
// on disk, which the kernel does not guard for a file mapped rather than
// executed (outside review rt14): not its binary, not the libraries of its
// interpreter's folder; nor the files that load native code into node as
// it starts or runs, or the folders the loader finds libraries in (outside
// review rt17: a planted /etc/ssl/openssl.cnf loaded a library into every
// node, an nsswitch.conf naming a library put in /usr/lib loaded it into
// the running node), by any path (rt18 wrote past read-only bind mounts
// through a folder's descriptor and "..", and from a working folder). It
// still writes elsewhere, and the host's mounts are as they were.
func TestRootCannotWriteNode(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: node's binary and libraries are root's, and not writable by node anyway")
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const fs = require('fs');
const maps = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.split(/\s+/)[5]).filter(Boolean);
const binary = maps.find((p) => p.endsWith('/node'));
const libc = maps.find((p) => /\/libc\.so/.test(p));
// The kernel answers ETXTBSY before it asks Landlock while another process
// (another test, plain node) executes the binary: wait that out, up to 10 s.
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (const [name, p] of [['node', binary], ['libc', libc], ['nsswitch.conf', '/etc/nsswitch.conf']]) {
  for (let tries = 100; ; tries--) {
    try { fs.closeSync(fs.openSync(p, 'r+')); console.log(name, 'opened for writing'); } catch (e) {
      if (e.code === 'ETXTBSY' && tries > 0) { sleep(100); continue; }
      console.log(name, e.code);
    }
    break;
  }
}
for (const [name, p] of Object.entries(JSON.parse(process.env.CREATE))) {
  try { fs.writeFileSync(p, 'x', { flag: 'wx' }); console.log(name, 'created'); } catch (e) { console.log(name, e.code); }
}
// Other ways to the same folder: a descriptor of it (or of a folder
// elsewhere, and ".."), and the working folder (outside review rt18).
const usrLib = fs.openSync('/usr/lib', 'r');
for (const [name, p] of [['fd', '/proc/self/fd/' + usrLib + '/libnss_intacttest.so.2'], ['fd ..', '/proc/self/fd/' + usrLib + '/../lib/libnss_intacttest.so.2']]) {
  try { fs.writeFileSync(p, 'x', { flag: 'wx' }); console.log(name, 'created'); } catch (e) { console.log(name, e.code); }
}
process.chdir('/usr/lib');
try { fs.writeFileSync('libnss_intacttest.so.2', 'x', { flag: 'wx' }); console.log('cwd created'); } catch (e) { console.log('cwd', e.code); }
fs.writeFileSync(process.env.WRITTEN, 'ok');
console.log('elsewhere', fs.readFileSync(process.env.WRITTEN, 'utf8'));
`})
	s := sign(t, dir)
	// Files the application tries to create, in this order; removed
	// whatever happens, since the code before rt17's fix created them.
	create := map[string]string{
		"etc":         "/etc/intact-test-ld.so.preload",
		"openssl.cnf": "/etc/ssl/intact-test-openssl.cnf",
		"usr/lib":     "/usr/lib/libnss_intacttest.so.2",
	}
	for _, p := range create {
		t.Cleanup(func() { os.Remove(p) })
	}
	createJSON, err := json.Marshal(create) // keys sorted
	if err != nil {
		t.Fatal(err)
	}
	mountsBefore, err := os.ReadFile("/proc/1/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	forEachNode(t, func(t *testing.T, n testNode) {
		res := s.run(t, n, "enforce", runOpts{env: []string{"WRITTEN=" + filepath.Join(t.TempDir(), "written"), "CREATE=" + string(createJSON)}}, "main.js")
		const want = "node EACCES\nlibc EACCES\nnsswitch.conf EACCES\netc EACCES\nopenssl.cnf EACCES\nusr/lib EACCES\nfd EACCES\nfd .. EACCES\ncwd EACCES\nelsewhere ok"
		if got := strings.TrimSpace(res.Stdout); got != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", got, want, res.Stderr)
		}
	})
	if mountsAfter, err := os.ReadFile("/proc/1/mountinfo"); err != nil || !bytes.Equal(mountsAfter, mountsBefore) {
		t.Errorf("the host's mounts changed (%v):\nbefore:\n%s\nafter:\n%s", err, mountsBefore, mountsAfter)
	}
}

// TestRootCannotChangeModes: node running as root, and its children,
// cannot change the mode or owner of a file in the read-only folders,
// which Landlock does not guard: made writable by all, a process outside
// node's tree could write it (outside review rt45). Not by path, not by a
// descriptor opened for reading, not with chmod(1), not from a node child
// (whose filter leaves the calls to its parent's guard); nor the node
// binary's.
// Elsewhere modes and owners change, and fs.copyFile, which sets the
// copy's mode, works. (Each try fails without the guard; checked by hand.)
func TestRootCannotChangeModes(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: the files are root's, which nobody else may change anyway")
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const fs = require('fs');
const { spawnSync } = require('child_process');
const p = process.env.ETC_FILE, own = process.env.OWN_FILE;
const binary = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.split(/\s+/)[5]).find((f) => f && f.endsWith('/node'));
const tries = {
  chmod: () => fs.chmodSync(p, 0o666),
  chown: () => fs.chownSync(p, 65534, 65534),
  fchmod: () => fs.fchmodSync(fs.openSync(p, 'r'), 0o666),
  // Its own mode again: harmless if the test fails.
  'chmod node': () => fs.chmodSync(binary, fs.statSync(binary).mode & 0o7777),
  'chmod(1)': () => { const r = spawnSync('chmod', ['666', p]); if (r.status !== 0) throw Object.assign(new Error(), { code: 'status ' + r.status }); },
  'node child': () => { const r = spawnSync(process.execPath, [require('path').join(__dirname, 'child.js')], { encoding: 'utf8' }); throw Object.assign(new Error(), { code: r.stdout.trim() || r.stderr }); },
  'own chmod': () => fs.chmodSync(own, 0o600),
  'own chown': () => fs.chownSync(own, 65534, 65534),
  copyFile: () => fs.copyFileSync('/etc/hostname', own + '.copy'),
};
for (const [name, f] of Object.entries(tries)) {
  try { f(); console.log(name, 'ok'); } catch (e) { console.log(name, e.code); }
}
`, "child.js": `try { require('fs').chmodSync(process.env.ETC_FILE, 0o666); console.log('ok'); } catch (e) { console.log(e.code); }
`})
	s := sign(t, dir)
	etcFile := "/etc/intact-test-modes"
	if err := os.WriteFile(etcFile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(etcFile) })
	forEachNode(t, func(t *testing.T, n testNode) {
		own := filepath.Join(t.TempDir(), "own")
		if err := os.WriteFile(own, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		res := s.run(t, n, "enforce", runOpts{env: []string{"ETC_FILE=" + etcFile, "OWN_FILE=" + own}}, "main.js")
		const want = "chmod EPERM\nchown EPERM\nfchmod EPERM\nchmod node EPERM\nchmod(1) status 1\nnode child EPERM\nown chmod ok\nown chown ok\ncopyFile ok"
		if got := strings.TrimSpace(res.Stdout); got != want {
			t.Errorf("got:\n%s\nwant:\n%s\nstderr:\n%s", got, want, res.Stderr)
		}
		var st unix.Stat_t
		if err := unix.Stat(etcFile, &st); err != nil || st.Mode&0o7777 != 0o644 || st.Uid != 0 || st.Gid != 0 {
			t.Errorf("%s: mode %o, owner %d:%d (%v); want 0644, root's", etcFile, st.Mode&0o7777, st.Uid, st.Gid, err)
		}
		if err := unix.Stat(own, &st); err != nil || st.Mode&0o7777 != 0o600 || st.Uid != 65534 {
			t.Errorf("%s: mode %o, owner %d (%v); want 0600, nobody's", own, st.Mode&0o7777, st.Uid, err)
		}
	})
}

// TestChildrenKeepThePolicy: node children load the policies the broker
// loaded, not what the files hold by then: signed code that rewrites its
// policy file (root can, wherever the file lies) with one that also allows
// an unsigned script by its hash, then starts node on that script, is
// refused, and the script does not run (outside review rt19).
func TestChildrenKeepThePolicy(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const fs = require('fs');
const { spawnSync } = require('child_process');
fs.copyFileSync(process.env.PLANTED_POLICY, process.env.ENFORCE_POLICY);
const r = spawnSync(process.execPath, [require('path').join(__dirname, 'planted.js')], { encoding: 'utf8' });
console.log(r.stdout.trim() || 'no output', /ERR_CODE_INTEGRITY_VIOLATION/.test(r.stderr) ? 'refused' : 'not refused: ' + r.stderr);
`})
	s := sign(t, dir)
	planted := filepath.Join(dir, "planted.js")
	write(t, dir, map[string]string{"planted.js": "console.log('PLANTED RAN');\n"}) // after signing
	plantedPolicy := filepath.Join(t.TempDir(), "planted.xml")
	intactCLI(t, "policy", "new", "--signer", filepath.Join(pki, "root.pem"), "--enforce", "--allow-hash", planted, "-o", plantedPolicy)
	enforce, err := os.ReadFile(s.policies["enforce"])
	if err != nil {
		t.Fatal(err)
	}
	forEachNode(t, func(t *testing.T, n testNode) {
		defer os.WriteFile(s.policies["enforce"], enforce, 0o644)
		// GOGC=1 for the shim too: a copy it opened and let go of would
		// be closed by the collector before it loads it.
		res := s.run(t, n, "enforce", runOpts{env: []string{"PLANTED_POLICY=" + plantedPolicy, "ENFORCE_POLICY=" + s.policies["enforce"], "GOGC=1"}}, "main.js")
		if got := strings.TrimSpace(res.Stdout); got != "no output refused" {
			t.Errorf("got:\n%s\nwant: no output refused\nstderr:\n%s", got, res.Stderr)
		}
	})
}

// envSeccompErrno has the test binary start $INTACT_BIN with its
// arguments under a seccomp filter that fails seccomp() with this errno.
const envSeccompErrno = "INTACT_TEST_SECCOMP_ERRNO"

// execRefusingSeccomp puts this process under a filter that answers
// seccomp() with errno (testtrace.AnswerSeccomp), as a container profile
// might, and executes $INTACT_BIN with this process's arguments. It
// returns only on failure.
func execRefusingSeccomp(errno string) int {
	n, err := strconv.Atoi(errno)
	if err == nil {
		err = testtrace.AnswerSeccomp(unix.Errno(n))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	bin := os.Getenv("INTACT_BIN")
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, envSeccompErrno+"=") })
	err = unix.Exec(bin, append([]string{bin}, os.Args[1:]...), env)
	fmt.Fprintln(os.Stderr, "exec:", err)
	return 2
}

// TestSeccompRefusedStopsNode: where seccomp() fails with ENOSYS or
// EOPNOTSUPP, as a profile that blocks it can make it, intact node
// refuses to start node rather than start it without the filter (and, as
// root, without the guard of modes and owners): errors.Is counts those
// errnos as errors.ErrUnsupported, which once let node start unfiltered
// and silently (outside review rt52). EPERM was refused already. Where
// seccomp() is answered with success and installs nothing, the filter is
// found missing (rt54). The same app runs without the filter, and leaves
// its canary.
func TestSeccompRefusedStopsNode(t *testing.T) {
	skipUnlessConfinable(t)
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": canaryJS("main")})
	s := sign(t, dir)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	run := func(errno string) (string, error, []string) {
		canaryDir := t.TempDir()
		args := []string{"node", "--policy", s.policies["enforce"], "--catalog", s.catalog, "--node", n.Path, "main.js"}
		cmd := exec.Command(intactBin, args...)
		if errno != "" {
			cmd = exec.Command(self, args...)
		}
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "INTACT_BIN="+intactBin, "CANARY_DIR="+canaryDir, envSeccompErrno+"="+errno)
		out, err := cmd.CombinedOutput()
		return string(out), err, canaries(t, canaryDir)
	}
	if out, err, ran := run(""); err != nil || len(ran) != 1 {
		t.Fatalf("without the filter: %v, canaries %v\n%s", err, ran, out)
	}
	// Errno 0: seccomp() answered with success, and nothing installed
	// (outside review rt54).
	for _, errno := range []unix.Errno{unix.ENOSYS, unix.EOPNOTSUPP, unix.EPERM, 0} {
		out, err, ran := run(strconv.Itoa(int(errno)))
		if err == nil || !strings.Contains(out, "confining node: seccomp") || len(ran) != 0 {
			t.Errorf("seccomp() failing with %v: %v, canaries %v\n%s", errno, err, ran, out)
		}
	}
}

// TestSignalWhileConfining: a signal that comes while node's start waits
// for its Landlock rules ends the run as that signal would have ended the
// broker, and node never starts (outside review rt53: node started once
// the rules were built, and got the signal only then, or never). A folder
// of 20,000 files holding a node on PATH makes the rules take a while,
// each file a rule; the signal is sent while they are being added.
func TestSignalWhileConfining(t *testing.T) {
	skipUnlessConfinable(t)
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": canaryJS("main") + "console.log('main ran');\n"})
	s := sign(t, dir)
	crowd := t.TempDir()
	for i := range 20_000 {
		if err := os.WriteFile(filepath.Join(crowd, "f"+strconv.Itoa(i)), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(crowd, "node"), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	n := nodes(t)[0]
	canaryDir := t.TempDir()
	sent := make(chan time.Duration, 1)
	go func() {
		// The folder's rules are added with the folder open: while it
		// is, node has not started.
		start := time.Now()
		for time.Since(start) < time.Minute {
			if holdsOpen(crowd) {
				syscall.Kill(os.Getpid(), syscall.SIGTERM)
				sent <- time.Since(start)
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
		sent <- -1
	}()
	res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir, "PATH=" + crowd + ":" + os.Getenv("PATH")}}, "main.js")
	d := <-sent
	if d < 0 {
		t.Fatal("the folder's rules were not seen being built in a minute")
	}
	t.Logf("SIGTERM sent %v after the run started", d)
	if res.Err != nil || res.Exit != (nodeguard.Exit{Signal: syscall.SIGTERM}) || res.Stdout != "" {
		t.Errorf("got %v, exit %+v, stdout %q; want exit by SIGTERM and nothing run\nstderr:\n%s", res.Err, res.Exit, res.Stdout, res.Stderr)
	}
	if c := canaries(t, canaryDir); len(c) > 0 {
		t.Errorf("node ran main.js: %v", c)
	}
}

// holdsOpen reports whether this process holds a descriptor of dir or of
// a file in it.
func holdsOpen(dir string) bool {
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		if l, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && (l == dir || filepath.Dir(l) == dir) {
			return true
		}
	}
	return false
}

// skipUnlessConfinable skips the test where the kernel cannot confine
// node (doc/node.md, "Where node is not confined").
func skipUnlessConfinable(t *testing.T) {
	t.Helper()
	if err := linuxsec.DenyExecSupported(); err != nil {
		t.Skipf("this kernel cannot confine node: %v", err)
	}
}
