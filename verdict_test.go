package intact_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// The tests in this file pin how ReadCode's verdict is put together from
// several enforcers' judgements: which denials refuse the file, which audit
// mode lets through, in which order they are logged, and with which digest.

// fileJudge judges open descriptors: it reads a few bytes first, as a
// checker may (moving the offset), then refuses with reason unless it is
// empty.
type fileJudge struct {
	name     string
	settings enforcer.Settings
	reason   enforcer.Reason
}

func (j fileJudge) Name() string                { return j.name }
func (j fileJudge) Settings() enforcer.Settings { return j.settings }
func (j fileJudge) Status() enforcer.Status     { return enforcer.Status{Available: true} }
func (j fileJudge) CheckFile(f *os.File, path string) error {
	f.Read(make([]byte, 4))
	if j.reason == "" {
		return nil
	}
	return &enforcer.Denial{Reason: j.reason}
}

// contentJudge judges bytes, refusing with reason unless it is empty, and
// counts the bytes it is shown.
type contentJudge struct {
	name     string
	settings enforcer.Settings
	reason   enforcer.Reason
	shown    *int
}

func (j contentJudge) Name() string                { return j.name }
func (j contentJudge) Settings() enforcer.Settings { return j.settings }
func (j contentJudge) Status() enforcer.Status     { return enforcer.Status{Available: true} }
func (j contentJudge) CheckContent(c enforcer.Content) error {
	if j.shown != nil {
		*j.shown++
	}
	if j.reason == "" {
		return nil
	}
	return &enforcer.Denial{Reason: j.reason}
}

// digestJudge is a contentJudge that refuses every digest it is asked
// about (enforcer.DigestChecker) and allows every content.
type digestJudge struct{ contentJudge }

func (j digestJudge) CheckDigest(sum [32]byte, size int64) error {
	return &enforcer.Denial{Reason: enforcer.ReasonNotInCatalog}
}

var (
	enforce = enforcer.Settings{EnforceCodeIntegrity: true}
	audit   = enforcer.Settings{EnforceCodeIntegrity: true, Audit: true}
)

// newLogged returns a policy over es whose events go to the log returned.
func newLogged(es ...enforcer.Enforcer) (*intact.Policy, *eventLog) {
	log := &eventLog{}
	return intact.New(intact.Config{Enforcers: es, Events: slog.New(slog.NewJSONHandler(log, nil))}), log
}

// outline returns each event as "event enforcer reason digest", where the
// digest is "none", "data" when it is the SHA-256 of data, or itself.
func outline(t *testing.T, log *eventLog, data []byte) []string {
	t.Helper()
	sum := sha256.Sum256(data)
	var out []string
	for _, ev := range log.events(t) {
		digest := ev["sha256"]
		switch digest {
		case "":
			digest = "none"
		case strings.ToUpper(hex.EncodeToString(sum[:])):
			digest = "data"
		}
		if ev["event"] == intact.EventBlocked {
			out = append(out, fmt.Sprintf("blocked %v %v", ev["feature"], ev["reason"]))
			continue
		}
		out = append(out, fmt.Sprintf("%v %v %v %v", ev["event"], ev["enforcer"], ev["reason"], digest))
	}
	return out
}

// denials returns the enforcer and reason of each denial of the
// *ViolationError in err's chain.
func denials(err error) []string {
	var v *intact.ViolationError
	if !errors.As(err, &v) {
		return nil
	}
	var out []string
	for _, d := range v.Denials {
		out = append(out, d.Enforcer+" "+string(d.Reason))
	}
	return out
}

// TestVerdictAccumulates: audited denials are logged before the denials
// that refuse the file, those of the descriptor checks with the digest of
// the bytes when the file was read after all; a refusal of the descriptor
// stops the checks before any byte is read; only the denials that refuse
// the file are in the error.
func TestVerdictAccumulates(t *testing.T) {
	code := []byte("module.exports = 'code';\n")
	for _, tc := range []struct {
		name      string
		enforcers []enforcer.Enforcer
		events    []string
		denials   []string // nil: the bytes are returned
	}{{
		name: "audited descriptor, audited and enforced content",
		enforcers: []enforcer.Enforcer{
			fileJudge{"os", audit, enforcer.ReasonKernelRefused},
			contentJudge{"a", audit, enforcer.ReasonNotInCatalog, nil},
			contentJudge{"b", enforce, enforcer.ReasonDeniedByHash, nil},
		},
		events: []string{
			"audit os kernel-refused data",
			"audit a not-in-catalog data",
			"denied b denied-by-hash data",
		},
		denials: []string{"b denied-by-hash"},
	}, {
		name: "audited and enforced descriptor",
		enforcers: []enforcer.Enforcer{
			fileJudge{"os-audit", audit, enforcer.ReasonKernelRefused},
			fileJudge{"os", enforce, enforcer.ReasonBlockedByPolicy},
			contentJudge{"a", audit, enforcer.ReasonNotInCatalog, nil},
		},
		events: []string{
			"audit os-audit kernel-refused none",
			"denied os blocked-by-policy none",
		},
		denials: []string{"os blocked-by-policy"},
	}, {
		name: "everything audited",
		enforcers: []enforcer.Enforcer{
			fileJudge{"os", audit, enforcer.ReasonKernelRefused},
			contentJudge{"a", audit, enforcer.ReasonNotInCatalog, nil},
		},
		events: []string{
			"audit os kernel-refused data",
			"audit a not-in-catalog data",
		},
	}, {
		name: "a descriptor checker moved the offset",
		enforcers: []enforcer.Enforcer{
			fileJudge{"os", enforce, ""},
			contentJudge{"a", enforce, "", nil},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			p, log := newLogged(tc.enforcers...)
			data, err := p.ReadCode(newEnv(t).write("code.js", code))
			if got := outline(t, log, code); !slices.Equal(got, tc.events) {
				t.Errorf("events:\n\t%q\nwant\n\t%q", got, tc.events)
			}
			if got := denials(err); !slices.Equal(got, tc.denials) {
				t.Errorf("denials %q, want %q (%v)", got, tc.denials, err)
			}
			if tc.denials == nil && !bytes.Equal(data, code) {
				t.Errorf("ReadCode = %q, %v; want the whole file", data, err)
			}
		})
	}
}

// TestVerdictStreamed: a large file refused by its digest alone is logged
// with that digest, after the audited denials of its descriptor, and no
// content checker is shown its bytes; in audit mode the digest is not
// asked for and the bytes are judged once read.
func TestVerdictStreamed(t *testing.T) {
	code := bytes.Repeat([]byte("// large\n"), (2<<20)/9)
	path := newEnv(t).write("large.js", code)

	var shown int
	p, log := newLogged(fileJudge{"os", audit, enforcer.ReasonKernelRefused}, digestJudge{contentJudge{"d", enforce, "", &shown}})
	_, err := p.ReadCode(path)
	want := []string{"audit os kernel-refused data", "denied d not-in-catalog data"}
	if got := outline(t, log, code); !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if got := denials(err); !slices.Equal(got, []string{"d not-in-catalog"}) || shown != 0 {
		t.Errorf("denials %q, content checks %d; want d's digest denial and none (%v)", got, shown, err)
	}

	p, log = newLogged(digestJudge{contentJudge{"d", audit, "", &shown}})
	if data, err := p.ReadCode(path); err != nil || !bytes.Equal(data, code) || shown != 1 {
		t.Errorf("audit mode: %d bytes, %v, %d content checks; want the file, judged once", len(data), err, shown)
	}
	if evs := log.events(t); len(evs) != 0 {
		t.Errorf("audit mode: events %v, want none", evs)
	}
}

// TestVerdictOpenFails: a path that cannot be opened (here, one with a NUL
// in it) is refused as unreadable, in audit mode too, while code integrity
// is checked, logged unless read ahead; otherwise it is the plain error.
func TestVerdictOpenFails(t *testing.T) {
	const path = "bad\x00name.js"
	p, log := newLogged(contentJudge{"a", audit, "", nil})
	if _, err := p.ReadCode(path); !slices.Equal(denials(err), []string{"intact unreadable"}) {
		t.Errorf("audit mode: ReadCode = %v, want refused as unreadable", err)
	}
	if _, err := p.ReadCodeAhead(path, 1<<20); !slices.Equal(denials(err), []string{"intact unreadable"}) {
		t.Errorf("audit mode: ReadCodeAhead = %v, want refused as unreadable", err)
	}
	if got, want := outline(t, log, nil), []string{"denied intact unreadable none"}; !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}

	for name, s := range map[string]enforcer.Settings{"no policy": {}, "interactive mode disabled": {DisableInteractiveMode: true}} {
		p, log := newLogged(contentJudge{"a", s, enforcer.ReasonNotInCatalog, nil})
		for _, read := range []func() ([]byte, error){
			func() ([]byte, error) { return p.ReadCode(path) },
			func() ([]byte, error) { return p.ReadCodeAhead(path, 1<<20) },
		} {
			if _, err := read(); err == nil || intact.ErrorCode(err) != "" {
				t.Errorf("%s: %v, want the plain error", name, err)
			}
		}
		if evs := log.events(t); len(evs) != 0 {
			t.Errorf("%s: events %v, want none", name, evs)
		}
	}
}

// TestVerdictStdin: code on stdin under DisableInteractiveMode is judged
// by every enforcer that can judge code, those that do not enforce code
// integrity too, and audit mode lets nothing through; a refusal is one
// block event wrapping the denials, which are not logged themselves.
// ReadCode judges the same file by the enforcers that enforce code
// integrity, as audit mode says.
func TestVerdictStdin(t *testing.T) {
	code := []byte("module.exports = 'stdin';\n")
	path := newEnv(t).write("code.js", code)
	p, log := newLogged(
		contentJudge{"interactive", enforcer.Settings{DisableInteractiveMode: true}, enforcer.ReasonNotInCatalog, nil},
		fileJudge{"os", audit, enforcer.ReasonKernelRefused},
	)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = p.ReadStdin(f)
	var b *intact.BlockedError
	if !errors.As(err, &b) || b.Feature != intact.FeatureStdin {
		t.Fatalf("ReadStdin = %v, want a block", err)
	}
	if got, want := denials(b.Err), []string{"os kernel-refused"}; !slices.Equal(got, want) {
		t.Errorf("the block's denials %q, want %q: the descriptor's refusal stops the checks", got, want)
	}
	if got, want := outline(t, log, code), []string{"blocked stdin interactive-mode-disabled"}; !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if evs := log.events(t); len(evs) == 1 && evs[0]["error"] != b.Err.Error() {
		t.Errorf("block event error %q, want %q", evs[0]["error"], b.Err.Error())
	}

	p, log = newLogged(
		contentJudge{"interactive", enforcer.Settings{DisableInteractiveMode: true}, enforcer.ReasonNotInCatalog, nil},
		contentJudge{"a", audit, enforcer.ReasonDeniedByHash, nil},
	)
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadStdin(f); !errors.As(err, &b) {
		t.Fatalf("ReadStdin = %v, want a block", err)
	}
	if got, want := denials(b.Err), []string{"interactive not-in-catalog", "a denied-by-hash"}; !slices.Equal(got, want) {
		t.Errorf("the block's denials %q, want %q", got, want)
	}
	if data, err := p.ReadCode(path); err != nil || !bytes.Equal(data, code) {
		t.Errorf("ReadCode = %q, %v; want the file, audited", data, err)
	}
	want := []string{"blocked stdin interactive-mode-disabled", "audit a denied-by-hash data"}
	if got := outline(t, log, code); !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
}

// TestVerdictInteractiveOnly: a policy that only disables interactive mode
// judges no file's bytes but still refuses, and logs, one larger than the
// maximum code size; read ahead, it logs nothing; explained, it has no
// verdicts and the bytes' digest.
func TestVerdictInteractiveOnly(t *testing.T) {
	code := []byte("module.exports = 'small';\n")
	path := newEnv(t).write("code.js", code)
	log := &eventLog{}
	p := intact.New(intact.Config{
		Enforcers:   []enforcer.Enforcer{contentJudge{"interactive", enforcer.Settings{DisableInteractiveMode: true}, enforcer.ReasonNotInCatalog, nil}},
		Events:      slog.New(slog.NewJSONHandler(log, nil)),
		MaxCodeSize: int64(len(code)),
	})
	data, ex, err := p.ExplainCode(path)
	if err != nil || !bytes.Equal(data, code) || ex.Verdicts != nil || ex.SHA256 != sha256.Sum256(code) {
		t.Errorf("ExplainCode = %q, %+v, %v; want the file, its digest, no verdicts", data, ex, err)
	}
	if _, err := p.ReadCodeAhead(path, int64(len(code)-1)); !slices.Equal(denials(err), []string{"intact too-large"}) {
		t.Errorf("ReadCodeAhead over its limit = %v, want too-large", err)
	}
	if evs := log.events(t); len(evs) != 0 {
		t.Errorf("events %v, want none", evs)
	}
	if err := os.WriteFile(path, append(code, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadCode(path); !slices.Equal(denials(err), []string{"intact too-large"}) {
		t.Errorf("ReadCode over the maximum = %v, want too-large", err)
	}
	if got, want := outline(t, log, nil), []string{"denied intact too-large none"}; !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
}
