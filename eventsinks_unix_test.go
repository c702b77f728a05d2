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

// TestSystemEventSinks: a file sink named in the system's events.conf
// receives every event, whatever logger the host chose and whatever the
// environment says; the host's own logger still gets them too.
func TestSystemEventSinks(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	sys := e.system(e.trusting())
	logs := e.path("logs")
	must(t, os.Mkdir(logs, 0o700))
	e.write("system/events.conf", []byte("# code-integrity events of every intact process\n\nfile "+filepath.Join(logs, "events.jsonl")+"\n"))
	p, own := e.loadOpts(intact.LoadOptions{SystemDir: sys})
	if _, err := p.ReadCode(e.write("evil.js", evilCode)); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Fatalf("untrusted file: %v, want not-in-catalog", err)
	}
	data, err := os.ReadFile(filepath.Join(logs, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"event":"denied"`) || !strings.Contains(string(data), `"reason":"not-in-catalog"`) || !strings.Contains(string(data), "evil.js") {
		t.Fatalf("the system sink got %q", data)
	}
	if evs := own.events(t); len(evs) != 1 {
		t.Fatalf("the host's logger got %v", evs)
	}
}

// TestSystemEventSinksRefused: a sinks configuration that cannot be
// understood or written, or that others could change, makes Load fail,
// naming the file, the line and the reason: a system that asks for a
// record of its refusals runs nothing without one.
func TestSystemEventSinksRefused(t *testing.T) {
	requireRoot(t)
	for name, c := range map[string]struct {
		conf  string
		setup func(e *env, conf string)
		want  string
	}{
		"unknown sink":     {conf: "# sinks\nemail root@localhost\n", want: `events.conf:2: unknown sink "email": want file PATH, syslog or journald`},
		"relative file":    {conf: "file events.jsonl\n", want: `events.conf:1: file "events.jsonl": want an absolute path`},
		"argument":         {conf: "journald now\n", want: "events.conf:1: journald takes no argument"},
		"trailing comment": {conf: "file LOGS/events.jsonl # main log\n", want: `/events.jsonl # main log": a comment must be on a line of its own`},
		"missing folder":   {conf: "file /nonexistent/intact/events.jsonl\n", want: "events.conf:1: stat /nonexistent/intact: no such file"},
		"journald absent":  {conf: "journald\n", want: "events.conf:1: journald: "},
		"writable by others": {conf: "journald\n", setup: func(e *env, conf string) { must(e.t.(*testing.T), os.Chmod(conf, 0o666)) },
			want: "system event sinks refused: "},
		"a file sink others could plant": {conf: "file LOGS/events.jsonl\n", setup: func(e *env, conf string) {
			must(e.t.(*testing.T), os.Chmod(e.path("logs"), 0o777))
		}, want: "others could create or replace the log"},
	} {
		t.Run(name, func(t *testing.T) {
			if name == "journald absent" {
				if _, err := os.Stat("/run/systemd/journal/socket"); err == nil {
					t.Skip("journald is running here")
				}
			}
			e := newEnv(t)
			sys := e.system(e.trusting())
			must(t, os.Mkdir(e.path("logs"), 0o700))
			conf := e.write("system/events.conf", []byte(strings.ReplaceAll(c.conf, "LOGS", e.path("logs"))))
			if c.setup != nil {
				c.setup(e, conf)
			}
			p, err := intact.Load(intact.LoadOptions{SystemDir: sys})
			if err == nil || p != nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load = %v, %v; want an error saying %q", p, err, c.want)
			}
		})
	}
}

// TestEventFormat: INTACT_EVENT_FORMAT must be json or text.
func TestEventFormat(t *testing.T) {
	e := newEnv(t)
	t.Setenv(intact.EnvEventFormat, "xml")
	spec := e.trusting()
	spec.audit = true
	_, err := intact.Load(intact.LoadOptions{Policies: []string{e.policy("audit.xml", spec)}, SystemDir: e.path("no-system")})
	if err == nil || !strings.Contains(err.Error(), `INTACT_EVENT_FORMAT="xml": want json or text`) {
		t.Fatalf("Load: %v", err)
	}
}

// TestSystemEventSinksBesideGenerations: in a system folder switched by
// generations, events.conf is read from the system folder itself, the
// machine's configuration, not from the generation in force.
func TestSystemEventSinksBesideGenerations(t *testing.T) {
	requireRoot(t)
	e := newEnv(t)
	sys := e.path("system")
	e.write("system/generations/g1/policy.xml", []byte(e.trusting().xml()))
	e.write("system/generations/g1/catalogs/trusted.cat", e.trustedCatalog(trustedCode))
	e.write("system/generation", []byte("g1\n"))
	logs := e.path("logs")
	must(t, os.Mkdir(logs, 0o700))
	e.write("system/events.conf", []byte("file "+filepath.Join(logs, "events.jsonl")+"\n"))
	e.write("system/generations/g1/events.conf", []byte("not a sink\n"))
	p, _ := e.loadOpts(intact.LoadOptions{SystemDir: sys})
	if _, err := p.ReadCode(e.write("evil.js", evilCode)); !hasReason(err, enforcer.ReasonNotInCatalog) {
		t.Fatalf("untrusted file: %v, want not-in-catalog", err)
	}
	if data, err := os.ReadFile(filepath.Join(logs, "events.jsonl")); err != nil || !strings.Contains(string(data), "evil.js") {
		t.Fatalf("the system sink got %q, %v", data, err)
	}
}
