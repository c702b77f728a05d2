package intact_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/testpki"
)

// requireRoot skips tests that install a system policy: it must be owned by
// root.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a system policy must be owned by root; run as root to test it")
	}
}

// system installs spec as the system policy of a system folder in e, with
// the trusted catalog in its catalogs folder, and returns the folder.
func (e *env) system(spec policySpec) string {
	e.t.Helper()
	dir := e.path("system")
	for _, d := range []string{dir, filepath.Join(dir, "catalogs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			e.t.Fatal(err)
		}
	}
	e.write("system/policy.xml", []byte(spec.xml()))
	e.write("system/catalogs/trusted.cat", e.trustedCatalog(trustedCode))
	return dir
}

func TestSystemPolicyEnforced(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	p, log := e.loadOpts(intact.LoadOptions{SystemDir: e.system(e.trusting())})
	if data, err := p.ReadCode(e.write("app.js", trustedCode)); err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("trusted file: %q, %v", data, err)
	}
	evil := e.write("evil.js", evilCode)
	if _, err := p.ReadCode(evil); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Fatalf("untrusted file: %v, want not-in-catalog", err)
	}
	st := p.Status()
	if !st.Settings.EnforceCodeIntegrity.Enabled || !strings.Contains(st.Settings.EnforceCodeIntegrity.String(), "system/policy.xml") {
		t.Fatalf("EnforceCodeIntegrity = %s, want on from the system policy", st.Settings.EnforceCodeIntegrity)
	}
	if evs := log.events(t); len(evs) != 1 || evs[0]["event"] != intact.EventDenied {
		t.Fatalf("events = %v", evs)
	}
}

// TestUserPolicyCannotSoften: policies and catalogs from the caller or the
// environment only add; none of them can switch off what the system policy
// enforces.
func TestUserPolicyCannotSoften(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	systemDir := e.system(policySpec{enforce: true, interactive: true, allowed: []*testpki.Cert{e.pki.root}})
	evil := e.write("evil.js", evilCode)
	// A catalog signed by a signer only the user policy trusts.
	otherCat := e.write("other.cat", e.signedCatalog(e.pki.other, []*testpki.Cert{e.pki.otherRoot}, evilCode))
	softer := map[string]policySpec{
		"audit mode":             {enforce: true, audit: true, allowed: []*testpki.Cert{e.pki.otherRoot}},
		"no enforcement":         {enforce: false, allowed: []*testpki.Cert{e.pki.otherRoot}},
		"script enforcement off": {enforce: true, noScripts: true, allowed: []*testpki.Cert{e.pki.otherRoot}},
		"hash allow rule":        {enforce: true, allowHashes: []string{hexSHA256(evilCode)}},
	}
	for name, spec := range softer {
		t.Run(name, func(t *testing.T) {
			user := e.policy("user.xml", spec)
			t.Setenv(intact.EnvPolicy, user)
			t.Setenv(intact.EnvCatalogs, otherCat)
			p, _ := e.loadOpts(intact.LoadOptions{SystemDir: systemDir, Policies: []string{user}, Catalogs: []string{otherCat}})
			if _, err := p.ReadCode(evil); !hasReason(err, enforcer.ReasonUntrustedSigner) {
				t.Fatalf("ReadCode = %v, want the system policy's untrusted-signer", err)
			}
			if err := p.CheckInteractive(intact.FeatureEval); intact.ErrorCode(err) != intact.CodeBlocked {
				t.Fatalf("CheckInteractive = %v, want blocked by the system policy", err)
			}
		})
	}
}

// TestSystemPolicyPermissions: a system policy, its folder or the catalogs
// folder that anyone but root can change is refused, and Load fails.
func TestSystemPolicyPermissions(t *testing.T) {
	requireRoot(t)
	cases := map[string]func(dir string) error{
		"policy world-writable":  func(dir string) error { return os.Chmod(filepath.Join(dir, "policy.xml"), 0o646) },
		"policy group-writable":  func(dir string) error { return os.Chmod(filepath.Join(dir, "policy.xml"), 0o664) },
		"policy owned by a user": func(dir string) error { return os.Chown(filepath.Join(dir, "policy.xml"), 1000, 1000) },
		"folder world-writable":  func(dir string) error { return os.Chmod(dir, 0o777) },
		"folder world-writable even sticky": func(dir string) error {
			// Others could add a policy or catalogs folder of their own
			// where root has none, so the sticky bit is no excuse here.
			return os.Chmod(dir, 0o777|os.ModeSticky)
		},
		"empty folder world-writable even sticky": func(dir string) error {
			// Nothing to read yet, but anyone could create catalogs/.
			if err := os.RemoveAll(filepath.Join(dir, "catalogs")); err != nil {
				return err
			}
			if err := os.Remove(filepath.Join(dir, "policy.xml")); err != nil {
				return err
			}
			return os.Chmod(dir, 0o777|os.ModeSticky)
		},
		"catalogs folder world-writable even sticky": func(dir string) error {
			// The last element itself may not rely on the sticky bit.
			return os.Chmod(filepath.Join(dir, "catalogs"), 0o777|os.ModeSticky)
		},
		"folder owned by a user":   func(dir string) error { return os.Chown(dir, 1000, 1000) },
		"catalogs folder writable": func(dir string) error { return os.Chmod(filepath.Join(dir, "catalogs"), 0o775) },
		"catalog owned by a user": func(dir string) error {
			return os.Chown(filepath.Join(dir, "catalogs", "trusted.cat"), 1000, 1000)
		},
		"policy is a symlink to a writable file": func(dir string) error {
			target := filepath.Join(filepath.Dir(dir), "elsewhere.xml")
			if err := os.Rename(filepath.Join(dir, "policy.xml"), target); err != nil {
				return err
			}
			if err := os.Chmod(target, 0o666); err != nil {
				return err
			}
			return os.Symlink(target, filepath.Join(dir, "policy.xml"))
		},
	}
	for name, break_ := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			dir := e.system(e.trusting())
			if err := break_(dir); err != nil {
				t.Fatal(err)
			}
			p, err := intact.Load(intact.LoadOptions{SystemDir: dir})
			if err == nil || p != nil {
				t.Fatalf("Load = %v, %v; want it refused", p, err)
			}
			if !strings.Contains(err.Error(), "anyone but root must be unable to change it") {
				t.Fatalf("error %q does not say why", err)
			}
		})
	}
}

func TestNoSystemPolicy(t *testing.T) {
	e := newEnv(t)
	p, err := intact.Load(intact.LoadOptions{SystemDir: e.path("missing")})
	if err != nil {
		t.Fatal(err)
	}
	if p.ChecksCode() || len(p.Status().Enforcers) > 1 {
		t.Fatalf("no system policy: enforcing=%v, enforcers %v", p.ChecksCode(), p.Status().Enforcers)
	}
	// With nothing in force ReadCode is a plain read.
	evil := e.write("evil.js", evilCode)
	if data, err := p.ReadCode(evil); err != nil || !bytes.Equal(data, evilCode) {
		t.Fatalf("ReadCode = %q, %v", data, err)
	}
}

// TestBadPolicyFailsClosed: a policy that cannot be read or parsed, or a
// named policy or catalog that does not exist, makes Load fail.
func TestBadPolicyFailsClosed(t *testing.T) {
	e := newEnv(t)
	good := e.policy("good.xml", e.trusting())
	cases := map[string]intact.LoadOptions{
		"policy unreadable (a folder)": {Policies: []string{e.dir}},
		"policy malformed":             {Policies: []string{e.write("bad.xml", []byte("<SiPolicy xmlns=\"urn:schemas-microsoft-com:sipolicy\"><VersionEx>1</Ver"))}},
		"policy missing":               {Policies: []string{e.path("missing.xml")}},
		"catalog missing":              {Policies: []string{good}, Catalogs: []string{e.path("missing.cat")}},
	}
	if os.Geteuid() != 0 {
		unreadable := e.policy("unreadable.xml", e.trusting())
		os.Chmod(unreadable, 0)
		cases["policy unreadable (mode 000)"] = intact.LoadOptions{Policies: []string{unreadable}}
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			opts.SystemDir = e.path("no-system")
			if p, err := intact.Load(opts); err == nil {
				t.Fatalf("Load = %v, want an error", p)
			} else {
				t.Log(err)
			}
		})
	}
	t.Run("system policy malformed", func(t *testing.T) {
		requireRoot(t)
		dir := e.system(e.trusting())
		e.write("system/policy.xml", []byte("not xml"))
		if _, err := intact.Load(intact.LoadOptions{SystemDir: dir}); err == nil {
			t.Fatal("Load accepted a malformed system policy")
		}
	})
}

// TestUnreadableCatalog: a catalog that cannot be parsed refuses what it
// might have allowed (policy-unavailable) but not what another trusted
// catalog allows.
func TestUnreadableCatalog(t *testing.T) {
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	cats = append(cats, e.write("garbage.cat", []byte("\x30\x03not a catalog")))
	p, _ := e.load([]string{e.policy("policy.xml", spec)}, cats)
	if data, err := p.ReadCode(path); err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("trusted file: %q, %v", data, err)
	}
	_, err := p.ReadCode(e.write("evil.js", evilCode))
	if !hasReason(err, enforcer.ReasonPolicyUnavailable) || !strings.Contains(err.(*intact.ViolationError).Explain(), "garbage.cat") {
		t.Fatalf("unlisted file: %v, want policy-unavailable naming garbage.cat", err)
	}
}

// TestEnvironment: INTACT_POLICY and INTACT_CATALOGS add policies and
// catalogs (files or folders), and INTACT_EVENT_LOG receives events as JSON
// lines in a file created private.
func TestEnvironment(t *testing.T) {
	e := newEnv(t)
	path, spec, _ := withTrusted(e, trustedCode)
	catDir := e.path("cats")
	os.Mkdir(catDir, 0o755)
	e.write("cats/trusted.cat", e.trustedCatalog(trustedCode))
	e.write("cats/README.txt", []byte("not a catalog"))
	logPath := e.path("events.jsonl")
	t.Setenv(intact.EnvPolicy, string(os.PathListSeparator)+e.policy("policy.xml", spec))
	t.Setenv(intact.EnvCatalogs, catDir)
	t.Setenv(intact.EnvEventLog, logPath)
	p, err := intact.Load(intact.LoadOptions{SystemDir: e.path("no-system")})
	if err != nil {
		t.Fatal(err)
	}
	if data, err := p.ReadCode(path); err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("trusted file: %q, %v", data, err)
	}
	for range 2 {
		if _, err := p.ReadCode(e.write("evil.js", evilCode)); !hasReason(err, enforcer.ReasonNotInCatalog) {
			t.Fatalf("untrusted file: %v", err)
		}
	}
	info, err := os.Stat(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("event log mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(logPath)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `"reason":"not-in-catalog"`) {
		t.Fatalf("event log:\n%s", data)
	}
}

func hasReason(err error, r enforcer.Reason) bool {
	var v *intact.ViolationError
	return errors.As(err, &v) && v.Reason() == r
}

// TestDefault: the package-level ReadCode loads the process's policy once,
// from the system folder and the environment.
func TestDefault(t *testing.T) {
	if _, err := os.Stat("/etc/intact"); err == nil {
		t.Skip("this machine has a system policy folder; Default would load it")
	}
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	t.Setenv(intact.EnvPolicy, e.policy("policy.xml", spec))
	t.Setenv(intact.EnvCatalogs, cats[0])
	if data, err := intact.ReadCode(path); err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("ReadCode = %q, %v", data, err)
	}
	if _, err := intact.ReadCode(e.write("evil.js", evilCode)); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Fatalf("untrusted: %v", err)
	}
	p1, _ := intact.Default()
	p2, _ := intact.Default()
	if p1 != p2 {
		t.Fatal("Default loaded the policy twice")
	}
}

// TestCatalogsLoadedOnceOnFirstUse: Load does not read catalogs; the first
// check reads them, once for every policy, and later changes to the files
// do not matter to this process.
func TestCatalogsLoadedOnceOnFirstUse(t *testing.T) {
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	catalog := cats[0]
	good, err := os.ReadFile(catalog)
	if err != nil {
		t.Fatal(err)
	}
	// A catalog that is garbage at Load but fine at first use.
	os.WriteFile(catalog, []byte("garbage"), 0o644)
	p, _ := e.load([]string{e.policy("a.xml", spec), e.policy("b.xml", spec)}, cats)
	os.WriteFile(catalog, good, 0o644)
	if data, err := p.ReadCode(path); err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("first use: %q, %v", data, err)
	}
	// Both policies use the catalogs read then.
	os.WriteFile(catalog, []byte("garbage"), 0o644)
	if data, err := p.ReadCode(path); err != nil || !bytes.Equal(data, trustedCode) {
		t.Fatalf("second use: %q, %v", data, err)
	}
	if n := len(p.Status().Enforcers); n < 2 {
		t.Fatalf("%d enforcers, want both policies", n)
	}
}
