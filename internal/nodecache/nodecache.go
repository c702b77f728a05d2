// Package nodecache finds the stock Node.js binaries that
// scripts/install-node.sh installs for the tests of `intact node`.
package nodecache

import (
	"os"
	"path/filepath"
	"runtime"

	"github.com/intactdev/intact/nodeguard"
)

// EnvTestNodes overrides the cache: a list of node executables separated
// by the OS's path-list separator.
const EnvTestNodes = "INTACT_TEST_NODES"

// Dir is the cache install-node.sh fills: $INTACT_NODE_CACHE, else
// ${XDG_CACHE_HOME:-$HOME/.cache}/intact/node, with one folder per
// version holding bin/node and include/node (bin/node.exe on Windows;
// `install-node.sh --win` keeps Windows binaries for Wine in a win-x64
// folder beside them).
func Dir() (string, error) {
	if dir := os.Getenv("INTACT_NODE_CACHE"); dir != "" {
		return dir, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "intact", "node"), nil
}

// Binaries returns the node executables of $INTACT_TEST_NODES, else every
// one in the cache, in no particular order.
func Binaries() ([]string, error) {
	if list := os.Getenv(EnvTestNodes); list != "" {
		return filepath.SplitList(list), nil
	}
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	exe := "node"
	if runtime.GOOS == "windows" {
		exe = "node.exe"
	}
	return filepath.Glob(filepath.Join(dir, "*", "bin", exe))
}

// Newest returns the newest of Binaries that intact node supports
// (nodeguard.Supported), judged by the version its cache folder is named
// after, or "" when there is none.
func Newest() (string, error) {
	paths, err := Binaries()
	if err != nil {
		return "", err
	}
	var best string
	var bestVersion nodeguard.Version
	for _, p := range paths {
		v, err := nodeguard.ParseVersion(filepath.Base(filepath.Dir(filepath.Dir(p))))
		if err != nil || !nodeguard.Supported(v) || (best != "" && v.Less(bestVersion)) {
			continue
		}
		best, bestVersion = p, v
	}
	return best, nil
}
