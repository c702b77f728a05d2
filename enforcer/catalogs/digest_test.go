package catalogs_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/intactdev/intact/enforcer"
)

// TestCheckDigest: the SHA-256 and size alone refuse what CheckContent
// would refuse, with its reason, and decide nothing they cannot: an empty
// file (judged by path) or a policy with SHA-1 Allow rules.
func TestCheckDigest(t *testing.T) {
	e := newEnforcer(t, policyXML("", enforceApp, ""))
	check := func(b []byte) error { return e.CheckDigest(sha256.Sum256(b), int64(len(b))) }
	if err := check(allowedCode); err != nil {
		t.Errorf("allowed by hash: %v", err)
	}
	for code, want := range map[string]enforcer.Reason{string(deniedCode): enforcer.ReasonDeniedByHash, string(otherCode): enforcer.ReasonNotInCatalog} {
		err := check([]byte(code))
		if d, ok := err.(*enforcer.Denial); !ok || d.Reason != want {
			t.Errorf("%q: %v, want %s", code, err, want)
		}
		if d := denial(e.CheckContent(content([]byte(code)))); d == nil || d.Reason != want {
			t.Errorf("%q: CheckDigest and CheckContent disagree: %+v", code, d)
		}
	}
	if err := e.CheckDigest(sha256.Sum256(nil), 0); err != nil {
		t.Errorf("empty file: %v, want no verdict", err)
	}

	sha1Rule := strings.Replace(policyXML("", enforceApp, ""), sum(allowedCode), fmt.Sprintf("%X", sha1.Sum(otherCode)), 1)
	e = newEnforcer(t, sha1Rule)
	if err := check(otherCode); err != nil {
		t.Errorf("allowed by a SHA-1 rule: %v, want no verdict", err)
	}
	if err := e.CheckContent(content(otherCode)); err != nil {
		t.Errorf("allowed by a SHA-1 rule: CheckContent = %v", err)
	}
}
