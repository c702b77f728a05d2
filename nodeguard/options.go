package nodeguard

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/intactdev/intact"
)

// A FlagError reports a node option, from the command line or NODE_OPTIONS,
// that intact node refuses to pass on, and why.
type FlagError struct {
	Flag   string // as given, e.g. "--inspect=9229"
	Source string // "the command line" or "NODE_OPTIONS"
	Reason string
}

func (e *FlagError) Error() string {
	return fmt.Sprintf("node option %s (in %s) is refused: %s", e.Flag, e.Source, e.Reason)
}

// optionKind says how intact node treats a node option.
type optionKind int

const (
	allowed        optionKind = iota // passed on unchanged
	refused                          // never passed on; reason says why
	evalCode                         // code given as a string (-e, -p): interactive
	repl                             // an interactive prompt or the inspector
	preloadRequire                   // --require: required by the bootstrap after the hooks
	preloadImport                    // --import: imported after the bootstrap
	dynamicOnly                      // passed on unless dynamic code is disabled
	notCode                          // prints something and exits, running no code (--version)
	uncheckedFiles                   // loads files no load hook sees: passed on while no policy checks code (and as dynamicOnly)
)

// option is one entry of the allow-list: its kind, whether it takes a value,
// and for refusals the reason.
type option struct {
	kind   optionKind
	value  bool // takes a value, as --opt=value or as the next argument
	reason string
}

// Reasons shared by several options.
const (
	reasonInspector = "the inspector runs any code a debugger sends"
	reasonLoader    = "a loader runs before intact's checks and can hand node any source"
	reasonChildren  = "it starts node children outside intact node"
	reasonSnapshot  = "a start-up snapshot is V8 heap state made from code nobody checked"
	reasonOpenSSL   = "an OpenSSL configuration can load a native engine before any JavaScript runs"
	reasonOptions   = "it sets node options and environment variables after intact filtered them"
	reasonNodeReads = "node reads the file itself, not through intact"
)

// options is the allow-list of node options, by their long name with
// dashes (node also accepts underscores; canonicalName folds them).
// Anything not listed is refused.
var options = map[string]option{
	// Diagnostics and warnings.
	"--no-warnings":                      {kind: allowed},
	"--disable-warning":                  {kind: allowed, value: true},
	"--no-deprecation":                   {kind: allowed},
	"--pending-deprecation":              {kind: allowed},
	"--throw-deprecation":                {kind: allowed},
	"--trace-deprecation":                {kind: allowed},
	"--trace-warnings":                   {kind: allowed},
	"--trace-uncaught":                   {kind: allowed},
	"--trace-exit":                       {kind: allowed},
	"--trace-sigint":                     {kind: allowed},
	"--trace-sync-io":                    {kind: allowed},
	"--enable-source-maps":               {kind: allowed},
	"--unhandled-rejections":             {kind: allowed, value: true},
	"--stack-trace-limit":                {kind: allowed, value: true},
	"--abort-on-uncaught-exception":      {kind: allowed},
	"--no-extra-info-on-fatal-exception": {kind: allowed},
	"--title":                            {kind: allowed, value: true},
	"--redirect-warnings":                {kind: allowed, value: true},
	"--trace-gc":                         {kind: allowed},
	"--trace-require-module":             {kind: allowed, value: true},
	"--experimental-print-required-tla":  {kind: allowed},
	"--cpu-prof":                         {kind: allowed},
	"--cpu-prof-dir":                     {kind: allowed, value: true},
	"--cpu-prof-name":                    {kind: allowed, value: true},
	"--cpu-prof-interval":                {kind: allowed, value: true},
	"--heap-prof":                        {kind: allowed},
	"--heap-prof-dir":                    {kind: allowed, value: true},
	"--heap-prof-name":                   {kind: allowed, value: true},
	"--heap-prof-interval":               {kind: allowed, value: true},
	"--heapsnapshot-near-heap-limit":     {kind: allowed, value: true},
	"--heapsnapshot-signal":              {kind: allowed, value: true},
	"--diagnostic-dir":                   {kind: allowed, value: true},
	"--report-on-fatalerror":             {kind: allowed},
	"--report-uncaught-exception":        {kind: allowed},
	"--report-on-signal":                 {kind: allowed},
	"--report-signal":                    {kind: allowed, value: true},
	"--report-dir":                       {kind: allowed, value: true},
	"--report-directory":                 {kind: allowed, value: true},
	"--report-filename":                  {kind: allowed, value: true},
	"--report-compact":                   {kind: allowed},
	"--report-exclude-network":           {kind: allowed},
	// Memory and engine limits.
	"--max-old-space-size":  {kind: allowed, value: true},
	"--max-semi-space-size": {kind: allowed, value: true},
	"--stack-size":          {kind: allowed, value: true},
	"--expose-gc":           {kind: allowed},
	"--jitless":             {kind: allowed},
	"--zero-fill-buffers":   {kind: allowed},
	// The bootstrap must define process.execPath, process.dlopen and
	// the guarded built-ins; with frozen intrinsics it would throw.
	"--frozen-intrinsics":                     {kind: refused, reason: "intact node's bootstrap must guard built-ins that frozen intrinsics make read-only"},
	"--secure-heap":                           {kind: allowed, value: true},
	"--secure-heap-min":                       {kind: allowed, value: true},
	"--disallow-code-generation-from-strings": {kind: allowed},
	"--v8-pool-size":                          {kind: allowed, value: true},
	"--disable-proto":                         {kind: allowed, value: true},
	"--disable-wasm-trap-handler":             {kind: allowed},
	"--experimental-async-context-frame":      {kind: allowed},
	"--no-async-context-frame":                {kind: allowed},
	"--experimental-sqlite":                   {kind: allowed},
	"--no-experimental-sqlite":                {kind: allowed},
	"--experimental-webstorage":               {kind: allowed},
	"--localstorage-file":                     {kind: allowed, value: true},
	"--experimental-eventsource":              {kind: allowed},
	"--experimental-websocket":                {kind: allowed},
	"--experimental-global-navigator":         {kind: allowed},
	"--no-experimental-global-navigator":      {kind: allowed},
	// Module resolution: it only chooses among files, each still checked.
	"--conditions":                       {kind: allowed, value: true},
	"--preserve-symlinks":                {kind: allowed},
	"--preserve-symlinks-main":           {kind: allowed},
	"--input-type":                       {kind: allowed, value: true},
	"--experimental-require-module":      {kind: allowed},
	"--no-experimental-require-module":   {kind: allowed},
	"--experimental-detect-module":       {kind: allowed},
	"--no-experimental-detect-module":    {kind: allowed},
	"--experimental-strip-types":         {kind: allowed},
	"--no-experimental-strip-types":      {kind: allowed},
	"--experimental-wasm-modules":        {kind: allowed},
	"--no-global-search-paths":           {kind: allowed},
	"--experimental-default-type":        {kind: allowed, value: true},
	"--experimental-import-meta-resolve": {kind: allowed},
	"--experimental-transform-types":     {kind: allowed},
	"--no-addons":                        {kind: allowed},
	"--experimental-vm-modules":          {kind: dynamicOnly},
	// A ShadowRealm also evaluates strings.
	"--experimental-shadow-realm": {kind: uncheckedFiles, reason: "modules imported into a ShadowRealm are loaded by a loader of the realm's own, which intact's load hook does not see"},
	// Network and TLS: data, not code.
	"--dns-result-order":                             {kind: allowed, value: true},
	"--use-openssl-ca":                               {kind: allowed},
	"--use-bundled-ca":                               {kind: allowed},
	"--use-system-ca":                                {kind: allowed},
	"--max-http-header-size":                         {kind: allowed, value: true},
	"--insecure-http-parser":                         {kind: allowed},
	"--network-family-autoselection":                 {kind: allowed},
	"--no-network-family-autoselection":              {kind: allowed},
	"--network-family-autoselection-attempt-timeout": {kind: allowed, value: true},
	"--tls-min-v1.0":                                 {kind: allowed},
	"--tls-min-v1.1":                                 {kind: allowed},
	"--tls-min-v1.2":                                 {kind: allowed},
	"--tls-min-v1.3":                                 {kind: allowed},
	"--tls-max-v1.2":                                 {kind: allowed},
	"--tls-max-v1.3":                                 {kind: allowed},
	"--tls-cipher-list":                              {kind: allowed, value: true},
	"--tls-keylog":                                   {kind: allowed, value: true},
	"--icu-data-dir":                                 {kind: allowed, value: true},
	"--no-experimental-fetch":                        {kind: allowed},
	"--no-experimental-websocket":                    {kind: allowed},
	// The permission model composes with intact node.
	"--permission":              {kind: allowed},
	"--experimental-permission": {kind: allowed},
	"--allow-fs-read":           {kind: allowed, value: true},
	"--allow-fs-write":          {kind: allowed, value: true},
	"--allow-child-process":     {kind: allowed},
	"--allow-worker":            {kind: allowed},
	"--allow-addons":            {kind: allowed},
	"--allow-wasi":              {kind: allowed},
	// Added by intact node itself under any policy in force.
	"--disable-sigusr1": {kind: allowed},

	// Information only.
	"--version":    {kind: notCode},
	"--help":       {kind: notCode},
	"--v8-options": {kind: notCode},

	// Code from strings and prompts.
	"--eval":                {kind: evalCode, value: true},
	"--print":               {kind: evalCode, value: true},
	"--interactive":         {kind: repl},
	"--inspect":             {kind: repl, reason: reasonInspector},
	"--inspect-brk":         {kind: repl, reason: reasonInspector},
	"--inspect-wait":        {kind: repl, reason: reasonInspector},
	"--inspect-port":        {kind: repl, value: true, reason: reasonInspector},
	"--debug-port":          {kind: repl, value: true, reason: reasonInspector},
	"--inspect-publish-uid": {kind: repl, value: true, reason: reasonInspector},

	// Preloads.
	"--require": {kind: preloadRequire, value: true},
	"--import":  {kind: preloadImport, value: true},

	// Side doors.
	"--loader":                           {kind: refused, value: true, reason: reasonLoader},
	"--experimental-loader":              {kind: refused, value: true, reason: reasonLoader},
	"--snapshot-blob":                    {kind: refused, value: true, reason: reasonSnapshot},
	"--build-snapshot":                   {kind: refused, reason: reasonSnapshot},
	"--build-snapshot-config":            {kind: refused, value: true, reason: reasonSnapshot},
	"--env-file":                         {kind: refused, value: true, reason: reasonOptions},
	"--env-file-if-exists":               {kind: refused, value: true, reason: reasonOptions},
	"--experimental-config-file":         {kind: refused, value: true, reason: reasonOptions},
	"--experimental-default-config-file": {kind: refused, reason: reasonOptions},
	"--openssl-config":                   {kind: refused, value: true, reason: reasonOpenSSL},
	"--openssl-shared-config":            {kind: refused, reason: reasonOpenSSL},
	"--expose-internals":                 {kind: refused, reason: "it exposes node's internal modules, which read and compile files directly"},
	"--allow-natives-syntax":             {kind: refused, reason: "V8's natives syntax reaches the engine's internals"},
	"--experimental-sea-config":          {kind: refused, value: true, reason: "it builds an executable from files nobody checked"},
	"--experimental-addon-modules":       {kind: refused, reason: "node loads such addons itself, not through intact's sealed copy"},
	"--experimental-network-imports":     {kind: refused, reason: "code from the network is not a file that can be checked"},
	"--check":                            {kind: refused, reason: reasonNodeReads},
	"--watch":                            {kind: refused, reason: reasonChildren},
	"--watch-path":                       {kind: refused, value: true, reason: reasonChildren},
	"--watch-preserve-output":            {kind: refused, reason: reasonChildren},
	"--test":                             {kind: refused, reason: reasonChildren},
	"--run":                              {kind: refused, value: true, reason: "it runs a package.json script through a shell"},
}

// shortOptions maps node's one-letter options to their long names.
var shortOptions = map[string]string{
	"-e": "--eval",
	"-p": "--print",
	"-i": "--interactive",
	"-r": "--require",
	"-C": "--conditions",
	"-c": "--check",
	"-v": "--version",
	"-h": "--help",
}

// OptionRules are what a policy asks of node's options beyond the
// allow-list, which holds whatever the policy.
type OptionRules struct {
	// ChecksCode: files are checked, so options through which node loads
	// files itself (--experimental-shadow-realm) are refused.
	ChecksCode bool
	// DynamicDisabled: dynamic code is disabled, so options that only add
	// ways to compile code (--experimental-vm-modules) are refused too.
	DynamicDisabled bool
}

// RulesOf returns what p asks of node's options.
func RulesOf(p *intact.Policy) OptionRules {
	return OptionRules{ChecksCode: p.ChecksCode(), DynamicDisabled: p.Settings().DisableDynamicCode.Enabled}
}

// workerOptions returns the options a worker's execArgv may carry, with
// whether each takes a value: those node may be given on the command line
// without running code of their own (preloads, loaders, the inspector, -e
// and the refused side doors are not among them), those allowed only
// while dynamic code is, when it is, and those that load unchecked files,
// when no policy checks code either.
func workerOptions(r OptionRules) map[string]bool {
	out := make(map[string]bool)
	for name, opt := range options {
		if opt.kind == allowed || (opt.kind == dynamicOnly && !r.DynamicDisabled) ||
			(opt.kind == uncheckedFiles && !r.DynamicDisabled && !r.ChecksCode) {
			out[name] = opt.value
		}
	}
	return out
}

// canonicalName folds an option's name as node does: "_" and "-" are the
// same after the leading dashes.
func canonicalName(name string) string {
	if strings.HasPrefix(name, "--") {
		return "--" + strings.ReplaceAll(name[2:], "_", "-")
	}
	return name
}

// nodeArg is one node option, split into name and value.
type nodeArg struct {
	given    []string // as given: one argument, or two when the value follows
	name     string   // canonical long name
	value    string
	hasValue bool
	opt      option
}

// Invocation is a node command line, split up and judged.
type Invocation struct {
	// Options are node's options as given (before the script), kept for
	// process.execArgv and for the shim of children.
	Options []string
	// Pass are the options passed on to node, preloads excluded.
	Pass []string
	// Requires are the --require modules, required by the bootstrap once
	// its hooks are in place; Imports are the --import modules, imported
	// after it.
	Requires []string
	Imports  []string
	// Eval is set by code given as a string (-e, -p, a data: preload);
	// REPL by -i; Inspector by the inspector's options.
	Eval      bool
	REPL      bool
	Inspector bool
	// NotCode is set by --version, --help and --v8-options.
	NotCode bool
	// DynamicOnly lists options allowed only while dynamic code is.
	DynamicOnly []string
	// uncheckedFiles are the refusals of options that load files no load
	// hook sees, which Check returns when the policy checks code.
	uncheckedFiles []*FlagError
	// Script is the main script: "" when there is none (the REPL, or code
	// on standard input), "-" for standard input. Args follow it.
	Script string
	Args   []string
	// HasScriptMarker is set when "--" preceded the script.
	HasScriptMarker bool
}

// bootstrapMarker begins every bootstrap intact node generates. A child
// started through the shim receives its parent's (from process.execArgv it
// is absent, but a user may copy it): it is dropped, and a fresh one made.
var bootstrapMarker = "data:text/javascript;base64," + base64.StdEncoding.EncodeToString([]byte(bootstrapPrefix))

// ParseArgs splits node's command line (what follows `intact node` and its
// own flags) into node options, the script and its arguments, and judges
// each option against the allow-list. It refuses options that open a side
// door, whatever the policy; options whose refusal depends on the policy
// (-e, -i, the inspector) are reported in the Invocation for Check.
func ParseArgs(args []string) (*Invocation, error) {
	inv := &Invocation{}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			inv.HasScriptMarker = true
			i++
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			break
		}
		arg, err := splitOption(args, i, "the command line")
		if err != nil {
			return nil, err
		}
		i += len(arg.given) - 1
		if arg.opt.kind == preloadImport && strings.HasPrefix(arg.value, bootstrapMarker) {
			// Our own bootstrap, copied from a parent: a new one is made.
			continue
		}
		if err := inv.add(arg, "the command line"); err != nil {
			return nil, err
		}
	}
	if i < len(args) {
		inv.Script = args[i]
		inv.Args = args[i+1:]
	}
	return inv, nil
}

// add records one option in the invocation, or refuses it.
func (inv *Invocation) add(arg nodeArg, source string) error {
	refuse := func(reason string) *FlagError {
		return &FlagError{Flag: strings.Join(arg.given, " "), Source: source, Reason: reason}
	}
	inv.Options = append(inv.Options, arg.given...)
	switch arg.opt.kind {
	case refused:
		return refuse(arg.opt.reason)
	case allowed:
		if typeScriptInput(arg) {
			inv.DynamicOnly = append(inv.DynamicOnly, strings.Join(arg.given, " "))
		}
		inv.Pass = append(inv.Pass, arg.given...)
	case notCode:
		inv.NotCode = true
		inv.Pass = append(inv.Pass, arg.given...)
	case dynamicOnly:
		inv.DynamicOnly = append(inv.DynamicOnly, arg.name)
		inv.Pass = append(inv.Pass, arg.given...)
	case uncheckedFiles:
		inv.uncheckedFiles = append(inv.uncheckedFiles, refuse(arg.opt.reason))
		inv.DynamicOnly = append(inv.DynamicOnly, arg.name)
		inv.Pass = append(inv.Pass, arg.given...)
	case evalCode:
		inv.Eval = true
		inv.Pass = append(inv.Pass, arg.given...)
	case repl:
		if arg.opt.reason != "" {
			inv.Inspector = true
		} else {
			inv.REPL = true
			inv.Pass = append(inv.Pass, arg.given...)
		}
	case preloadRequire, preloadImport:
		if isCodeURL(arg.value) {
			// A data: or http(s): module is code given as a string.
			inv.Eval = true
		}
		if arg.opt.kind == preloadRequire {
			inv.Requires = append(inv.Requires, arg.value)
		} else {
			inv.Imports = append(inv.Imports, arg.value)
		}
	}
	return nil
}

// isCodeURL reports whether a preload names code that is not a file.
func isCodeURL(spec string) bool {
	lower := strings.ToLower(spec)
	return strings.HasPrefix(lower, "data:") || strings.HasPrefix(lower, "http:") || strings.HasPrefix(lower, "https:")
}

// splitOption reads the option at args[i], with its value from the same
// argument or the next.
func splitOption(args []string, i int, source string) (nodeArg, error) {
	a := args[i]
	arg := nodeArg{given: []string{a}}
	name := a
	if a == "-pe" || a == "-ep" {
		// node's shorthand for --print --eval: the code follows.
		name = "--print"
	} else if eq := strings.IndexByte(a, '='); eq > 0 && strings.HasPrefix(a, "--") {
		name, arg.value, arg.hasValue = a[:eq], a[eq+1:], true
	}
	if long, ok := shortOptions[name]; ok {
		name = long
	}
	arg.name = canonicalName(name)
	opt, ok := options[arg.name]
	if !ok {
		return arg, &FlagError{Flag: a, Source: source, Reason: "it is not on intact node's allow-list of node options (see doc/node.md)"}
	}
	arg.opt = opt
	if opt.value && !arg.hasValue {
		if i+1 >= len(args) {
			return arg, &FlagError{Flag: a, Source: source, Reason: "it needs a value"}
		}
		arg.value, arg.hasValue = args[i+1], true
		arg.given = append(arg.given, args[i+1])
	} else if !opt.value && arg.hasValue && opt.kind == allowed {
		return arg, &FlagError{Flag: a, Source: source, Reason: "it takes no value"}
	}
	return arg, nil
}

// typeScriptInput reports whether arg makes the code node reads from -e or
// standard input TypeScript, whose types node strips before it compiles
// the string that is left, as it does for TypeScript files, which the
// bootstrap refuses under DisableDynamicCode: that code is refused too
// (outside review rt70 found `- < signed.ts` stripped and run).
func typeScriptInput(arg nodeArg) bool {
	return arg.name == "--input-type" && strings.HasSuffix(arg.value, "-typescript")
}

const reasonTypeScriptInput = "node strips the types of that code and compiles the string left, and the policy disables dynamic code"

// ParseNodeOptions judges the NODE_OPTIONS variable: only options of the
// allow-list that run no code of their own may stay. Preloads are refused
// there, because node runs them before any command-line preload, the
// bootstrap included; and so are options that load unchecked files when
// checksCode says that a policy checks code.
func ParseNodeOptions(value string, r OptionRules) ([]string, error) {
	const source = "NODE_OPTIONS"
	words, err := splitNodeOptions(value)
	if err != nil {
		return nil, &FlagError{Flag: value, Source: source, Reason: err.Error()}
	}
	var out []string
	for i := 0; i < len(words); i++ {
		arg, err := splitOption(words, i, source)
		if err != nil {
			return nil, err
		}
		i += len(arg.given) - 1
		switch arg.opt.kind {
		case allowed:
			if r.DynamicDisabled && typeScriptInput(arg) {
				return nil, &FlagError{Flag: strings.Join(arg.given, " "), Source: source, Reason: reasonTypeScriptInput}
			}
			out = append(out, arg.given...)
		case dynamicOnly:
			if r.DynamicDisabled {
				return nil, &FlagError{Flag: strings.Join(arg.given, " "), Source: source,
					Reason: "it adds ways to compile code from strings, and the policy disables dynamic code"}
			}
			out = append(out, arg.given...)
		case uncheckedFiles:
			if r.ChecksCode || r.DynamicDisabled {
				return nil, &FlagError{Flag: strings.Join(arg.given, " "), Source: source, Reason: arg.opt.reason}
			}
			out = append(out, arg.given...)
		case preloadRequire, preloadImport:
			return nil, &FlagError{Flag: strings.Join(arg.given, " "), Source: source,
				Reason: "preloads in NODE_OPTIONS run before intact node's bootstrap; give them on the command line"}
		default:
			reason := arg.opt.reason
			if reason == "" {
				reason = "it runs code that is not a checked file"
			}
			return nil, &FlagError{Flag: strings.Join(arg.given, " "), Source: source, Reason: reason}
		}
	}
	return out, nil
}

// splitNodeOptions splits NODE_OPTIONS as node does: on spaces, with
// double quotes grouping and backslash escaping inside them.
func splitNodeOptions(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == '"':
			// A word begins with its first character, not its first
			// quote: node reads "" as no word at all (outside review rt70).
			quoted = !quoted
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quoted {
		return nil, errors.New("unterminated string")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// joinNodeOptions writes words as NODE_OPTIONS, which splitNodeOptions,
// and node, read back as words, the words that splitNodeOptions makes:
// never an empty one, which node would read as none.
func joinNodeOptions(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		if strings.ContainsAny(w, " \"\\") {
			w = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(w) + `"`
		}
		quoted[i] = w
	}
	return strings.Join(quoted, " ")
}

// Check judges the invocation against the policy's settings: code given as
// a string, the REPL, the inspector and code on standard input are
// interactive, and options that enable dynamic code are refused when it is
// disabled. stdinIsTerminal says what a missing script means: the REPL on
// a terminal, else the program on standard input, which the caller checks
// with ReadStdin.
func (inv *Invocation) Check(p *intact.Policy, stdinIsTerminal bool) error {
	s := p.Settings()
	if inv.Script == debuggerClientWord {
		// node chooses its entry point from the first argument left after
		// option parsing, "--" or not: `node inspect x.js` and
		// `node -- inspect x.js` both start node's debugger client
		// (internal/main/inspect), which runs no --import (so no
		// bootstrap) and starts the real node with the inspector open on
		// x.js. No file named inspect can be a script under intact node.
		// This comes before --help: node chooses the debugger client
		// before it prints help (`node --help -- inspect x.js` runs x.js).
		if s.DisableInteractiveMode.Enabled {
			return p.CheckInteractive(intact.FeatureREPL)
		}
		return &FlagError{Flag: "inspect", Source: "the command line", Reason: reasonInspector}
	}
	if inv.Inspector {
		// Also with --help: node opens the inspector before it prints
		// help (`node --help --inspect-wait` waits for a debugger).
		if s.DisableInteractiveMode.Enabled {
			return p.CheckInteractive(intact.FeatureREPL)
		}
		return &FlagError{Flag: "--inspect", Source: "the command line", Reason: reasonInspector}
	}
	if inv.NotCode {
		return nil
	}
	if p.ChecksCode() && len(inv.uncheckedFiles) > 0 {
		return inv.uncheckedFiles[0]
	}
	if inv.Eval {
		if err := p.CheckInteractive(intact.FeatureEval); err != nil {
			return err
		}
	}
	if inv.REPL || (inv.Script == "" && !inv.Eval && stdinIsTerminal) {
		if err := p.CheckInteractive(intact.FeatureREPL); err != nil {
			return err
		}
	}
	if s.DisableDynamicCode.Enabled && len(inv.DynamicOnly) > 0 {
		if err := p.CheckDynamicCode(); err != nil {
			return fmt.Errorf("node option %s: %w", inv.DynamicOnly[0], err)
		}
	}
	return nil
}

// debuggerClientWord is the first non-option argument that makes node run
// its debugger client instead of a script. It is the only such word: every
// other entry point node has (internal/main/check_syntax, test_runner,
// watch_mode, prof_process, mksnapshot, print_help, eval_*, repl) is chosen
// by an option, which the allow-list judges.
const debuggerClientWord = "inspect"

// removedEnv are variables dropped from node's environment: each makes node
// load native code or code from somewhere no check sees, before or beside
// any JavaScript.
var removedEnv = []string{
	"OPENSSL_CONF", "OPENSSL_CONF_INCLUDE", "OPENSSL_ENGINES", "OPENSSL_MODULES",
	"NODE_REPL_EXTERNAL_MODULE",
	"NODE_COMPILE_CACHE", "NODE_COMPILE_CACHE_PORTABLE",
	"GCONV_PATH",
	// Resumes node's debugger client on start: with it, `node inspect
	// x.js` runs x.js with no debugger attached. The client is refused;
	// the variable goes too, so no node started some other way inherits it.
	"NODE_INSPECT_RESUME_ON_START",
}

// removedEnvPrefixes are families of variables dropped the same way: the
// dynamic linker's (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, ...).
var removedEnvPrefixes = []string{"LD_"}

// FilterEnv returns node's environment: env without the variables that
// open side doors, NODE_OPTIONS judged by the allow-list and r, and the
// compile cache disabled.
func FilterEnv(env []string, r OptionRules) ([]string, error) {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if removedEnvVar(name) || sameEnvName(name, "NODE_DISABLE_COMPILE_CACHE") {
			continue
		}
		if sameEnvName(name, "NODE_OPTIONS") {
			kept, err := ParseNodeOptions(value, r)
			if err != nil {
				return nil, err
			}
			if len(kept) == 0 {
				continue
			}
			kv = "NODE_OPTIONS=" + joinNodeOptions(kept)
		}
		out = append(out, kv)
	}
	// V8 accepts a code cache made from other source; the variable is
	// re-read whenever the cache would be enabled, so it stays set.
	return append(out, "NODE_DISABLE_COMPILE_CACHE=1"), nil
}

func removedEnvVar(name string) bool {
	for _, n := range removedEnv {
		if sameEnvName(name, n) {
			return true
		}
	}
	for _, p := range removedEnvPrefixes {
		if len(name) >= len(p) && sameEnvName(name[:len(p)], p) {
			return true
		}
	}
	return false
}
