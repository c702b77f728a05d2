//go:build !windows

package nodeguard

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// shimConfigName names the sealed in-memory file in which a broker keeps
// what a node child started through the shim inherits from it. It is no
// file in a folder: nobody can replace it by a rename or write into it.
const shimConfigName = "intact-node-shim-config"

// brokerDescriptor reports whether path is /proc/<pid>/fd/<n>, the form of
// the shim path a broker gives node as process.execPath (its own
// descriptor of the shim executable) and of its sealed copies of policies,
// and returns pid. (A function, not a regular expression: compiling one
// cost every broker and shim start 0.1 ms.)
func brokerDescriptor(path string) (pid int, ok bool) {
	rest, ok := strings.CutPrefix(path, "/proc/")
	if !ok {
		return 0, false
	}
	id, fd, ok := strings.Cut(rest, "/fd/")
	if !ok || !decimal(id) || !decimal(fd) {
		return 0, false
	}
	pid, err := strconv.Atoi(id)
	return pid, err == nil
}

// decimal reports whether s is one or more decimal digits.
func decimal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isSealedCopy reports whether path names a broker's sealed copy of a
// policy (sealedPolicies), which only that broker's node tree can reach.
func isSealedCopy(path string) bool {
	_, ok := brokerDescriptor(path)
	return ok
}

// IsShimName reports whether argv0 is a name under which intact is node's
// shim: "node" (found on PATH, or a fork target), or the
// /proc/<broker>/fd/<n> that a broker gives node as process.execPath.
func IsShimName(argv0 string) bool {
	_, ok := brokerDescriptor(argv0)
	return filepath.Base(argv0) == "node" || ok
}

// maxAncestors bounds the walk up the process tree from a shim found on
// PATH to its broker.
const maxAncestors = 64

// LoadShimConfig returns the configuration of the intact node broker whose
// node started this process as the shim, found from argv0 (os.Args[0]).
// fork() and spawn(process.execPath) start /proc/<broker>/fd/<n>, which
// names the broker; a shim found on PATH ("node", `#!/usr/bin/env node`)
// finds its broker among its ancestors. The configuration is read from the
// broker's sealed memfd (see writeShimConfig), never from the environment
// or from a folder: so a child cannot be given another node binary by
// INTACT_NODE in its environment or by a file written beside the shim.
// found is false when no broker started this process.
func LoadShimConfig(argv0 string) (cfg ShimConfig, found bool, err error) {
	if pid, ok := brokerDescriptor(argv0); ok {
		return brokerShimConfig(pid) // which checks that pid is an ancestor
	}
	if filepath.Base(argv0) != "node" {
		return ShimConfig{}, false, nil
	}
	pid := os.Getppid()
	for i := 0; i < maxAncestors && pid > 1; i++ {
		if cfg, found, err := brokerShimConfig(pid); found || err != nil {
			return cfg, found, err
		}
		if pid, err = parentPID(pid); err != nil {
			return ShimConfig{}, false, nil
		}
	}
	return ShimConfig{}, false, nil
}

// isAncestor reports whether the process that task id (a process or one
// of its threads) belongs to is an ancestor of this process, within
// maxAncestors generations.
func isAncestor(id int) bool {
	tgid, err := threadGroup(id)
	if err != nil {
		return false
	}
	pid := os.Getppid()
	for i := 0; i < maxAncestors && pid > 0; i++ {
		if pid == tgid {
			return true
		}
		if pid, err = parentPID(pid); err != nil {
			return false
		}
	}
	return false
}

// threadGroup returns the process that task id belongs to, from
// /proc/<id>/status.
func threadGroup(id int) (int, error) {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(id) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "Tgid:"); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, errors.New("no Tgid in status")
}

// parentPID returns the parent of process pid, from /proc/<pid>/stat.
func parentPID(pid int) (int, error) {
	ppid, err := statField("/proc/"+strconv.Itoa(pid)+"/stat", 4)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(ppid)
}

// statField returns field n, counted from 1 as proc(5) does, of the stat
// file of a process or thread at path.
func statField(path string, n int) (string, error) {
	fields, err := statFields(path, n)
	if err != nil {
		return "", err
	}
	return fields[n-3], nil
}

// statFields returns the fields of the stat file at path from the third
// on, the state, as fields[0]: at least up to field n. The second field,
// the command name, may hold spaces and parentheses.
func statFields(path string, n int) ([]string, error) {
	stat, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || n < 3 {
		return nil, fmt.Errorf("%s: malformed, or no field %d", path, n)
	}
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < n-2 {
		return nil, fmt.Errorf("%s: malformed, or no field %d", path, n)
	}
	return fields, nil
}
