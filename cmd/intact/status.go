package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/fleet/agent"
	"github.com/intactdev/intact/internal/sysfolder"
	"github.com/intactdev/intact/sipolicy"
	"github.com/spf13/cobra"
)

func init() { register("status", newStatusCmd) }

func newStatusCmd() *cobra.Command {
	var flags policyFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the code-integrity policy in force and where each setting comes from",
		Long: `Status shows the enforcers in force, the combined settings and where each came
from, each policy's id and version, the catalogs loaded with their signers and
whether the policy trusts them, and the enforcers that cannot work here and why.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := flags.load()
			if err != nil {
				return err
			}
			st := p.Status()
			fleet, err := readAgentStatus()
			if err != nil {
				return err
			}
			if asJSON {
				out := statusJSON(st)
				out.Agent = fleet
				return writeIndentedJSON(cmd.OutOrStdout(), out)
			}
			printStatus(cmd.OutOrStdout(), st)
			printAgentStatus(cmd.OutOrStdout(), fleet)
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// effect is what the policy in force does, in the terms of `intact policy
// show`: with files ("enforce", "audit" or "off"), and with eval, the REPL
// and stdin, and with dynamic code ("blocked" or "allowed").
type effect struct {
	Files       sipolicy.FileChecks `json:"files"`
	Interactive string              `json:"interactive"`
	DynamicCode string              `json:"dynamicCode"`
}

func effectOf(s intact.Settings) effect {
	e := effect{Files: sipolicy.FilesUnchecked, Interactive: "allowed", DynamicCode: "allowed"}
	switch {
	case s.EnforceCodeIntegrity.Enabled && s.Audit.Enabled:
		e.Files = sipolicy.FilesAudited
	case s.EnforceCodeIntegrity.Enabled:
		e.Files = sipolicy.FilesEnforced
	}
	if s.DisableInteractiveMode.Enabled {
		e.Interactive = "blocked"
	}
	if s.DisableDynamicCode.Enabled {
		e.DynamicCode = "blocked"
	}
	return e
}

func printStatus(w io.Writer, st intact.Status) {
	e := effectOf(st.Settings)
	fmt.Fprintln(w, "in effect:")
	why := "no policy in force sets EnforceCodeIntegrity"
	printf(w, "  files:                 %s\n", filesSummary(e.Files, why, enforcer.DefaultAppID))
	printf(w, "  eval, REPL and stdin:  %s\n", e.Interactive)
	printf(w, "  dynamic code:          %s\n", e.DynamicCode)
	fmt.Fprintln(w, "settings:")
	for name, s := range st.Settings.All() {
		printf(w, "  %-23s %s\n", name+":", s)
	}
	if len(st.Enforcers) == 0 {
		fmt.Fprintln(w, "enforcers: none (no policy in force: code runs unchecked)")
	} else {
		fmt.Fprintln(w, "enforcers:")
	}
	for _, e := range st.Enforcers {
		printEnforcer(w, e)
	}
	if len(st.Inactive) > 0 {
		fmt.Fprintln(w, "not in force:")
	}
	for _, e := range st.Inactive {
		printEnforcer(w, e)
	}
	if len(st.EventSinks) == 0 {
		fmt.Fprintln(w, "system event sinks: none (no events.conf)")
	} else {
		fmt.Fprintln(w, "system event sinks (events.conf):")
	}
	for _, s := range st.EventSinks {
		printf(w, "  %s\n", s)
	}
}

func printEnforcer(w io.Writer, e intact.EnforcerStatus) {
	printf(w, "  %s\n", e.Name)
	if !e.Available {
		fmt.Fprintln(w, "    unavailable")
	}
	if e.PolicyID != "" || e.PolicyVersion != "" {
		printf(w, "    policy %s version %s\n", e.PolicyID, e.PolicyVersion)
	}
	for name, on := range e.Settings.All() {
		if !on {
			continue
		}
		if from := e.Sources[name]; from != "" {
			printf(w, "    %s: on (%s)\n", name, from)
		} else {
			printf(w, "    %s: on\n", name)
		}
	}
	for _, d := range e.Details {
		printf(w, "    %s\n", d)
	}
}

// The JSON shapes of `intact status --json`: stable field names for scripts.
type (
	statusOut struct {
		Effect    effect                              `json:"effect"`
		Settings  map[enforcer.SettingName]settingOut `json:"settings"`
		Enforcers []enforcerOut                       `json:"enforcers"`
		Inactive  []enforcerOut                       `json:"inactive"`
		// EventSinks are the system's events.conf sinks ("file PATH",
		// "syslog", "journald").
		EventSinks []string  `json:"eventSinks"`
		Agent      *agentOut `json:"agent,omitempty"`
	}
	// agentOut is what the fleet agent last did; absent where no agent
	// ever ran.
	agentOut struct {
		agent.Status
		Stale bool `json:"stale"`
	}
	settingOut struct {
		Enabled bool     `json:"enabled"`
		Sources []string `json:"sources"`
	}
	enforcerOut struct {
		Name          string                          `json:"name"`
		Available     bool                            `json:"available"`
		PolicyID      string                          `json:"policy_id,omitempty"`
		PolicyVersion string                          `json:"policy_version,omitempty"`
		Settings      map[enforcer.SettingName]bool   `json:"settings"`
		Sources       map[enforcer.SettingName]string `json:"sources"`
		Details       []string                        `json:"details"`
		Catalogs      []catalogOut                    `json:"catalogs"`
	}
	// catalogOut is what a policy makes of one catalog (enforcer.CatalogStatus).
	catalogOut struct {
		File         string `json:"file"`
		Trust        string `json:"trust"` // trusted, denied, untrusted, unverifiable or unreadable
		PolicySigner string `json:"policy_signer,omitempty"`
		Reason       string `json:"reason,omitempty"`
		Signer       string `json:"signer,omitempty"`
		Issuer       string `json:"issuer,omitempty"`
		Version      int    `json:"version,omitempty"`
		Files        int    `json:"files"`
		Index        string `json:"index,omitempty"` // cached, stored or scanned, with a folder of cached indexes in use
	}
)

func statusJSON(st intact.Status) statusOut {
	out := statusOut{Effect: effectOf(st.Settings), Settings: map[enforcer.SettingName]settingOut{}, Enforcers: []enforcerOut{}, Inactive: []enforcerOut{},
		EventSinks: append([]string{}, st.EventSinks...)}
	for name, s := range st.Settings.All() {
		out.Settings[name] = settingOut{Enabled: s.Enabled, Sources: append([]string{}, s.Sources...)}
	}
	conv := func(e intact.EnforcerStatus) enforcerOut {
		o := enforcerOut{Name: e.Name, Available: e.Available, PolicyID: e.PolicyID, PolicyVersion: e.PolicyVersion,
			Settings: map[enforcer.SettingName]bool{}, Sources: maps.Clone(e.Sources), Details: slices.Clone(e.Details)}
		for name, on := range e.Settings.All() {
			o.Settings[name] = on
		}
		if o.Sources == nil {
			o.Sources = map[enforcer.SettingName]string{}
		}
		if o.Details == nil {
			o.Details = []string{}
		}
		o.Catalogs = []catalogOut{}
		for _, c := range e.Catalogs {
			o.Catalogs = append(o.Catalogs, catalogOut(c))
		}
		return o
	}
	for _, e := range st.Enforcers {
		out.Enforcers = append(out.Enforcers, conv(e))
	}
	for _, e := range st.Inactive {
		out.Inactive = append(out.Inactive, conv(e))
	}
	return out
}

// readAgentStatus returns the fleet agent's status from the system folder,
// nil when no agent ever ran there.
func readAgentStatus() (*agentOut, error) {
	dir := systemDir
	if dir == "" {
		dir = sysfolder.Default()
	}
	st, err := agent.ReadStatus(dir)
	if err != nil || st.Target == "" {
		return nil, err
	}
	return &agentOut{Status: *st, Stale: st.Stale(time.Now())}, nil
}

func printAgentStatus(w io.Writer, a *agentOut) {
	if a == nil {
		return
	}
	fmt.Fprintln(w, "fleet agent:")
	printf(w, "  target:       %s\n", a.Target)
	if a.Digest != "" {
		printf(w, "  bundle:       %s\n", a.Digest)
		printf(w, "  policy:       %s version %s (generation %s)\n", a.PolicyID, a.VersionEx, a.Generation)
	} else {
		fmt.Fprintln(w, "  bundle:       none installed by the agent")
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Format(time.RFC3339)
	}
	printf(w, "  last refresh: %s\n", when(a.LastRefresh))
	printf(w, "  expires:      %s\n", when(a.Expires))
	if a.Stale {
		fmt.Fprintln(w, "  stale:        yes (the policy in force stays in force, but the fleet may have moved on)")
	} else {
		fmt.Fprintln(w, "  stale:        no")
	}
	if a.LastError != "" {
		printf(w, "  last error:   %s (%s)\n", a.LastError, when(a.LastAttempt))
	}
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // policy notes quote XML elements
	return enc.Encode(v)
}
