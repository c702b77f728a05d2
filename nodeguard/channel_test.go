//go:build linux

package nodeguard_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/nodeguard"
)

// channelApp attacks the channel between the bootstrap and the broker from
// signed code, as issue 11's findings did (f4, f16, f21): each script tries
// to put a reply of its own making where the bootstrap reads the broker's,
// then asks for something the policy refuses. evil.js and evil.node are
// not in the catalog.
var channelApp = map[string]string{
	// Application code must not run inside an exchange (between a request
	// and its reply), where it could read the reply away or swap the
	// descriptor at will: fs.writeSync read errno from an object of
	// node's, which a getter on Object.prototype answered.
	"inside.js": `let inside = 0, busy = false;
Error.stackTraceLimit = 50;
// Called from the bootstrap's code: a frame of the bootstrap's comes
// before any other frame of this file's (the script itself runs from the
// bootstrap's frames, as node's main module).
const fromBootstrap = (stack) => {
  const frames = stack.split('\n').slice(2);
  const b = frames.findIndex((f) => f.includes('intact:node-bootstrap'));
  const a = frames.findIndex((f) => f.includes('inside.js'));
  return b >= 0 && (a < 0 || b < a);
};
for (const name of ['errno', 'syscall']) {
  Object.defineProperty(Object.prototype, name, {
    configurable: true,
    get() {
      if (!busy) { busy = true; try { if (fromBootstrap(new Error().stack)) inside++; } finally { busy = false; } }
      return undefined;
    },
    set(v) { Object.defineProperty(this, name, { value: v, writable: true, configurable: true, enumerable: true }); },
  });
}
// An unsigned file is never read ahead: requiring it is an exchange.
try { require('./evil.js'); } catch (e) { console.log('evil', e.code); }
console.log('getters run inside the bootstrap', inside);
`,
	// A second descriptor of a channel, which could put the channel back
	// after a socket of the application's stood at its number during an
	// exchange: every way node's API has to get one is refused, and no
	// child that would have been handed one starts (its canary).
	"dup.js": `const fs = require('fs'), net = require('net'), dgram = require('dgram'), tty = require('tty');
const cp = require('child_process'), path = require('path');
const canary = (label) => ['-c', 'echo ran > ' + JSON.stringify(path.join(process.env.CANARY_DIR, label))];
const tries = {
  'net.Socket': () => new net.Socket({ fd: 3 }),
  'worker socket': () => new net.Socket({ fd: 4 }),
  'server.listen': () => net.createServer().listen({ fd: 3 }),
  'dgram bind': () => dgram.createSocket('udp4').bind({ fd: 3 }),
  'pipe handle': () => {
    const Pipe = cp.spawn('/bin/true', { stdio: ['pipe', 'ignore', 'ignore'] }).stdin._handle.constructor;
    let reads = 0;
    return new Pipe(0).open({ valueOf() { return reads++ ? 100 : 3; } });
  },
  'spawn fd': () => cp.spawn('/bin/sh', canary('spawn-fd'), { stdio: ['ignore', 'ignore', 'inherit', 3] }),
  'spawn inherit': () => cp.spawn('/bin/sh', canary('spawn-inherit'), { stdio: ['ignore', 'ignore', 'inherit', 'inherit'] }),
  'spawn tty': () => cp.spawn('/bin/sh', canary('spawn-tty'), { stdio: ['ignore', 'ignore', 'inherit', new tty.ReadStream(3)] }),
  'fork fd': () => cp.fork(__filename, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc', 4] }),
  'spawnSync fd': () => cp.spawnSync('/bin/sh', canary('spawnsync-fd'), { stdio: ['ignore', 'ignore', 'inherit', 3] }),
  'execFileSync fd': () => cp.execFileSync('/bin/sh', canary('execfilesync-fd'), { stdio: ['ignore', 'ignore', 'inherit', 3] }),
  // Node reads a stream's fd twice: a number for its type check, then
  // what the synchronous spawn turns into one (outside review rt36).
  'spawnSync string fd': () => {
    let reads = 0;
    return cp.spawnSync('/bin/sh', canary('spawnsync-string'), { stdio: ['ignore', 'ignore', 'inherit', { get fd() { return reads++ ? '3' : 0; } }] });
  },
  'execSync object fd': () => {
    let reads = 0;
    const fd = { valueOf() { return 4; } };
    return cp.execSync('echo ran > ' + JSON.stringify(path.join(process.env.CANARY_DIR, 'execsync-object')),
      { stdio: ['ignore', 'ignore', 'inherit', { get fd() { return reads++ ? fd : 0; } }] });
  },
  'handle spawn': () => {
    const child = cp.spawn('/bin/true');
    const Process = child._handle.constructor;
    const p = new Process();
    let reads = 0;
    const stdio = [{ type: 'ignore' }, { type: 'ignore' }, { type: 'ignore' }, { type: 'fd', get fd() { return reads++ ? 3 : 3; } }];
    const args = ['/bin/sh', canary('handle-spawn'), undefined, [], stdio, 0, undefined, undefined];
    const options = { file: '/bin/sh', args: args[1], envPairs: [], stdio };
    return process.version.startsWith('v22.') ? p.spawn(options) : p.spawn(...args);
  },
  // Node 22's Process.spawn takes its options by ToObject: a function
  // is options too.
  'handle spawn function': () => {
    const p = new (cp.spawn('/bin/true')._handle.constructor)();
    const stdio = [{ type: 'ignore' }, { type: 'ignore' }, { type: 'ignore' }, { type: 'fd', fd: 3 }];
    const args = ['/bin/sh', canary('handle-spawn-function'), undefined, [], stdio, 0, undefined, undefined];
    const options = Object.assign(function () {}, { file: '/bin/sh', args: args[1], envPairs: [], stdio });
    return process.version.startsWith('v22.') ? p.spawn(options) : p.spawn(...args);
  },
};
for (const [name, f] of Object.entries(tries)) {
  try { f(); console.log(name, 'not refused'); } catch (e) { console.log(name, e.code); }
}
`,
	// f4 and f16: reopen the channel through /proc/self/fd to write a
	// reply into it (the old reply pipe could be reopened for writing).
	"forge.js": `const fs = require('fs');
const what = process.argv[2];
const reply = Buffer.from(what === 'addon' ? process.env.EVIL_ADDON : 'module.exports = "FORGED";');
const head = Buffer.alloc(5); head.writeUInt32LE(reply.length, 1);
// The old channel's pipes were 3 and 4; node's own descriptors (epoll...)
// are left alone.
for (const fd of [3, 4]) {
  const name = fs.readlinkSync('/proc/self/fd/' + fd);
  if (!name.startsWith('pipe:') && !name.startsWith('socket:')) continue;
  try {
    const w = fs.openSync('/proc/self/fd/' + fd, 'w');
    fs.writeSync(w, Buffer.concat([head, reply]));
    console.log('reopened', fd);
  } catch (e) { console.log('reopen', fd, e.code); }
}
try {
  if (what === 'addon') process.dlopen({ exports: {} }, process.env.EVIL_ADDON);
  else console.log('evil gave', require('./evil.js'));
} catch (e) { console.log(what, e.code); }
`,
	// f21: put a file holding a reply at the channel's number.
	"swap.js": `const fs = require('fs');
const reply = Buffer.from('module.exports = "FORGED";');
const head = Buffer.alloc(5); head.writeUInt32LE(reply.length, 1);
const forged = require('path').join(process.env.CANARY_DIR, '..', 'forged.bin');
fs.writeFileSync(forged, Buffer.concat([head, reply]));
fs.closeSync(3);
console.log('swapped at', fs.openSync(forged, 'r+'));
try { console.log('evil gave', require('./evil.js')); } catch (e) { console.log('evil', e.code); }
try { console.log('pkg gave', require('./pkg')); } catch (e) { console.log('pkg', e.code); }
`,
	// Queue a request of the application's own ahead of the bootstrap's:
	// the broker's answer to it (other.js's checked bytes) comes first,
	// and must not be taken for evil.js's.
	"queue.js": `const fs = require('fs');
const path = Buffer.from(require('path').join(__dirname, 'other.js'));
for (const seq of [0, 1, 2]) {
  const frame = Buffer.alloc(9 + path.length);
  frame.writeUInt32LE(5 + path.length, 0); frame[4] = 0x52; frame.writeUInt32LE(seq, 5); path.copy(frame, 9);
  fs.writeSync(3, frame);
}
try { console.log('evil gave', require('./evil.js')); } catch (e) { console.log('evil', e.code); }
try { console.log('other gave', require('./other.js')); } catch (e) { console.log('other', e.code); }
try { console.log('pkg gave', require('./pkg')); } catch (e) { console.log('pkg', e.code); }
`,
	"other.js": "module.exports = 'other as ' + require('path').basename(__filename);\n",
	// Workers: their channels are sockets node starts with. The main
	// thread queues requests for decoy.js on every one, or puts a file
	// at each number, before a worker takes one.
	"workers.js": `const fs = require('fs');
const path = require('path');
const { Worker } = require('worker_threads');
const decoy = Buffer.from(path.join(__dirname, 'decoy.js'));
let touched = 0;
for (let fd = 4; fd < 1024; fd++) {
  let name; try { name = fs.readlinkSync('/proc/self/fd/' + fd); } catch { continue; }
  if (!name.startsWith('socket:')) continue;
  if (process.argv[2] === 'swap') {
    // Another of node's threads may open a file between the close and
    // the open, and take the number for a moment: try again, holding
    // the numbers above it, which are the lowest free ones after it.
    fs.closeSync(fd);
    const held = [];
    for (let got; (got = fs.openSync(path.join(__dirname, 'decoy.js'), 'r')) !== fd; ) {
      held.push(got);
      if (held.length > 200) throw new Error('not swapped at ' + fd);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
    held.forEach((h) => fs.closeSync(h));
  } else {
    for (const seq of [0, 1, 2]) {
      const frame = Buffer.alloc(9 + decoy.length);
      frame.writeUInt32LE(5 + decoy.length, 0); frame[4] = 0x52; frame.writeUInt32LE(seq, 5); decoy.copy(frame, 9);
      fs.writeSync(fd, frame);
    }
  }
  touched++;
}
console.log('channels touched', touched);
new Worker(path.join(__dirname, 'victim.js')).on('error', (e) => console.log('worker', e.code, e.message)).on('message', (m) => console.log('worker said', m));
`,
	// Workers one after the other, until the broker has no channel left.
	"many.js": `const { Worker } = require('worker_threads');
let ran = 0, refused = false;
function next() {
  new Worker(require('path').join(__dirname, 'hello.js'))
    .on('message', () => { ran++; })
    .on('error', (e) => { refused = true; console.log('ran', ran, 'then', e.code, e.message); })
    .on('exit', () => { if (!refused && ran <= 64) next(); });
}
next();
`,
	"hello.js":  "require('worker_threads').parentPort.postMessage('hello');\n",
	"victim.js": "require('worker_threads').parentPort.postMessage(require('./evil.js'));\n",
	"decoy.js":  "require('fs').writeFileSync(require('path').join(process.env.CANARY_DIR, 'decoy-as-' + require('path').basename(__filename)), 'ran');\n",
	// A package of its own, not read ahead with the scripts': asked for
	// once the channel is out of step.
	"pkg/package.json": `{"name": "pkg"}` + "\n",
	"pkg/index.js":     "module.exports = 'pkg';\n",
}

// TestChannelForgery: signed code cannot reopen the channel to write
// replies into it (a socket cannot be opened through /proc: ENXIO), cannot
// make the bootstrap read the channel's number once it names a file, and
// cannot make it take the broker's answer to a request of its own for the
// answer to the bootstrap's. Every attempt ends in a refusal, and no
// statement of the unsigned code runs.
func TestChannelForgery(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, channelApp)
	s := sign(t, dir)
	write(t, dir, map[string]string{"evil.js": canaryJS("evil") + "module.exports = 'EVIL';\n"})
	forEachNode(t, func(t *testing.T, n testNode) {
		cases := []struct {
			name, script string
			args         []string
			want         []string
		}{
			{"f4", "forge.js", []string{"code"}, []string{"reopen 3 ENXIO", "reopen 4 ENXIO", "code ERR_CODE_INTEGRITY_VIOLATION"}},
			{"inside", "inside.js", nil, []string{"evil ERR_CODE_INTEGRITY_VIOLATION", "getters run inside the bootstrap 0"}},
			{"dup", "dup.js", nil, []string{
				"net.Socket ERR_CODE_INTEGRITY_VIOLATION", "worker socket ERR_CODE_INTEGRITY_VIOLATION",
				"server.listen ERR_CODE_INTEGRITY_VIOLATION", "dgram bind ERR_INVALID_FD_TYPE",
				"pipe handle ERR_CODE_INTEGRITY_VIOLATION", "spawn fd ERR_CODE_INTEGRITY_VIOLATION",
				"spawn inherit ERR_CODE_INTEGRITY_VIOLATION", "spawn tty ERR_CODE_INTEGRITY_VIOLATION",
				"fork fd ERR_CODE_INTEGRITY_VIOLATION", "spawnSync fd ERR_CODE_INTEGRITY_VIOLATION",
				"execFileSync fd ERR_CODE_INTEGRITY_VIOLATION", "spawnSync string fd ERR_INVALID_ARG_TYPE",
				"execSync object fd ERR_INVALID_ARG_TYPE", "handle spawn ERR_CODE_INTEGRITY_VIOLATION",
				"handle spawn function ERR_CODE_INTEGRITY_VIOLATION"}},
			{"f21", "swap.js", nil, []string{"swapped at 3", "evil ERR_CODE_INTEGRITY_VIOLATION", "pkg ERR_CODE_INTEGRITY_VIOLATION"}},
			{"queued", "queue.js", nil, []string{"evil ERR_CODE_INTEGRITY_VIOLATION", "other gave other as other.js", "pkg ERR_CODE_INTEGRITY_VIOLATION"}},
			{"worker-queued", "workers.js", []string{"queue"}, []string{"channels touched 64", "worker ERR_CODE_INTEGRITY_VIOLATION intact node: a reply on the channel to the broker does not answer this request"}},
			{"worker-limit", "many.js", nil, []string{"ran 64 then ERR_CODE_INTEGRITY_VIOLATION intact node: no channel to the broker is left for this thread: node has started as many threads as intact node gives channels to (64)"}},
			{"worker-swapped", "workers.js", []string{"swap"}, []string{"channels touched 64", "worker ERR_CODE_INTEGRITY_VIOLATION intact node: the channel to the broker was replaced"}},
		}
		var env []string
		if n.Include != "" {
			evil := buildAddon(t, n, "evil", addonSource("evil", true))
			env = append(env, "EVIL_ADDON="+evil)
			cases = append(cases, struct {
				name, script string
				args         []string
				want         []string
			}{"f16", "forge.js", []string{"addon"}, []string{"reopen 3 ENXIO", "reopen 4 ENXIO", "addon ERR_CODE_INTEGRITY_VIOLATION"}})
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				canaryDir := filepath.Join(t.TempDir(), "canaries")
				if err := os.Mkdir(canaryDir, 0o755); err != nil {
					t.Fatal(err)
				}
				res := s.run(t, n, "enforce", runOpts{env: append(env, "CANARY_DIR="+canaryDir)}, append([]string{c.script}, c.args...)...)
				got := strings.TrimSpace(res.Stdout)
				if got != strings.Join(c.want, "\n") {
					t.Errorf("exit %+v\ngot:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, got, strings.Join(c.want, "\n"), res.Stderr)
				}
				if cs := canaries(t, canaryDir); len(cs) > 0 {
					t.Errorf("refused code ran: %v", cs)
				}
			})
		}
	})
}

// TestChannelSequenceUnpredictable: the sequence numbers that tie replies
// to requests do not come from Math.random, whose state the application
// shares: an outside review recovered the first one from the draws that
// followed it and made the bootstrap take a signed data file's bytes as
// the code of another file. Here the same prediction is tried; the signed
// data file, whose text writes a canary, must never run.
func TestChannelSequenceUnpredictable(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		// V8's Math.random (xorshift128+) hands out a refilled cache of 64
		// values newest first: the two draws after the bootstrap's give
		// the state it drew from, and the next refill picks the one
		// candidate left of eight.
		"predict.js": `const M = (1n << 64n) - 1n;
const top = (d) => BigInt(Math.floor(d * 2 ** 52)) << 12n;
const d = [];
for (let i = 0; i < 127; i++) d.push(Math.random());
const b = top(d[0]), a0 = top(d[1]), s65 = top(d[125]), s64 = top(d[126]);
const bit = (x, i) => (x >> BigInt(i)) & 1n;
const chosen = [];
for (let lo = 0n; lo < 4096n; lo += 512n) {
  let a = a0 | lo; a ^= (a << 23n) & M; a ^= a >> 17n; a ^= b; a ^= b >> 26n;
  let ok = true;
  for (let i = 0; i < 3; i++) if ((bit(a, 55 + i) ^ bit(a, 32 + i) ^ bit(s64, 55 + i)) !== bit(s65, 55 + i)) ok = false;
  if (ok) chosen.push(Number(a >> 32n));
}
// The main thread has made two requests (this script, then nothing read
// ahead for it); its next is the third.
for (const guess of chosen) {
  const path = Buffer.from(__dirname + '/notes.txt');
  const f = Buffer.alloc(9 + path.length);
  f.writeUInt32LE(5 + path.length, 0); f[4] = 0x52; f.writeUInt32LE((guess + 2) >>> 0, 5); path.copy(f, 9);
  require('fs').writeSync(3, f);
}
try { require('./other/a.js'); console.log('a ran'); } catch (e) { console.log('a', e.code); }
`,
		"other/a.js": "module.exports = 'a';\n",
		"notes.txt":  canaryJS("notes-as-code"),
	})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		canaryDir := t.TempDir()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, "predict.js")
		if c := canaries(t, canaryDir); len(c) > 0 {
			t.Errorf("a signed data file ran as another file's code: %v\nstdout:\n%s\nstderr:\n%s", c, res.Stdout, res.Stderr)
		}
		if got := strings.TrimSpace(res.Stdout); got != "a ERR_CODE_INTEGRITY_VIOLATION" && got != "a ran" {
			t.Errorf("stdout %q, want a refusal (the channel out of step) or a's own code\nstderr:\n%s", got, res.Stderr)
		}
	})
}

// TestThreadChannelFlood: application code that asks for threads'
// channels without end (requests on the main channel, each with an id of
// its own) does not make the broker hold a file per request: the broker
// keeps the rendezvous of the channels it handed out and a few saying none
// is left (outside review rt56: 20,000 requests left the broker unable to
// open files). The main thread's channel still works, and a worker is
// refused with the reason.
func TestThreadChannelFlood(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"flood.js": `const fs = require('fs');
const broker = process.execPath.split('/')[2];
const count = () => fs.readdirSync('/proc/' + broker + '/fd').length;
const before = count();
for (let i = 0; i < 2000; i++) {
  const id = Buffer.from('flood-' + i);
  const f = Buffer.alloc(9 + id.length);
  f.writeUInt32LE(5 + id.length, 0); f[4] = 0x43; id.copy(f, 9);
  fs.writeSync(3, f);
}
// Answered after every request before it.
console.log(require('./other.js'));
console.log('grew', count() - before);
const w = new (require('worker_threads').Worker)(__dirname + '/other.js');
w.on('error', (e) => console.log('worker', e.code, /no channel to the broker is left/.test(e.message)));
`,
		"other.js": "module.exports = 'other';\n",
	})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		res := s.run(t, n, "enforce", runOpts{}, "flood.js")
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		if len(lines) != 3 || lines[0] != "other" || lines[2] != "worker ERR_CODE_INTEGRITY_VIOLATION true" {
			t.Fatalf("stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
		}
		// The threads' rendezvous, and the refused ones kept.
		grew, err := strconv.Atoi(strings.TrimPrefix(lines[1], "grew "))
		// Eight more for files the broker may have open at either count.
		if err != nil || grew > 64+16+8 {
			t.Errorf("the broker's descriptors: %s, want at most 88 more", lines[1])
		}
	})
}

// TestAddonPinFlood: application code that asks the broker to pin a signed
// native library over and over, and never to let go of it, does not make
// the broker hold a copy for each: at most 64 are held at once, and the
// next are refused (EMFILE) until one is let go of. A signed file that is
// not a shared object is not copied at all (ENOEXEC).
func TestAddonPinFlood(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"data.json": "{}\n",
		"flood.js": `const fs = require('fs');
const broker = process.execPath.split('/')[2];
const count = () => fs.readdirSync('/proc/' + broker + '/fd').length;
const readFull = (b) => { for (let o = 0; o < b.length;) o += fs.readSync(3, b, o, b.length - o); };
const before = count();
const statuses = {};
for (let i = 0; i < 301; i++) {
  const lib = Buffer.from(require('path').join(__dirname, i > 0 ? 'lib.node' : 'data.json'));
  const f = Buffer.alloc(9 + lib.length);
  f.writeUInt32LE(5 + lib.length, 0); f[4] = 0x44; f.writeUInt32LE(i, 5); lib.copy(f, 9);
  fs.writeSync(3, f);
  const head = Buffer.alloc(5);
  readFull(head);
  const rest = Buffer.alloc(2 * (f.length - 4) + head.readUInt32LE(1));
  readFull(rest);
  const code = head[0] === 0 ? 'ok' : JSON.parse(rest.subarray(2 * (f.length - 4)).toString()).code;
  statuses[code] = (statuses[code] || 0) + 1;
}
console.log('grew', count() - before, JSON.stringify(statuses));
`,
	})
	copyFile(t, buildAddon(t, n, "flood", addonSource("flood", false)), filepath.Join(dir, "lib.node"))
	s := sign(t, dir)
	res := s.run(t, n, "enforce", runOpts{}, "flood.js")
	var grew int
	var statuses string
	if _, err := fmt.Sscanf(res.Stdout, "grew %d %s", &grew, &statuses); err != nil || grew > 64+8 || statuses != `{"ENOEXEC":1,"ok":64,"EMFILE":236}` {
		t.Errorf("stdout %q, want the broker's descriptors grown by 64 (and a few), 64 pinned, 236 refused, the JSON file not copied\nstderr:\n%s", res.Stdout, res.Stderr)
	}
}

// TestTerminatedWorkersFreeTheBroker: workers terminated in the middle of
// reading large modules leave replies on their channels that nobody will
// read, since node keeps the channels' descriptors. The broker gives those
// up once the threads have exited, so that the file-reading requests it
// serves at once (4) are not all taken by them: the main thread still
// loads a module afterwards, and node exits (outside review rt60: it
// waited for ever).
func TestTerminatedWorkersFreeTheBroker(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		files := map[string]string{
			"small.js": "module.exports = 1;\n",
			"main.js": `
const { Worker, isMainThread, workerData } = require('node:worker_threads');
if (!isMainThread) {
  const f = require('path').join(__dirname, 'big' + workerData + '.js');
  for (;;) { delete require.cache[f]; require(f); }
}
const workers = 8;
let ended = 0;
for (let i = 0; i < workers; i++) {
  const w = new Worker(__filename, { workerData: i % 4 });
  setTimeout(() => w.terminate().then(() => { if (++ended === workers) after(); }), 300 + 37 * i);
}
function after() {
  console.log('workers terminated');
  console.log('small', require('./small.js'));
}
`}
		for i := range 4 {
			// Two MiB each: a reply several times what the socket buffers.
			files[fmt.Sprintf("big%d.js", i)] = "module.exports = 1;\n//" + strings.Repeat("x", 2<<20) + "\n"
		}
		write(t, dir, files)
		s := sign(t, dir)
		res := s.run(t, n, "enforce", runOpts{timeout: time.Minute}, "main.js")
		if res.Err != nil || res.Exit != (nodeguard.Exit{}) || res.Stdout != "workers terminated\nsmall 1\n" {
			t.Fatalf("got %q (err %v, exit %+v, stderr %s)", res.Stdout, res.Err, res.Exit, res.Stderr)
		}
	})
}

// TestOutOfStepChannelClosed: a worker whose JavaScript is terminated in
// the middle of reading a large module (vm's timeout), and which lives on,
// leaves the rest of that reply unread: its next exchange finds the
// channel out of step and closes it, which ends the broker's write and
// frees its place, so that four such workers do not stop the main thread
// from loading modules (outside review rt61: it waited for ever).
func TestOutOfStepChannelClosed(t *testing.T) {
	forEachNode(t, func(t *testing.T, n testNode) {
		dir := t.TempDir()
		files := map[string]string{
			"small.js": "module.exports = 1;\n",
			"main.js": `
const { Worker, isMainThread, parentPort } = require('node:worker_threads');
const path = require('node:path');
const big = (i) => path.join(__dirname, 'big' + i + '.js');
const fresh = (f) => { delete require.cache[f]; return require(f); };
if (!isMainThread) {
  globalThis.load = () => fresh(big(0));
  const script = new (require('node:vm').Script)('load()');
  let outcome = 'never out of step';
  for (let ms = 1; ms < 500; ms++) {
    try { script.runInThisContext({ timeout: ms }); } catch {}
    try { fresh(path.join(__dirname, 'small.js')); } catch (e) { outcome = e.code; break; }
  }
  parentPort.postMessage(outcome);
  setInterval(() => {}, 1000); // lives on
} else {
  const workers = [];
  let told = 0;
  for (let i = 0; i < 4; i++) {
    const w = new Worker(__filename);
    workers.push(w);
    w.on('message', (outcome) => {
      console.log('worker', outcome);
      if (++told < 4) return;
      for (let i = 1; i <= 3; i++) fresh(big(i));
      console.log('main loaded');
      process.exit(0);
    });
  }
}
`}
		for i := range 4 {
			files[fmt.Sprintf("big%d.js", i)] = "module.exports = 1;\n//" + strings.Repeat("x", 4<<20) + "\n"
		}
		write(t, dir, files)
		s := sign(t, dir)
		res := s.run(t, n, "enforce", runOpts{timeout: time.Minute}, "main.js")
		want := strings.Repeat("worker ERR_CODE_INTEGRITY_VIOLATION\n", 4) + "main loaded\n"
		if res.Err != nil || res.Exit != (nodeguard.Exit{}) || res.Stdout != want {
			t.Fatalf("got %q (err %v, exit %+v, stderr %s), want %q", res.Stdout, res.Err, res.Exit, res.Stderr, want)
		}
	})
}

// TestChannelRequestOnlyToBroker: a worker asks for its channel on the
// main thread's socket only while that number still names it: with the
// socket closed and a file of the application's at its number, the worker
// fails closed and the file learns nothing (outside review rt62: it got
// the worker's secret rendezvous id).
func TestChannelRequestOnlyToBroker(t *testing.T) {
	n := nodes(t)[0]
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"w.js": "require('node:worker_threads').parentPort.postMessage('worker ran');\n",
		"main.js": `
const fs = require('node:fs');
const { Worker } = require('node:worker_threads');
// The main thread's channel: node's first inherited socket.
const main = Math.min(...fs.readdirSync('/proc/self/fd').map(Number).filter((fd) => {
  try { return fs.readlinkSync('/proc/self/fd/' + fd).startsWith('socket:'); } catch { return false; }
}));
const trap = require('node:path').join(process.env.TRAP_DIR, 'trap');
fs.closeSync(main);
const fd = fs.openSync(trap, 'w+');
console.log('same number', fd === main);
const w = new Worker(require('node:path').join(__dirname, 'w.js'));
w.on('message', (m) => console.log(m));
w.on('error', (e) => console.log('worker', e.code));
w.on('exit', () => console.log('trap holds', fs.readFileSync(trap).length, 'bytes'));
`})
	s := sign(t, dir)
	trap := t.TempDir()
	res := s.run(t, n, "enforce", runOpts{env: []string{"TRAP_DIR=" + trap}, timeout: time.Minute}, "main.js")
	want := "same number true\nworker ERR_CODE_INTEGRITY_VIOLATION\ntrap holds 0 bytes\n"
	if res.Stdout != want {
		t.Fatalf("got %q (err %v, exit %+v, stderr %s), want %q", res.Stdout, res.Err, res.Exit, res.Stderr, want)
	}
}
