//go:build linux || windows

package nodeguard

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/intactdev/intact"
	"golang.org/x/term"
)

// launch is what Run decides before node starts, the same on every system
// that has a broker.
type launch struct {
	stdin, stdout, stderr *os.File
	inv                   *Invocation
	node                  *nodeBinary // judged; the caller closes it
	probe                 *Probe
	settings              intact.Settings
	rules                 OptionRules // what the policy asks of node's options
	// stdinCode, when not nil, is the program on standard input, checked:
	// node reads these bytes from a pipe instead.
	stdinCode []byte
	env       []string // node's environment, filtered (FilterEnv)
}

// prepare judges a run before node starts: the command line, the node
// binary (before anything executes it, the probe included), interactive
// code, code on standard input and the environment. Once the binary is
// judged, starts gives the command the probe runs node with; env is the
// environment node starts from, unfiltered.
func prepare(cfg Config, starts func(l *launch, env []string) (nodeRunner, error)) (*launch, error) {
	l := &launch{stdin: orStd(cfg.Stdin, os.Stdin), stdout: orStd(cfg.Stdout, os.Stdout), stderr: orStd(cfg.Stderr, os.Stderr)}
	env := envOrEnviron(cfg.Env)
	var err error
	if l.inv, err = ParseArgs(cfg.Args); err != nil {
		logRefusal(cfg.Policy, err)
		return nil, err
	}
	// Verify and index the catalogs while node starts, as runtime does:
	// node's first request waits for it only if node is quicker.
	go cfg.Policy.Warm()
	if l.node, err = checkNodeBinary(cfg.Policy, cfg.Node); err != nil {
		return nil, err
	}
	fail := func(err error) (*launch, error) {
		l.node.close()
		return nil, err
	}
	run, err := starts(l, env)
	if err != nil {
		return fail(err)
	}
	if l.probe, err = supportedNode(l.node.path, run); err != nil {
		return fail(err)
	}
	terminal := term.IsTerminal(int(l.stdin.Fd()))
	if err := l.inv.Check(cfg.Policy, terminal); err != nil {
		logRefusal(cfg.Policy, err)
		return fail(err)
	}
	l.settings = cfg.Policy.Settings()
	l.rules = RulesOf(cfg.Policy)
	if !l.probe.HasFlag("--disable-sigusr1") {
		// Every supported node has it; a probe that says otherwise is
		// not trusted to leave SIGUSR1 opening the inspector, whose
		// Runtime.evaluate compiles strings whatever the policy says.
		// (Windows has no SIGUSR1: doc/node.md says what the option is
		// not known to do there.)
		return fail(fmt.Errorf("%s (%s) has no --disable-sigusr1: SIGUSR1 would open the inspector", cfg.Node, l.probe.Version))
	}
	// Code on standard input: under DisableInteractiveMode it runs only
	// when the descriptor itself passes (`- < signed.js`); node then reads
	// the checked bytes from a pipe.
	inv := l.inv
	readsStdin := inv.Script == "-" || (inv.Script == "" && !inv.Eval && !inv.REPL && !inv.NotCode && !terminal)
	if readsStdin && l.settings.DisableInteractiveMode.Enabled {
		if l.stdinCode, err = cfg.Policy.ReadStdin(l.stdin); err != nil {
			return fail(err)
		}
	}
	if l.env, err = FilterEnv(env, l.rules); err != nil {
		logRefusal(cfg.Policy, err)
		return fail(err)
	}
	return l, nil
}

// envOrEnviron returns env, or this process's environment when env is nil
// (Config.Env), with each variable once, at its first value: the one
// intact judges (os.Getenv and getEnv take the first), where os/exec would
// hand node the last of an environment that names a variable twice.
func envOrEnviron(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env))
	seen := make(map[string]bool, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if foldEnvNames {
			name = strings.ToUpper(name)
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, kv)
		}
	}
	return out
}

// logRefusal logs a node option that err refuses as an event of the
// policy's: refused options are side doors whatever the policy's mode, and
// an operator reading an audit log must see them too.
func logRefusal(p *intact.Policy, err error) {
	var flag *FlagError
	if errors.As(err, &flag) {
		p.LogRefusal("node option "+flag.Flag, "in "+flag.Source+": "+flag.Reason)
	}
}

// bootstrap is the bootstrap's configuration for this run: node's end of
// the main thread's channel at fds, and shim as process.execPath.
func (l *launch) bootstrap(fds [2]int, shim string) bootstrapConfig {
	return bootstrapConfig{
		FDs:                 fds,
		BrokerPID:           os.Getpid(),
		Shim:                shim,
		ExecArgv:            l.inv.Options,
		Requires:            l.inv.Requires,
		Version:             l.probe.Version,
		InteractiveDisabled: l.settings.DisableInteractiveMode.Enabled,
		DynamicDisabled:     l.settings.DisableDynamicCode.Enabled,
		CodeChecked:         l.rules.ChecksCode,
		WorkerOptions:       workerOptions(l.rules),
	}
}

// shimConfig is what node children started through the shim take from
// this broker: its node binary, the policies it loaded (cfg's, and those in
// node's environment, childEnv) and the catalogs in node's environment.
func shimConfig(cfg Config, nodeEnv []string) ShimConfig {
	// childEnv names cfg's policies in node's environment, but a node
	// child's sealed copies of its broker's, which only that child's own
	// node tree can reach.
	var policies []string
	for _, p := range cfg.Policies {
		if isSealedCopy(p) {
			policies = append(policies, p)
		}
	}
	policies = append(policies, envList(nodeEnv, intact.EnvPolicy)...)
	eventLog := os.Getenv(intact.EnvEventLog)
	if eventLog != "" {
		if abs, err := filepath.Abs(eventLog); err == nil {
			eventLog = abs
		}
	}
	return ShimConfig{Node: cfg.Node, Policies: policies, Catalogs: envList(nodeEnv, intact.EnvCatalogs), EventLog: eventLog,
		EventFormat: os.Getenv(intact.EnvEventFormat), MaxCodeSize: os.Getenv(intact.EnvMaxCodeSize)}
}
