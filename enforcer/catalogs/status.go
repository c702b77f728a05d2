package catalogs

import (
	"fmt"
	"maps"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/sipolicy"
)

// Status describes the policy and, once they have been read (by a check or
// by Load), the catalogs, for operators. It never reads them itself, so
// that asking for the policy's identity costs nothing.
func (e *Enforcer) Status() enforcer.Status {
	p := e.policy
	st := enforcer.Status{
		Available:     true,
		PolicyID:      p.PolicyID,
		PolicyVersion: p.Version.String(),
		Sources:       maps.Clone(e.sources),
	}
	add := func(format string, args ...any) { st.Details = append(st.Details, fmt.Sprintf(format, args...)) }
	add("policy file %s", e.path)
	if p.FriendlyName != "" {
		add("policy name %q", p.FriendlyName)
	}
	for _, n := range e.notes {
		add("%s", n)
	}
	for _, s := range e.allowed {
		add("allowed signer %s: %s", s, s.Describe())
	}
	for _, s := range e.denied {
		add("denied signer %s: %s", s, s.Describe())
	}
	if sc := p.Scenario(sipolicy.UserMode); sc != nil {
		for _, a := range sc.Allowed {
			if why := a.Signer.Ineffective(); why != "" {
				add("allowed signer %s is not trusted: %s", a.Signer, why)
			}
		}
	}
	if n, m := e.allowHashes.Len(), e.denyHashes.Len(); n+m > 0 {
		add("hash rules: %d allow, %d deny", n, m)
	}
	if !e.loaded.Load() && len(e.set.files) > 0 {
		add("%d catalog file(s) not read yet: they are read on the first check", len(e.set.files))
	}
	for _, t := range e.loadedTrust() {
		st.Catalogs = append(st.Catalogs, t.status())
		if !t.cat.usable() {
			add("%s", t)
			continue
		}
		signed := "unsigned"
		if t.cat.signer != nil {
			signed = fmt.Sprintf("signed by %q, issued by %q", t.cat.signer.Subject.String(), t.cat.signer.Issuer.String())
		}
		index := ""
		if from := t.cat.indexFrom.Load(); from != nil {
			index = ", index " + *from
		}
		add("%s (version %d, files: %d, %s%s)", t, t.cat.cat.Version, t.cat.index.Files(), signed, index)
	}
	if len(e.set.files) == 0 {
		add("no catalogs")
	}
	for _, n := range p.Notes {
		add("ignored: %s", n)
	}
	return st
}

// loadedTrust returns the judgement of the catalogs if they have been read,
// and nil otherwise.
func (e *Enforcer) loadedTrust() []*trust {
	if !e.loaded.Load() {
		return nil
	}
	return e.trusts
}
