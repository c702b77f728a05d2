package nodeguard

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/intactdev/intact"
)

// nodeRunner makes and starts the commands that run the judged node
// binary, as the operating system's layer starts node (see starter on
// Linux, where start puts node inside its confinement).
type nodeRunner struct {
	command func(ctx context.Context, args ...string) *exec.Cmd
	start   func(*exec.Cmd) error
}

// supportedNode probes the node binary at path, run by run (see
// probeNode), and refuses a release that is not Supported.
func supportedNode(path string, run nodeRunner) (*Probe, error) {
	probe, err := probeNode(path, run)
	if err != nil {
		return nil, err
	}
	version, err := ParseVersion(probe.Version)
	if err != nil {
		return nil, err
	}
	if !Supported(version) {
		return nil, &VersionError{Node: path, Version: version}
	}
	return probe, nil
}

// nodeArgv is node's command line: the bootstrap first, the options that
// the settings call for, the user's options, imports and script. The
// bootstrap is the stub boot, node's first --import; or, when mainModule is
// not "", the module node runs as its main, which runs the script itself
// (only where bootstrapAsMain allows it).
func nodeArgv(inv *Invocation, boot, mainModule string, settings intact.Settings) []string {
	var argv []string
	if mainModule == "" {
		argv = append(argv, "--import", boot)
	}
	// Under any policy in force: SIGUSR1 would open the inspector, which
	// runs code a debugger sends (interactive code) and compiles strings
	// despite --disallow-code-generation-from-strings (dynamic code).
	argv = append(argv, "--disable-sigusr1")
	if settings.DisableDynamicCode.Enabled {
		argv = append(argv, "--disallow-code-generation-from-strings")
	}
	if mainModule != "" {
		// The module's path, /proc/<id>/fd/<n>, has no real path for node
		// to resolve; the bootstrap resolves the script as node would.
		argv = append(argv, "--preserve-symlinks-main", mainModule)
	}
	argv = append(argv, inv.Pass...)
	if settings.DisableDynamicCode.Enabled && (inv.Eval || inv.Script == "" || inv.Script == "-") {
		// Node strips the types of -e and standard input code that does
		// not parse as JavaScript, by default from 22.18 on, before any
		// bootstrap runs, and compiles the string left: dynamic code, as
		// TypeScript files are, which the bootstrap refuses (outside
		// review rt73). After the user's options, which it overrides, as
		// it does NODE_OPTIONS. (Code from a file is no such code: the
		// bootstrap runs as the main module only for a script file.)
		argv = append(argv, "--no-experimental-strip-types")
	}
	for _, m := range inv.Imports {
		argv = append(argv, "--import", m)
	}
	if inv.HasScriptMarker {
		argv = append(argv, "--")
	}
	if inv.Script != "" {
		argv = append(argv, inv.Script)
	}
	return append(argv, inv.Args...)
}

// bootstrapAsMain reports whether node may run the bootstrap as its main
// module, which then runs the script as node would have (bootstrap.js, at
// its end): it spares node the ES module loader's start that an --import
// brings, and a CommonJS script its run through that loader. Only when
// nothing but a script file is on node's command line, nothing is in
// NODE_OPTIONS, symbolic links are resolved as usual, and node finds no
// package.json above the module's path (/proc/<id>/fd/<n>: / is the only
// folder on the way that a package.json could be in) that could make it
// an ES module or fail to parse: in every other case node starts the
// script itself, after the stub.
func bootstrapAsMain(inv *Invocation, env []string) bool {
	if inv.Script == "" || inv.Script == "-" || inv.HasScriptMarker || len(inv.Options) > 0 ||
		inv.Eval || inv.REPL || inv.Inspector || inv.NotCode {
		return false
	}
	if getEnv(env, "NODE_OPTIONS") != "" || getEnv(env, "NODE_PRESERVE_SYMLINKS") != "" {
		return false
	}
	_, err := os.Lstat("/package.json")
	return errors.Is(err, fs.ErrNotExist)
}

func orStd(f, std *os.File) *os.File {
	if f != nil {
		return f
	}
	return std
}

// foldEnvNames is set where the names of environment variables are
// case-insensitive, as on Windows: there "Path" is PATH, and node reads
// "node_options" as NODE_OPTIONS, so the allow-list must judge it as such.
var foldEnvNames = runtime.GOOS == "windows"

// sameEnvName reports whether two variable names name one variable.
func sameEnvName(a, b string) bool {
	return a == b || foldEnvNames && strings.EqualFold(a, b)
}

// envValue returns the value kv ("NAME=value") gives the variable name.
func envValue(kv, name string) (string, bool) {
	n, v, ok := strings.Cut(kv, "=")
	if !ok || !sameEnvName(n, name) {
		return "", false
	}
	return v, true
}

// getEnv returns the value of the variable name in env, or "".
func getEnv(env []string, name string) string {
	for _, kv := range env {
		if v, ok := envValue(kv, name); ok {
			return v
		}
	}
	return ""
}

// withoutEnv returns env without the variable name, however often (and,
// on Windows, in whatever case) it is set.
func withoutEnv(env []string, name string) []string {
	return slices.DeleteFunc(env, func(kv string) bool {
		_, ok := envValue(kv, name)
		return ok
	})
}

// childEnv adds what node children started through the shim need: the
// real node, the shim first on PATH, and the caller's policies and
// catalogs.
func childEnv(env []string, cfg Config, shimDir string) ([]string, error) {
	set := func(name, value string) {
		env = append(withoutEnv(env, name), name+"="+value)
	}
	// No INTACT_NODE: a child started through the shim takes its node
	// from this broker (LoadShimConfig), never from its environment.
	env = withoutEnv(env, EnvNode)
	set("PATH", shimDir+string(os.PathListSeparator)+getEnv(env, "PATH"))
	for _, add := range []struct {
		name  string
		files []string
	}{{intact.EnvPolicy, cfg.Policies}, {intact.EnvCatalogs, cfg.Catalogs}} {
		if len(add.files) == 0 {
			continue
		}
		list := make([]string, 0, len(add.files)+1)
		for _, f := range add.files {
			if isSealedCopy(f) {
				// A broker's sealed copy of a policy (a node child's
				// policies), which only its own node's tree can reach.
				continue
			}
			abs, err := filepath.Abs(f)
			if err != nil {
				return nil, err
			}
			list = append(list, abs)
		}
		for _, old := range filepath.SplitList(getEnv(env, add.name)) {
			// A child of a child inherits both: name each file once.
			if !slices.Contains(list, old) {
				list = append(list, old)
			}
		}
		set(add.name, strings.Join(list, string(os.PathListSeparator)))
	}
	return env, nil
}

// envList returns the path list in env's variable name.
func envList(env []string, name string) []string {
	for _, kv := range env {
		if v, ok := envValue(kv, name); ok {
			return filepath.SplitList(v)
		}
	}
	return nil
}

// channelFDs are the descriptor numbers of node's ends of the main
// channel, requests then replies: the first two from 3 up, around ipc,
// the number of fork()'s IPC channel that node keeps (-1 for none).
func channelFDs(ipc int) [2]int {
	var fds [2]int
	next := 3
	for i := range fds {
		if next == ipc {
			next++
		}
		fds[i] = next
		next++
	}
	return fds
}

// envChannelFD names fork()'s IPC descriptor in node's environment.
const envChannelFD = "NODE_CHANNEL_FD"

// ipcEnv keeps NODE_CHANNEL_FD in node's environment only when it names
// inherited, the descriptor of fork()'s IPC channel this process inherited
// from a node parent (-1: none); any other value would hand node one of
// the broker's own descriptors. It returns node's environment and the
// descriptor node keeps, or -1.
func ipcEnv(env []string, inherited int) ([]string, int) {
	ipc := -1
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		v, ok := envValue(kv, envChannelFD)
		if !ok {
			return false
		}
		if n, err := strconv.Atoi(v); err == nil && n == inherited && inherited >= 0 {
			ipc = n
			return false
		}
		return true
	})
	return env, ipc
}

// mainScript returns the absolute path of the script node runs, or "".
func mainScript(inv *Invocation, dir string) string {
	if inv.Script == "" || inv.Script == "-" {
		return ""
	}
	if filepath.IsAbs(inv.Script) {
		return inv.Script
	}
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return ""
		}
	}
	return filepath.Join(dir, inv.Script)
}
