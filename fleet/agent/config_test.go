package agent_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/fleet/agent"
	"github.com/intactdev/intact/internal/testfleet"
)

const goodConfig = `{
  "target": "fleet/prod/linux",
  "metadata": ["https://tuf.example.com/fleet/"],
  "registries": ["registry.example.com:5000/intact/policy"],
  "trusted_root": "/etc/intact-agent/root.json",
  "state_dir": "/var/lib/intact-agent",
  "allowed_policy_ids": ["6c2c7b11-0000-4000-8000-000000000001"]
}`

func TestReadConfig(t *testing.T) {
	dir := t.TempDir()
	cfg, err := agent.ReadConfig(testfleet.WriteFile(t, filepath.Join(dir, "good.json"), []byte(goodConfig)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AllowedPolicyIDs[0] != "{6C2C7B11-0000-4000-8000-000000000001}" || time.Duration(cfg.Interval) != agent.DefaultInterval ||
		time.Duration(cfg.Timeout) != agent.DefaultTimeout || cfg.MaxBlobSize != agent.DefaultMaxBlobSize ||
		cfg.StateDir != "/var/lib/intact-agent" {
		t.Fatalf("config read as %+v", cfg)
	}
	// A shorter interval gets a fifth of it as jitter.
	short := strings.Replace(goodConfig, `"target"`, `"interval": "30s", "target"`, 1)
	cfg, err = agent.ReadConfig(testfleet.WriteFile(t, filepath.Join(dir, "short.json"), []byte(short)))
	if err != nil || time.Duration(cfg.Jitter) != 6*time.Second {
		t.Fatalf("interval 30s: %v, jitter %v", err, time.Duration(cfg.Jitter))
	}
	// Relative paths are the configuration folder's.
	rel := strings.Replace(goodConfig, `"/var/lib/intact-agent"`, `"state"`, 1)
	cfg, err = agent.ReadConfig(testfleet.WriteFile(t, filepath.Join(dir, "rel.json"), []byte(rel)))
	if err != nil || cfg.StateDir != filepath.Join(dir, "state") {
		t.Fatalf("a relative state_dir: %v, read as %q", err, cfg.StateDir)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`"target": "fleet/prod/linux",`, ``, "no target"},
		{`"https://tuf.example.com/fleet/"`, `"ftp://x/"`, "is not an http(s) URL"},
		{`"registry.example.com:5000/intact/policy"`, `"registry.example.com/intact/policy:prod"`, "is not host/repository"},
		{`"state_dir": "/var/lib/intact-agent",`, ``, "no state_dir"},
		{`"6c2c7b11-0000-4000-8000-000000000001"`, `"not-a-guid"`, "is not a GUID"},
		{`"state_dir"`, `"statedir"`, `unknown field "statedir"`},
		{`"target"`, `"interval": "5", "target"`, "missing unit"},
		{`"]
}`, `"]
} {}`, "data after the configuration"},
		{`"target"`, `"interval": "1m", "jitter": "2m", "target"`, "jitter 2m0s is not below interval 1m0s"},
		{`"target"`, `"interval": "-1m", "target"`, "negative interval"},
		{`"target"`, `"registry_auth": "missing.json", "target"`, "registry_auth: stat "},
	} {
		name := filepath.Join(dir, "bad.json")
		testfleet.WriteFile(t, name, []byte(strings.Replace(goodConfig, tc.from, tc.to, 1)))
		if _, err := agent.ReadConfig(name); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s → %s: err = %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
}

// FuzzParseConfig: any bytes give a checked configuration or an error,
// never a panic; an accepted one has its defaults filled in.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(goodConfig))
	f.Add([]byte(`{"interval": "-5m", "jitter": "1h"}`))
	f.Add([]byte(`{"allowed_policy_ids": [1], "metadata": "x"}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := agent.ParseConfig("/etc/intact-agent/config.json", data)
		if err != nil {
			return
		}
		if cfg.Interval <= 0 || cfg.Timeout <= 0 || cfg.Jitter >= cfg.Interval || !filepath.IsAbs(cfg.StateDir) || len(cfg.AllowedPolicyIDs) == 0 {
			t.Fatalf("accepted %+v", cfg)
		}
	})
}
