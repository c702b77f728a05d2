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
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/enforcer"
	"github.com/spf13/cobra"
)

func newCatalogFromEventsCmd() *cobra.Command {
	var (
		output, root, when string
		version            int
		signing            signingFlags
	)
	cmd := &cobra.Command{
		Use:   "from-events EVENTS... [--root DIR] [-o NEW.cat]",
		Short: "Propose a catalog that would allow the files that audit events name",
		Long: `Read code-integrity events (INTACT_EVENT_LOG files, the JSON lines of
stderr in audit mode, "journalctl -o json" output, or syslog lines that
carry the JSON; "-" reads stdin) and propose a catalog listing the files
that were refused, or would have been in audit mode, because no trusted
catalog listed them (not-in-catalog, untrusted-signer).

Nothing is added blindly. Each file is hashed again and added only when
its bytes are still those the event saw (its sha256): a file changed
since is reported, not listed. Events a catalog cannot answer (a file
denied by hash or by signer, refused by the kernel, too large, a blocked
eval or REPL) are reported with their reason.

Without -o this only prints what it would add. With -o it writes a new
catalog (never over an existing file) listing those files, paths relative
to --root (by default the deepest folder that holds them all), signed
when signing flags are given, as for "catalog new". Sign it with a key
the policy trusts and put it beside the others (for the system policy,
in /etc/intact/catalogs/): files it lists then run under the enforcing
policy; any other change to them is still refused.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if version != 1 && version != 2 {
				return fmt.Errorf("--version %d: want 1 or 2", version)
			}
			t, err := catalogTime(when)
			if err != nil {
				return err
			}
			if output != "" {
				if err := checkOutput(output); err != nil {
					return err
				}
				if _, err := os.Lstat(output); err == nil {
					return fmt.Errorf("%s exists: from-events writes only new files", output)
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
			events, err := readEventFiles(args, cmd.InOrStdin())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			p := proposeFiles(cmd.Context(), events, root)
			for _, s := range p.skipped {
				printf(out, "not added: %s: %s\n", s.what, s.why)
			}
			for _, f := range p.files {
				printf(out, "would add: %s (%s, SHA-256 %s)\n", f.Path, f.Kind, hexDigest(f))
			}
			if len(p.files) == 0 {
				printf(out, "nothing to add (%d events read)\n", len(events))
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
			if err := writeFileAtomic(output, data); err != nil {
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
	signing.register(cmd)
	return cmd
}

// A codeEvent is what from-events needs of an event: the fields of
// doc/code-integrity.md's EVENTS.
type codeEvent struct {
	Event, Path, SHA256, Reason, Feature string
}

// maxEventLine bounds one line of an event file: events are a few hundred
// bytes, paths at most a few kilobytes.
const maxEventLine = 1 << 20

// readEventFiles reads the events of every file ("-" is stdin), skipping
// lines that are not code-integrity events.
func readEventFiles(names []string, stdin io.Reader) ([]codeEvent, error) {
	var events []codeEvent
	for _, name := range names {
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			if fi, err := f.Stat(); err != nil || fi.IsDir() {
				if err == nil {
					err = errors.New("is a directory")
				}
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			r = f
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, maxEventLine)
		for sc.Scan() {
			if ev, ok := parseEventLine(sc.Bytes()); ok {
				events = append(events, ev)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return events, nil
}

// parseEventLine decodes one code-integrity event from a line: intact's
// JSON (msg "code integrity"), journalctl's JSON (INTACT_* fields, a value
// that is not UTF-8 or holds a newline given as an array of bytes), or
// either after a syslog prefix. Anything else is not an event.
func parseEventLine(line []byte) (codeEvent, bool) {
	i := bytes.IndexByte(line, '{')
	if i < 0 {
		return codeEvent{}, false
	}
	var fields map[string]any
	if json.Unmarshal(line[i:], &fields) != nil {
		return codeEvent{}, false
	}
	get := func(key string) string {
		v, journal := fields["INTACT_"+strings.ToUpper(key)]
		if !journal {
			v = fields[key]
		}
		switch v := v.(type) {
		case string:
			return v
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
	if !journal && fields["msg"] != "code integrity" {
		return codeEvent{}, false
	}
	ev := codeEvent{Event: get("event"), Path: get("path"), SHA256: get("sha256"), Reason: get("reason"), Feature: get("feature")}
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
	skipped []skip
}

type skip struct{ what, why string }

// proposeFiles decides, for each file the events name, whether a catalog
// should list it: only for a refusal a catalog answers, and only when the
// file's bytes are still those the event saw.
func proposeFiles(ctx context.Context, events []codeEvent, root string) *proposal {
	p := &proposal{}
	type candidate struct {
		path string
		sums []string // the digests events saw, in order, without repeats
	}
	var cands []*candidate
	byPath := map[string]*candidate{}
	reported := map[skip]bool{}
	report := func(what, why string) {
		if s := (skip{what, why}); !reported[s] {
			reported[s] = true
			p.skipped = append(p.skipped, s)
		}
	}
	for _, ev := range events {
		switch {
		case ev.Event == intact.EventBlocked:
			report(ev.Feature, fmt.Sprintf("blocked (%s): set by the policy's options; no catalog allows it", ev.Reason))
		case !slices.Contains(catalogAllows, enforcer.Reason(ev.Reason)):
			report(ev.Path, fmt.Sprintf("%s: no catalog allows it (see intact check)", ev.Reason))
		case !filepath.IsAbs(ev.Path):
			report(ev.Path, "a relative path: the event does not say relative to what")
		case ev.SHA256 == "":
			report(ev.Path, "the event has no digest: its bytes were never read")
		default:
			c := byPath[ev.Path]
			if c == nil {
				c = &candidate{path: filepath.Clean(ev.Path)}
				byPath[ev.Path] = c
				cands = append(cands, c)
			}
			if !slices.Contains(c.sums, strings.ToLower(ev.SHA256)) {
				c.sums = append(c.sums, strings.ToLower(ev.SHA256))
			}
		}
	}
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
	for _, c := range cands {
		rel, err := filepath.Rel(root, c.path)
		if err != nil || !filepath.IsLocal(rel) {
			report(c.path, "outside the root "+root)
			continue
		}
		// Hashed as "catalog new" hashes it, once, and compared with what
		// the events saw: a catalog must list the bytes that were
		// reviewed, not whatever the file holds now.
		files, err := tree.HashFiles(ctx, root, []string{rel}, &tree.Options{})
		if err != nil {
			report(c.path, err.Error())
			continue
		}
		f := files[0]
		switch sum := flatDigest(c.path, f); {
		case f.Kind == catalog.KindPE:
			report(c.path, "a PE image: a catalog lists its Authenticode digest, which does not vouch for it as script")
		case !slices.Contains(c.sums, sum):
			report(c.path, fmt.Sprintf("changed since the event (SHA-256 now %s, the event saw %s)", strings.ToUpper(sum), strings.ToUpper(strings.Join(c.sums, ", "))))
		default:
			p.files = append(p.files, f)
		}
	}
	slices.SortFunc(p.files, func(a, b catalog.File) int { return strings.Compare(a.Path, b.Path) })
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
