package intact

import (
	"iter"
	"log/slog"
	"strings"

	"github.com/intactdev/intact/enforcer"
)

// Setting is one setting's value and the sources that asked for it.
type Setting struct {
	Enabled bool
	// Sources name the enforcers that enabled the setting and where each
	// read it, e.g. "catalogs: /etc/intact/policy.xml". Empty when off.
	Sources []string
}

func (s Setting) String() string {
	if !s.Enabled {
		return "off"
	}
	return "on (" + strings.Join(s.Sources, "; ") + ")"
}

// source says which setting, from where, for a BlockedError.
func (s Setting) source(name enforcer.SettingName) string {
	return string(name) + " (" + strings.Join(s.Sources, "; ") + ")"
}

// Settings are the combined settings of every enforcer in force. Settings
// from several enforcers combine with OR, except Audit.
type Settings struct {
	EnforceCodeIntegrity   Setting
	DisableInteractiveMode Setting
	DisableDynamicCode     Setting
	// Audit is on when code integrity is checked only in audit mode:
	// would-be denials are logged and nothing is refused (Policy.Auditing).
	// It is off as soon as one enforcer enforces outside audit mode,
	// whatever others audit, because deny wins, and when no enforcer
	// checks files at all.
	Audit Setting
}

// All yields each setting with its name, in the order of enforcer.Settings.All.
func (s Settings) All() iter.Seq2[enforcer.SettingName, Setting] {
	return func(yield func(enforcer.SettingName, Setting) bool) {
		_ = yield(enforcer.EnforceCodeIntegrity, s.EnforceCodeIntegrity) &&
			yield(enforcer.DisableInteractiveMode, s.DisableInteractiveMode) &&
			yield(enforcer.DisableDynamicCode, s.DisableDynamicCode) &&
			yield(enforcer.Audit, s.Audit)
	}
}

// Config configures a Policy made with New.
type Config struct {
	// Enforcers are the policy sources, all of which must allow a file.
	Enforcers []enforcer.Enforcer
	// Inactive are enforcers that were considered and left out, because
	// they cannot work here and ask for nothing; Status reports them.
	Inactive []enforcer.Enforcer
	// Events receives one record per denial, audited would-be denial and
	// block (see EVENTS in doc/code-integrity.md). Nil discards them.
	Events *slog.Logger
	// MaxCodeSize is the largest file, in bytes, that ReadCode and
	// ReadImage read while code integrity is enforced; a larger one is
	// refused with enforcer.ReasonTooLarge before any byte is read, in
	// audit mode too. Zero means DefaultMaxCodeSize; a value above
	// MaxCodeSizeLimit counts as that limit.
	MaxCodeSize int64
}

// A Policy answers whether code may run. It is safe for concurrent use and
// caches no per-file verdict.
type Policy struct {
	enforcers []enforcer.Enforcer
	inactive  []enforcer.Enforcer
	// checked are the enforcers that judge code, with their settings;
	// enforced are those of them that enforce code integrity (perhaps in
	// audit mode), whose checks ReadCode runs.
	checked  []checkedEnforcer
	enforced []checkedEnforcer
	settings Settings
	combined enforcer.Settings
	// identities name each enforcer's policy for events, keyed by the
	// enforcer's name; read once, here, not per denial.
	identities  map[string]policyIdentity
	events      *slog.Logger
	systemSinks []string // as the system's events.conf names them
	maxCodeSize int64
}

type policyIdentity struct{ id, version string }

type checkedEnforcer struct {
	enforcer.Enforcer
	settings enforcer.Settings
	file     enforcer.FileChecker    // nil if the enforcer does not judge open files
	content  enforcer.ContentChecker // nil if it does not judge bytes
	digest   enforcer.DigestChecker  // nil if it cannot refuse by digest alone
	explain  enforcer.Explainer      // nil if it cannot say why it allows bytes
}

// New returns a Policy over the given enforcers. Settings are read from each
// enforcer once, here.
func New(cfg Config) *Policy {
	p := &Policy{enforcers: cfg.Enforcers, inactive: cfg.Inactive, events: cfg.Events,
		identities: make(map[string]policyIdentity), maxCodeSize: cfg.MaxCodeSize}
	if p.maxCodeSize <= 0 {
		p.maxCodeSize = DefaultMaxCodeSize
	}
	p.maxCodeSize = min(p.maxCodeSize, MaxCodeSizeLimit)
	for _, e := range cfg.Enforcers {
		s := e.Settings()
		st := e.Status()
		p.combined = p.combined.Or(s)
		source := e.Name()
		if st.PolicyID != "" {
			source += ": " + st.PolicyID
			p.identities[e.Name()] = policyIdentity{st.PolicyID, st.PolicyVersion}
		}
		add := func(set *Setting, on bool, name enforcer.SettingName) {
			if !on {
				return
			}
			set.Enabled = true
			src := source
			if from := st.Sources[name]; from != "" {
				src = e.Name() + ": " + from
			}
			set.Sources = append(set.Sources, src)
		}
		add(&p.settings.EnforceCodeIntegrity, s.EnforceCodeIntegrity, enforcer.EnforceCodeIntegrity)
		add(&p.settings.DisableInteractiveMode, s.DisableInteractiveMode, enforcer.DisableInteractiveMode)
		add(&p.settings.DisableDynamicCode, s.DisableDynamicCode, enforcer.DisableDynamicCode)
		// Audit mode matters only where files are checked.
		add(&p.settings.Audit, s.Audit && s.EnforceCodeIntegrity, enforcer.Audit)

		c := checkedEnforcer{Enforcer: e, settings: s}
		c.file, _ = e.(enforcer.FileChecker)
		c.content, _ = e.(enforcer.ContentChecker)
		c.digest, _ = e.(enforcer.DigestChecker)
		if c.content != nil {
			c.explain, _ = e.(enforcer.Explainer)
		}
		if c.file == nil && c.content == nil && (s.EnforceCodeIntegrity || s.DisableInteractiveMode) {
			// It asks for checks it cannot make: fail closed rather
			// than let every file (and stdin) through unjudged.
			c.content = cannotJudge{}
		}
		if c.file != nil || c.content != nil {
			p.checked = append(p.checked, c)
			if s.EnforceCodeIntegrity {
				p.enforced = append(p.enforced, c)
			}
		}
	}
	if p.anyEnforced() {
		p.settings.Audit = Setting{}
	}
	return p
}

// Settings returns the combined settings in force.
func (p *Policy) Settings() Settings { return p.settings }

// Enforcers returns the enforcers this policy consults.
func (p *Policy) Enforcers() []enforcer.Enforcer { return p.enforcers }

// ChecksCode reports whether any enforcer checks files, enforcing or in
// audit mode. When it is false no enforcer judges what ReadCode reads.
func (p *Policy) ChecksCode() bool { return p.combined.EnforceCodeIntegrity }

// Enforcing reports whether some enforcer enforces code integrity outside
// audit mode: a file that fails its checks is refused, not only logged.
func (p *Policy) Enforcing() bool { return p.anyEnforced() }

// anyEnforced reports whether some enforcer enforces code integrity outside
// audit mode.
func (p *Policy) anyEnforced() bool {
	for _, c := range p.checked {
		if c.settings.EnforceCodeIntegrity && !c.settings.Audit {
			return true
		}
	}
	return false
}

// Auditing reports whether files are checked only in audit mode: would-be
// denials are logged as audit events and the files still run (what no file
// passes in any mode, such as a FIFO or a file over the maximum code size,
// is refused all the same).
func (p *Policy) Auditing() bool { return p.ChecksCode() && !p.Enforcing() }

// CheckInteractive returns a *BlockedError when the policy disables
// interactive mode, for FeatureEval and FeatureREPL. Code on stdin is
// checked by ReadStdin instead, which may allow it.
func (p *Policy) CheckInteractive(f Feature) error {
	if !p.settings.DisableInteractiveMode.Enabled {
		return nil
	}
	err := &BlockedError{Feature: f, Source: p.settings.DisableInteractiveMode.source(enforcer.DisableInteractiveMode)}
	p.logBlock(err)
	return err
}

// CheckDynamicCode returns a *BlockedError for FeatureDynamicCode when the
// policy disables dynamic code (eval, Function and the like).
func (p *Policy) CheckDynamicCode() error { return p.CheckDynamicCodeOf("") }

// CheckDynamicCodeOf is CheckDynamicCode for an attempt the host names
// (eval, Function, vm.Script): what is the error's What and the blocked
// event's "what", so that an operator can tell a library's probe from
// code it meant to run.
func (p *Policy) CheckDynamicCodeOf(what string) error {
	if !p.settings.DisableDynamicCode.Enabled {
		return nil
	}
	err := &BlockedError{Feature: FeatureDynamicCode, What: what, Source: p.settings.DisableDynamicCode.source(enforcer.DisableDynamicCode)}
	p.logBlock(err)
	return err
}

// LogRefusal logs, as a blocked event with reason enforcer.ReasonHostRefused,
// that the host refused something on its own account, whatever the
// policy's settings: what would let code run unchecked, such as a module
// loader or the inspector on node's command line. what names it, detail
// says why. The refusal then shows in the same log as the policy's own,
// in audit mode too. Nothing is logged when the policy asks nothing of
// code: no file checks, no disabled feature.
func (p *Policy) LogRefusal(what, detail string) {
	s := p.settings
	if !p.ChecksCode() && !s.DisableInteractiveMode.Enabled && !s.DisableDynamicCode.Enabled {
		return
	}
	p.logRefusal(what, detail)
}

// cannotJudge stands in for the checks of an enforcer that asks for code
// integrity but implements neither FileChecker nor ContentChecker.
type cannotJudge struct{}

func (cannotJudge) CheckContent(enforcer.Content) error {
	return &enforcer.Denial{Reason: enforcer.ReasonUnavailable, Detail: "the enforcer asks for code integrity but cannot judge files"}
}
