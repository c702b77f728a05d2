//go:build unix

package jsruntime_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/intactdev/intact/jsruntime"
)

// TestChildProcess: child_process as Node 20 behaves on the same calls
// (each line checked against node): exit codes and signals, 'exit' before
// 'close', ENOENT as an 'error' event and a spawnSync error, exec's
// errors, timeout and maxBuffer, stdin piped to the child, and output
// inherited through a writer that is not a file. One difference: past
// maxBuffer, spawnSync's output is cut at maxBuffer, as Node documents;
// Node 20 keeps the whole chunk it read last.
func TestChildProcess(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `
const cp = require('child_process');
const log = [];
const r = cp.spawnSync('sh', ['-c', 'echo out; echo err >&2; exit 3']);
console.log('sync', r.status, r.signal, JSON.stringify(String(r.stdout)), JSON.stringify(String(r.stderr)), r.output[0]);
const e = cp.spawnSync('no-such-command-here', ['x']).error;
console.log('sync-enoent', e.message, e.code, e.syscall, e.path, e.spawnargs);
console.log('sync-encoding', cp.spawnSync('echo', ['a'], { encoding: 'utf8' }).stdout === 'a\n');
console.log('sync-input', cp.execFileSync('cat', { input: 'fed' }).toString(), JSON.stringify(String(cp.spawnSync('cat').stdout)));
const t = cp.spawnSync('sleep', ['5'], { timeout: 50 });
console.log('sync-timeout', t.error.code, t.signal, t.status);
const m = cp.spawnSync('sh', ['-c', 'echo 0123456789'], { maxBuffer: 4 });
console.log('sync-maxbuffer', m.error.code, String(m.stdout));
console.log('cwd-env', JSON.stringify(cp.execSync('pwd; echo $V', { cwd: '/', env: { V: 'v', PATH: process.env.PATH } }).toString()));
try { cp.execSync('echo bad >&2; exit 2', { stdio: 'pipe' }); } catch (err) { console.log('execSync', err.status, JSON.stringify(err.message)); }
try { cp.spawnSync('x', { killSignal: 'SIGNOPE' }); } catch (err) { console.log('signal', err.code, err.message); }
try { cp.spawn(''); } catch (err) { console.log('empty', err.code); }
const c = cp.spawn('sh', ['-c', 'cat; exit 4']);
c.on('spawn', () => console.log('async-spawn', typeof c.pid));
// As in Node, 'exit' may come before or after the output: print the output at 'close'.
let out = '';
c.stdout.on('data', (d) => { out += d; });
c.on('exit', (code, sig) => { log.push('exit'); console.log('async-exit', code, sig); });
c.on('close', (code, sig) => { console.log('async-data', JSON.stringify(out)); console.log('async-close', code, sig, log.join()); next(); });
c.stdin.end('to stdin');
function next() {
  const n = cp.spawn('no-such-command-here');
  n.on('error', (err) => console.log('async-enoent', err.message, err.errno < 0));
  n.on('close', (code) => {
    console.log('async-enoent-close', code < 0);
    const s = cp.spawn('sleep', ['5']);
    s.on('close', (code, sig) => {
      console.log('kill', code, sig, s.killed);
      cp.exec('echo e >&2; exit 1', (err, stdout, stderr) => {
        console.log('exec', err.code, err.killed, JSON.stringify(err.message), JSON.stringify(stderr));
        cp.exec('sleep 5', { timeout: 50 }, (err) => {
          console.log('exec-timeout', err.killed, err.signal);
          cp.execFile('sh', ['-c', 'echo 0123456789'], { maxBuffer: 4 }, (err, stdout) => {
            console.log('exec-maxbuffer', err.code, stdout);
            cp.spawn('echo', ['inherited'], { stdio: 'inherit' }).on('close', (code) => {
              console.log('inherit', code);
              const ac = new AbortController();
              const s = cp.spawn('sleep', ['5'], { signal: ac.signal });
              s.on('error', (e) => console.log('abort', e.name, e.code));
              s.on('close', (code, sig) => console.log('aborted', code, sig));
              ac.abort();
            });
          });
        });
      });
    });
    console.log('kill-sent', s.kill());
  });
}
`})
	a.runMain(noPolicy, "main.js").want(t, 0, `sync 3 null "out\n" "err\n" null
sync-enoent spawnSync no-such-command-here ENOENT ENOENT spawnSync no-such-command-here no-such-command-here [ 'x' ]
sync-encoding true
sync-input fed ""
sync-timeout ETIMEDOUT SIGTERM null
sync-maxbuffer ENOBUFS 0123
cwd-env "/\nv\n"
execSync 2 "Command failed: echo bad >&2; exit 2\nbad\n"
signal ERR_UNKNOWN_SIGNAL Unknown signal: SIGNOPE
empty ERR_INVALID_ARG_VALUE
async-spawn number
async-exit 4 null
async-data "to stdin"
async-close 4 null exit
async-enoent spawn no-such-command-here ENOENT true
async-enoent-close true
kill-sent true
kill null SIGTERM true
exec 1 false "Command failed: echo e >&2; exit 1\ne\n" "e\n"
exec-timeout true SIGTERM
exec-maxbuffer ERR_CHILD_PROCESS_STDIO_MAXBUFFER 0123
inherited
inherit 0
abort AbortError ABORT_ERR
aborted null SIGTERM
`)
}

// TestChildRuntime: a program that starts node or process.execPath gets
// the host's child runtime with node's command line, whatever PATH holds;
// a host without one refuses those spawns and starts other programs.
func TestChildRuntime(t *testing.T) {
	a := newApp(t, map[string]string{"main.js": `
const cp = require('child_process');
for (const file of [process.execPath, 'node', '/usr/local/bin/node']) {
  try {
    console.log(cp.execFileSync(file, ['-e', 'x', 'arg']).toString().trim());
  } catch (e) {
    console.log(e.code);
  }
}
console.log(cp.execFileSync('echo', ['other programs run']).toString().trim());
`})
	main := func(rt *jsruntime.Runtime) (int, error) { return rt.RunMain(a.path("main.js")) }
	hook := func(nodeArgs []string) (string, []string) {
		return "/bin/sh", append([]string{"sh", "-c", `echo child runtime: "$@"`, "sh"}, nodeArgs...)
	}
	got := run(t, jsruntime.Config{Policy: noPolicy, ExecPath: "/opt/intact/bin/intact", ChildRuntime: hook}, main)
	got.want(t, 0, strings.Repeat("child runtime: -e x arg\n", 3)+"other programs run\n")
	got = run(t, jsruntime.Config{Policy: noPolicy, ExecPath: "/opt/intact/bin/intact"}, main)
	got.want(t, 0, strings.Repeat("ERR_NOT_SUPPORTED\n", 3)+"other programs run\n")
}

// TestChildProcessDetached: a detached child leads a session of its own,
// as libuv makes it; another shares its parent's.
func TestChildProcessDetached(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the session from /proc")
	}
	a := newApp(t, map[string]string{"main.js": `
const cp = require('child_process');
const session = (stat) => stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3];
const own = session(require('fs').readFileSync('/proc/self/stat', 'utf8'));
for (const detached of [false, true]) {
  const child = session(cp.execFileSync('cat', ['/proc/self/stat'], { detached }).toString());
  console.log(detached, child === own);
}
const c = cp.spawn('cat', ['/proc/self/stat'], { detached: true });
let out = '';
c.stdout.on('data', (d) => out += d);
c.on('close', () => console.log('spawn', session(out) === own, session(out) === String(c.pid)));
`})
	a.runMain(noPolicy, "main.js").want(t, 0, "false true\ntrue false\nspawn false true\n")
}

// TestChildInputThatIsNoView: a child's input that only passes for a view
// because the program replaced ArrayBuffer.isView is Node 20's TypeError,
// and a true view's bytes reach the child when the program has deleted
// the buffer, byteOffset and byteLength accessors. Before the fix each was
// a nil dereference in Go, reported as ERR_INTERNAL_ASSERTION.
func TestChildInputThatIsNoView(t *testing.T) {
	code := `const cp = require('child_process');
const isView = ArrayBuffer.isView;
ArrayBuffer.isView = () => true;
for (const input of [new Proxy(new Uint8Array([65, 10]), {}), { buffer: new ArrayBuffer(1) }]) {
  try { cp.spawnSync('cat', [], { input }); console.log('ran') } catch (e) { console.log(e.name, e.code, e.message) }
}
ArrayBuffer.isView = isView;
const TA = Object.getPrototypeOf(Uint8Array.prototype);
delete TA.buffer; delete TA.byteOffset; delete TA.byteLength;
console.log(JSON.stringify(String(cp.spawnSync('cat', [], { input: new Uint16Array([0x4241, 0x0a43]).subarray(1) }).stdout)));`
	const must = `TypeError ERR_INVALID_ARG_TYPE The "options.stdio[0]" property must be of type string or an instance of Buffer, TypedArray, or DataView.`
	evalJS(t, code).want(t, 0, must+" Received an instance of Uint8Array\n"+must+" Received an instance of Object\n"+`"C\n"`+"\n")
}
