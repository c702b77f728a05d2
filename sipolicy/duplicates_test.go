package sipolicy

import (
	"fmt"
	"strings"
	"testing"
)

// manyNames returns a policy with apps Apps, each holding perApp Settings,
// and settings legacy Settings, every name 200 bytes long and distinct, as
// the red team's policy that took 80 s to parse (finding F-H).
func manyNames(apps, perApp, settings int) []byte {
	long := strings.Repeat("x", 200)
	var b strings.Builder
	b.WriteString(`<SiPolicy xmlns="urn:schemas-microsoft-com:sipolicy"><VersionEx>1.0.0.0</VersionEx><Settings>`)
	for i := range settings {
		fmt.Fprintf(&b, `<Setting Provider="%s%d" Key="%s" ValueName="%s"><Value><Boolean>true</Boolean></Value></Setting>`, long, i, long, long)
	}
	b.WriteString(`</Settings><AppSettings>`)
	for a := range apps {
		fmt.Fprintf(&b, `<App Manifest="https://example.com/%s%d.manifest.xml">`, long, a)
		for i := range perApp {
			fmt.Fprintf(&b, `<Setting Name="%s%08d"/>`, long, i)
		}
		b.WriteString(`</App>`)
	}
	b.WriteString(`</AppSettings></SiPolicy>`)
	return []byte(b.String())
}

// TestDuplicateDetectionIsLinear: finding duplicate Settings, Apps and
// AppSettings costs one lookup per element, not a comparison with every
// earlier one. The work is counted, not timed.
func TestDuplicateDetectionIsLinear(t *testing.T) {
	cases := map[string]struct{ apps, perApp, settings int }{
		"one App, many Settings": {1, 20000, 0},
		"many Apps":              {20000, 0, 0},
		"many legacy Settings":   {0, 0, 20000},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			root, err := readTree(manyNames(c.apps, c.perApp, c.settings))
			if err != nil {
				t.Fatal(err)
			}
			ps := newParser()
			if _, err := ps.policy(root); err != nil {
				t.Fatal(err)
			}
			elements := c.apps + c.apps*c.perApp + c.settings
			if ps.duplicateLookups > elements {
				t.Errorf("%d lookups to find duplicates among %d elements, want at most one each", ps.duplicateLookups, elements)
			}
		})
	}
}

// BenchmarkParseManyAppSettings is finding F-H's policy: one App with
// 20,000 Settings of 200-byte names (80 s before the fix).
func BenchmarkParseManyAppSettings(b *testing.B) {
	data := manyNames(1, 20000, 0)
	for b.Loop() {
		if _, err := Parse("many.xml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFoldKeyAgreesWithEqualFold: two names have the same foldKey exactly
// when strings.EqualFold holds them equal, for the runes whose folding is
// irregular and for every pair of runes below U+0600.
func TestFoldKeyAgreesWithEqualFold(t *testing.T) {
	words := []string{
		"k", "K", "\u212a", // Kelvin sign folds with k and K
		"s", "S", "\u017f", // long s
		"i", "I", "\u0130", "\u0131", // dotted capital I and dotless i fold with nothing
		"\u03c3", "\u03c2", "\u03a3", // sigma, final sigma, capital sigma
		"\u00df", "\u1e9e", "ss", // sharp s: SimpleFold pairs ß with ẞ only
		"\xff", "\ufffd", "\xfe\xff", // invalid UTF-8 reads as U+FFFD, as in EqualFold
		"", "Setting", "SETTING", "setting\u017f", "settings",
	}
	for r := rune(0); r < 0x600; r++ {
		words = append(words, string(r))
	}
	for _, a := range words {
		for _, b := range words {
			if got, want := foldKey(a) == foldKey(b), strings.EqualFold(a, b); got != want {
				t.Errorf("foldKey(%q) == foldKey(%q) is %v, EqualFold says %v", a, b, got, want)
			}
		}
	}
}
