// Command runtime measures what code-integrity enforcement costs intact run,
// side by side in one run:
//
//   - a generated app of 2,000 CommonJS modules (and a JSON file), run with
//     no policy and under a real WDAC policy with a signed catalog of every
//     file (the TEST-ONLY keys in cmd/intact/testdata/pki);
//   - start-up: intact run hello.js against node hello.js.
//
// Runs alternate between the variants so that drift in the machine's load
// affects them alike. Run it from the repository root:
//
//	go run ./bench/runtime [-n 15] [-modules 2000]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("n", 15, "timed runs of each variant")
	modules := flag.Int("modules", 2000, "modules in the generated app")
	flag.Parse()
	if err := bench(*runs, *modules); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func bench(runs, modules int) error {
	dir, err := os.MkdirTemp("", "intact-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	intact := filepath.Join(dir, "intact")
	if err := sh("", "go", "build", "-o", intact, "./cmd/intact"); err != nil {
		return err
	}
	app := filepath.Join(dir, "app")
	if err := generateApp(app, modules); err != nil {
		return err
	}
	pki, err := filepath.Abs("cmd/intact/testdata/pki")
	if err != nil {
		return err
	}
	policy := filepath.Join(dir, "policy.xml")
	if err := os.WriteFile(policy, []byte(enforcePolicy), 0o644); err != nil {
		return err
	}
	catalog := filepath.Join(dir, "app.cat")
	if err := sh("", intact, "catalog", "new", app, "-o", catalog,
		"--cert", filepath.Join(pki, "leaf-ec.pem"), "--key", filepath.Join(pki, "leaf-ec.key"),
		"--chain", filepath.Join(pki, "root.pem")); err != nil {
		return err
	}
	main := filepath.Join(app, "main.js")
	hello := filepath.Join(app, "hello.js")

	variants := []variant{
		{name: fmt.Sprintf("%d modules, no policy", modules), argv: []string{intact, "run", main}},
		{name: fmt.Sprintf("%d modules, enforcing (policy + signed catalog)", modules),
			argv: []string{intact, "run", "--no-warnings", "--policy", policy, "--catalog", catalog, main}},
		{name: "intact run hello.js", argv: []string{intact, "run", hello}},
		{name: "intact run hello.js, enforcing", argv: []string{intact, "run", "--no-warnings", "--policy", policy, "--catalog", catalog, hello}},
	}
	if node, err := exec.LookPath("node"); err == nil {
		variants = append(variants, variant{name: "node hello.js", argv: []string{node, hello}})
	}
	for i := range variants { // warm the page cache and check each works
		if err := variants[i].run(); err != nil {
			return err
		}
		variants[i].times, variants[i].cpu = nil, nil
	}
	for r := 0; r < runs; r++ {
		for i := range variants {
			if err := variants[i].run(); err != nil {
				return err
			}
		}
	}
	fmt.Printf("%d runs each, alternating\n\n", runs)
	fmt.Printf("%-52s %10s %10s %10s %12s %10s\n", "variant", "wall med", "wall min", "wall max", "cpu med", "cpu min")
	for _, v := range variants {
		med, lo, hi := v.stats()
		cmed, clo, _ := stats(v.cpu)
		fmt.Printf("%-52s %10s %10s %10s %12s %10s\n", v.name, ms(med), ms(lo), ms(hi), ms(cmed), ms(clo))
	}
	ratio := func(a, b int, cpu bool) float64 {
		x, y := variants[a].times, variants[b].times
		if cpu {
			x, y = variants[a].cpu, variants[b].cpu
		}
		mx, _, _ := stats(x)
		my, _, _ := stats(y)
		return float64(mx) / float64(my)
	}
	fmt.Printf("\nenforcement overhead, %d-module app (median on/off): wall %+.1f%%, cpu %+.1f%%\n",
		modules, 100*(ratio(1, 0, false)-1), 100*(ratio(1, 0, true)-1))
	if len(variants) > 4 {
		fmt.Printf("start-up, intact run hello.js / node hello.js (median): wall %.2f, cpu %.2f\n", ratio(2, 4, false), ratio(2, 4, true))
	}
	return nil
}

type variant struct {
	name  string
	argv  []string
	times []time.Duration // wall
	cpu   []time.Duration // user + system, which a busy machine disturbs less
}

func (v *variant) run() error {
	cmd := exec.Command(v.argv[0], v.argv[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	v.times = append(v.times, time.Since(start))
	if cmd.ProcessState != nil {
		v.cpu = append(v.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
	}
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", v.name, err, stderr.String())
	}
	return nil
}

func (v *variant) stats() (median, min, max time.Duration) { return stats(v.times) }

func stats(times []time.Duration) (median, min, max time.Duration) {
	t := append([]time.Duration(nil), times...)
	sort.Slice(t, func(i, j int) bool { return t[i] < t[j] })
	return t[len(t)/2], t[0], t[len(t)-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// generateApp writes main.js, which requires n modules spread over 20
// packages in node_modules and local folders, each module requiring the
// previous one of its group, and hello.js.
func generateApp(dir string, n int) error {
	var main strings.Builder
	main.WriteString("let sum = 0;\n")
	for i := 0; i < n; i++ {
		group := i % 20
		var rel, file string
		if group%2 == 0 {
			rel = fmt.Sprintf("pkg%d/lib/m%d", group, i)
			file = filepath.Join(dir, "node_modules", rel+".js")
		} else {
			rel = fmt.Sprintf("./src/g%d/m%d", group, i)
			file = filepath.Join(dir, rel+".js")
		}
		body := fmt.Sprintf("'use strict';\nconst data = { id: %d, name: 'module %d', tags: ['a', 'b', 'c'] };\n"+
			"function compute(x) { let s = 0; for (let k = 0; k < 10; k++) s += (x * k) %% 7; return s + data.id; }\n", i, i)
		if i >= 20 {
			prev := i - 20
			if group%2 == 0 {
				body += fmt.Sprintf("const prev = require('./m%d');\n", prev)
			} else {
				body += fmt.Sprintf("const prev = require('./m%d.js');\n", prev)
			}
		} else {
			body += "const prev = {};\n"
		}
		// Modules link to the previous one without calling through the
		// chain, so that loading, not computing, dominates.
		body += "module.exports = { compute: (x) => compute(x) + (prev.data ? prev.data.id % 3 : 0), data };\n"
		if err := write(file, body); err != nil {
			return err
		}
		fmt.Fprintf(&main, "sum += require(%q).compute(%d);\n", rel, i)
	}
	main.WriteString("const config = require('./config.json');\nconsole.log(config.name, sum);\n")
	if err := write(filepath.Join(dir, "main.js"), main.String()); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, "config.json"), `{"name": "bench"}`); err != nil {
		return err
	}
	return write(filepath.Join(dir, "hello.js"), "console.log('hello');\n")
}

func write(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

func sh(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// enforcePolicy trusts the TEST-ONLY root of cmd/intact/testdata/pki (by
// the SHA-256 of its tbsCertificate) and enforces code integrity.
const enforcePolicy = `<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
  <VersionEx>1.0.0.0</VersionEx>
  <PlatformID>{2E07F7E4-194C-4D20-B7C9-6F44A6C5A234}</PlatformID>
  <PolicyID>{6C2C7B11-0000-4000-8000-0000000000BE}</PolicyID>
  <BasePolicyID>{6C2C7B11-0000-4000-8000-0000000000BE}</BasePolicyID>
  <Rules>
    <Rule><Option>Enabled:UMCI</Option></Rule>
  </Rules>
  <Signers>
    <Signer ID="ID_SIGNER_TEST" Name="intact TEST-ONLY root"><CertRoot Type="TBS" Value="D38EF3D247E51E1053E814AF915A0273635F451F18F328414A7574D613D9FB67" /></Signer>
  </Signers>
  <SigningScenarios>
    <SigningScenario Value="12" ID="ID_SIGNINGSCENARIO_UMCI" FriendlyName="User Mode">
      <ProductSigners>
        <AllowedSigners>
          <AllowedSigner SignerId="ID_SIGNER_TEST" />
        </AllowedSigners>
      </ProductSigners>
    </SigningScenario>
  </SigningScenarios>
  <UpdatePolicySigners />
  <CiSigners />
  <HvciOptions>0</HvciOptions>
  <AppSettings>
    <App Manifest="intact.manifest.xml">
      <Setting Name="EnforceCodeIntegrity"><Value>true</Value></Setting>
    </App>
  </AppSettings>
</SiPolicy>
`
