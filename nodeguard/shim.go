package nodeguard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// shimConfigName is the file beside the shim that tells a node child
// started through it which node and which policies its parent ran with.
const shimConfigName = "shim.json"

// ShimConfig is what a node child started through the shim inherits from
// its parent intact node, whatever environment the child was given.
type ShimConfig struct {
	Node     string   `json:"node"`
	Policies []string `json:"policies"`
	Catalogs []string `json:"catalogs"`
}

// writeShimConfig records cfg beside the shim in dir, the broker's private
// folder.
func writeShimConfig(dir string, cfg ShimConfig) error {
	data, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, shimConfigName), data, 0o600)
}

// LoadShimConfig returns the configuration of the parent intact node whose
// shim was started as argv0 (os.Args[0]), so that a child started through
// fork() or spawn(process.execPath) with a scrubbed environment keeps its
// parent's node and policies. found is false when argv0 is not such a shim
// path, for example when the shim was found on PATH (the environment then
// carries the same). The folder must be this user's and private, as the
// broker made it.
func LoadShimConfig(argv0 string) (cfg ShimConfig, found bool, err error) {
	if filepath.Base(argv0) != "node" || !filepath.IsAbs(argv0) {
		return ShimConfig{}, false, nil
	}
	dir := filepath.Dir(argv0)
	data, err := os.ReadFile(filepath.Join(dir, shimConfigName))
	if errors.Is(err, fs.ErrNotExist) {
		return ShimConfig{}, false, nil
	}
	if err != nil {
		return ShimConfig{}, false, err
	}
	if err := checkPrivate(dir); err != nil {
		return ShimConfig{}, false, err
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return ShimConfig{}, false, fmt.Errorf("%s: %w", filepath.Join(dir, shimConfigName), err)
	}
	return cfg, true, nil
}
