package intact_test

import (
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// stableCode is the form of every event's "reason": a short lowercase code
// that rules can match, never free text.
var stableCode = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

// TestEventSchema: every kind of event has the documented fields, and its
// "reason" is a stable code, with the free text in "detail" and "error".
func TestEventSchema(t *testing.T) {
	e := newEnv(t)
	spec := e.trusting()
	spec.interactive = true
	policy := e.policy("policy.xml", spec)
	spec.audit = true
	audit := e.policy("audit.xml", spec)
	log := &eventLog{}
	p, err := intact.Load(intact.LoadOptions{
		Policies:  []string{policy},
		SystemDir: e.path("no-system"),
		Events:    slog.New(slog.NewJSONHandler(log, nil)),
		Enforcers: []enforcer.Enforcer{noDynamicCode{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	pa, auditLog := e.load([]string{audit}, nil)

	evil := e.write("evil.js", evilCode)
	p.ReadCode(evil)
	p.CheckInteractive(intact.FeatureEval)
	p.CheckDynamicCode()
	if err := p.CheckDynamicCodeOf("vm.Script"); err.(*intact.BlockedError).What != "vm.Script" {
		t.Errorf("CheckDynamicCodeOf: %#v, want What vm.Script", err)
	}
	stdin, err := os.Open(evil)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	p.ReadStdin(stdin)
	pa.ReadCode(evil)
	pa.LogRefusal("node option --inspect", "it opens the inspector")

	evs := append(log.events(t), auditLog.events(t)...)
	common := []string{"time", "level", "msg", "event", "reason"}
	want := []struct {
		event, reason string
		fields        []string
	}{
		{intact.EventDenied, string(enforcer.ReasonNotInCatalog), []string{"path", "sha256", "enforcer", "detail", "policy_id", "policy_version"}},
		{intact.EventBlocked, string(enforcer.ReasonInteractiveDisabled), []string{"feature", "detail"}},
		{intact.EventBlocked, string(enforcer.ReasonDynamicCodeDisabled), []string{"feature", "detail"}},
		{intact.EventBlocked, string(enforcer.ReasonDynamicCodeDisabled), []string{"feature", "what", "detail"}},
		{intact.EventBlocked, string(enforcer.ReasonInteractiveDisabled), []string{"feature", "detail", "error"}},
		{intact.EventAudit, string(enforcer.ReasonNotInCatalog), []string{"path", "sha256", "enforcer", "detail", "policy_id", "policy_version"}},
		{intact.EventBlocked, string(enforcer.ReasonHostRefused), []string{"feature", "detail"}},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %v", len(evs), len(want), evs)
	}
	for i, w := range want {
		ev := evs[i]
		if ev["event"] != w.event || ev["reason"] != w.reason || ev["msg"] != "code integrity" {
			t.Errorf("event %d = %v, want event %q, reason %q", i, ev, w.event, w.reason)
		}
		if r, _ := ev["reason"].(string); !stableCode.MatchString(r) {
			t.Errorf("event %d: reason %q is not a stable code", i, r)
		}
		fields := slices.Concat(common, w.fields)
		for k := range ev {
			if !slices.Contains(fields, k) {
				t.Errorf("event %d has the undocumented field %q: %v", i, k, ev)
			}
		}
		for _, k := range fields {
			if v, ok := ev[k].(string); !ok || strings.TrimSpace(v) == "" {
				t.Errorf("event %d lacks %q: %v", i, k, ev)
			}
		}
	}
}

// TestReasonsAreStableCodes: every reason intact defines has the form of
// a stable code.
func TestReasonsAreStableCodes(t *testing.T) {
	for _, r := range []enforcer.Reason{
		enforcer.ReasonNotRegular, enforcer.ReasonUnreadable, enforcer.ReasonChanged, enforcer.ReasonTooLarge,
		enforcer.ReasonImageAsScript, enforcer.ReasonNotInCatalog, enforcer.ReasonUntrustedSigner,
		enforcer.ReasonDeniedSigner, enforcer.ReasonDeniedByHash, enforcer.ReasonDeniedByPath, enforcer.ReasonKernelRefused,
		enforcer.ReasonUnlinked, enforcer.ReasonBlockedByPolicy, enforcer.ReasonRequireSandbox,
		enforcer.ReasonCheckFailed, enforcer.ReasonPolicyUnavailable, enforcer.ReasonUnavailable,
		enforcer.ReasonInteractiveDisabled, enforcer.ReasonDynamicCodeDisabled, enforcer.ReasonHostRefused,
	} {
		if !stableCode.MatchString(string(r)) {
			t.Errorf("reason %q is not a stable code", r)
		}
	}
}

// noDynamicCode is an enforcer that only disables dynamic code.
type noDynamicCode struct{}

func (noDynamicCode) Name() string                { return "no-dynamic-code" }
func (noDynamicCode) Settings() enforcer.Settings { return enforcer.Settings{DisableDynamicCode: true} }
func (noDynamicCode) Status() enforcer.Status     { return enforcer.Status{Available: true} }

// TestLogRefusal: what the host refuses on its own account is logged under
// any policy that asks something of code, in audit mode too, and not at
// all when no policy is in force.
func TestLogRefusal(t *testing.T) {
	e := newEnv(t)
	spec := e.trusting()
	spec.audit = true
	audit := e.policy("audit.xml", spec)
	pa, auditLog := e.load([]string{audit}, nil)
	pa.LogRefusal("node option --inspect", "it opens the inspector")
	evs := auditLog.events(t)
	if len(evs) != 1 || evs[0]["feature"] != "node option --inspect" || evs[0]["reason"] != string(enforcer.ReasonHostRefused) ||
		evs[0]["detail"] != "it opens the inspector" || evs[0]["event"] != intact.EventBlocked {
		t.Errorf("audit policy: events %v, want one blocked host-refused event", evs)
	}

	log := &eventLog{}
	none := intact.New(intact.Config{Events: slog.New(slog.NewJSONHandler(log, nil))})
	none.LogRefusal("node option --inspect", "it opens the inspector")
	if evs := log.events(t); len(evs) != 0 {
		t.Errorf("no policy in force: events %v, want none", evs)
	}
}

// TestCheckEvents: events of a file judged for a diagnosis (ExplainCode,
// ExplainImage: intact check) say so with "check": true, so that no one
// takes them for a run; events of ReadCode do not carry the field.
func TestCheckEvents(t *testing.T) {
	e := newEnv(t)
	spec := e.trusting()
	policy := e.policy("policy.xml", spec)
	spec.audit = true
	audit := e.policy("audit.xml", spec)
	evil := e.write("evil.js", evilCode)
	for _, file := range []string{policy, audit} {
		p, log := e.load([]string{file}, nil)
		p.ReadCode(evil)
		p.ExplainCode(evil)
		p.ExplainImage(evil)
		evs := log.events(t)
		if len(evs) != 3 {
			t.Fatalf("%s: %d events, want 3: %v", file, len(evs), evs)
		}
		for i, ev := range evs {
			if check, present := ev["check"]; (i == 0) == present || present && check != true {
				t.Errorf("%s: event %d has check %v (present %v): %v", file, i, check, present, ev)
			}
		}
	}
}
