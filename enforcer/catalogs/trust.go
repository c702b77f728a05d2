package catalogs

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/sipolicy"
)

// trustState is what one policy makes of one catalog.
type trustState int

const (
	untrusted    trustState = iota // no allowed signer matches a verified chain
	trusted                        // an allowed signer matches and no denied one does
	denied                         // a denied signer matches
	unverifiable                   // the signature does not verify over the content
	unreadable                     // the catalog could not be read or parsed
)

// trust is one policy's judgement of one catalog.
type trust struct {
	cat    *loaded
	state  trustState
	signer string // the policy signer that trusts or denies the catalog
	why    string // why the catalog is not trusted
}

// word is the trust state's word in enforcer.CatalogStatus.
func (s trustState) word() string {
	switch s {
	case trusted:
		return "trusted"
	case denied:
		return "denied"
	case unverifiable:
		return "unverifiable"
	case unreadable:
		return "unreadable"
	}
	return "untrusted"
}

// status is what the policy makes of the catalog, for scripts.
func (t *trust) status() enforcer.CatalogStatus {
	cs := enforcer.CatalogStatus{File: t.cat.path, Trust: t.state.word(), PolicySigner: t.signer, Reason: t.why}
	if t.cat.usable() {
		cs.Version, cs.Files = t.cat.cat.Version, t.cat.index.Files()
	}
	if from := t.cat.indexFrom.Load(); from != nil {
		cs.Index = *from
	}
	if c := t.cat.signer; c != nil {
		cs.Signer, cs.Issuer = c.Subject.String(), c.Issuer.String()
	}
	return cs
}

// String says what the policy makes of the catalog, for denials and status.
func (t *trust) String() string {
	switch t.state {
	case trusted:
		return fmt.Sprintf("catalog %s: trusted through signer %s", t.cat.path, t.signer)
	case denied:
		return fmt.Sprintf("catalog %s: signed by denied signer %s", t.cat.path, t.signer)
	case unverifiable:
		return fmt.Sprintf("catalog %s cannot be verified: %s", t.cat.path, t.why)
	case unreadable:
		return fmt.Sprintf("catalog %s cannot be read: %s", t.cat.path, t.why)
	}
	return fmt.Sprintf("catalog %s: signer not trusted: %s", t.cat.path, t.why)
}

// catalogTrust returns the policy's judgement of every catalog of the set,
// made once, on first use, at the time of that use.
func (e *Enforcer) catalogTrust() []*trust {
	e.once.Do(func() {
		now := time.Now()
		cats := e.set.load()
		e.trusts = make([]*trust, len(cats))
		for i, c := range cats {
			e.trusts[i] = e.judge(c, now)
		}
		e.loaded.Store(true)
	})
	return e.trusts
}

// Load reads the catalogs and decides which of them the policy trusts, now
// rather than on the first check, so that Status describes them
// (enforcer.Loader). It does nothing after the first call or check.
func (e *Enforcer) Load() { e.catalogTrust() }

// judge decides what the policy makes of one catalog at time now.
func (e *Enforcer) judge(c *loaded, now time.Time) *trust {
	t := &trust{cat: c}
	switch {
	case c.err != nil:
		t.state, t.why = unreadable, c.err.Error()
		return t
	case c.sigErr == errUnsigned:
		t.why = c.sigErr.Error()
		return t
	case c.sigErr != nil:
		t.state, t.why = unverifiable, c.sigErr.Error()
		return t
	}
	// A denial needs no verified chain: any embedded certificate that a
	// denied signer pins refuses the catalog, expired or not.
	everything := append([]*x509.Certificate{c.signer}, c.cat.Certificates...)
	for _, s := range e.denied {
		if s.Matches(everything) {
			t.state, t.signer = denied, s.String()
			return t
		}
	}
	var whys []string
	for _, s := range e.allowed {
		ok, why := allows(s, c, now)
		if ok {
			t.state, t.signer = trusted, s.String()
			if c.keepIndex != nil && e.set.storer == e {
				c.keepOnce.Do(c.keepIndex)
			}
			return t
		}
		if why != "" {
			whys = append(whys, fmt.Sprintf("signer %s: %s", s.String(), why))
		}
	}
	if len(whys) == 0 {
		whys = append(whys, fmt.Sprintf("no allowed signer of the policy pins a certificate of its chain (signed by %q, issued by %q)",
			c.signer.Subject.String(), c.signer.Issuer.String()))
	}
	t.why = strings.Join(whys, "; ")
	return t
}

// allows reports whether signer s trusts catalog c at time now: a
// certificate embedded in c has the signer's TBS; c's signature verifies and
// its signing certificate chains to that certificate through c's other
// certificates, valid now and for code signing (catalog.Verify); and the
// chain meets the signer's publisher and EKU conditions. When it does not,
// why says what failed, or is empty when s pins no certificate of c at all.
func allows(s *sipolicy.Signer, c *loaded, now time.Time) (ok bool, why string) {
	for _, pinned := range c.cat.Certificates {
		tbs, h, err := sipolicy.TBS(pinned)
		if err != nil || h != s.HashAlgorithm() || !bytes.Equal(tbs, s.Root) {
			continue
		}
		roots := x509.NewCertPool()
		roots.AddCert(pinned)
		chains, err := c.cat.Verify(catalog.VerifyOptions{Roots: roots, CurrentTime: now})
		if err != nil {
			return false, fmt.Sprintf("pins %q, but %v", pinned.Subject.String(), err)
		}
		for _, chain := range chains {
			if s.Matches(chain) {
				return true, ""
			}
		}
		return false, fmt.Sprintf("pins %q, but the signing certificate %q does not meet its publisher or EKU conditions",
			pinned.Subject.String(), c.signer.Subject.String())
	}
	return false, ""
}

// Untrusted reads the catalogs if no check has yet, and returns one error
// for each catalog the policy does not trust (unreadable, unverifiable,
// signed by a denied signer, or by no allowed one), saying which and why.
// Publishers and installers of policy bundles use it to refuse a catalog
// that would count for nothing.
func (e *Enforcer) Untrusted() []error {
	var errs []error
	for _, t := range e.catalogTrust() {
		if t.state != trusted {
			errs = append(errs, errors.New(t.String()))
		}
	}
	return errs
}
