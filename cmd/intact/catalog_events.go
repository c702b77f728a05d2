package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/adminpath"
	"github.com/intactdev/intact/internal/atomicfile"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/regularfile"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newCatalogFromEventsCmd() *cobra.Command {
	var (
		output, root, when string
		version            int
		signing            signingFlags
		trust              eventTrust
		fromUIDs           []uint
		verbose            bool
	)
	cmd := &cobra.Command{
		Use:   "from-events EVENTS... [--root DIR] [-o NEW.cat]",
		Short: "Propose a catalog that would allow the files that audit events name",
		Long: `Read code-integrity events (intact's JSON lines: INTACT_EVENT_LOG files,
the file sink of events.conf; or "journalctl -o json" output; "-" reads
stdin) and propose a catalog listing the files that were
refused, or would have been in audit mode, because no trusted catalog
listed them (not-in-catalog, untrusted-signer).

Only events no other user could have forged are taken; the others are
listed as not trusted, with why:
  - an EVENTS file must be one only root can change (owned by root, not
    writable by group or others, in folders the same), unless
    --trust-files; so must a file redirected to stdin. A pipe on stdin is
    what you pipe in, and is taken as yours (on Linux; not a named pipe,
    which others may write; nor a terminal of another user);
  - never give it what a program wrote to stderr: intact's audit events
    there share the stream with the audited program, which can write any
    event. Use INTACT_EVENT_LOG or a system sink (events.conf);
  - a journal entry must carry the fields journald adds itself: sent by
    intact's journald sink (SYSLOG_IDENTIFIER=intact, _TRANSPORT=journal)
    from uid 0, or a uid --from-uid names, by a program named intact
    (_EXE), or one --from-exe names — from a uid other than 0, a program
    only root can change — on this machine (_MACHINE_ID, when
    /etc/machine-id says which it is). Export the journal on the machine
    itself: "journalctl -o json SYSLOG_IDENTIFIER=intact _UID=0 | intact
    catalog from-events -";
  - syslog lines say nothing true of their sender (any user can write one
    with logger): they are refused, unless --trust-syslog, which trusts
    every local user;
  - events of "intact check" (any user may check a file of theirs) are
    never taken.
Each file proposed is shown with the event that proposed it: the file and
line, and for a journal entry its cursor and sender. Untrusted events are
summarised: a few of each source and reason, then how many more
(--verbose lists every one).

Nothing is added blindly. Each file is hashed again and added only when
its bytes are still those the event saw (its sha256): a file changed
since is reported, not listed. Events a catalog cannot answer (a file
denied by hash or by signer, refused by the kernel, too large, a blocked
eval or REPL) are reported with their reason.

Without -o this only prints what it would add. With -o it writes a new
catalog (never over an existing file) listing those files, paths relative
to --root (by default the deepest folder that holds them all; untrusted
events never widen it), signed
when signing flags are given, as for "catalog new". Sign it with a key
the policy trusts and put it beside the others (for the system policy,
in /etc/intact/catalogs/): files it lists then run under the enforcing
policy; any other change to them is still refused.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if version != 1 && version != 2 {
				return exitstatus.UsageError(fmt.Errorf("--version %d: want 1 or 2", version))
			}
			t, err := catalogTime(when)
			if err != nil {
				return exitstatus.UsageError(err)
			}
			if output != "" {
				if err := checkOutput(output); err != nil {
					return exitstatus.UsageError(err)
				}
				if _, err := os.Lstat(output); err == nil {
					return exitstatus.UsageError(fmt.Errorf("%s exists: from-events writes only new files", output))
				}
			}
			var key *signingKey
			if signing.given() {
				if output == "" {
					return errors.New("signing flags need -o NEW.cat")
				}
				if key, err = signing.open(cmd.ErrOrStderr()); err != nil {
					return err
				}
				defer key.Close()
			}
			trust.uids = []string{"0"}
			trust.machineID = thisMachineID()
			for _, uid := range fromUIDs {
				trust.uids = append(trust.uids, strconv.FormatUint(uint64(uid), 10))
			}
			out := cmd.OutOrStdout()
			fold := newEventFold()
			if verbose {
				fold.verbose = out
			}
			if err := readEventFiles(args, cmd.InOrStdin(), &trust, cmd.ErrOrStderr(), fold.add); err != nil {
				return exitstatus.UsageError(err)
			}
			fold.printUntrusted(out)
			p := fold.propose(cmd.Context(), root)
			for _, s := range p.skipped {
				printf(out, "not added: %s: %s\n", s.what, s.why)
			}
			for i, f := range p.files {
				printf(out, "would add: %s (%s, SHA-256 %s)\n  from %s\n", f.Path, f.Kind, hexDigest(f), p.origins[i])
			}
			if len(p.files) == 0 {
				printf(out, "nothing to add (%d events read)\n", fold.events)
				if output != "" {
					// A pipeline "from-events -o new.cat && deploy" must
					// not go on with a file that was never written.
					printf(out, "no catalog written: %s not created\n", output)
					return exitstatus.Error(exitstatus.Refused)
				}
				return nil
			}
			if output == "" {
				printf(out, "%d files under %s; no catalog written: give -o NEW.cat to write one\n", len(p.files), p.root)
				return nil
			}
			attrs, err := rootAttributes(cmd.ErrOrStderr(), p.files, nil, p.root)
			if err != nil {
				return err
			}
			data, err := catalog.Build(p.files, catalog.BuildOptions{Version: version, Time: t, Attributes: attrs})
			if err != nil {
				return err
			}
			if key != nil {
				if data, err = signing.sign(cmd.Context(), cmd.ErrOrStderr(), data, key); err != nil {
					return err
				}
			}
			// Never over a file, even one made while this ran.
			if err := atomicfile.WriteNew(output, data, 0o644); errors.Is(err, fs.ErrExist) {
				return exitstatus.UsageError(fmt.Errorf("%s exists: from-events writes only new files", output))
			} else if err != nil {
				return err
			}
			state := "unsigned: sign it with a key the policy trusts (intact catalog sign)"
			if key != nil {
				state = "signed"
			}
			printf(out, "%s: %d files under %s, %s\n", output, len(p.files), p.root, state)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&output, "output", "o", "", "write the catalog to `NEW.cat`, which must not exist")
	fl.StringVar(&root, "root", "", "the folder `DIR` the catalog's paths are relative to (default: the deepest folder holding every file)")
	fl.IntVar(&version, "version", 2, "catalog version: 2 (SHA-256) or 1 (SHA-1)")
	fl.StringVar(&when, "time", "", "effective date, RFC 3339 (default: $SOURCE_DATE_EPOCH, else now)")
	fl.UintSliceVar(&fromUIDs, "from-uid", nil, "also take journal entries sent by this `uid` (repeatable; root's always count)")
	fl.StringArrayVar(&trust.exes, "from-exe", nil, "also take journal entries sent by the program at this `path` (_EXE; repeatable; a program named intact always counts)")
	fl.BoolVarP(&verbose, "verbose", "v", false, "list every event not trusted (by default a few of each kind, then how many more)")
	fl.BoolVar(&trust.files, "trust-files", false, "take the events of EVENTS files that anyone but root can write (they can forge any event)")
	fl.BoolVar(&trust.syslog, "trust-syslog", false, "take syslog lines tagged intact, which every local user can write")
	signing.register(cmd)
	return cmd
}

// A codeEvent is what from-events needs of an event: the fields of
// doc/code-integrity.md's EVENTS, where it was read, and why it is not
// trusted.
type codeEvent struct {
	Event, Path, SHA256, Reason, Feature string
	// Check says the event came from intact check: a diagnosis any user
	// may make of a file of theirs, not a run.
	Check bool

	form   eventForm
	prefix string            // what precedes the JSON of a syslog line
	sender map[string]string // a journal entry's trusted fields, by name

	origin   string // file:line, and a journal entry's cursor and sender
	distrust string // why the event is not taken; empty when it is
}

// eventForm is the form an event was read in.
type eventForm int

const (
	formJSON    eventForm = iota // intact's own JSON line (INTACT_EVENT_LOG, the file sink, stderr)
	formJournal                  // an entry of journalctl -o json
	formSyslog                   // the JSON after a syslog line's prefix
)

// journalTrusted are the fields of a journal entry from-events looks at:
// those journald sets itself, which a sender cannot (_UID, _COMM, _EXE,
// _TRANSPORT), the cursor that names the entry, and the identifier the
// sender chose.
var journalTrusted = []string{"_UID", "_COMM", "_EXE", "_TRANSPORT", "_MACHINE_ID", "__CURSOR", "SYSLOG_IDENTIFIER"}

// eventTrust is whom from-events believes.
type eventTrust struct {
	uids      []string // journal senders (_UID) whose entries count: root, and --from-uid
	exes      []string // --from-exe: programs (_EXE) besides one named intact whose entries count
	machineID string   // this machine's /etc/machine-id; empty when unknown
	files     bool     // --trust-files: event files whoever can write them
	syslog    bool     // --trust-syslog: syslog lines tagged intact, from whoever sent them
}

// maxEventLine bounds one line of an event file: events are a few hundred
// bytes, paths at most a few kilobytes.
const maxEventLine = 1 << 20

// readEventFiles reads the events of every file ("-" is stdin), skipping
// lines that are not code-integrity events and, with a warning, lines
// longer than maxEventLine. Each event is judged as trust says and handed
// to use as it is read: none is kept here.
func readEventFiles(names []string, stdin io.Reader, trust *eventTrust, warn io.Writer, use func(*codeEvent)) error {
	for _, name := range names {
		var r io.Reader = stdin
		label, untrusted := "stdin", ""
		if name == "-" && !trust.files {
			untrusted = stdinDistrust(stdin)
		}
		if name != "-" {
			// Opened without blocking and refused unless a regular file:
			// a FIFO put in its place would hang the command.
			f, err := regularfile.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			r, label = f, name
			if !trust.files {
				// Events are only what the file says: whoever can write
				// it can write any event.
				if _, err := adminpath.Check(name); err != nil {
					untrusted = fmt.Sprintf("%v (events in it are only as trustworthy as whoever can write it; --trust-files trusts them)", err)
				}
			}
		}
		err := eachLine(r, maxEventLine, func(n int, line []byte) {
			ev, ok := parseEventLine(line)
			if !ok {
				return
			}
			ev.origin = fmt.Sprintf("%s:%d", label, n)
			if ev.form == formJournal {
				ev.origin += " (" + ev.journalSender() + ")"
			}
			ev.distrust = untrusted
			if ev.distrust == "" {
				ev.distrust = trust.judge(&ev)
			}
			use(&ev)
		}, func(n int) {
			printf(warn, "warning: %s:%d: a line longer than %d bytes, skipped\n", label, n, maxEventLine)
		})
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
	}
	return nil
}

// machineIDFile names this machine to its journal (_MACHINE_ID). The
// cmd/intact test binary replaces it.
var machineIDFile = "/etc/machine-id"

// thisMachineID returns this machine's ID, or "" when it has none.
func thisMachineID() string {
	data, err := regularfile.Read(machineIDFile, 256)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// stdinDistrust says why events on stdin are not taken, or returns "" for
// a pipe a command feeds (not a FIFO, which has a path others may open) or
// the operator's own terminal. A file redirected to
// stdin is judged as a named one: whoever can write it can write any
// event, and "< file" must not trust what "file" would not.
func stdinDistrust(stdin io.Reader) string {
	f, ok := stdin.(*os.File)
	if !ok {
		return "" // a reader the caller gave
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Sprintf("stdin: %v", err)
	}
	switch m := fi.Mode(); {
	case m&os.ModeNamedPipe != 0:
		if !anonymousPipe(f) {
			return "stdin is a named pipe (FIFO), which whoever may open it can write: pipe the events in from a command, or name their file"
		}
		return ""
	case m&os.ModeCharDevice != 0 && m&os.ModeDevice != 0:
		if !term.IsTerminal(int(f.Fd())) {
			return "stdin is a device, not a terminal: pipe the events in or name their file"
		}
		if !ownedBySelf(fi) {
			return "stdin is a terminal of another user, who can type any event into it: pipe the events in or name their file"
		}
		return ""
	case !m.IsRegular():
		return fmt.Sprintf("stdin is not a pipe or a file but %v: pipe the events in or name their file", m.Type())
	case runtime.GOOS == "windows":
		return "stdin is a file intact cannot name to check who can write it: name the file instead"
	}
	if _, err := adminpath.Check("/dev/stdin"); err != nil {
		return fmt.Sprintf("stdin: %v (events in it are only as trustworthy as whoever can write it; --trust-files trusts them)", err)
	}
	return ""
}

// journalSender describes a journal entry by what journald says of it.
func (ev *codeEvent) journalSender() string {
	parts := []string{"journal"}
	for _, f := range []struct{ key, name string }{{"__CURSOR", "cursor"}, {"_UID", "uid"}, {"_COMM", "comm"}, {"_EXE", "exe"}} {
		if v, ok := ev.sender[f.key]; ok {
			parts = append(parts, f.name+" "+v)
		}
	}
	return strings.Join(parts, ", ")
}

// syslogTag matches the end of a syslog prefix that intact's syslog sink
// writes: the tag intact, with or without a process id.
var syslogTag = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(^|\s)intact(\[[0-9]+\])?:$`)
})

// judge says why ev, read from a source the operator trusts, is still not
// taken: a syslog line (nothing says who sent it), a journal entry whose
// trusted fields do not show intact run by an allowed user, or an event
// of intact check. It returns "" for an event to take.
func (t *eventTrust) judge(ev *codeEvent) string {
	switch ev.form {
	case formSyslog:
		if !t.syslog {
			return "a syslog line, which any local user can write (logger): read \"journalctl -o json\" or intact's file sink instead, or give --trust-syslog to trust every local user"
		}
		if !syslogTag().MatchString(ev.prefix) {
			return "a syslog line not tagged intact"
		}
	case formJournal:
		s := ev.sender
		switch {
		case s["_UID"] == "" || s["_TRANSPORT"] == "" || s["_EXE"] == "":
			return "a journal entry without the fields journald adds (_UID, _TRANSPORT, _EXE): not an export of journalctl on this machine"
		case t.machineID != "" && !strings.EqualFold(s["_MACHINE_ID"], t.machineID):
			return fmt.Sprintf("a journal entry of machine %q, not this one (%s)", s["_MACHINE_ID"], t.machineID)
		case s["SYSLOG_IDENTIFIER"] != "intact":
			return fmt.Sprintf("a journal entry of %q, not intact", s["SYSLOG_IDENTIFIER"])
		case s["_TRANSPORT"] != "journal":
			return fmt.Sprintf("a journal entry sent by %s, not by intact's journald sink", s["_TRANSPORT"])
		case !slices.Contains(t.uids, s["_UID"]):
			return fmt.Sprintf("a journal entry of uid %s, not an allowed sender (root; --from-uid adds one)", s["_UID"])
		case path.Base(s["_EXE"]) != "intact" && !slices.Contains(t.exes, s["_EXE"]):
			// _COMM is not asked: a process may rename itself; _EXE is
			// what the kernel says it runs.
			return fmt.Sprintf("a journal entry sent by %s, not by intact (--from-exe adds a program)", s["_EXE"])
		case s["_UID"] != "0":
			// A user may copy any program that writes to the journal to
			// a file of theirs named intact: from a sender other than
			// root, the program must be one only root can change.
			if _, err := adminpath.Check(s["_EXE"]); err != nil {
				return fmt.Sprintf("a journal entry of uid %s sent by %s, a program not only root can change: %v", s["_UID"], s["_EXE"], err)
			}
		}
	}
	if ev.Check {
		return "an event of intact check, which any user may run on a file of theirs: a diagnosis, not a run"
	}
	return ""
}

// eachLine calls line with each line of r and its number, without its
// line ending. A line longer than max bytes is not kept: tooLong is called
// with its number instead, and reading goes on.
func eachLine(r io.Reader, max int, line func(n int, b []byte), tooLong func(n int)) error {
	br := bufio.NewReader(r)
	var buf []byte
	for n := 1; ; n++ {
		buf = buf[:0]
		long := false
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			if !long && len(buf)+len(chunk) <= max+1 { // +1: the newline
				buf = append(buf, chunk...)
			} else {
				long = true
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return err
		}
		switch {
		case long || len(bytes.TrimSuffix(buf, []byte("\n"))) > max:
			tooLong(n)
		case len(buf) > 0:
			line(n, bytes.TrimRight(buf, "\r\n"))
		}
		if err == io.EOF {
			return nil
		}
	}
}

// parseEventLine decodes one code-integrity event from a line: intact's
// JSON (msg "code integrity"), journalctl's JSON (INTACT_* fields, a value
// that is not UTF-8 or holds a newline given as an array of bytes), or
// either after a syslog prefix. Anything else is not an event. Whom to
// believe is judged later (eventTrust.judge).
func parseEventLine(line []byte) (codeEvent, bool) {
	i := bytes.IndexByte(line, '{')
	if i < 0 {
		return codeEvent{}, false
	}
	var fields map[string]any
	if json.Unmarshal(line[i:], &fields) != nil {
		return codeEvent{}, false
	}
	field := func(key string) string {
		switch v := fields[key].(type) {
		case string:
			return v
		case bool: // intact's JSON "check"
			return strconv.FormatBool(v)
		case []any: // journalctl's form of a binary value
			b := make([]byte, 0, len(v))
			for _, x := range v {
				n, ok := x.(float64)
				if !ok || n < 0 || n > 255 || n != float64(byte(n)) {
					return ""
				}
				b = append(b, byte(n))
			}
			return string(b)
		}
		return ""
	}
	_, journal := fields["INTACT_EVENT"]
	get := func(key string) string {
		if journal {
			return field("INTACT_" + strings.ToUpper(key))
		}
		return field(key)
	}
	if !journal && fields["msg"] != "code integrity" {
		return codeEvent{}, false
	}
	ev := codeEvent{Event: get("event"), Path: get("path"), SHA256: get("sha256"), Reason: get("reason"), Feature: get("feature"), Check: get("check") == "true"}
	switch {
	case len(bytes.TrimSpace(line[:i])) > 0:
		ev.form, ev.prefix = formSyslog, string(bytes.TrimSpace(line[:i]))
	case journal:
		ev.form, ev.sender = formJournal, map[string]string{}
		for _, k := range journalTrusted {
			if v := field(k); v != "" {
				ev.sender[k] = v
			}
		}
	}
	switch ev.Event {
	case intact.EventAudit, intact.EventDenied, intact.EventBlocked:
		return ev, true
	}
	return codeEvent{}, false
}

// catalogAllows are the reasons of refusals that a further trusted catalog
// listing the file answers. changed-since-signing is not-in-catalog with
// more said: a catalog listed other bytes at that path (the review shows
// the reason, so an operator sees a file that changed after signing).
var catalogAllows = []enforcer.Reason{enforcer.ReasonNotInCatalog, enforcer.ReasonChangedSinceSign, enforcer.ReasonUntrustedSigner}

// proposal is what from-events would list, and what it would not and why.
type proposal struct {
	root    string
	files   []catalog.File
	origins []string // where the first event naming each file was read
	skipped []skip
}

type skip struct{ what, why string }

// An eventFold keeps of the events read only what a proposal needs: the
// files trusted events name, with the digests they saw; each distinct
// reason a file is not added; and the untrusted events counted by source
// and reason, with a few examples of each. Its memory grows with the
// files and reasons, not with the events: a long-lived sink, or a journal
// any user can write to, is read in bounded memory.
type eventFold struct {
	verbose io.Writer // --verbose: every untrusted event is printed here as read

	events   int // read
	cands    []*candidate
	byPath   map[string]*candidate
	skipped  []skip
	reported map[skip]bool
	groups   []*distrustGroup
	byWhy    map[string]*distrustGroup
}

type candidate struct {
	path   string
	sums   []string // the digests events saw, in order, without repeats
	origin string   // of the first event naming it
}

// A distrustGroup is the untrusted events of one source with one reason.
type distrustGroup struct {
	source, why string
	count       int
	examples    []string // "origin: what" of the first few
}

const (
	// distrustExamples is how many untrusted events of a kind are listed
	// without --verbose.
	distrustExamples = 3
	// maxDistrustGroups bounds the kinds kept; the reasons of further
	// ones, which quote what a sender chose, are counted together.
	maxDistrustGroups = 100
)

func newEventFold() *eventFold {
	return &eventFold{byPath: map[string]*candidate{}, reported: map[skip]bool{}, byWhy: map[string]*distrustGroup{}}
}

func (f *eventFold) report(what, why string) {
	if s := (skip{what, why}); !f.reported[s] {
		f.reported[s] = true
		f.skipped = append(f.skipped, s)
	}
}

// add folds one event in.
func (f *eventFold) add(ev *codeEvent) {
	f.events++
	switch {
	case ev.distrust != "":
		f.distrusted(ev)
	case ev.Event == intact.EventBlocked && ev.Reason == string(enforcer.ReasonHostRefused):
		f.report(ev.Feature, "blocked (host-refused): refused by the program that runs the code, whatever the policy; no catalog allows it")
	case ev.Event == intact.EventBlocked:
		f.report(ev.Feature, fmt.Sprintf("blocked (%s): set by the policy's options; no catalog allows it", ev.Reason))
	case !slices.Contains(catalogAllows, enforcer.Reason(ev.Reason)):
		f.report(ev.Path, fmt.Sprintf("%s: no catalog allows it (see intact check)", ev.Reason))
	case !filepath.IsAbs(ev.Path):
		f.report(ev.Path, "a relative path: the event does not say relative to what")
	case ev.SHA256 == "":
		f.report(ev.Path, "the event has no digest: its bytes were never read")
	default:
		path := filepath.Clean(ev.Path) // one file, however the events spell it
		c := f.byPath[path]
		if c == nil {
			c = &candidate{path: path, origin: ev.origin}
			f.byPath[path] = c
			f.cands = append(f.cands, c)
		}
		if sum := strings.ToLower(ev.SHA256); !slices.Contains(c.sums, sum) {
			c.sums = append(c.sums, sum)
		}
	}
}

func (f *eventFold) distrusted(ev *codeEvent) {
	what := ev.Path
	if ev.Event == intact.EventBlocked {
		what = ev.Feature
	}
	example := ev.origin + ": " + what
	if f.verbose != nil {
		printf(f.verbose, "not trusted: %s: %s\n", example, ev.distrust)
	}
	source, _, _ := strings.Cut(ev.origin, ":")
	key := source + "\x00" + ev.distrust
	g := f.byWhy[key]
	if g == nil {
		if len(f.groups) == maxDistrustGroups {
			key = source + "\x00"
			if g = f.byWhy[key]; g == nil {
				g = &distrustGroup{source: source, why: "other reasons"}
				f.byWhy[key] = g
				f.groups = append(f.groups, g)
			}
		} else {
			g = &distrustGroup{source: source, why: ev.distrust}
			f.byWhy[key] = g
			f.groups = append(f.groups, g)
		}
	}
	g.count++
	if len(g.examples) < distrustExamples {
		g.examples = append(g.examples, example)
	}
}

// printUntrusted lists the untrusted events: without --verbose, a few of
// each kind and how many more there were.
func (f *eventFold) printUntrusted(w io.Writer) {
	if f.verbose != nil {
		return // printed as read
	}
	for _, g := range f.groups {
		for _, e := range g.examples {
			printf(w, "not trusted: %s: %s\n", e, g.why)
		}
		if more := g.count - len(g.examples); more > 0 {
			printf(w, "not trusted: %d more from %s: %s (--verbose lists them)\n", more, g.source, g.why)
		}
	}
}

// propose decides, for each file the trusted events name, whether a
// catalog should list it: only for a refusal a catalog answers, and only
// when the file's bytes are still those the events saw.
func (f *eventFold) propose(ctx context.Context, root string) *proposal {
	p := &proposal{}
	defer func() { p.skipped = f.skipped }()
	cands := f.cands
	if len(cands) == 0 {
		return p
	}
	if root == "" {
		root = filepath.Dir(cands[0].path)
		for _, c := range cands[1:] {
			for !within(root, c.path) {
				root = filepath.Dir(root)
			}
		}
	}
	root, _ = filepath.Abs(root)
	p.root = root
	origin := map[string]string{}
	for _, c := range cands {
		rel, err := filepath.Rel(root, c.path)
		if err != nil || !filepath.IsLocal(rel) {
			f.report(c.path, "outside the root "+root)
			continue
		}
		// A file no setting lets intact run is not read: a user could make
		// a file once audited sparse and terabytes long.
		if fi, err := os.Stat(c.path); err == nil && fi.Size() > intact.MaxCodeSizeLimit {
			f.report(c.path, fmt.Sprintf("%d bytes, more than intact ever runs (%d)", fi.Size(), int64(intact.MaxCodeSizeLimit)))
			continue
		}
		// Hashed as "catalog new" hashes it, once, and compared with what
		// the events saw: a catalog must list the bytes that were
		// reviewed, not whatever the file holds now.
		files, err := tree.HashFiles(ctx, root, []string{rel}, &tree.Options{})
		if err != nil {
			f.report(c.path, err.Error())
			continue
		}
		file := files[0]
		switch sum := flatDigest(c.path, file); {
		case file.Kind == catalog.KindPE:
			f.report(c.path, "a PE image: a catalog lists its Authenticode digest, which does not vouch for it as script")
		case !slices.Contains(c.sums, sum):
			f.report(c.path, fmt.Sprintf("changed since the event (SHA-256 now %s, the event saw %s)", strings.ToUpper(sum), strings.ToUpper(strings.Join(c.sums, ", "))))
		default:
			p.files = append(p.files, file)
			origin[file.Path] = c.origin
		}
	}
	slices.SortFunc(p.files, func(a, b catalog.File) int { return strings.Compare(a.Path, b.Path) })
	for _, file := range p.files {
		p.origins = append(p.origins, origin[file.Path])
	}
	return p
}

// within reports whether path lies in the folder dir.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && filepath.IsLocal(rel)
}

// emptySHA256 is the SHA-256 of no bytes, which an event of an empty file
// carries.
var emptySHA256 = sha256.Sum256(nil)

// flatDigest is the hex SHA-256 of a hashed file's bytes, as events give
// it: the file's flat digest, or for an empty one the digest of nothing.
func flatDigest(path string, f catalog.File) string {
	if f.Size == 0 {
		return hex.EncodeToString(emptySHA256[:])
	}
	return hex.EncodeToString(f.SHA256)
}

// hexDigest is a file's SHA-256 for people: uppercase, or for an empty
// file, which catalogs list without a digest, "none: empty file".
func hexDigest(f catalog.File) string {
	if f.Size == 0 {
		return "none: empty file"
	}
	return strings.ToUpper(hex.EncodeToString(f.SHA256))
}
