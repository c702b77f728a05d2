package nodeguard

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
)

// bootstrapSource is the JavaScript node runs before any application code
// (see bootstrap.js).
//
//go:embed bootstrap.js
var bootstrapSource string

// bootstrapPrefix begins every generated bootstrap. Its length is a
// multiple of three, so its base64 form begins every bootstrap URL and
// marks one (bootstrapMarker).
const bootstrapPrefix = "/* intact node's bootstrap */\n"

func init() {
	if len(bootstrapPrefix)%3 != 0 {
		panic("nodeguard: bootstrapPrefix must be a multiple of 3 bytes long")
	}
}

// bootstrapConfig is what the broker tells the bootstrap, as the constant
// `config` at its top.
type bootstrapConfig struct {
	// FDs are the main thread's channel: node's ends of the request and
	// reply pipes.
	FDs [2]int `json:"fds"`
	// BrokerPID names the broker in /proc: other threads open their
	// channels as /proc/<BrokerPID>/fd/<n>. When node is confined, it is
	// the id of the broker's thread in node's Landlock domain, the only
	// task of the broker whose descriptors node can reach.
	BrokerPID int `json:"brokerPID"`
	// Shim is process.execPath: the executable that runs node children
	// through intact node.
	Shim string `json:"shim"`
	// ExecArgv is process.execArgv: node's options as the user gave them.
	ExecArgv []string `json:"execArgv"`
	// Requires are the user's --require modules, required after the hooks.
	Requires []string `json:"requires"`
	// Version is the node version the broker probed; the bootstrap fails
	// closed on any other.
	// WorkerOptions are the node options a worker's execArgv may carry,
	// by canonical name, each with whether it takes a value: the
	// command line's allow-list, less what a worker must not get.
	// ShortOptions maps node's one-letter options to their long names.
	WorkerOptions       map[string]bool   `json:"workerOptions"`
	ShortOptions        map[string]string `json:"shortOptions"`
	Version             string            `json:"version"`
	InteractiveDisabled bool              `json:"interactiveDisabled"`
	DynamicDisabled     bool              `json:"dynamicDisabled"`
}

// bootstrapURL returns the bootstrap with cfg built in, as the data: URL
// given to node's --import.
func bootstrapURL(cfg bootstrapConfig) (string, error) {
	if cfg.ExecArgv == nil {
		cfg.ExecArgv = []string{}
	}
	if cfg.Requires == nil {
		cfg.Requires = []string{}
	}
	if cfg.WorkerOptions == nil {
		cfg.WorkerOptions = workerOptions(cfg.DynamicDisabled)
	}
	if cfg.ShortOptions == nil {
		cfg.ShortOptions = shortOptions
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	src := bootstrapPrefix + "const config = " + string(js) + ";\n" + bootstrapSource
	return "data:text/javascript;base64," + base64.StdEncoding.EncodeToString([]byte(src)), nil
}
