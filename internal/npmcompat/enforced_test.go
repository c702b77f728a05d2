package npmcompat_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact/internal/npmcompat"
)

// pki holds the TEST-ONLY signing keys of the CLI's testscripts.
const pki = "../../cmd/intact/testdata/pki"

// signApp makes a policy that enforces code integrity, trusting the test
// root, and a catalog of the whole app (node_modules included) signed by a
// test leaf. It returns the flags that put them in force.
func signApp(t *testing.T, dir string) []string {
	t.Helper()
	out := t.TempDir()
	cat, policy := filepath.Join(out, "app.cat"), filepath.Join(out, "policy.xml")
	intact(t, "catalog", "new", dir, "-o", cat,
		"--cert", filepath.Join(pki, "leaf-rsa-chain.pem"), "--key", filepath.Join(pki, "leaf-rsa.key"),
		"--chain", filepath.Join(pki, "root.pem"))
	intact(t, "policy", "new", "--signer", filepath.Join(pki, "root.pem"), "--enforce", "-o", policy)
	return []string{"--policy", policy, "--catalog", cat}
}

func intact(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(intactBin, args...).CombinedOutput(); err != nil {
		t.Fatalf("intact %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// loadedFiles returns the files node loads for script, in load order.
func loadedFiles(t *testing.T, dir, script string) []string {
	t.Helper()
	list := filepath.Join(t.TempDir(), "loaded.json")
	preload := filepath.Join(t.TempDir(), "list-loaded.js")
	if err := os.WriteFile(preload, []byte(`process.on('exit', () => require('fs').writeFileSync(`+
		`process.env.LOADED_LIST, JSON.stringify(Object.keys(require.cache))));`), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", append([]string{"--require", preload, script}, npmcompat.ScriptArgs[script]...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LOADED_LIST="+list)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	data, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	if err := json.Unmarshal(data, &files); err != nil {
		t.Fatal(err)
	}
	var loaded []string
	for _, f := range files {
		if f != preload {
			loaded = append(loaded, f)
		}
	}
	return loaded
}

// TestPackagesUnderEnforcement: with a policy that enforces code integrity
// and a signed catalog of the whole app, every package runs unchanged. Then,
// for each script, the last file it loads (deep in node_modules) is changed
// by a statement that would leave a canary: the run fails with
// ERR_CODE_INTEGRITY_VIOLATION naming that file, exit status 1, and the
// canary proves no statement of it ran.
func TestPackagesUnderEnforcement(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the npm acceptance suite under enforcement")
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed: cannot compare with Node's output")
	}
	dir := npmcompat.CopyApp(t)
	flags := signApp(t, dir)
	canary := filepath.Join(t.TempDir(), "canary")
	for _, script := range npmcompat.Scripts() {
		t.Run(strings.TrimSuffix(script, ".js"), func(t *testing.T) {
			want := npmcompat.Node(t, dir, script)
			got := npmcompat.Intact(t, intactBin, dir, script, flags...)
			if got.ExitCode != 0 || got.Stdout != want.Stdout {
				t.Fatalf("signed app: exit status %d, stdout differs: %v\nstderr: %s", got.ExitCode, got.Stdout != want.Stdout, got.Stderr)
			}

			loaded := loadedFiles(t, dir, script)
			victim := loaded[len(loaded)-1]
			orig, err := os.ReadFile(victim)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("tampering with %s", victim)
			t.Cleanup(func() { os.WriteFile(victim, orig, 0o644) })
			tampered := append([]byte("require('fs').writeFileSync("+jsString(canary)+", 'ran');"), orig...)
			if err := os.WriteFile(victim, tampered, 0o644); err != nil {
				t.Fatal(err)
			}
			got = npmcompat.Intact(t, intactBin, dir, script, flags...)
			msg := "Error [ERR_CODE_INTEGRITY_VIOLATION]: The file " + victim + " did not pass OS Code Integrity validation"
			if got.ExitCode != 1 || !strings.Contains(got.Stderr, msg) {
				t.Errorf("tampered %s: exit status %d, stderr:\n%s\nwant exit status 1 and %q", victim, got.ExitCode, got.Stderr, msg)
			}
			if _, err := os.Stat(canary); err == nil {
				t.Errorf("tampered %s: a statement of the refused file ran", victim)
				os.Remove(canary)
			}
			// The original bytes run again: nothing was cached.
			if err := os.WriteFile(victim, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			if got = npmcompat.Intact(t, intactBin, dir, script, flags...); got.ExitCode != 0 || !bytes.Equal([]byte(got.Stdout), []byte(want.Stdout)) {
				t.Errorf("restored %s: exit status %d\n%s", victim, got.ExitCode, got.Stderr)
			}
		})
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
