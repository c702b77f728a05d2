package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fromEventsStdin runs catalog from-events - with stdin from r and returns
// its output.
func fromEventsStdin(t *testing.T, r *os.File, args ...string) string {
	t.Helper()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	var stdout, stderr bytes.Buffer
	run(append([]string{"catalog", "from-events"}, append(args, "-")...), &stdout, &stderr)
	return stdout.String() + stderr.String()
}

// auditedApp writes a file and returns an audit event that names it.
func auditedApp(t *testing.T) (dir, event string) {
	dir = t.TempDir()
	app := filepath.Join(dir, "app.js")
	code := []byte("console.log('app');\n")
	if err := os.WriteFile(app, code, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(code)
	return dir, fmt.Sprintf(`{"msg":"code integrity","event":"audit","path":%q,"sha256":"%X","reason":"not-in-catalog"}`+"\n", app, sum)
}

// TestFromEventsNamedPipeStdin: events on an anonymous pipe are what the
// operator piped in; on a named pipe (a FIFO in the file system, which
// whoever may open it can write, and "< fifo" makes stdin) they are not
// taken.
func TestFromEventsNamedPipeStdin(t *testing.T) {
	dir, event := auditedApp(t)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { w.WriteString(event); w.Close() }()
	if out := fromEventsStdin(t, r); !strings.Contains(out, "would add: app.js") {
		t.Errorf("events on a pipe: not taken:\n%s", out)
	}
	r.Close()

	fifo := filepath.Join(dir, "events.fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.WriteString(event)
			w.Close()
		}
	}()
	r, err = os.Open(fifo)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := fromEventsStdin(t, r)
	if strings.Contains(out, "would add") || !strings.Contains(out, "named pipe") {
		t.Errorf("events on a named pipe: want them not trusted, got:\n%s", out)
	}
}

// TestFromEventsJournalExeOfUser: a journal entry from a --from-uid user
// counts only when the program that sent it is one only root can change;
// a copy of any program named intact in the user's folder is not.
func TestFromEventsJournalExeOfUser(t *testing.T) {
	_, event := auditedApp(t)
	id, err := os.ReadFile(machineIDFile)
	if err != nil {
		t.Skipf("no machine id (%v)", err)
	}
	userExe := filepath.Join(t.TempDir(), "intact")
	if err := os.WriteFile(userExe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The user's own file: only root can give it to them here.
	if err := os.Chown(userExe, 1002, 1002); err != nil {
		t.Skipf("cannot give a file to uid 1002 (not root?): %v", err)
	}
	journal := func(exe string) string {
		path := event[strings.Index(event, `"path":`)+7 : strings.Index(event, `,"sha256"`)]
		sum := event[strings.Index(event, `"sha256":"`)+10 : strings.Index(event, `","reason"`)]
		return fmt.Sprintf(`{"__CURSOR":"s=1;i=1","_UID":"1002","_COMM":"intact","_EXE":%q,"_TRANSPORT":"journal","_MACHINE_ID":%q,"SYSLOG_IDENTIFIER":"intact","MESSAGE":"code integrity","INTACT_EVENT":"audit","INTACT_REASON":"not-in-catalog","INTACT_PATH":%s,"INTACT_SHA256":%q}`+"\n",
			exe, strings.TrimSpace(string(id)), path, sum)
	}
	feed := func(line string, args ...string) string {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		go func() { w.WriteString(line); w.Close() }()
		return fromEventsStdin(t, r, args...)
	}
	if out := feed(journal(userExe), "--from-uid", "1002"); strings.Contains(out, "would add") || !strings.Contains(out, "not only root can change") {
		t.Errorf("an entry sent by a user's copy named intact: want it not trusted, got:\n%s", out)
	}
	env, err := filepath.EvalSymlinks("/usr/bin/env")
	if err != nil {
		t.Skip("no /usr/bin/env")
	}
	if out := feed(journal(env), "--from-uid", "1002", "--from-exe", env); !strings.Contains(out, "would add: app.js") {
		t.Errorf("an entry sent by a root-owned program --from-exe names: not taken:\n%s", out)
	}
}
