package nodeguard

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// bootstrapSource is the JavaScript node runs before any application code
// (see bootstrap.js).
//
//go:embed bootstrap.js
var bootstrapSource string

// bootstrapPrefix begins every bootstrap stub. Its length is a multiple of
// three, so its base64 form begins every stub's URL and marks one
// (bootstrapMarker).
const bootstrapPrefix = "/* intact node's bootstrap */\n"

func init() {
	if len(bootstrapPrefix)%3 != 0 {
		panic("nodeguard: bootstrapPrefix must be a multiple of 3 bytes long")
	}
}

// bootstrapConfig is what the broker tells the bootstrap, as the constant
// `config` at its top.
type bootstrapConfig struct {
	// FDs are the main thread's channel: node's descriptors for requests
	// and replies (on Linux both the same socket).
	FDs [2]int `json:"fds"`
	// Channel, on Linux, is what the kernel names the main thread's
	// channel in node's /proc/self/fd ('socket:[<inode>]').
	Channel string `json:"channel,omitempty"`
	// ThreadChannels, on Linux, is how many threads besides the main one
	// can have a channel.
	ThreadChannels int `json:"threadChannels,omitempty"`
	// ChannelFDs, on Linux, are node's descriptors of every channel, the
	// main thread's and the other threads': none may be handed to a
	// child process or wrapped in a stream (bootstrap.js,
	// guardChannelDescriptors).
	ChannelFDs []int `json:"channelFDs,omitempty"`
	// BrokerPID names the broker in /proc: other threads open their
	// channels as /proc/<BrokerPID>/fd/<n>. When node is confined, it is
	// the id of the broker's thread in node's Landlock domain, the only
	// task of the broker whose descriptors node can reach.
	BrokerPID int `json:"brokerPID"`
	// ThreadPipe, on Windows, is the broker's named pipe: other threads
	// open their channels by connecting to it.
	ThreadPipe string `json:"threadPipe,omitempty"`
	// StubURL is the bootstrap's stub (bootstrapStub): node's --import of
	// it in workers.
	StubURL string `json:"stubURL"`
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
	// CodeChecked is set when the policy checks files (intact.Policy.ChecksCode).
	CodeChecked     bool `json:"codeChecked"`
	DynamicDisabled bool `json:"dynamicDisabled"`
}

// bootstrapCode returns the bootstrap with cfg built in: the body of the
// function the stub runs (bootstrapStub).
func bootstrapCode(cfg bootstrapConfig) ([]byte, error) {
	if cfg.ExecArgv == nil {
		cfg.ExecArgv = []string{}
	}
	if cfg.Requires == nil {
		cfg.Requires = []string{}
	}
	if cfg.WorkerOptions == nil {
		// As if code were checked: the caller knows better.
		cfg.WorkerOptions = workerOptions(OptionRules{ChecksCode: true, DynamicDisabled: cfg.DynamicDisabled})
	}
	if cfg.ShortOptions == nil {
		cfg.ShortOptions = shortOptions
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	// A null prototype: a key the configuration leaves out must not be
	// answered by Object.prototype, where the application can put one.
	return []byte("'use strict';\nconst config = { __proto__: null, ..." + string(js) + " };\n" + bootstrapSource), nil
}

// bootstrapStub returns the data: URL given to node's first --import: the
// bootstrap's call (bootstrapCall). Node would take a data: URL holding the
// whole bootstrap too, but such a long URL costs node several milliseconds
// and megabytes in every thread.
func bootstrapStub(path string) string {
	src := bootstrapPrefix + bootstrapCall(path, false)
	return "data:text/javascript;base64," + base64.StdEncoding.EncodeToString([]byte(src))
}

// bootstrapCall returns a line of JavaScript, valid as an ES module and as
// a CommonJS one, that reads the bootstrap from path, which nobody but the
// broker can change (on Linux a sealed memfd, as /proc/<broker pid>/fd/<n>;
// on Windows a file the broker holds open against writers), and runs it,
// telling it whether it runs as node's main module (asMain).
func bootstrapCall(path string, asMain bool) string {
	p, _ := json.Marshal(path) // a string: cannot fail
	return "process.getBuiltinModule('node:vm').compileFunction(process.getBuiltinModule('node:fs').readFileSync(" + string(p) +
		", 'utf8'), ['asMain'], { filename: 'intact:node-bootstrap' })(" + strconv.FormatBool(asMain) + ");\n"
}
