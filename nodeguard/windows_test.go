//go:build windows

package nodeguard_test

// These tests run the real node.exe through nodeguard.Run: under Wine
// (scripts/wine-test.sh, with node.exe 22) or on Windows. They skip when no
// node.exe is installed. Catalogs and the policy are made here, in
// process, with the example's TEST-ONLY signing key; the policy is
// catalogs only (wldp.dll is absent under Wine: nothing else judges).

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/nodecache"
	"github.com/intactdev/intact/internal/nodecli"
	"github.com/intactdev/intact/internal/scratch"
	"github.com/intactdev/intact/nodeguard"
	"golang.org/x/sys/windows"
)

// Variables the test binary reads when it runs as something else than the
// tests: node's shim, or a broker the job test kills.
const (
	envSystemDir    = "TEST_NODEGUARD_SYSTEM_DIR"
	envHelperBroker = "TEST_NODEGUARD_HELPER_BROKER" // the policy files, separated by ';'
)

// envTestAddons names a folder with good.node and evil.node, the test
// addon of scripts/wine/testaddon.c, which scripts/wine-test.sh builds.
const envTestAddons = "INTACT_TEST_ADDONS"

func TestMain(m *testing.M) {
	if nodeguard.IsShimName(os.Args[0]) {
		os.Exit(runShim(os.Args[1:]))
	}
	if files := os.Getenv(envHelperBroker); files != "" {
		os.Exit(runHelperBroker(files, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// runShim is the test binary as intact node's shim, as intact.exe is,
// over the scratch system folder.
func runShim(args []string) int {
	return exitstatus.Of(nodecli.Shim(os.Args[0], args, os.Getenv(envSystemDir), os.Stderr), os.Stderr)
}

// runHelperBroker is a broker the job test kills: policy and catalogs are
// the ';'-separated files in files, node and its script in args.
func runHelperBroker(files string, args []string) int {
	var policies, catalogs []string
	for _, f := range strings.Split(files, ";") {
		if strings.HasSuffix(f, ".cat") {
			catalogs = append(catalogs, f)
		} else {
			policies = append(policies, f)
		}
	}
	p, err := intact.Load(intact.LoadOptions{Policies: policies, Catalogs: catalogs, SystemDir: os.Getenv(envSystemDir)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	return runBroker(p, args[0], args[1:])
}

func runBroker(p *intact.Policy, node string, args []string) int {
	exit, err := nodeguard.Run(nodeguard.Config{Policy: p, Node: node, Args: args})
	if err != nil {
		fmt.Fprintln(os.Stderr, "broker:", err)
		return 1
	}
	return exit.Code
}

// winNode is the newest supported node.exe installed, or the test skips.
var winNode = sync.OnceValues(func() (string, error) {
	paths, err := nodecache.Binaries()
	if err != nil {
		return "", err
	}
	best, bestVersion := "", nodeguard.Version{}
	for _, p := range paths {
		probe, err := nodeguard.ProbeNode(p)
		if err != nil {
			return "", err
		}
		v, err := nodeguard.ParseVersion(probe.Version)
		if err != nil {
			return "", err
		}
		if nodeguard.Supported(v) && bestVersion.Less(v) {
			best, bestVersion = p, v
		}
	}
	return best, nil
})

func findWinNode(t *testing.T) string {
	t.Helper()
	node, err := winNode()
	if err != nil {
		t.Fatal(err)
	}
	if node == "" {
		t.Skip("no supported node.exe installed: run scripts/wine-test.sh, which installs node.exe 22 " +
			"(sh scripts/install-node.sh --win 22), or set " + nodecache.EnvTestNodes)
	}
	return node
}

// signer is the example's TEST-ONLY signer, which examples/policy.xml
// trusts through its CA.
func signer(t *testing.T) (crypto.Signer, []*x509.Certificate) {
	t.Helper()
	read := func(name string) *pem.Block {
		data, err := os.ReadFile(filepath.Join("..", "examples", "pki", name))
		if err != nil {
			t.Fatal(err)
		}
		block, _ := pem.Decode(data)
		if block == nil {
			t.Fatalf("%s: no PEM", name)
		}
		return block
	}
	key, err := x509.ParsePKCS8PrivateKey(read("signer.key").Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var certs []*x509.Certificate
	for _, name := range []string{"signer.pem", "ca.pem"} {
		c, err := x509.ParseCertificate(read(name).Bytes)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, c)
	}
	return key.(crypto.Signer), certs
}

// signCatalog writes a signed catalog of files (all of dir when names is
// empty) to out.
func signCatalog(t *testing.T, dir string, names []string, out string) {
	t.Helper()
	var files []catalog.File
	var err error
	if len(names) == 0 {
		files, err = tree.Hash(context.Background(), dir, nil)
	} else {
		files, err = tree.HashFiles(context.Background(), dir, names, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	data, err := catalog.Build(files, catalog.BuildOptions{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	key, certs := signer(t)
	if data, err = catalog.Sign(data, key, certs, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// winApp is a signed app, node.exe's catalog, and files added after
// signing.
type winApp struct {
	node, dir, canaries, system string
	policy, appCat, nodeCat     string
}

var signedFiles = map[string]string{
	"main.js": `const lib = require('./lib.js');
console.log('main ran: ' + lib());
try { require('./evil.js'); } catch (err) { console.log('caught ' + err.code); }
process.exitCode = 3;
`,
	"lib.js":    "module.exports = () => 'lib ok';\n",
	"tamper.js": "module.exports = 'signed';\n",
	"worker.js": "require('worker_threads').parentPort.postMessage('worker ran: ' + require('./lib.js')());\n",
	"child.js":  "if (process.send) process.send('child ran: ' + process.argv[2]); else console.log('child ran: ' + process.argv[2]);\n",
	"workers.js": `const { Worker } = require('worker_threads');
const path = require('path');
new Worker(path.join(__dirname, 'worker.js')).on('message', (m) => {
  console.log(m);
  new Worker(path.join(__dirname, 'evilworker.js')).on('error', (err) => console.log('worker refused ' + err.code));
});
`,
	// disconnect.js forks a daemon-like child that drops fork()'s IPC
	// channel and runs on until $RELEASE exists (at most a minute): the
	// parent sees it disconnect, and ends.
	"disconnect.js": `const { fork } = require('child_process');
const child = fork(require('path').join(__dirname, 'daemon.js'));
child.on('disconnect', () => { console.log('daemon disconnected'); child.unref(); });
child.send('go');
`,
	"daemon.js": `process.on('message', () => process.disconnect());
const end = Date.now() + 60000;
const poll = setInterval(() => { if (require('fs').existsSync(process.env.RELEASE) || Date.now() > end) clearInterval(poll); }, 100);
`,
	"children.js": `const { fork, spawnSync } = require('child_process');
const path = require('path');
fork(path.join(__dirname, 'child.js'), ['fork']).on('message', console.log).on('exit', (code) => {
  fork(path.join(__dirname, 'evil.js')).on('exit', (code) => {
    console.log('evil child exited ' + code);
    const r = spawnSync('node', [path.join(__dirname, 'child.js'), 'path'], { stdio: 'inherit' });
    console.log('node on PATH exited ' + r.status);
  });
});
`,
	// cwdnode.js starts node by name from a working folder that holds a
	// node.exe: the shim must start, not that node.exe, also once the
	// application has deleted the variable that keeps libuv out of the
	// working folder. (Not through cmd.exe, exec('node …'): Windows'
	// cmd.exe honours NoDefaultCurrentDirectoryInExePath, Wine's does not.)
	"cwdnode.js": `const evil = require('path').join(__dirname, 'evil.js');
const { spawnSync } = require('child_process');
console.log('spawn node exited ' + spawnSync('node', [evil], { cwd: __dirname, stdio: 'inherit' }).status);
delete process.env.NoDefaultCurrentDirectoryInExePath;
const { Worker } = require('worker_threads');
new Worker(require('path').join(__dirname, 'cwdworker.js')).on('message', (m) => {
  console.log('worker spawn node exited ' + m);
  delete process.env.NoDefaultCurrentDirectoryInExePath;
  console.log('spawn node exited ' + spawnSync('node', [evil], { cwd: __dirname, stdio: 'inherit' }).status);
  // What cmd.exe would judge by: its own environment, given without the
  // variable.
  delete process.env.NoDefaultCurrentDirectoryInExePath;
  const seen = spawnSync('cmd.exe', ['/d', '/c', 'set NoDefault'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  console.log('child environment: ' + (seen.stdout || '').trim());
});
`,
	// cwdworker.js is cwdnode.js's spawn from a worker, whose process.env
	// is a copy of its own.
	"cwdworker.js": `const evil = require('path').join(__dirname, 'evil.js');
const r = require('child_process').spawnSync('node', [evil], { cwd: __dirname, stdio: 'inherit' });
require('worker_threads').parentPort.postMessage(r.status);
`,
	"wait.js": `require('fs').writeFileSync(process.env.CANARY_DIR + '/node.pid', String(process.pid));
setInterval(() => {}, 1000);
`,
	// pipe.js tells the test its broker's pipe (from the private folder
	// process.execPath is in), then waits until the test is done.
	"pipe.js": `const fs = require('fs'), path = require('path');
const dir = process.env.CANARY_DIR;
fs.writeFileSync(path.join(dir, 'pipe'), '\\\\.\\pipe\\' + path.basename(path.dirname(process.execPath)));
const timer = setInterval(() => { if (fs.existsSync(path.join(dir, 'done'))) clearInterval(timer); }, 20);
`,
	"addons.js": `try { require('./good.node'); console.log('good addon loaded'); } catch (err) { console.log('good addon failed: ' + err.message); }
try { require('./evil.node'); } catch (err) { console.log('evil addon refused ' + err.code); }
try { process.dlopen({ exports: {} }, require('path').join(__dirname, 'evil.node')); } catch (err) { console.log('evil dlopen refused ' + err.code); }
`,
}

// canaryStatement leaves a file named label in CANARY_DIR.
func canaryStatement(label string) string {
	return fmt.Sprintf("require('fs').writeFileSync(require('path').join(process.env.CANARY_DIR, %q), 'ran');\n", label)
}

func newWinApp(t *testing.T) *winApp {
	t.Helper()
	node := findWinNode(t)
	root := scratch.Dir(t)
	a := &winApp{node: node, dir: filepath.Join(root, "app"), canaries: filepath.Join(root, "canaries"),
		system: filepath.Join(root, "system"), appCat: filepath.Join(root, "app.cat"), nodeCat: filepath.Join(root, "node.cat"),
		policy: filepath.Join("..", "examples", "policy.xml")}
	// No system folder: a folder the tests made is owned by the user, and
	// intact refuses a system policy anyone but administrators can change.
	for _, d := range []string{a.dir, a.canaries} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range signedFiles {
		if err := os.WriteFile(filepath.Join(a.dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The test addon, if built: good.node signed, evil.node added after.
	addons := os.Getenv(envTestAddons)
	copyAddon := func(name string) {
		if addons == "" {
			return
		}
		data, err := os.ReadFile(filepath.Join(addons, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(a.dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyAddon("good.node")
	signCatalog(t, a.dir, nil, a.appCat)
	copyAddon("evil.node")
	signCatalog(t, filepath.Dir(node), []string{filepath.Base(node)}, a.nodeCat)
	// After signing: unsigned files, and a signed one tampered with.
	for name, content := range map[string]string{
		"evil.js":       canaryStatement("evil") + "module.exports = 1;\n",
		"evilworker.js": canaryStatement("evilworker"),
	} {
		if err := os.WriteFile(filepath.Join(a.dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(filepath.Join(a.dir, "tamper.js"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(canaryStatement("tampered"))
	f.Close()
	return a
}

type winResult struct {
	stdout, stderr string
	exit           nodeguard.Exit
	err            error
}

// run runs node.exe with args through nodeguard.Run, with the test binary
// as the shim of node children; catalogs are the app's and node.exe's
// unless given.
func (a *winApp) run(t *testing.T, catalogs []string, args ...string) winResult {
	t.Helper()
	if catalogs == nil {
		catalogs = []string{a.appCat, a.nodeCat}
	}
	p, err := intact.Load(intact.LoadOptions{Policies: []string{a.policy}, Catalogs: catalogs, SystemDir: a.system})
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out := scratch.Dir(t)
	// Files, not pipes: node.exe under Wine cannot write to a pipe.
	stdout, err := os.Create(filepath.Join(out, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(out, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	env := append(os.Environ(), "CANARY_DIR="+a.canaries, envSystemDir+"="+a.system)
	var res winResult
	res.exit, res.err = nodeguard.Run(nodeguard.Config{Policy: p, Node: a.node, Args: args,
		Policies: []string{a.policy}, Catalogs: catalogs, Shim: self, Dir: a.dir, Env: env,
		Stdout: stdout, Stderr: stderr})
	o, _ := os.ReadFile(stdout.Name())
	e, _ := os.ReadFile(stderr.Name())
	res.stdout, res.stderr = string(o), string(e)
	return res
}

// noCanaries fails the test if any canary was left: code that should not
// have run did.
func (a *winApp) noCanaries(t *testing.T) {
	t.Helper()
	entries, err := os.ReadDir(a.canaries)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case "node.pid", "addon-good", "pipe", "done": // not canaries
		default:
			t.Errorf("canary %s: code that was refused ran", e.Name())
		}
	}
}

func (a *winApp) path(name string) string { return filepath.Join(a.dir, name) }

// askBrokerPipe waits for pipe.js to name its broker's pipe, connects to
// it, asks for the file at path as a worker thread would, and returns the
// answer (or what went wrong); then it lets pipe.js end.
func (a *winApp) askBrokerPipe(path string) string {
	defer os.WriteFile(filepath.Join(a.canaries, "done"), nil, 0o644)
	var pipe []byte
	for deadline := time.Now().Add(time.Minute); len(pipe) == 0; time.Sleep(20 * time.Millisecond) {
		pipe, _ = os.ReadFile(filepath.Join(a.canaries, "pipe"))
		if time.Now().After(deadline) {
			return "node never named its broker's pipe"
		}
	}
	conn, err := os.OpenFile(string(pipe), os.O_RDWR, 0)
	if err != nil {
		return err.Error()
	}
	defer conn.Close()
	// u32 length | op | u32 sequence number | payload, as the bootstrap frames it.
	frame := append(binary.LittleEndian.AppendUint32(nil, uint32(5+len(path))), 'R', 1, 0, 0, 0)
	if _, err := conn.Write(append(frame, path...)); err != nil {
		return err.Error()
	}
	// One read, not to the end: a channel, were this process given one,
	// would answer and then wait for the next request.
	got := make([]byte, 64<<10)
	n, err := conn.Read(got)
	if err != nil && err != io.EOF {
		return err.Error()
	}
	return string(got[:n])
}

func TestWindowsNode(t *testing.T) {
	a := newWinApp(t)

	t.Run("signed runs, unsigned require refused", func(t *testing.T) {
		r := a.run(t, nil, a.path("main.js"))
		if r.err != nil || r.exit.Code != 3 {
			t.Fatalf("exit %+v, err %v\nstdout:\n%s\nstderr:\n%s", r.exit, r.err, r.stdout, r.stderr)
		}
		for _, want := range []string{"main ran: lib ok", "caught ERR_CODE_INTEGRITY_VIOLATION"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
			}
		}
		a.noCanaries(t)
	})

	for _, script := range []string{"evil.js", "tamper.js"} {
		t.Run(script+" refused", func(t *testing.T) {
			r := a.run(t, nil, a.path(script))
			if r.err != nil || r.exit.Code == 0 || !strings.Contains(r.stderr, "ERR_CODE_INTEGRITY_VIOLATION") {
				t.Errorf("exit %+v, err %v\nstderr:\n%s", r.exit, r.err, r.stderr)
			}
			a.noCanaries(t)
		})
	}

	t.Run("workers", func(t *testing.T) {
		r := a.run(t, nil, a.path("workers.js"))
		for _, want := range []string{"worker ran: lib ok", "worker refused ERR_CODE_INTEGRITY_VIOLATION"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q (exit %+v, err %v):\n%s\nstderr:\n%s", want, r.exit, r.err, r.stdout, r.stderr)
			}
		}
		a.noCanaries(t)
	})

	// The shim closes its copy of fork()'s IPC channel once node has
	// started: a copy left open kept the channel up after the child's
	// process.disconnect(), and the parent running until the child ended
	// (outside review rt76).
	t.Run("a child's disconnect", func(t *testing.T) {
		release := filepath.Join(scratch.Dir(t), "release")
		t.Setenv("RELEASE", release)
		defer os.WriteFile(release, nil, 0o644)
		start := time.Now()
		r := a.run(t, nil, a.path("disconnect.js"))
		if took := time.Since(start); r.err != nil || r.exit.Code != 0 || r.stdout != "daemon disconnected\n" || took > 30*time.Second {
			t.Errorf("exit %+v, err %v, after %v (the child runs a minute)\nstdout:\n%s\nstderr:\n%s", r.exit, r.err, took, r.stdout, r.stderr)
		}
	})

	t.Run("children through the shim", func(t *testing.T) {
		r := a.run(t, nil, a.path("children.js"))
		for _, want := range []string{"child ran: fork", "evil child exited 1", "child ran: path", "node on PATH exited 0"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q (exit %+v, err %v):\n%s\nstderr:\n%s", want, r.exit, r.err, r.stdout, r.stderr)
			}
		}
		if !strings.Contains(r.stderr, "ERR_CODE_INTEGRITY_VIOLATION") {
			t.Errorf("the evil child's broker did not refuse it:\n%s", r.stderr)
		}
		a.noCanaries(t)
	})

	t.Run("addons", func(t *testing.T) {
		if os.Getenv(envTestAddons) == "" {
			t.Skip("no test addon: scripts/wine-test.sh builds scripts/wine/testaddon.c and sets " + envTestAddons)
		}
		r := a.run(t, nil, a.path("addons.js"))
		for _, want := range []string{"good addon loaded", "evil addon refused ERR_CODE_INTEGRITY_VIOLATION",
			"evil dlopen refused ERR_CODE_INTEGRITY_VIOLATION"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q (exit %+v, err %v):\n%s\nstderr:\n%s", want, r.exit, r.err, r.stdout, r.stderr)
			}
		}
		// The signed addon's canary is the positive control: its
		// DllMain runs when the loader maps it.
		if _, err := os.Stat(filepath.Join(a.canaries, "addon-good")); err != nil {
			t.Errorf("the signed addon was not mapped: %v", err)
		}
		a.noCanaries(t)
	})

	t.Run("the broker's pipe gives other processes no channel", func(t *testing.T) {
		// While node runs, this process connects to the broker's pipe and
		// asks, as a worker thread would, for unsigned code: a client that
		// is not node gets the shim configuration and no reply.
		answer := make(chan string, 1)
		go func() { answer <- a.askBrokerPipe(a.path("evil.js")) }()
		r := a.run(t, nil, a.path("pipe.js"))
		got := <-answer
		os.Remove(filepath.Join(a.canaries, "pipe"))
		os.Remove(filepath.Join(a.canaries, "done"))
		var cfg nodeguard.ShimConfig
		if err := json.Unmarshal([]byte(got), &cfg); err != nil || cfg.Node != a.node || strings.Contains(got, "CANARY") {
			t.Errorf("the broker's pipe answered another process with %q: want the shim configuration only", got)
		}
		if r.err != nil || r.exit.Code != 0 {
			t.Errorf("node: exit %+v, err %v\n%s", r.exit, r.err, r.stderr)
		}
	})

	t.Run("forged shim configuration refused", func(t *testing.T) {
		// What the application could do: a folder named like a broker's
		// with the shim in it, and node serving a pipe of that name with
		// a configuration that names no policy. Believed, it would let the
		// shim run the unsigned evil.js; the shim must see that node, not
		// its own program, serves the pipe.
		id := strings.Repeat("ab", 16)
		dir := filepath.Join(scratch.Dir(t), "intact-node-"+id)
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		shim := filepath.Join(dir, "node.exe")
		copyFile(t, self, shim)
		out := scratch.Dir(t)
		ready := filepath.Join(out, "ready")
		forger := filepath.Join(out, "forge.js")
		if err := os.WriteFile(forger, []byte(fmt.Sprintf(`const forged = JSON.stringify({ node: process.execPath, policies: [], catalogs: [] });
require('net').createServer((s) => s.end(forged)).listen(%q, () => require('fs').writeFileSync(%q, 'ready'));
`, `\\.\pipe\intact-node-`+id, ready)), 0o644); err != nil {
			t.Fatal(err)
		}
		log, err := os.Create(filepath.Join(out, "forger.log"))
		if err != nil {
			t.Fatal(err)
		}
		defer log.Close()
		server := exec.Command(a.node, forger)
		server.Stdout, server.Stderr = log, log
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			server.Process.Kill()
			server.Wait()
		}()
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(ready); err == nil {
				break
			}
			if time.Now().After(deadline) {
				data, _ := os.ReadFile(log.Name())
				t.Fatalf("node never served the forged pipe:\n%s", data)
			}
		}
		shimOut, err := os.Create(filepath.Join(out, "shim.log"))
		if err != nil {
			t.Fatal(err)
		}
		defer shimOut.Close()
		cmd := exec.Command(shim, a.path("evil.js"))
		cmd.Env = append(os.Environ(), "CANARY_DIR="+a.canaries, envSystemDir+"="+a.system)
		cmd.Stdout, cmd.Stderr = shimOut, shimOut
		err = cmd.Run()
		got, _ := os.ReadFile(shimOut.Name())
		if err == nil || !strings.Contains(string(got), "is not trusted") {
			t.Errorf("the shim ran with a configuration node served (err %v):\n%s", err, got)
		}
		a.noCanaries(t)
	})

	t.Run("node by name, with a node.exe in the working folder", func(t *testing.T) {
		// Windows looks for a program named without a folder in the
		// working folder first (libuv, cmd.exe): a node.exe the
		// application's folder holds, the genuine one even, would run
		// evil.js unchecked (outside review rt71).
		planted := a.path("node.exe")
		copyFile(t, a.node, planted)
		defer os.Remove(planted)
		r := a.run(t, nil, a.path("cwdnode.js"))
		if strings.Count(r.stdout, "spawn node exited 1") != 3 || !strings.Contains(r.stdout, "worker spawn node exited 1") ||
			!strings.Contains(r.stdout, "child environment: NoDefaultCurrentDirectoryInExePath=1") ||
			strings.Count(r.stderr, "ERR_CODE_INTEGRITY_VIOLATION") < 3 {
			t.Errorf("want evil.js refused by the shim's broker (exit %+v, err %v):\n%s\nstderr:\n%s", r.exit, r.err, r.stdout, r.stderr)
		}
		a.noCanaries(t)
	})

	t.Run("a DLL beside node.exe not in a catalog", func(t *testing.T) {
		// Windows' loader takes a DLL node.exe imports from node.exe's
		// folder: under a catalogs policy it must pass as node.exe does
		// (outside review rt71). The addon's DllMain is the canary.
		dir := scratch.Dir(t)
		b := *a
		b.node = filepath.Join(dir, "node.exe")
		copyFile(t, a.node, b.node)
		dll := filepath.Join(dir, "dbghelp.dll")
		if addons := os.Getenv(envTestAddons); addons != "" {
			copyFile(t, filepath.Join(addons, "evil.node"), dll)
		} else if err := os.WriteFile(dll, []byte("not a DLL"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := b.run(t, nil, a.path("main.js"))
		if r.err == nil || !strings.Contains(r.err.Error(), dll+" beside it would be loaded into node") || r.stdout != "" {
			t.Errorf("err %v, stdout %q: want node.exe refused for the DLL beside it, before anything ran", r.err, r.stdout)
		}
		a.noCanaries(t)
		// Without it, the same node.exe runs.
		if err := os.Remove(dll); err != nil {
			t.Fatal(err)
		}
		if r := b.run(t, nil, a.path("main.js")); r.err != nil || !strings.Contains(r.stdout, "main ran: lib ok") {
			t.Errorf("without the DLL: exit %+v, err %v\n%s\n%s", r.exit, r.err, r.stdout, r.stderr)
		}
	})

	t.Run("node.exe not in a catalog", func(t *testing.T) {
		r := a.run(t, []string{a.appCat}, a.path("main.js"))
		var v *intact.ViolationError
		if !errors.As(r.err, &v) || !strings.Contains(r.err.Error(), "the node binary") || r.stdout != "" {
			t.Errorf("err %v, stdout %q: want node.exe refused before it ran", r.err, r.stdout)
		}
	})

	t.Run("eval refused", func(t *testing.T) {
		r := a.run(t, nil, "-e", canaryStatement("eval"))
		var b *intact.BlockedError
		if !errors.As(r.err, &b) {
			t.Errorf("err %v: want ERR_CODE_INTEGRITY_BLOCKED", r.err)
		}
		a.noCanaries(t)
	})

	t.Run("node dies with its broker", func(t *testing.T) {
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(self, a.node, a.path("wait.js"))
		cmd.Env = append(os.Environ(), "CANARY_DIR="+a.canaries, envSystemDir+"="+a.system,
			envHelperBroker+"="+strings.Join([]string{a.policy, a.appCat, a.nodeCat}, ";"))
		out, err := os.Create(filepath.Join(scratch.Dir(t), "out"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pidFile := filepath.Join(a.canaries, "node.pid")
		var pid int
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
			if data, err := os.ReadFile(pidFile); err == nil && len(data) > 0 {
				pid, _ = strconv.Atoi(string(data))
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				log, _ := os.ReadFile(out.Name())
				t.Fatalf("node never started under the helper broker:\n%s", log)
			}
		}
		node, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_TERMINATE, false, uint32(pid))
		if err != nil {
			t.Fatalf("node (process %d): %v", pid, err)
		}
		defer windows.CloseHandle(node)
		cmd.Process.Kill()
		cmd.Wait()
		if ev, _ := windows.WaitForSingleObject(node, 30_000); ev != windows.WAIT_OBJECT_0 {
			windows.TerminateProcess(node, 1)
			t.Errorf("node (process %d) outlived its killed broker", pid)
		}
	})
}

// copyFile copies the file src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o755); err != nil {
		t.Fatal(err)
	}
}
