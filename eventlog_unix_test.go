//go:build unix

package intact_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// otherUID is the user who plants files in these tests: nobody.
const otherUID = 65534

// TestEventLogRefusesPlantedLogs: INTACT_EVENT_LOG is refused, and Load fails
// (fail closed), when the log is something another user could have planted
// or could redirect: a symbolic link (another user's link in /tmp once sent
// root's events into a file of their choice), a file someone else owns, a
// hard link, or a log in a folder others can write, sticky or not. The file
// the attacker aimed at is left untouched.
func TestEventLogRefusesPlantedLogs(t *testing.T) {
	requireRoot(t)
	cases := map[string]struct {
		plant func(t *testing.T, dir, log, target string)
		want  string
	}{
		"symbolic link in a private folder": {
			plant: func(t *testing.T, dir, log, target string) { must(t, os.Symlink(target, log)) },
			want:  "is a symbolic link",
		},
		"another user's symbolic link in a sticky folder": {
			plant: func(t *testing.T, dir, log, target string) {
				must(t, os.Chmod(dir, 0o777|os.ModeSticky))
				must(t, os.Symlink(target, log))
				must(t, os.Lchown(log, otherUID, otherUID))
			},
			want: "others could create or replace the log (sticky bit or not)",
		},
		"another user's file": {
			plant: func(t *testing.T, dir, log, target string) {
				must(t, os.WriteFile(log, nil, 0o666))
				must(t, os.Chown(log, otherUID, otherUID))
			},
			want: "is owned by uid 65534, not by the caller",
		},
		"hard link to the caller's file": {
			plant: func(t *testing.T, dir, log, target string) { must(t, os.Link(target, log)) },
			want:  "has 2 links",
		},
		"another user's symbolic link to a folder root owns": {
			// The link sits where the log's folder should be and leads
			// to a folder that passes every check of its own.
			plant: func(t *testing.T, dir, log, target string) {
				must(t, os.Remove(dir))
				must(t, os.Symlink(filepath.Dir(target), dir))
				must(t, os.Lchown(dir, otherUID, otherUID))
			},
			want: "on its path is owned by uid 65534",
		},
		"root's relative link through another user's link": {
			plant: func(t *testing.T, dir, log, target string) {
				hop := filepath.Join(filepath.Dir(dir), "hop")
				must(t, os.Symlink(filepath.Dir(target), hop))
				must(t, os.Lchown(hop, otherUID, otherUID))
				must(t, os.Remove(dir))
				must(t, os.Symlink("./hop", dir))
			},
			want: "hop on its path is owned by uid 65534",
		},
		"folder owned by another user": {
			plant: func(t *testing.T, dir, log, target string) { must(t, os.Chown(dir, otherUID, otherUID)) },
			want:  "is owned by uid 65534, who could replace the log",
		},
		"group-writable folder": {
			plant: func(t *testing.T, dir, log, target string) { must(t, os.Chmod(dir, 0o770)) },
			want:  "has mode -rwxrwx---",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			target := e.write("target", []byte("root's file\n"))
			dir := e.path("logs")
			must(t, os.Mkdir(dir, 0o700))
			log := filepath.Join(dir, "events.jsonl")
			c.plant(t, dir, log, target)
			t.Setenv(intact.EnvEventLog, log)
			p, err := intact.Load(intact.LoadOptions{SystemDir: e.path("no-system")})
			if err == nil || p != nil {
				t.Fatalf("Load = %v, %v; want the event log refused", p, err)
			}
			if !strings.Contains(err.Error(), "event log (INTACT_EVENT_LOG) refused") || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), log) {
				t.Fatalf("error %q does not name %s and say %q", err, log, c.want)
			}
			if data, _ := os.ReadFile(target); string(data) != "root's file\n" {
				t.Fatalf("the target was written: %q", data)
			}
		})
	}
}

// TestEventLogSwappedAfterLoad: the log is checked again on every write, so
// a log replaced by a symbolic link after Load receives nothing, and the
// link's target is not written; the refusal itself still stands, and its
// event goes to stderr with why.
func TestEventLogSwappedAfterLoad(t *testing.T) {
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	log := e.path("events.jsonl")
	target := e.write("target", []byte("root's file\n"))
	t.Setenv(intact.EnvEventLog, log)
	p, err := intact.Load(intact.LoadOptions{Policies: []string{e.policy("policy.xml", spec)}, Catalogs: cats, SystemDir: e.path("no-system")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadCode(path); err != nil {
		t.Fatal(err)
	}
	must(t, os.Remove(log))
	must(t, os.Symlink(target, log))
	evil := e.write("evil.js", evilCode)
	stderr := captureStderr(t, func() {
		if _, err := p.ReadCode(evil); !hasReason(err, enforcer.ReasonNotInCatalog) {
			t.Fatalf("untrusted file: %v, want not-in-catalog", err)
		}
	})
	if data, _ := os.ReadFile(target); string(data) != "root's file\n" {
		t.Fatalf("the link's target was written: %q", data)
	}
	want := "intact: not written to the event log (" + log + " is a symbolic link: an event log must be a regular file): {"
	if !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, `"path":"`+evil+`"`) || !strings.Contains(stderr, `"reason":"not-in-catalog"`) {
		t.Errorf("stderr:\n%s\nwant %q and the event", stderr, want)
	}
}

// captureStderr returns what f writes to os.Stderr.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	file, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	saved := os.Stderr
	os.Stderr = file
	defer func() { os.Stderr = saved }()
	f()
	data, err := os.ReadFile(file.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestEventLogFolderSwappedAfterLoad: the log's folder is resolved once, at
// Load, and held open, so a folder replaced after Load by another user's
// symbolic link to a folder root owns receives no events: they go on into
// the folder Load checked, wherever it has been moved.
func TestEventLogFolderSwappedAfterLoad(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	path, spec, cats := withTrusted(e, trustedCode)
	dir, rootsFolder := e.path("logs"), e.path("roots")
	must(t, os.Mkdir(dir, 0o700))
	must(t, os.Mkdir(rootsFolder, 0o700))
	t.Setenv(intact.EnvEventLog, filepath.Join(dir, "events.jsonl"))
	p, err := intact.Load(intact.LoadOptions{Policies: []string{e.policy("policy.xml", spec)}, Catalogs: cats, SystemDir: e.path("no-system")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadCode(path); err != nil {
		t.Fatal(err)
	}
	moved := e.path("logs.moved")
	must(t, os.Rename(dir, moved))
	must(t, os.Symlink(rootsFolder, dir))
	must(t, os.Lchown(dir, otherUID, otherUID))
	if _, err := p.ReadCode(e.write("evil.js", evilCode)); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Fatalf("untrusted file: %v, want not-in-catalog", err)
	}
	if _, err := os.Lstat(filepath.Join(rootsFolder, "events.jsonl")); !os.IsNotExist(err) {
		t.Errorf("the link's folder received the log (%v)", err)
	}
	if data, _ := os.ReadFile(filepath.Join(moved, "events.jsonl")); !strings.Contains(string(data), "evil.js") {
		t.Errorf("the folder checked at Load did not receive the event: %q", data)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
