package nodeguard_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lifetimeApp's children wait for the file $RELEASE before they end (at
// most a minute), and write a canary if they get that far.
var lifetimeApp = map[string]string{
	"wait.js": `const fs = require('fs');
module.exports = function waitForRelease(label) {
  const end = Date.now() + 60000;
  const poll = setInterval(() => {
    if (fs.existsSync(process.env.RELEASE) || Date.now() > end) {
      clearInterval(poll);
      fs.writeFileSync(require('path').join(process.env.CANARY_DIR, label), 'still running');
    }
  }, 50);
};
`,
	// A daemon-like child: it drops fork()'s IPC channel and works on.
	"daemon.js": "process.on('message', () => process.disconnect());\nrequire('./wait.js')('daemon');\n",
	// It loads what it needs before it says it is up: node without a
	// broker can load nothing more.
	"sleeper.js": "const wait = require('./wait.js');\nconsole.log('up');\nwait('sleeper');\n",
	"parent.js": `const { fork, spawn } = require('child_process');
const path = require('path');
const daemon = fork(path.join(__dirname, 'daemon.js'));
daemon.on('disconnect', () => {
  console.log('daemon disconnected');
  daemon.unref();
  const sleeper = spawn(process.execPath, [path.join(__dirname, 'sleeper.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  sleeper.stdout.once('data', () => sleeper.kill('SIGKILL'));
  sleeper.on('close', (code, signal) => console.log('sleeper closed', signal));
});
daemon.send('go');
`,
}

// TestChildLifetimes: node children end, and let their parents end, as
// under plain node (outside review rt76). A forked child that calls
// process.disconnect() disconnects: its broker kept a copy of the channel,
// and the parent waited for it for as long as the child ran. A child
// killed with SIGKILL (which reaches its broker, the shim) dies: node
// under the dead broker ran on, holding the parent's pipe open. And node
// dies with a top-level intact node killed so.
func TestChildLifetimes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, lifetimeApp)
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		canaryDir := t.TempDir()
		release := filepath.Join(t.TempDir(), "release")
		// The daemon lives on after its parent; the sleeper must not.
		defer func() {
			os.WriteFile(release, nil, 0o644)
			time.Sleep(300 * time.Millisecond) // a poll and a write
			if c := canaries(t, canaryDir); len(c) != 1 || c[0] != "daemon" {
				t.Errorf("children still running when released: %v, want the daemon alone", c)
			}
		}()
		res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir, "RELEASE=" + release}, timeout: 30 * time.Second}, "parent.js")
		if want := "daemon disconnected\nsleeper closed SIGKILL\n"; res.Stdout != want || res.Exit.Code != 0 {
			t.Errorf("exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", res.Exit, res.Stdout, want, res.Stderr)
		}

		// A top-level intact node killed.
		topCanaries := t.TempDir()
		cmd := exec.Command(intactBin, "node", "--policy", s.policies["enforce"], "--catalog", s.catalog, "--node", n.Path, "sleeper.js")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CANARY_DIR="+topCanaries, "RELEASE="+release+"-top")
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(release+"-top", nil, 0o644)
		lines := bufio.NewReader(out)
		if line, err := lines.ReadString('\n'); strings.TrimSpace(line) != "up" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("intact node printed %q, %v", line, err)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		// Node holds the write end of its standard output until it ends.
		eof := make(chan error, 1)
		go func() {
			_, err := lines.ReadString('\n')
			eof <- err
		}()
		select {
		case <-eof:
		case <-time.After(10 * time.Second):
			t.Error("node still running 10 s after intact node was killed")
			os.WriteFile(release+"-top", nil, 0o644)
			<-eof
		}
		cmd.Wait()
	})
}

// TestPrivateFolderSwap: node's tree can rename the broker's private
// folder (first on node's PATH) and put a link to another folder in its
// place; the broker's clean-up at node's exit then removed that folder's
// node, as root one in a folder node's tree itself could not write
// (outside review rt76). It removes only its own link.
func TestPrivateFolderSwap(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"main.js": `const fs = require('fs');
const own = process.env.PATH.split(':')[0];
fs.renameSync(own, own + '.moved');
fs.symlinkSync(process.env.VICTIM, own);
console.log(own);
console.log(fs.readdirSync(own + '.moved').join(','));
`})
	s := sign(t, dir)
	forEachNode(t, func(t *testing.T, n testNode) {
		victim := t.TempDir()
		write(t, victim, map[string]string{"node": "the victim's\n"})
		res := s.run(t, n, "enforce", runOpts{env: []string{"VICTIM=" + victim}}, "main.js")
		own, listed, _ := strings.Cut(res.Stdout, "\n")
		if !filepath.IsAbs(own) || listed != "node\n" {
			t.Fatalf("exit %+v, stdout %q\n%s", res.Exit, res.Stdout, res.Stderr)
		}
		// What node's tree left is its own: the link, and the folder moved
		// (its link removed by the broker).
		os.Remove(own)
		if err := os.Remove(own + ".moved"); err != nil {
			t.Errorf("the moved private folder: %v (want it left empty)", err)
		}
		if _, err := os.Stat(filepath.Join(victim, "node")); err != nil {
			t.Errorf("the broker's clean-up removed another folder's node: %v", err)
		}
	})
}
