package sipolicy_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/intactdev/intact/sipolicy"
)

const policyHead = `<?xml version="1.0" encoding="utf-8"?>
<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy" PolicyType="Base Policy">
<VersionEx>1.0.0.0</VersionEx>
<PolicyID>{A244370E-44C9-4C06-B551-F6016E563076}</PolicyID>
<BasePolicyID>{A244370E-44C9-4C06-B551-F6016E563076}</BasePolicyID>
`

// crafted returns a policy of about size bytes whose FileRules section
// repeats unit.
func crafted(size int, unit string) []byte {
	var b strings.Builder
	b.Grow(size + 1024)
	b.WriteString(policyHead + "<FileRules>\n")
	for b.Len() < size {
		b.WriteString(unit)
	}
	b.WriteString("</FileRules></SiPolicy>\n")
	return []byte(b.String())
}

// allocated returns the bytes f allocates, whether or not they are freed.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestParseLimits: policies crafted to make the parser's tree huge — a 64
// MiB policy of empty elements once cost 3 GB — are refused early with a
// *ParseError that names the file, the line and the limit, and the parse
// allocates a bounded amount on the way (not timed: counted).
func TestParseLimits(t *testing.T) {
	const size = 16 << 20
	manyAttrs := "<x" + strings.Repeat(` a=""`, 1000) + "/>\n"
	oneTag := "<Deny ID=\"D\"" + strings.Repeat(` a=""`, sipolicy.MaxRunBytes/5+1) + "/>\n"
	cases := map[string]struct {
		data []byte
		want string
		line int
	}{
		// policyHead has five elements with two attributes, on lines 2
		// to 6; the repeated units start on line 7, one a line.
		"empty elements": {crafted(size, "<x/>\n"), fmt.Sprintf("more than %d elements", sipolicy.MaxElements), 7 + sipolicy.MaxElements - 5},
		"attributes":     {crafted(size, manyAttrs), fmt.Sprintf("more than %d attributes", sipolicy.MaxAttributes), 7 + (sipolicy.MaxAttributes-2)/1000},
		"one huge tag":   {[]byte(policyHead + "<FileRules>\n" + oneTag + "</FileRules></SiPolicy>"), fmt.Sprintf("more than %d bytes without a '>'", sipolicy.MaxRunBytes), 7},
		"long text":      {[]byte(policyHead + "<FileRules>\n<x>" + strings.Repeat("t", sipolicy.MaxRunBytes+1) + "</x></FileRules></SiPolicy>"), "bytes without a '>'", 7},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var err error
			alloc := allocated(func() { _, err = sipolicy.Parse("crafted.xml", c.data) })
			// Refusing at a limit costs at most 94 MiB here, whatever the
			// size of the input; the parser without limits allocated
			// 75 times its input (1.2 GiB for these 16 MiB).
			const maxAlloc = 128 << 20
			if alloc > maxAlloc {
				t.Errorf("Parse allocated %d MiB for %d MiB of input, want at most %d MiB", alloc>>20, len(c.data)>>20, maxAlloc>>20)
			}
			var pe *sipolicy.ParseError
			if !errors.As(err, &pe) || pe.File != "crafted.xml" || pe.Line != c.line || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Parse = %v; want a ParseError for crafted.xml line %d saying %q", err, c.line, c.want)
			}
			t.Logf("%s: %v; allocated %d MiB for %d MiB", name, err, alloc>>20, len(c.data)>>20)
		})
	}
}

// TestParseLargeBlockList: a block list far larger than Microsoft's — tens
// of thousands of hash rules, each referenced from both signing scenarios
// as Windows' tools write them — parses within the limits.
func TestParseLargeBlockList(t *testing.T) {
	const rules = 60000
	var b strings.Builder
	b.WriteString(policyHead + "<FileRules>\n")
	for i := range rules {
		fmt.Fprintf(&b, "<Deny ID=\"ID_DENY_%d\" FriendlyName=\"driver %d SHA-256\" Hash=\"%064X\"/>\n", i, i, i)
	}
	b.WriteString("</FileRules>\n<SigningScenarios>\n")
	for _, sc := range []string{"131", "12"} {
		fmt.Fprintf(&b, "<SigningScenario Value=%q ID=\"ID_SS_%s\"><ProductSigners><FileRulesRef>\n", sc, sc)
		for i := range rules {
			fmt.Fprintf(&b, "<FileRuleRef RuleID=\"ID_DENY_%d\"/>\n", i)
		}
		b.WriteString("</FileRulesRef></ProductSigners></SigningScenario>\n")
	}
	b.WriteString("</SigningScenarios></SiPolicy>\n")
	p, err := sipolicy.Parse("blocklist.xml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.FileRules) != rules || len(p.Scenario(12).FileRules) != rules {
		t.Fatalf("parsed %d rules, %d referenced; want %d", len(p.FileRules), len(p.Scenario(12).FileRules), rules)
	}
}
