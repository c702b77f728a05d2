package intact_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
)

// TestReadCodeAhead: ReadCodeAhead returns ReadCode's bytes for a file the
// policy allows, and refuses, logging nothing, a file ReadCode would refuse,
// one it would let through in audit mode with an event, and one larger
// than the limit given; ReadCode then refuses and logs as always, once.
func TestReadCodeAhead(t *testing.T) {
	for _, audit := range []bool{false, true} {
		e := newEnv(t)
		good, spec, cats := withTrusted(e, trustedCode)
		spec.audit = audit
		evil := e.write("evil.js", evilCode)
		p, log := e.load([]string{e.policy("policy.xml", spec)}, cats)

		data, err := p.ReadCodeAhead(good, 1<<20)
		if err != nil || !bytes.Equal(data, trustedCode) {
			t.Fatalf("audit %v: ReadCodeAhead(signed) = %q, %v", audit, data, err)
		}
		if _, err := p.ReadCodeAhead(good, int64(len(trustedCode)-1)); !hasReason(err, enforcer.ReasonTooLarge) {
			t.Errorf("audit %v: ReadCodeAhead over the limit = %v, want too-large", audit, err)
		}
		if data, err := p.ReadCodeAhead(evil, 1<<20); !hasReason(err, enforcer.ReasonNotInCatalog) || data != nil {
			t.Errorf("audit %v: ReadCodeAhead(unsigned) = %q, %v, want not-in-catalog and no bytes", audit, data, err)
		}
		if _, err := p.ReadCodeAhead(e.path("missing.js"), 1<<20); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("audit %v: ReadCodeAhead(missing) = %v, want not exist", audit, err)
		}
		if evs := log.events(t); len(evs) != 0 {
			t.Fatalf("audit %v: reads ahead logged %v", audit, evs)
		}

		data, err = p.ReadCode(evil)
		want := intact.EventDenied
		if audit {
			want = intact.EventAudit
			if err != nil || !bytes.Equal(data, evilCode) {
				t.Errorf("ReadCode(unsigned) in audit mode = %q, %v, want its bytes", data, err)
			}
		} else if !hasReason(err, enforcer.ReasonNotInCatalog) {
			t.Errorf("ReadCode(unsigned) = %v, want not-in-catalog", err)
		}
		evs := log.events(t)
		if len(evs) != 1 || evs[0]["event"] != want || evs[0]["path"] != evil {
			t.Errorf("audit %v: ReadCode(unsigned) logged %v, want one %q event for %s", audit, evs, want, evil)
		}
	}
}
