//go:build linux

package nodeguard_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/nodecache"
	"github.com/intactdev/intact/internal/nodecli"
	"github.com/intactdev/intact/internal/npmcompat"
	"github.com/intactdev/intact/internal/testtrace"
	"github.com/intactdev/intact/nodeguard"
	"golang.org/x/sys/unix"
)

// envSystemDir is the scratch system policy folder the test binary uses
// when it runs as the shim of node children.
const envSystemDir = "TEST_NODEGUARD_SYSTEM_DIR"

// pki holds the TEST-ONLY signing keys of the CLI's testscripts.
const pki = "../cmd/intact/testdata/pki"

var (
	intactBin string
	buildErr  error
)

func TestMain(m *testing.M) {
	if os.Getenv(testtrace.Env) == "1" {
		// A child of a test's node, trying what it can do to node.
		os.Exit(testtrace.Main())
	}
	if v := os.Getenv(envStopper); v != "" {
		// A child of a holder that became a shim: stops it before it is a
		// broker, and runs the shim naming it.
		os.Exit(stopAndRunShim(v))
	}
	if cfg := os.Getenv(envForgedShim); cfg != "" {
		// A child of a test's node holding a shim configuration of its
		// own, as a broker's: until stdin closes, or, with arguments, at
		// descriptor 0 of this binary executed again as the shim they
		// name (argv).
		os.Exit(holdForgedShimConfig(cfg, os.Args[1:]))
	}
	if v := os.Getenv(envSeccompErrno); v != "" {
		// intact under a seccomp filter that fails seccomp() itself.
		os.Exit(execRefusingSeccomp(v))
	}
	if nodeguard.IsShimName(os.Args[0]) {
		// A node child of a test's node, started through the shim.
		os.Exit(runShim(os.Args[1:]))
	}
	dir, err := os.MkdirTemp("", "nodeguard-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	intactBin, buildErr = npmcompat.BuildIntact(dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runShim is the test binary as intact node's shim, as the intact binary
// is (cmd/intact's runNodeShim), over the scratch system folder.
func runShim(args []string) int {
	system := os.Getenv(envSystemDir)
	if system == "" {
		// A child given a scrubbed environment: still never the
		// machine's own system policy.
		system = filepath.Join(os.TempDir(), "nodeguard-test-no-system-policy")
	}
	return exitstatus.Of(nodecli.Shim(os.Args[0], args, system, os.Stderr), os.Stderr)
}

// testNode is one installed node binary.
type testNode struct {
	Version nodeguard.Version
	Path    string
	Include string // node's headers, for building addons ("" if absent)
}

func (n testNode) Name() string { return fmt.Sprintf("node%d", n.Version.Major) }

var findNodes = sync.OnceValues(func() ([]testNode, error) {
	// The newest installed version of each supported major.
	paths, err := nodecache.Binaries()
	if err != nil {
		return nil, err
	}
	newest := map[int]testNode{}
	for _, p := range paths {
		dir := filepath.Base(filepath.Dir(filepath.Dir(p)))
		v, err := nodeguard.ParseVersion(dir)
		if err != nil {
			probe, perr := nodeguard.ProbeNode(p)
			if perr != nil {
				return nil, perr
			}
			if v, err = nodeguard.ParseVersion(probe.Version); err != nil {
				return nil, err
			}
		}
		if !nodeguard.Supported(v) {
			continue
		}
		n := testNode{Version: v, Path: p}
		if inc := filepath.Join(filepath.Dir(filepath.Dir(p)), "include", "node"); fileExists(filepath.Join(inc, "node_api.h")) {
			n.Include = inc
		}
		if old, ok := newest[v.Major]; !ok || old.Version.Less(v) {
			newest[v.Major] = n
		}
	}
	var out []testNode
	for _, n := range newest {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version.Less(out[j].Version) })
	return out, nil
})

// nodes returns the supported node binaries installed, one per major. It
// skips the test when there are none, and fails it in CI.
func nodes(t *testing.T) []testNode {
	t.Helper()
	ns, err := findNodes()
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) == 0 {
		msg := "no supported Node.js installed: run scripts/install-node.sh (or set " + nodecache.EnvTestNodes + ")"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return ns
}

// forEachNode runs f as a subtest per installed major.
func forEachNode(t *testing.T, f func(t *testing.T, n testNode)) {
	for _, n := range nodes(t) {
		t.Run(n.Name(), func(t *testing.T) { f(t, n) })
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// intactCLI runs the intact binary built for the tests.
func intactCLI(t testing.TB, args ...string) {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if out, err := exec.Command(intactBin, args...).CombinedOutput(); err != nil {
		t.Fatalf("intact %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// signed is a folder of code signed by a catalog, and the policies that
// trust it.
type signed struct {
	dir     string
	catalog string
	// policies by name: "enforce" (code integrity), "strict" (also no
	// interactive and no dynamic code), "dynamic" (code integrity and no
	// dynamic code), "audit".
	policies map[string]string
	system   string // an empty scratch system policy folder
}

var policyFlags = map[string][]string{
	"enforce": {"--enforce"},
	"strict":  {"--enforce", "--deny-interactive", "--deny-dynamic-code"},
	"dynamic": {"--enforce", "--deny-dynamic-code"},
	"locked":  {"--enforce", "--deny-interactive"},
	"audit":   {"--enforce", "--audit"},
}

// sign catalogs every file under dir (signed by the test leaf) and makes
// the test policies trusting the test root.
func sign(t testing.TB, dir string) *signed {
	t.Helper()
	out := t.TempDir()
	s := &signed{dir: dir, catalog: filepath.Join(out, "app.cat"), policies: map[string]string{}, system: filepath.Join(out, "system")}
	if err := os.Mkdir(s.system, 0o755); err != nil {
		t.Fatal(err)
	}
	intactCLI(t, "catalog", "new", dir, "-o", s.catalog,
		"--cert", filepath.Join(pki, "leaf-rsa-chain.pem"), "--key", filepath.Join(pki, "leaf-rsa.key"),
		"--chain", filepath.Join(pki, "root.pem"))
	for name, flags := range policyFlags {
		p := filepath.Join(out, name+".xml")
		intactCLI(t, append([]string{"policy", "new", "--signer", filepath.Join(pki, "root.pem"), "-o", p}, flags...)...)
		s.policies[name] = p
	}
	return s
}

// load loads the named policy with the catalog over the scratch system
// folder.
func (s *signed) load(t testing.TB, policy string) *intact.Policy {
	t.Helper()
	p, err := intact.Load(intact.LoadOptions{Policies: []string{s.policies[policy]}, Catalogs: []string{s.catalog}, SystemDir: s.system})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// result is what one run of node under the broker produced.
type result struct {
	Stdout, Stderr string
	Exit           nodeguard.Exit
	Err            error // a refusal before node started
}

// runOpts are the extras of one run.
type runOpts struct {
	env   []string // added to the environment
	stdin *os.File
	dir   string // working folder; default the signed folder
	wrap  string // an executable run as node, e.g. a strace wrapper
	// timeout fails the test when node has not exited by then; 0 means
	// three minutes.
	timeout time.Duration
}

// run runs node with args under the named policy through nodeguard.Run,
// with the test binary as the shim of node children.
func (s *signed) run(t testing.TB, n testNode, policy string, o runOpts, args ...string) result {
	t.Helper()
	if policy == "" {
		p, err := intact.Load(intact.LoadOptions{SystemDir: s.system})
		if err != nil {
			t.Fatal(err)
		}
		return s.runPolicy(t, n, p, nil, o, args...)
	}
	return s.runPolicy(t, n, s.load(t, policy), []string{s.policies[policy]}, o, args...)
}

// runPolicy runs node with args under policy p, which node children load
// from the files policies (and the catalog, if any).
func (s *signed) runPolicy(t testing.TB, n testNode, p *intact.Policy, policies []string, o runOpts, args ...string) result {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()
	stdout, _ := os.Create(filepath.Join(outDir, "stdout"))
	stderr, _ := os.Create(filepath.Join(outDir, "stderr"))
	defer stdout.Close()
	defer stderr.Close()
	stdin := o.stdin
	if stdin == nil {
		if stdin, err = os.Open(os.DevNull); err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
	}
	// o.env's variables replace this process's: intact node takes a
	// variable's first value.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.ContainsFunc(o.env, func(set string) bool { return strings.HasPrefix(set, name+"=") })
	})
	env = append(env, envSystemDir+"="+s.system)
	env = append(env, o.env...)
	node := n.Path
	if o.wrap != "" {
		node = o.wrap
	}
	var catalogs []string
	if s.catalog != "" {
		catalogs = []string{s.catalog}
	}
	dir := o.dir
	if dir == "" {
		dir = s.dir
	}
	done := make(chan struct{})
	var res result
	go func() {
		defer close(done)
		res.Exit, res.Err = nodeguard.Run(nodeguard.Config{
			Policy: p, Node: node, Args: args, Policies: policies, Catalogs: catalogs,
			Shim: self, Dir: dir, Env: env, Stdin: stdin, Stdout: stdout, Stderr: stderr,
		})
	}()
	timeout := o.timeout
	if timeout == 0 {
		timeout = 3 * time.Minute
	}
	select {
	case <-done:
	case <-time.After(timeout):
		t.Fatalf("node %s: still running after %v", strings.Join(args, " "), timeout)
	}
	out, _ := os.ReadFile(stdout.Name())
	errOut, _ := os.ReadFile(stderr.Name())
	res.Stdout, res.Stderr = string(out), string(errOut)
	return res
}

// write writes files (name → content) under dir.
func write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runUntampered runs the script main of the signed app s under the enforcing
// policy on node n and fails the test unless it prints want and none of
// the statements an attacker wrote (canaries) ran.
func runUntampered(t *testing.T, s *signed, n testNode, main, want string) {
	t.Helper()
	canaryDir := t.TempDir()
	res := s.run(t, n, "enforce", runOpts{env: []string{"CANARY_DIR=" + canaryDir}}, main)
	if res.Stdout != want {
		t.Errorf("%s: exit %+v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", main, res.Exit, res.Stdout, want, res.Stderr)
	}
	if c := canaries(t, canaryDir); len(c) > 0 {
		t.Errorf("%s: statements an attacker wrote ran: %v", main, c)
	}
}

// canaryJS is a statement that leaves the file named after label in
// $CANARY_DIR: proof that code ran.
func canaryJS(label string) string {
	return fmt.Sprintf("require('fs').writeFileSync(require('path').join(process.env.CANARY_DIR, %q), 'ran');\n", label)
}

// canaryESM is canaryJS for an ES module.
func canaryESM(label string) string {
	return fmt.Sprintf("import { writeFileSync as __w } from 'node:fs'; __w(process.env.CANARY_DIR + '/' + %q, 'ran');\n", label)
}

// canaries returns the canaries left in dir.
func canaries(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// buildAddon compiles a Node-API addon from C source with node's headers
// and returns its path; the object is cached by source hash.
func buildAddon(t testing.TB, n testNode, name, src string) string {
	t.Helper()
	if n.Include == "" {
		t.Skip("node's headers are not installed beside " + n.Path)
	}
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("gcc is needed to build the test addon")
		}
		t.Skip("gcc is not installed: cannot build the test addon")
	}
	sum := sha256.Sum256([]byte(src))
	out := filepath.Join(t.TempDir(), name+"-"+hex.EncodeToString(sum[:6])+".node")
	cfile := strings.TrimSuffix(out, ".node") + ".c"
	if err := os.WriteFile(cfile, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gcc, "-shared", "-fPIC", "-O1", "-I", n.Include, "-o", out, cfile)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, b)
	}
	return out
}

// addonSource is a Node-API addon exporting hello() → greeting; with
// canary set, a constructor leaves a canary named greeting as soon as the
// library is mapped, before node calls anything in it.
func addonSource(greeting string, canary bool) string {
	var b bytes.Buffer
	b.WriteString("#include <node_api.h>\n#include <stdio.h>\n#include <stdlib.h>\n")
	if canary {
		fmt.Fprintf(&b, `__attribute__((constructor)) static void ran(void) {
  const char *d = getenv("CANARY_DIR"); char p[4096];
  if (d) { snprintf(p, sizeof p, "%%s/%%s", d, %q); FILE *f = fopen(p, "w"); if (f) fclose(f); }
}
`, greeting)
	}
	fmt.Fprintf(&b, `static napi_value Hello(napi_env env, napi_callback_info info) {
  napi_value s; napi_create_string_utf8(env, %q, NAPI_AUTO_LENGTH, &s); return s;
}
NAPI_MODULE_INIT() {
  napi_value fn; napi_create_function(env, "hello", NAPI_AUTO_LENGTH, Hello, NULL, &fn);
  napi_set_named_property(env, exports, "hello", fn); return exports;
}
`, greeting)
	return b.String()
}

// envForgedShim, set to a shim configuration (JSON), makes the test binary
// hold it in a sealed memfd named as a broker's, print its descriptor and
// wait for its standard input to close.
const envForgedShim = "INTACT_TEST_FORGED_SHIM"

// envStopper, set to "PID:FD:SCRIPT", makes the test binary wait until
// process PID (its parent) runs as the shim, stop it, and run the shim
// named /proc/PID/fd/FD on SCRIPT with no intact variables; it prints
// the shim's exit status and whether it said no broker started it.
const envStopper = "INTACT_TEST_STOPPER"

func stopAndRunShim(v string) int {
	var pid, fd int
	var script string
	if n, err := fmt.Sscanf(strings.Replace(v, ":", " ", 2), "%d %d %s", &pid, &fd, &script); n != 3 {
		fmt.Fprintln(os.Stderr, "stopper:", err)
		return 2
	}
	defer unix.Kill(pid, unix.SIGKILL)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && strings.HasPrefix(string(cmdline), "node\x00") {
			unix.Kill(pid, unix.SIGSTOP)
			break
		}
		if time.Now().After(deadline) {
			fmt.Println("stopper: the holder never ran as the shim")
			return 2
		}
	}
	self, err := os.Executable()
	if err != nil {
		return 2
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "INTACT_") {
			env = append(env, kv)
		}
	}
	shim := exec.Command(self, script)
	shim.Args[0] = fmt.Sprintf("/proc/%d/fd/%d", pid, fd)
	shim.Env = env
	var stderr strings.Builder
	shim.Stderr = &stderr
	shim.Stdout = os.Stdout
	err = shim.Run()
	fmt.Println("stopped", shim.ProcessState.ExitCode(), strings.Contains(stderr.String(), "was started by no intact node broker"))
	return 0
}

func holdForgedShimConfig(cfg string, args []string) int {
	fd, err := unix.MemfdCreate("intact-node-shim-config", unix.MFD_ALLOW_SEALING)
	if err == nil {
		_, err = unix.Write(fd, []byte(cfg))
	}
	if err == nil {
		_, err = unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_SEAL|unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_WRITE)
	}
	if err == nil && len(args) == 2 && args[0] == "stopped" {
		// This binary again as a shim ("node") that node's tree started,
		// holding the configuration, and a child of it that stops it
		// before it has made a configuration of its own (outside review
		// rt21), then runs the shim on the script args[1] naming it.
		var self string
		if self, err = os.Executable(); err == nil {
			stopper := exec.Command(self)
			stopper.Env = append(os.Environ(), fmt.Sprintf("%s=%d:%d:%s", envStopper, os.Getpid(), fd, args[1]))
			stopper.Stdout, stopper.Stderr = os.Stdout, os.Stderr
			if err = stopper.Start(); err == nil {
				os.Unsetenv(envForgedShim)
				err = unix.Exec(self, []string{"node", args[1]}, os.Environ())
			}
		}
	}
	if err == nil && len(args) > 0 {
		// This binary again, as the shim named args[0].
		var self string
		if self, err = os.Executable(); err == nil {
			if err = unix.Dup2(fd, 0); err == nil {
				os.Unsetenv(envForgedShim)
				err = unix.Exec(self, args, os.Environ())
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println(fd)
	io.Copy(io.Discard, os.Stdin)
	return 0
}
