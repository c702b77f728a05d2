package nodeguard

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		pass     []string
		requires []string
		imports  []string
		script   string
		rest     []string
	}{
		{args: []string{"app.js", "--inspect", "-e"}, script: "app.js", rest: []string{"--inspect", "-e"}},
		{args: []string{"--max-old-space-size=100", "--max_semi_space_size", "8", "app.js"},
			pass: []string{"--max-old-space-size=100", "--max_semi_space_size", "8"}, script: "app.js"},
		{args: []string{"-r", "./pre.js", "--require=other", "--import", "./i.mjs", "app.mjs", "x"},
			requires: []string{"./pre.js", "other"}, imports: []string{"./i.mjs"}, script: "app.mjs", rest: []string{"x"}},
		{args: []string{"-C", "dev", "--", "-weird.js"}, pass: []string{"-C", "dev"}, script: "-weird.js"},
		{args: []string{"--import", bootstrapMarker + "AAAA", "app.js"}, script: "app.js"},
		{args: []string{"-"}, script: "-"},
	} {
		inv, err := ParseArgs(tc.args)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if !slices.Equal(inv.Pass, tc.pass) || !slices.Equal(inv.Requires, tc.requires) || !slices.Equal(inv.Imports, tc.imports) ||
			inv.Script != tc.script || !slices.Equal(inv.Args, tc.rest) {
			t.Errorf("%q: got pass %q requires %q imports %q script %q args %q", tc.args, inv.Pass, inv.Requires, inv.Imports, inv.Script, inv.Args)
		}
	}
}

// TestRefusedOptions: every side door is refused whatever the policy, with
// a reason, and so is anything not on the allow-list.
func TestRefusedOptions(t *testing.T) {
	for _, args := range [][]string{
		{"--loader", "./l.mjs", "a.js"}, {"--experimental-loader=./l.mjs", "a.js"},
		{"--snapshot-blob", "s.blob", "a.js"}, {"--build-snapshot", "a.js"},
		{"--env-file=.env", "a.js"}, {"--env-file-if-exists", ".env", "a.js"},
		{"--experimental-config-file=c.json", "a.js"}, {"--experimental-default-config-file", "a.js"},
		{"--openssl-config=o.cnf", "a.js"}, {"--openssl-shared-config", "a.js"},
		{"--expose-internals", "a.js"}, {"--expose_internals", "a.js"}, {"--allow-natives-syntax", "a.js"},
		{"--experimental-sea-config", "c.json"}, {"--watch", "a.js"}, {"--test"}, {"--run", "build"},
		{"-c", "a.js"}, {"--no-such-option", "a.js"}, {"--max-old-space-size"},
	} {
		_, err := ParseArgs(args)
		var ferr *FlagError
		if !errors.As(err, &ferr) || ferr.Reason == "" {
			t.Errorf("%q: got %v, want a FlagError with a reason", args, err)
		}
	}
}

func TestFilterEnv(t *testing.T) {
	env := []string{
		"PATH=/bin", "HOME=/root", "NODE_PATH=/lib/node", "NODE_EXTRA_CA_CERTS=/ca.pem",
		"OPENSSL_CONF=/evil.cnf", "OPENSSL_ENGINES=/e", "OPENSSL_MODULES=/m", "LD_PRELOAD=/evil.so", "LD_LIBRARY_PATH=/l",
		"LD_AUDIT=/a.so", "NODE_REPL_EXTERNAL_MODULE=/r.js", "NODE_COMPILE_CACHE=/cache", "NODE_DISABLE_COMPILE_CACHE=0",
		"NODE_INSPECT_RESUME_ON_START=1",
		"NODE_OPTIONS=--max-old-space-size=64 --no-warnings --title \"my app\"",
	}
	got, err := FilterEnv(env, OptionRules{ChecksCode: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PATH=/bin", "HOME=/root", "NODE_PATH=/lib/node", "NODE_EXTRA_CA_CERTS=/ca.pem",
		`NODE_OPTIONS=--max-old-space-size=64 --no-warnings --title "my app"`, "NODE_DISABLE_COMPILE_CACHE=1"}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}

	for _, opts := range []string{"--require ./pre.js", "-r x", "--import=./x.mjs", "--loader x", "--inspect",
		"--experimental-loader=x", "--openssl-config=x", "--snapshot-blob x", "--env-file=.env", "-e 1", "--unknown",
		// node reads "_" as "-" after the leading dashes.
		"--experimental_loader=x", "--experimental_loader x", "--env_file=.env", "--openssl_config=x", "--inspect_brk"} {
		_, err := FilterEnv([]string{"NODE_OPTIONS=" + opts}, OptionRules{})
		var ferr *FlagError
		if !errors.As(err, &ferr) || ferr.Source != "NODE_OPTIONS" {
			t.Errorf("NODE_OPTIONS=%s: got %v, want a FlagError", opts, err)
		}
	}

	// A ShadowRealm's modules are loaded unhooked: refused while a
	// policy checks code.
	const realm = "NODE_OPTIONS=--experimental-shadow-realm"
	var ferr *FlagError
	if _, err := FilterEnv([]string{realm}, OptionRules{ChecksCode: true}); !errors.As(err, &ferr) || !strings.Contains(ferr.Reason, "ShadowRealm") {
		t.Errorf("%s, code checked: got %v, want a FlagError saying why", realm, err)
	}
	if got, err := FilterEnv([]string{realm}, OptionRules{}); err != nil || !slices.Contains(got, realm) {
		t.Errorf("%s, code not checked: got %q, %v; want it kept", realm, got, err)
	}
	// --experimental-vm-modules adds vm.Module, whose subclasses compile any
	// source: refused in NODE_OPTIONS as on the command line once dynamic
	// code is disabled (it was passed on from NODE_OPTIONS).
	vmModules := "NODE_OPTIONS=--experimental-vm-modules"
	if _, err := FilterEnv([]string{vmModules}, OptionRules{DynamicDisabled: true}); !errors.As(err, &ferr) {
		t.Errorf("%s under DisableDynamicCode: got %v, want a FlagError", vmModules, err)
	}
	if got, err := FilterEnv([]string{vmModules}, OptionRules{ChecksCode: true}); err != nil || !slices.Contains(got, vmModules) {
		t.Errorf("%s with dynamic code allowed: got %v, %v; want it passed on", vmModules, got, err)
	}
}

// TestFilterEnvFoldsNames: where variable names are case-insensitive
// (Windows), a variable in any case is the variable: node reads
// "node_options" as NODE_OPTIONS, so it is judged, and "Path" is PATH.
func TestFilterEnvFoldsNames(t *testing.T) {
	defer func(old bool) { foldEnvNames = old }(foldEnvNames)
	foldEnvNames = true
	for _, kv := range []string{"node_options=--require C:\\evil\\pre.js", "Node_Options=--loader x"} {
		var ferr *FlagError
		if _, err := FilterEnv([]string{"Path=C:\\Windows", kv}, OptionRules{}); !errors.As(err, &ferr) {
			t.Errorf("%s: got %v, want a FlagError", kv, err)
		}
	}
	got, err := FilterEnv([]string{"Path=C:\\Windows", "openssl_conf=C:\\evil.cnf", "node_disable_compile_cache=0",
		"Node_Compile_Cache=C:\\cache", "node_options=--no-warnings"}, OptionRules{ChecksCode: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Path=C:\\Windows", "NODE_OPTIONS=--no-warnings", "NODE_DISABLE_COMPILE_CACHE=1"}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	env, err := childEnv([]string{"Path=C:\\Windows", "intact_node=C:\\evil\\node.exe"}, Config{}, `C:\shim`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"PATH=C:\\shim" + string(os.PathListSeparator) + "C:\\Windows"}; !slices.Equal(env, want) {
		t.Errorf("node children's environment %q, want %q", env, want)
	}
}

// TestUnderscoreSpellings: the command line's options are judged by their
// canonical names, as node reads them.
func TestUnderscoreSpellings(t *testing.T) {
	for _, args := range [][]string{
		{"--experimental_loader=/tmp/evil/loader.mjs", "app.js"},
		{"--experimental_loader", "/tmp/evil/loader.mjs", "app.js"},
		{"--snapshot_blob", "x", "app.js"},
		{"--expose_internals", "app.js"},
	} {
		var ferr *FlagError
		if _, err := ParseArgs(args); !errors.As(err, &ferr) {
			t.Errorf("%q: got %v, want a FlagError", args, err)
		}
	}
	// The bootstrap cannot guard frozen built-ins: refused with why.
	var frozen *FlagError
	if _, err := ParseArgs([]string{"--frozen_intrinsics", "app.js"}); !errors.As(err, &frozen) || !strings.Contains(frozen.Reason, "frozen intrinsics") {
		t.Errorf("--frozen_intrinsics: got %v, want a FlagError saying why", err)
	}
	if _, err := ParseNodeOptions("--frozen-intrinsics", OptionRules{}); !errors.As(err, &frozen) {
		t.Errorf("NODE_OPTIONS=--frozen-intrinsics: got %v, want a FlagError", err)
	}
	inv, err := ParseArgs([]string{"--inspect_brk", "app.js"})
	if err != nil || !inv.Inspector {
		t.Errorf("--inspect_brk: got %+v, %v; want the inspector", inv, err)
	}
}

func TestWorkerOptions(t *testing.T) {
	for _, checksCode := range []bool{false, true} {
		w := workerOptions(OptionRules{ChecksCode: checksCode})
		if _, ok := w["--experimental-shadow-realm"]; ok == checksCode {
			t.Errorf("code checked %v: --experimental-shadow-realm allowed %v", checksCode, ok)
		}
	}
	for _, dynamicDisabled := range []bool{false, true} {
		w := workerOptions(OptionRules{DynamicDisabled: dynamicDisabled})
		for _, refused := range []string{"--require", "--import", "--loader", "--experimental-loader", "--inspect", "--inspect-brk",
			"--eval", "--expose-internals", "--allow-natives-syntax", "--env-file", "--frozen-intrinsics"} {
			if _, ok := w[refused]; ok {
				t.Errorf("dynamic disabled %v: a worker may carry %s", dynamicDisabled, refused)
			}
		}
		if takesValue, ok := w["--conditions"]; !ok || !takesValue {
			t.Errorf("dynamic disabled %v: --conditions: got %v %v", dynamicDisabled, takesValue, ok)
		}
		for _, name := range []string{"--experimental-vm-modules", "--experimental-shadow-realm"} {
			if _, ok := w[name]; ok == dynamicDisabled {
				t.Errorf("dynamic disabled %v: %s allowed %v", dynamicDisabled, name, ok)
			}
		}
	}
}

// TestSplitNodeOptions: NODE_OPTIONS is split into the words node's
// ParseNodeOptionsEnvVar makes, so that intact judges what node runs: a
// word begins with its first character, so "" is no word (it was one,
// empty, which intact refused: outside review rt70).
func TestSplitNodeOptions(t *testing.T) {
	for in, want := range map[string][]string{
		`--no-warnings ""`:               {"--no-warnings"},
		`a "" b`:                         {"a", "b"},
		`""`:                             nil,
		`x""y "a b" "c\"d" "\\"`:         {"xy", "a b", `c"d`, `\`},
		`  --require=./x.js   --inspect`: {"--require=./x.js", "--inspect"},
		`"" --title=""`:                  {"--title="},
	} {
		got, err := splitNodeOptions(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("splitNodeOptions(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := splitNodeOptions(`"open`); err == nil {
		t.Errorf("an unterminated string: no error")
	}
	// What the split makes is what is judged: TypeScript input in
	// NODE_OPTIONS, refused where dynamic code is disabled.
	var ferr *FlagError
	if _, err := ParseNodeOptions(`"" --input-type=module-typescript`, OptionRules{DynamicDisabled: true}); !errors.As(err, &ferr) || ferr.Reason != reasonTypeScriptInput {
		t.Errorf("TypeScript input under DisableDynamicCode: got %v, want a FlagError saying why", err)
	}
	if got, err := ParseNodeOptions(`--no-warnings "" --input-type=module-typescript`, OptionRules{}); err != nil || !slices.Equal(got, []string{"--no-warnings", "--input-type=module-typescript"}) {
		t.Errorf("with dynamic code allowed: got %q, %v", got, err)
	}
}

func TestNodeOptionsRoundTrip(t *testing.T) {
	words := []string{"--title", `a "quoted" \ title`, "--no-warnings"}
	back, err := splitNodeOptions(joinNodeOptions(words))
	if err != nil || !slices.Equal(back, words) {
		t.Errorf("got %q, %v", back, err)
	}
}

func TestBootstrapStub(t *testing.T) {
	u := bootstrapStub("/proc/1/fd/3")
	if !strings.HasPrefix(u, bootstrapMarker) {
		t.Errorf("bootstrap URL does not begin with the marker")
	}
	// A long data: URL costs node milliseconds and megabytes per thread.
	if len(u) > 1<<10 {
		t.Errorf("bootstrap URL is %d bytes long", len(u))
	}
}

// settingsOnly is an enforcer that asks for settings and judges nothing.
type settingsOnly enforcer.Settings

func (settingsOnly) Name() string                  { return "test" }
func (s settingsOnly) Settings() enforcer.Settings { return enforcer.Settings(s) }
func (settingsOnly) Status() enforcer.Status       { return enforcer.Status{Available: true} }

// TestCheck: what each invocation means for interactive and dynamic code,
// by the policy's settings and whether standard input is a terminal.
func TestCheck(t *testing.T) {
	locked := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{settingsOnly{DisableInteractiveMode: true}}})
	noDynamic := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{settingsOnly{DisableDynamicCode: true}}})
	open := intact.New(intact.Config{})
	checked := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{settingsOnly{EnforceCodeIntegrity: true, Audit: true}}})
	for _, tc := range []struct {
		policy   *intact.Policy
		args     []string
		terminal bool
		want     string // the blocked feature, "" when allowed, "flag" for a FlagError
	}{
		{locked, nil, true, "REPL"},
		{locked, nil, false, ""}, // stdin: the caller checks it with ReadStdin
		{locked, []string{"-"}, true, ""},
		{locked, []string{"-e", "1"}, false, "eval"},
		{locked, []string{"--print", "1"}, false, "eval"},
		{locked, []string{"-i", "app.js"}, false, "REPL"},
		{locked, []string{"--inspect-port=0", "app.js"}, false, "REPL"},
		{locked, []string{"inspect", "app.js"}, false, "REPL"},
		// node picks its debugger client from the first argument after
		// option parsing, "--" or not.
		{locked, []string{"--", "inspect", "app.js"}, false, "REPL"},
		{locked, []string{"--no-warnings", "--", "inspect"}, false, "REPL"},
		{open, []string{"--", "inspect", "app.js"}, false, "flag"},
		{open, []string{"--no-warnings", "--", "inspect", "app.js"}, false, "flag"},
		// node picks the debugger client before it prints help.
		{open, []string{"--help", "--", "inspect", "app.js"}, false, "flag"},
		{open, []string{"--help", "inspect", "app.js"}, false, "flag"},
		// ... and opens the inspector before it prints help.
		{open, []string{"--help", "--inspect-wait"}, false, "flag"},
		{locked, []string{"--help", "--inspect-wait"}, false, "REPL"},
		{locked, []string{"--version"}, true, ""},
		{open, []string{"--inspect", "app.js"}, false, "flag"},
		{open, []string{"inspect", "app.js"}, false, "flag"},
		{open, nil, true, ""},
		{open, []string{"-e", "1"}, false, ""},
		{noDynamic, []string{"--experimental-vm-modules", "app.js"}, false, "dynamic code"},
		{open, []string{"--experimental-vm-modules", "app.js"}, false, ""},
		// A ShadowRealm loads its modules unhooked, and evaluates strings.
		{checked, []string{"--experimental-shadow-realm", "app.js"}, false, "flag"},
		{noDynamic, []string{"--experimental-shadow-realm", "app.js"}, false, "dynamic code"},
		{locked, []string{"--experimental-shadow-realm", "app.js"}, false, ""},
		{checked, []string{"--experimental-shadow-realm", "--version"}, false, ""},
		// TypeScript on standard input or in -e is stripped as a string,
		// as a TypeScript file is (outside review rt70).
		{noDynamic, []string{"--input-type=module-typescript", "-"}, false, "dynamic code"},
		{noDynamic, []string{"--input-type", "commonjs-typescript", "-e", "1"}, false, "dynamic code"},
		{noDynamic, []string{"--input-type=module", "-"}, false, ""},
		{open, []string{"--input-type=module-typescript", "-"}, false, ""},
	} {
		inv, err := ParseArgs(tc.args)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		err = inv.Check(tc.policy, tc.terminal)
		var got string
		var blocked *intact.BlockedError
		var flag *FlagError
		switch {
		case errors.As(err, &blocked):
			got = string(blocked.Feature)
		case errors.As(err, &flag):
			got = "flag"
		case err != nil:
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%q (terminal %v): got %q, want %q", tc.args, tc.terminal, got, tc.want)
		}
	}
}

func TestSupported(t *testing.T) {
	for v, want := range map[string]bool{
		"v20.20.2": false, "v22.15.0": false, "v22.22.2": false, "v22.22.3": true, "v22.23.5": true,
		"v23.11.1": false, "v24.11.0": false, "v24.11.1": true, "v24.22.3": true,
		"v25.9.0": false, "v26.0.0": true, "v26.12.1": true, "v27.0.0": false,
	} {
		parsed, err := ParseVersion(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := Supported(parsed); got != want {
			t.Errorf("Supported(%s) = %v, want %v", v, got, want)
		}
	}
}
