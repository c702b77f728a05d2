// Command fleet measures what a fleet of intact agents costs the servers
// they poll: a registry (go-containerregistry's, in memory) and a TUF
// repository (a static file server), both in a child process on loopback,
// polled by real agents (fleet/agent) as goroutines of this one, each with
// its own state and system folders and its own connections (no keep-alive:
// a machine polling every few minutes opens a new one each time).
//
// Two phases, each for -duration:
//
//   - steady: nothing changes; every poll is a TUF refresh that finds the
//     timestamp it already has;
//   - rollout: a new bundle (a new policy and a new catalog of -files
//     members) is published, every agent polls once and installs it, and
//     again, as often as the phase lasts; every poll is a machine's first
//     after a release.
//
// It reports polls per second, the CPU time the server process spent (from
// /proc, user + system) per poll and thus polls per second per server core,
// requests and response-body bytes per poll, and what 10,000 machines
// polling every 5 minutes need. Run it as root (the agents install system
// folders, which must be root's) from the repository root:
//
//	go run ./bench/fleet [-agents 50] [-duration 15s] [-files 2000]
package main

import (
	"bufio"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/intactdev/intact/bench/internal/benchkit"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/fleet/agent"
	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/fleet/tufrepo"
	"github.com/intactdev/intact/sipolicy"
	"oras.land/oras-go/v2/registry/remote"
)

const (
	target   = "fleet/prod/linux"
	policyID = "{6C2C7B11-0000-4000-8000-00000000B3C4}"
	fleet    = 10000           // machines in the sizing
	interval = 5 * time.Minute // their polling interval
)

func main() {
	serve := flag.String("serve", "", "internal: serve the TUF repository in this folder and a registry, in this process")
	agents := flag.Int("agents", 50, "simulated agents (goroutines)")
	duration := flag.Duration("duration", 15*time.Second, "length of each phase")
	files := flag.Int("files", 2000, "members of each bundle's catalog")
	flag.Parse()
	if *serve != "" {
		serveForever(*serve)
		return
	}
	if *agents < 1 || *agents > 1000 || *duration <= 0 || *duration > 10*time.Minute || *files < 1 {
		fmt.Fprintln(os.Stderr, "bench/fleet: -agents in 1..1000, -duration in (0, 10m], -files at least 1")
		os.Exit(2)
	}
	if err := bench(*agents, *duration, *files); err != nil {
		fmt.Fprintln(os.Stderr, "bench/fleet:", err)
		os.Exit(1)
	}
}

// serveForever serves the registry and the TUF folder on loopback and
// prints their addresses.
func serveForever(tufDir string) {
	reg, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	tuf, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s\n", reg.Addr(), tuf.Addr())
	go http.Serve(reg, registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	log.Fatal(http.Serve(tuf, http.FileServer(http.Dir(tufDir))))
}

// server is the child process serving registry and TUF repository.
type server struct {
	cmd           *exec.Cmd
	registry, tuf string
}

func startServer(tufDir string) (*server, error) {
	cmd := exec.Command(os.Args[0], "-serve", tufDir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("server: %w", err)
	}
	var s server
	if _, err := fmt.Sscan(line, &s.registry, &s.tuf); err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("server said %q: %w", line, err)
	}
	s.cmd = cmd
	return &s, nil
}

// cpu returns the CPU time (user + system) the server has used.
func (s *server) cpu() (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name in parentheses; utime and stime are
	// the 14th and 15th fields, in clock ticks (100 per second on Linux).
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	k, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(u+k) * 10 * time.Millisecond, nil
}

// counter counts the requests and response-body bytes of its agents.
type counter struct {
	requests, bytes atomic.Int64
	base            http.RoundTripper
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	c.requests.Add(1)
	resp.Body = &countingBody{resp.Body, &c.bytes}
	return resp, nil
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// publisher makes bundles and publishes them.
type publisher struct {
	dir      string
	repo     *remote.Repository
	tuf      *tufrepo.Repository
	key      crypto.Signer
	signer   crypto.Signer
	certs    []*x509.Certificate
	root     *x509.Certificate
	files    int
	releases int
}

func newPublisher(dir, registryAddr string, files int) (*publisher, error) {
	p := &publisher{dir: dir, files: files}
	var err error
	if p.repo, err = remote.NewRepository(registryAddr + "/fleet/policy"); err != nil {
		return nil, err
	}
	p.repo.PlainHTTP = true
	if _, p.key, err = ed25519.GenerateKey(rand.Reader); err != nil {
		return nil, err
	}
	one := tufrepo.RoleKeys{Keys: []crypto.PublicKey{p.key.Public()}, Threshold: 1}
	if p.tuf, err = tufrepo.Init(filepath.Join(dir, "tuf"), tufrepo.Roles{Root: one, Targets: one, Snapshot: one, Timestamp: one}, []crypto.Signer{p.key}); err != nil {
		return nil, err
	}
	pki := benchkit.PKIDir
	if p.root, err = readCert(filepath.Join(pki, "root.pem")); err != nil {
		return nil, err
	}
	leaf, err := readCert(filepath.Join(pki, "leaf-ec.pem"))
	if err != nil {
		return nil, err
	}
	p.certs = []*x509.Certificate{leaf, p.root}
	data, err := os.ReadFile(filepath.Join(pki, "leaf-ec.key"))
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("leaf-ec.key: no PEM")
	}
	if p.signer, err = x509.ParseECPrivateKey(block.Bytes); err != nil {
		return nil, err
	}
	return p, nil
}

func readCert(name string) (*x509.Certificate, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM", name)
	}
	return x509.ParseCertificate(block.Bytes)
}

// release pushes a bundle of a new policy version and a new catalog, and
// publishes it.
func (p *publisher) release() error {
	p.releases++
	version := sipolicy.Version(1)<<48 | sipolicy.Version(p.releases)
	pol, err := sipolicy.New(sipolicy.Template{ID: policyID, Name: "bench fleet", Version: version,
		Signers: []*x509.Certificate{p.root}, Settings: enforcer.Settings{EnforceCodeIntegrity: true}})
	if err != nil {
		return err
	}
	polData, err := pol.Marshal()
	if err != nil {
		return err
	}
	var members []catalog.File
	for i := range p.files {
		content := fmt.Appendf(nil, "release %d file %d\n", p.releases, i)
		s256, s1 := sha256.Sum256(content), sha1.Sum(content)
		members = append(members, catalog.File{Path: fmt.Sprintf("lib/file%d.js", i), Size: int64(len(content)),
			Kind: catalog.KindFlat, SHA256: s256[:], SHA1: s1[:]})
	}
	cat, err := catalog.Build(members, catalog.BuildOptions{Time: time.Now()})
	if err != nil {
		return err
	}
	if cat, err = catalog.Sign(cat, p.signer, p.certs, nil); err != nil {
		return err
	}
	src := filepath.Join(p.dir, fmt.Sprintf("release%d", p.releases))
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	polFile, catFile := filepath.Join(src, "policy.xml"), filepath.Join(src, "app.cat")
	if err := errors.Join(os.WriteFile(polFile, polData, 0o644), os.WriteFile(catFile, cat, 0o644)); err != nil {
		return err
	}
	desc, err := bundle.Push(context.Background(), p.repo, "prod", polFile, []string{catFile})
	if err != nil {
		return err
	}
	one := []crypto.Signer{p.key}
	return p.tuf.SetTarget(target, tufrepo.Target{Digest: desc.Digest.String(), Length: desc.Size, PolicyID: policyID, VersionEx: version}, one, one, one)
}

// phase is what one phase measured.
type phase struct {
	name            string
	polls, failures int64
	wall, serverCPU time.Duration
	requests, bytes int64
}

func bench(agents int, duration time.Duration, files int) error {
	dir, err := os.MkdirTemp("", "bench-fleet-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Join(dir, "tuf"), 0o755); err != nil {
		return err
	}
	srv, err := startServer(filepath.Join(dir, "tuf"))
	if err != nil {
		return err
	}
	defer srv.cmd.Process.Kill()
	pub, err := newPublisher(dir, srv.registry, files)
	if err != nil {
		return err
	}
	if err := pub.release(); err != nil {
		return err
	}
	root, err := pub.tuf.Root()
	if err != nil {
		return err
	}
	rootFile := filepath.Join(dir, "root.json")
	if err := os.WriteFile(rootFile, root, 0o644); err != nil {
		return err
	}

	count := &counter{base: &http.Transport{DisableKeepAlives: true}}
	client := &http.Client{Transport: count}
	var fleetAgents []*agent.Agent
	for i := range agents {
		m := filepath.Join(dir, fmt.Sprintf("machine%d", i))
		if err := os.MkdirAll(filepath.Join(m, "etc-intact"), 0o755); err != nil {
			return err
		}
		cfg := &agent.Config{
			Target: target, Metadata: []string{"http://" + srv.tuf + "/"}, Registries: []string{srv.registry + "/fleet/policy"},
			PlainHTTP: true, TrustedRoot: rootFile, StateDir: filepath.Join(m, "state"), SystemDir: filepath.Join(m, "etc-intact"),
			AllowedPolicyIDs: []string{policyID}, Interval: agent.Duration(interval), Timeout: agent.Duration(time.Minute),
			MaxBlobSize: agent.DefaultMaxBlobSize,
		}
		a, err := agent.New(cfg, agent.Options{HTTPClient: client})
		if err != nil {
			return err
		}
		// The first install, unmeasured.
		if _, err := a.Poll(context.Background()); err != nil {
			return fmt.Errorf("agent %d: first poll: %w", i, err)
		}
		fleetAgents = append(fleetAgents, a)
	}

	// measure runs run and adds what it cost the server to ph.
	measure := func(ph *phase, run func()) error {
		cpu0, err := srv.cpu()
		if err != nil {
			return err
		}
		req0, bytes0 := count.requests.Load(), count.bytes.Load()
		start := time.Now()
		run()
		ph.wall += time.Since(start)
		cpu1, err := srv.cpu()
		if err != nil {
			return err
		}
		ph.serverCPU += cpu1 - cpu0
		ph.requests += count.requests.Load() - req0
		ph.bytes += count.bytes.Load() - bytes0
		return nil
	}
	var polls, failures atomic.Int64
	poll := func(a *agent.Agent) {
		if _, err := a.Poll(context.Background()); err != nil {
			failures.Add(1)
			log.Printf("poll: %v", err)
		}
		polls.Add(1)
	}

	steady := phase{name: "steady (no change)"}
	err = measure(&steady, func() {
		deadline := time.Now().Add(duration)
		var wg sync.WaitGroup
		for _, a := range fleetAgents {
			wg.Go(func() {
				for time.Now().Before(deadline) {
					poll(a)
				}
			})
		}
		wg.Wait()
	})
	if err != nil {
		return err
	}
	steady.polls, steady.failures = polls.Swap(0), failures.Swap(0)

	// Rollout: a release, then every agent polls once and installs it; as
	// many rounds as fit in the duration. Only the polls are measured: the
	// push of each release costs the registry too, but once per release,
	// not per machine.
	rollout := phase{name: "rollout (a new bundle each poll)"}
	rounds := 0
	for deadline := time.Now().Add(duration); rounds < 2 || time.Now().Before(deadline); rounds++ {
		if err := pub.release(); err != nil {
			return err
		}
		err := measure(&rollout, func() {
			var wg sync.WaitGroup
			for _, a := range fleetAgents {
				wg.Go(func() { poll(a) })
			}
			wg.Wait()
		})
		if err != nil {
			return err
		}
	}
	rollout.polls, rollout.failures = polls.Load(), failures.Load()

	fmt.Printf("bench/fleet: %d agents, %s per phase, catalogs of %d members; load average %s\n", agents, duration, files, benchkit.LoadAvg())
	fmt.Printf("%-34s %8s %9s %11s %12s %10s %12s %14s\n", "phase", "polls", "polls/s", "server CPU", "CPU/poll", "req/poll", "bytes/poll", "polls/s/core")
	for _, ph := range []phase{steady, rollout} {
		perPoll := ph.serverCPU / time.Duration(max(ph.polls, 1))
		perCore := float64(ph.polls) / max(ph.serverCPU.Seconds(), 0.01)
		fmt.Printf("%-34s %8d %9.1f %11s %12s %10.1f %12d %14.0f\n", ph.name, ph.polls, float64(ph.polls)/ph.wall.Seconds(),
			ph.serverCPU.Round(10*time.Millisecond), perPoll.Round(time.Microsecond), float64(ph.requests)/float64(max(ph.polls, 1)),
			ph.bytes/max(ph.polls, 1), perCore)
		if ph.failures > 0 {
			fmt.Printf("  %d polls failed\n", ph.failures)
		}
	}
	fmt.Printf("rollout: %d releases, %s of polling\n", rounds, rollout.wall.Round(time.Millisecond))
	rate := float64(fleet) / interval.Seconds()
	fmt.Printf("%d machines polling every %s: %.1f polls/s\n", fleet, interval, rate)
	for _, ph := range []phase{steady, rollout} {
		cpuPerPoll := ph.serverCPU.Seconds() / float64(max(ph.polls, 1))
		bytesPerPoll := float64(ph.bytes) / float64(max(ph.polls, 1))
		fmt.Printf("  %-32s %.3f server cores, %.1f KB/s (%.2f Mbit/s) of bodies\n", ph.name+":", rate*cpuPerPoll,
			rate*bytesPerPoll/1000, rate*bytesPerPoll*8/1e6)
	}
	fmt.Printf("  a rollout to all %d machines moves %.1f MB of bodies in all\n", fleet, float64(fleet)*float64(rollout.bytes)/float64(max(rollout.polls, 1))/1e6)
	return nil
}
