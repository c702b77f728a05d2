package nodeguard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/intactdev/intact/internal/regularfile"
)

// EnvNode names the node binary intact node runs, when --node does not.
const EnvNode = "INTACT_NODE"

// FindNode returns the node binary to run: flag when set, else $INTACT_NODE,
// else "node" on PATH. It refuses a path that is intact itself (the shim),
// which would start intact node again instead of node.
func FindNode(flag string) (string, error) {
	name := flag
	if name == "" {
		name = os.Getenv(EnvNode)
	}
	if name == "" {
		name = "node"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("finding node (give --node PATH or set %s): %w", EnvNode, err)
	}
	path, err = filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if self, err := os.Executable(); err == nil && sameFile(self, path) {
		return "", fmt.Errorf("%s is intact itself, not node: give --node PATH or set %s", path, EnvNode)
	}
	return path, nil
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// supportedReleases are the oldest release of each major that intact node
// runs under a policy: those on which the tamper tests pass on every loader
// path. module.registerHooks, the in-thread load hook everything rests on,
// came in 22.15, but before 22.22.3 and 24.11.1 node hands CommonJS given
// its checked source in the ESM chain to the ESM loader's emulation, which
// breaks real apps (Express), and require(esm) compiles its source another
// way. Letting node's default load answer there instead is unsafe: the
// translator then reads the file itself and the CommonJS loader compiles
// those bytes without asking the hooks (tried on 22.20.0). Odd majors are short-lived and untested, and a major not listed
// here is refused until the tests have run on it.
var supportedReleases = map[int]Version{
	22: {22, 22, 3},
	24: {24, 11, 1},
	26: {26, 0, 0},
}

// Supported reports whether intact node runs node v under a policy.
func Supported(v Version) bool {
	oldest, ok := supportedReleases[v.Major]
	return ok && !v.Less(oldest)
}

// supportedList describes supportedReleases for messages.
func supportedList() string {
	majors := make([]int, 0, len(supportedReleases))
	for m := range supportedReleases {
		majors = append(majors, m)
	}
	sort.Ints(majors)
	parts := make([]string, len(majors))
	for i, m := range majors {
		v := supportedReleases[m]
		if v.Minor == 0 && v.Patch == 0 {
			parts[i] = fmt.Sprintf("%d", m)
		} else {
			parts[i] = fmt.Sprintf("%d (from %d.%d.%d)", m, v.Major, v.Minor, v.Patch)
		}
	}
	return strings.Join(parts, ", ")
}

// Version is a node release number.
type Version struct{ Major, Minor, Patch int }

func (v Version) String() string { return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Patch < w.Patch
}

// ParseVersion parses process.version ("v22.15.0").
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(strings.TrimPrefix(s, "v"), ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("node version %q is not vMAJOR.MINOR.PATCH", s)
	}
	var n [3]int
	for i, p := range parts {
		p, _, _ = strings.Cut(p, "-") // pre-release suffix
		v, err := strconv.Atoi(p)
		if err != nil {
			return Version{}, fmt.Errorf("node version %q: %w", s, err)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

// A VersionError reports a node intact node does not run under a policy.
type VersionError struct {
	Node    string
	Version Version
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s is Node.js %s; under a code-integrity policy intact node runs Node.js %s: "+
		"releases whose module.registerHooks makes node compile the source intact checked, on every loader path",
		e.Node, e.Version, supportedList())
}

// Probe is what intact node learns about a node binary by running it once.
type Probe struct {
	Version string `json:"version"`
	// Flags are node's process.allowedNodeEnvironmentFlags.
	Flags []string `json:"flags"`
}

// HasFlag reports whether this node knows the option.
func (p *Probe) HasFlag(name string) bool {
	for _, f := range p.Flags {
		if f == name {
			return true
		}
	}
	return false
}

// probeScript prints what Probe holds. It is our code, not the user's, run
// with an empty environment (on Windows, what Windows itself reads there:
// windowsNodeEnv).
const probeScript = `JSON.stringify({version: process.version, flags: [...process.allowedNodeEnvironmentFlags].sort()})`

// ProbeNode returns what the node binary at path is, from a cache keyed by
// the binary's path, size, modification time and inode when it has been
// probed before. The cache is not trusted for safety: the bootstrap
// compares node's version with the probed one and fails closed.
func ProbeNode(path string) (*Probe, error) {
	return probeNode(path, nodeRunner{
		command: func(ctx context.Context, args ...string) *exec.Cmd { return exec.CommandContext(ctx, path, args...) },
		start:   (*exec.Cmd).Start,
	})
}

// probeNode probes the node binary at path, running it with run: path
// itself, the descriptor it was checked through (see checkNodeBinary), or
// node confined (see starter). On Linux the probe runs inside node's
// confinement, as node does: outside it, node's tree took over a later
// broker's probe (outside review rt84), which it forces by removing the
// cache.
func probeNode(path string, run nodeRunner) (*Probe, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	cache := probeCachePath(path, fi)
	if cache != "" {
		// Whoever runs as this user can put anything there: a FIFO
		// would block every start, a huge file cost its size. Anything
		// but a small regular file is no cache, and the probe's answer
		// replaces it.
		if data, err := regularfile.Read(cache, probeCacheMax); err == nil {
			var p Probe
			if json.Unmarshal(data, &p) == nil && p.Version != "" {
				return &p, nil
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	cmd := run.command(ctx, "-p", probeScript)
	cmd.Env = []string{}
	out, stderr, err := runProbe(cmd, run.start)
	if err != nil {
		return nil, fmt.Errorf("probing %s: %w\n%s", path, err, stderr)
	}
	var p Probe
	if err := json.Unmarshal(out, &p); err != nil {
		// Node < 12 has no allowedNodeEnvironmentFlags; whatever it is,
		// it is not a node we can run.
		answer := bytes.TrimSpace(out)
		if len(answer) > 200 {
			answer = append(answer[:200:200], "..."...)
		}
		return nil, fmt.Errorf("probing %s: unexpected answer %q: %w", path, answer, err)
	}
	if cache != "" && len(out) <= probeCacheMax {
		writeProbeCache(cache, out)
	}
	return &p, nil
}

// probeTimeout is how long a probe may take.
const probeTimeout = 30 * time.Second

// probeCacheMax bounds a cached probe: node's flags take a few
// kilobytes.
const probeCacheMax = 256 << 10

// probeOutputMax bounds what the broker keeps of a probe's output, each
// stream: whatever answers with more is not node's probe (outside review
// rt84 had a probe write 1 GiB, which the broker kept).
const probeOutputMax = probeCacheMax

// errProbeOutput ends a probe that writes more than probeOutputMax.
var errProbeOutput = fmt.Errorf("node wrote more than %d KiB", probeOutputMax>>10)

// probeOutput keeps up to probeOutputMax bytes of a probe's output, and
// fails the write that would take more. The buffer is a field, not
// embedded: io.Copy would take bytes.Buffer's ReadFrom, which knows no
// bound.
type probeOutput struct {
	buf  bytes.Buffer
	over bool // a write was refused
}

func (o *probeOutput) Write(p []byte) (int, error) {
	if o.buf.Len()+len(p) > probeOutputMax {
		o.over = true
		return 0, errProbeOutput
	}
	return o.buf.Write(p)
}

// Bytes returns what was kept.
func (o *probeOutput) Bytes() []byte { return o.buf.Bytes() }

// probeCachePath returns the cache file for a node binary, or "" when there
// is no user cache folder.
func probeCachePath(path string, fi os.FileInfo) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	key := fmt.Sprintf("%s\x00%d\x00%d\x00%d", path, fi.Size(), fi.ModTime().UnixNano(), inode(fi))
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, "intact", "node-probe", hex.EncodeToString(sum[:12])+".json")
}
