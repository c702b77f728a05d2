//go:build unix

package intact_test

import (
	"errors"
	"os"
	"slices"
	"syscall"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// TestVerdictFIFOIsStdin: under DisableInteractiveMode a named pipe is
// refused as stdin, by ReadCode and ReadImage alike, in audit mode too:
// one block event whose error is the not-regular-file refusal, which is
// not logged itself; read ahead, nothing is logged.
func TestVerdictFIFOIsStdin(t *testing.T) {
	fifo := newFIFO(t)
	for _, s := range []enforcer.Settings{
		{EnforceCodeIntegrity: true, DisableInteractiveMode: true},
		{EnforceCodeIntegrity: true, DisableInteractiveMode: true, Audit: true},
	} {
		p, log := newLogged(contentJudge{"a", s, "", nil})
		for _, read := range []func(string) ([]byte, error){p.ReadCode, p.ReadImage} {
			_, err := read(fifo)
			var b *intact.BlockedError
			if !errors.As(err, &b) || b.Feature != intact.FeatureStdin {
				t.Fatalf("%+v: %v, want a block", s, err)
			}
			if got, want := denials(b.Err), []string{"intact not-regular-file"}; !slices.Equal(got, want) {
				t.Errorf("%+v: the block's denials %q, want %q", s, got, want)
			}
		}
		want := []string{"blocked stdin interactive-mode-disabled", "blocked stdin interactive-mode-disabled"}
		if got := outline(t, log, nil); !slices.Equal(got, want) {
			t.Errorf("%+v: events %q, want %q", s, got, want)
		}
		var b *intact.BlockedError
		if _, err := p.ReadCodeAhead(fifo, 1<<20); !errors.As(err, &b) {
			t.Errorf("%+v: ReadCodeAhead = %v, want a block", s, err)
		}
		if got := outline(t, log, nil); len(got) != len(want) {
			t.Errorf("%+v: ReadCodeAhead logged %q", s, got[len(want):])
		}
	}
}

// TestVerdictAheadWithoutPolicy: with no policy in force, ReadCodeAhead
// still reads only regular files, and none over its limit.
func TestVerdictAheadWithoutPolicy(t *testing.T) {
	fifo := newFIFO(t)
	p := intact.New(intact.Config{})
	within(t, func() {
		if _, err := p.ReadCodeAhead(fifo, 1<<20); !slices.Equal(denials(err), []string{"intact not-regular-file"}) {
			t.Errorf("ReadCodeAhead(a FIFO) = %v, want not-regular-file", err)
		}
	})
	if _, err := p.ReadCodeAhead(newEnv(t).write("a.js", []byte("a()")), 2); !slices.Equal(denials(err), []string{"intact too-large"}) {
		t.Errorf("ReadCodeAhead over the limit = %v, want too-large", err)
	}
}

// newFIFO returns the path of a new named pipe that has no writer.
func newFIFO(t *testing.T) string {
	t.Helper()
	fifo := newEnv(t).path("fifo.js")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	return fifo
}

// resize is an OS enforcer whose check passes and then rewrites the file
// with other bytes, as a writer racing the reader would.
type resize struct{ evil []byte }

func (resize) Name() string                              { return "resize" }
func (resize) Settings() enforcer.Settings               { return enforce }
func (resize) Status() enforcer.Status                   { return enforcer.Status{Available: true} }
func (r resize) CheckFile(f *os.File, path string) error { return os.WriteFile(path, r.evil, 0o644) }

// TestVerdictChangedStillJudged: a file that changed while it was read is
// refused, in audit mode too, and the content enforcers still judge the
// bytes read: their denials follow the change in the error, and their
// audited ones are logged before it.
func TestVerdictChangedStillJudged(t *testing.T) {
	good := []byte("GOOD = 1;\n")
	evil := []byte("EVIL = 'longer than the file was';\n")
	read := evil[:len(good)+1] // the size fstat found, and one byte more
	for _, tc := range []struct {
		settings enforcer.Settings
		events   []string
		denials  []string
	}{
		{enforce, []string{"denied intact changed-while-read data", "denied b not-in-catalog data"}, []string{"intact changed-while-read", "b not-in-catalog"}},
		{audit, []string{"audit b not-in-catalog data", "denied intact changed-while-read data"}, []string{"intact changed-while-read"}},
	} {
		path := newEnv(t).write("app.js", good)
		p, log := newLogged(resize{evil}, contentJudge{"b", tc.settings, enforcer.ReasonNotInCatalog, nil})
		data, err := p.ReadCode(path)
		if got := denials(err); data != nil || !slices.Equal(got, tc.denials) {
			t.Errorf("%+v: ReadCode = %q, denials %q; want %q", tc.settings, data, got, tc.denials)
		}
		if got := outline(t, log, read); !slices.Equal(got, tc.events) {
			t.Errorf("%+v: events %q, want %q", tc.settings, got, tc.events)
		}
	}
}
