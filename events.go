package intact

import (
	"context"
	"encoding/hex"
	"log/slog"
	"strings"

	"github.com/intactdev/intact/enforcer"
)

// Event kinds, the value of an event's "event" field. Every event also has
// a "reason", a stable code (an enforcer.Reason: the denial's, or the
// block's, BlockedError.Reason), and its free text in "detail" and
// "error"; doc/code-integrity.md lists the fields of each kind.
const (
	EventDenied  = "denied"  // a file was refused
	EventAudit   = "audit"   // a file would have been refused; audit mode let it run
	EventBlocked = "blocked" // a feature (eval, REPL, stdin, dynamic code) was refused, or what the host refused (LogRefusal)
)

// eventMessage is every event record's message, so that one grep finds them.
const eventMessage = "code integrity"

// logDenial logs a file event. check says the file was judged for a
// diagnosis (Policy.ExplainCode, ExplainImage: intact check), not read to
// run: such an event must never become a reason to allow the file.
func (p *Policy) logDenial(kind, path string, sum *[32]byte, d *enforcer.Denial, check bool) {
	if p.events == nil {
		return
	}
	level := slog.LevelError
	if kind == EventAudit {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("event", kind),
		slog.String("path", path),
		slog.String("sha256", hexSum(sum)),
		slog.String("enforcer", d.Enforcer),
		slog.String("reason", string(d.Reason)),
	}
	if d.Detail != "" {
		attrs = append(attrs, slog.String("detail", d.Detail))
	}
	if d.Err != nil {
		attrs = append(attrs, slog.String("error", d.Err.Error()))
	}
	attrs = append(attrs, p.policyAttrs(d.Enforcer)...)
	if check {
		attrs = append(attrs, slog.Bool("check", true))
	}
	p.events.LogAttrs(context.Background(), level, eventMessage, attrs...)
}

func (p *Policy) logBlock(b *BlockedError) {
	if p.events == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("event", EventBlocked),
		slog.String("feature", string(b.Feature)),
	}
	if b.What != "" {
		attrs = append(attrs, slog.String("what", b.What))
	}
	attrs = append(attrs,
		slog.String("reason", string(b.Reason())),
		slog.String("detail", b.Source),
	)
	if b.Err != nil {
		attrs = append(attrs, slog.String("error", b.Err.Error()))
	}
	p.events.LogAttrs(context.Background(), slog.LevelError, eventMessage, attrs...)
}

func (p *Policy) logRefusal(what, detail string) {
	if p.events == nil {
		return
	}
	p.events.LogAttrs(context.Background(), slog.LevelError, eventMessage,
		slog.String("event", EventBlocked),
		slog.String("feature", what),
		slog.String("reason", string(enforcer.ReasonHostRefused)),
		slog.String("detail", detail))
}

// policyAttrs identifies the policy of the named enforcer.
func (p *Policy) policyAttrs(name string) []slog.Attr {
	id, ok := p.identities[name]
	if !ok {
		return nil
	}
	return []slog.Attr{slog.String("policy_id", id.id), slog.String("policy_version", id.version)}
}

// hexSum is an event's "sha256": empty when the file was refused before
// its bytes were read, or when nothing judged them.
func hexSum(sum *[32]byte) string {
	if sum == nil {
		return ""
	}
	return strings.ToUpper(hex.EncodeToString(sum[:])) // as policies and catalogs write digests
}
