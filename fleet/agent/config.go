package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/intactdev/intact/internal/adminpath"
	"github.com/intactdev/intact/internal/regularfile"
	"github.com/intactdev/intact/sipolicy"
)

// Config is the agent's configuration file, JSON (doc/fleet.md):
//
//	{
//	  "target": "fleet/prod/linux",
//	  "metadata": ["https://tuf.example.com/fleet/", "https://tuf2.example.com/fleet/"],
//	  "registries": ["registry.example.com/intact/policy"],
//	  "trusted_root": "/etc/intact-agent/root.json",
//	  "state_dir": "/var/lib/intact-agent",
//	  "allowed_policy_ids": ["{6C2C7B11-0000-4000-8000-000000000001}"],
//	  "interval": "5m", "jitter": "1m", "timeout": "2m"
//	}
type Config struct {
	// Target is the TUF target this machine follows: its ring and OS.
	Target string `json:"target"`
	// Metadata are the base URLs of the TUF repository's mirrors, tried
	// in order.
	Metadata []string `json:"metadata"`
	// Registries are OCI repositories ("host[:port]/path") holding the
	// bundles, tried in order: a pull-through cache first, the origin
	// last. Bundles are fetched by digest only, so any mirror will do.
	Registries []string `json:"registries"`
	// PlainHTTP reaches the registries over HTTP rather than HTTPS: for a
	// cache on the same host or a test registry only.
	PlainHTTP bool `json:"plain_http,omitempty"`
	// RegistryAuth is a Docker config.json whose credentials (auths, or
	// credential helpers) the agent presents to the registries; empty
	// means anonymous pulls.
	RegistryAuth string `json:"registry_auth,omitempty"`
	// TrustedRoot is the TUF root.json the agent first trusts; later
	// roots it learns are kept in StateDir. This and the other paths may
	// be relative to the configuration file's folder.
	TrustedRoot string `json:"trusted_root"`
	// StateDir holds the TUF metadata cache and the bundle blob cache.
	StateDir string `json:"state_dir"`
	// SystemDir is the policy folder the agent installs into; empty means
	// the system's (/etc/intact, %ProgramData%\intact).
	SystemDir string `json:"system_dir,omitempty"`
	// AllowedPolicyIDs are the only PolicyIDs this machine installs.
	AllowedPolicyIDs []string `json:"allowed_policy_ids"`
	// Interval is the time between polls, Jitter the most a poll moves
	// from it either way (default a fifth of Interval), Timeout the most a
	// poll may take.
	Interval Duration `json:"interval,omitempty"`
	Jitter   Duration `json:"jitter,omitempty"`
	Timeout  Duration `json:"timeout,omitempty"`
	// MaxBlobSize bounds each bundle layer; default 256 MiB.
	MaxBlobSize int64 `json:"max_blob_size,omitempty"`
}

// Defaults of the optional fields.
const (
	DefaultInterval    = 5 * time.Minute
	DefaultTimeout     = 2 * time.Minute
	DefaultMaxBlobSize = 256 << 20
)

// maxConfigSize bounds the configuration file.
const maxConfigSize = 1 << 20

// Duration is a time.Duration written as Go writes one: "5m", "90s".
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"5m\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// ReadConfig reads and checks the configuration file name, filling in
// the defaults. An agent running as root (elevated on Windows) refuses a
// configuration file that anyone else could change.
func ReadConfig(name string) (*Config, error) {
	if privileged() {
		if _, err := adminpath.Check(name); err != nil {
			return nil, fmt.Errorf("configuration refused: %w", err)
		}
	}
	data, err := regularfile.Read(name, maxConfigSize)
	if err != nil {
		return nil, err
	}
	return parseConfig(name, data)
}

// parseConfig parses and checks the configuration data read from name.
func parseConfig(name string, data []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt setting must not pass silently
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: data after the configuration", name)
	}
	// Relative paths are relative to the configuration's folder.
	for _, p := range []*string{&c.TrustedRoot, &c.StateDir, &c.SystemDir, &c.RegistryAuth} {
		if *p != "" && !filepath.IsAbs(*p) {
			abs, err := filepath.Abs(filepath.Join(filepath.Dir(name), *p))
			if err != nil {
				return nil, err
			}
			*p = abs
		}
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

// check refuses a configuration the agent cannot work with, and fills in
// the defaults.
func (c *Config) check() error {
	var errs []error
	if c.Target == "" {
		errs = append(errs, errors.New("no target"))
	}
	if len(c.Metadata) == 0 {
		errs = append(errs, errors.New("no metadata mirror"))
	}
	for _, m := range c.Metadata {
		if u, err := url.Parse(m); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("metadata mirror %q is not an http(s) URL", m))
		}
	}
	if len(c.Registries) == 0 {
		errs = append(errs, errors.New("no registry"))
	}
	for _, r := range c.Registries {
		if host, path, ok := strings.Cut(r, "/"); !ok || host == "" || path == "" || strings.ContainsAny(path, "@:") {
			errs = append(errs, fmt.Errorf("registry %q is not host/repository", r))
		}
	}
	if c.TrustedRoot == "" {
		errs = append(errs, errors.New("no trusted_root"))
	}
	if c.StateDir == "" {
		errs = append(errs, errors.New("no state_dir"))
	}
	if c.RegistryAuth != "" {
		// oras reads a missing file as no credentials: say so instead.
		if _, err := os.Stat(c.RegistryAuth); err != nil {
			errs = append(errs, fmt.Errorf("registry_auth: %w", err))
		}
	}
	if len(c.AllowedPolicyIDs) == 0 {
		errs = append(errs, errors.New("no allowed_policy_ids: the agent would install nothing"))
	}
	for i, id := range c.AllowedPolicyIDs {
		g, err := sipolicy.ParseGUID(id)
		if err != nil {
			errs = append(errs, fmt.Errorf("allowed_policy_ids: %w", err))
		}
		c.AllowedPolicyIDs[i] = g
	}
	if c.Interval == 0 {
		c.Interval = Duration(DefaultInterval)
	}
	if c.Jitter == 0 {
		c.Jitter = c.Interval / 5
	}
	if c.Timeout == 0 {
		c.Timeout = Duration(DefaultTimeout)
	}
	if c.MaxBlobSize == 0 {
		c.MaxBlobSize = DefaultMaxBlobSize
	}
	if c.Interval < 0 || c.Jitter < 0 || c.Timeout < 0 || c.MaxBlobSize < 0 {
		errs = append(errs, errors.New("negative interval, jitter, timeout or max_blob_size"))
	}
	if c.Jitter >= c.Interval {
		errs = append(errs, fmt.Errorf("jitter %v is not below interval %v", time.Duration(c.Jitter), time.Duration(c.Interval)))
	}
	return errors.Join(errs...)
}

// checkTrusted refuses, for an agent running as root, the files it trusts
// when anyone else could change them, as package intact refuses such a
// system folder: the state folder (its TUF cache is trusted ahead of
// trusted_root, and whoever could replace its blob cache could steer what
// the agent writes and removes), trusted_root and registry_auth.
func checkTrusted(c *Config) error {
	paths := []struct {
		what, path string
		cached     bool // made by the agent: may not exist yet
	}{
		{"state_dir", c.StateDir, false},
		{"state_dir", filepath.Join(c.StateDir, "tuf", "root.json"), true},
		{"state_dir", filepath.Join(c.StateDir, "blobs", "sha256"), true},
		{"trusted_root", c.TrustedRoot, false},
		{"registry_auth", c.RegistryAuth, false},
	}
	for _, p := range paths {
		if p.path == "" {
			continue
		}
		if _, err := adminpath.Check(p.path); err != nil && !(p.cached && errors.Is(err, fs.ErrNotExist)) {
			return fmt.Errorf("%s refused: %w", p.what, err)
		}
	}
	return nil
}
