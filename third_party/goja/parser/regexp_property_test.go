package parser

import (
	"regexp"
	"testing"
)

func TestUnicodePropertyEscapes(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{`^\p{L}+$`, []string{"héllo", "Ωμέγα"}, []string{"p{L}", "a1"}},
		{`\P{L}`, []string{"1"}, []string{"abc"}},
		{`^[\p{N}_]+$`, []string{"٣_1"}, []string{"a"}},
		{`^[^\p{ID_Start}]$`, []string{"1", "-"}, []string{"x", "é"}},
		{`^\p{ID_Start}\p{ID_Continue}*$`, []string{"café_1", "x"}, []string{"1a", "a-b"}},
		{`^\p{Script=Greek}$`, []string{"α"}, []string{"a"}},
		{`^\p{sc=Latin}$`, []string{"a"}, []string{"α"}},
		{`^\p{gc=Lu}$`, []string{"A"}, []string{"a"}},
		{`^\p{Lowercase_Letter}$`, []string{"a"}, []string{"A"}},
		{`^\p{White_Space}$`, []string{"\u00a0"}, []string{"a"}},
		{`^\p{Any}$`, []string{"😀"}, nil},
		{`^\p{ASCII}$`, []string{"a"}, []string{"é"}},
		{`^\p{Cn}$`, []string{"\u0378"}, []string{"a"}},
		{`^\p{LC}$`, []string{"q", "Q"}, []string{"1"}},
		{`^\p{Alpha}$`, []string{"\u0345"}, []string{"1"}},
		{`^[\P{Alphabetic}]$`, []string{"1"}, []string{"a"}},
	}
	for _, tt := range tests {
		re2, err := TransformRegExp(tt.pattern, false, true)
		if err != nil {
			t.Errorf("%s: %v", tt.pattern, err)
			continue
		}
		re, err := regexp.Compile(re2)
		if err != nil {
			t.Errorf("%s: the translation does not compile: %v", tt.pattern, err)
			continue
		}
		for _, s := range tt.match {
			if !re.MatchString(s) {
				t.Errorf("/%s/u does not match %q", tt.pattern, s)
			}
		}
		for _, s := range tt.noMatch {
			if re.MatchString(s) {
				t.Errorf("/%s/u matches %q", tt.pattern, s)
			}
		}
	}
}

// Without the u flag, \p is the letter p.
func TestPropertyEscapeWithoutUnicodeFlag(t *testing.T) {
	re2, err := TransformRegExp(`\p{L}`, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(re2).MatchString("p{L}") {
		t.Errorf("/\\p{L}/ (translated %q) does not match p{L}", re2)
	}
}

// A property that cannot be derived from Go's tables is a syntax error,
// never a class that matches something else.
func TestUnsupportedPropertyEscape(t *testing.T) {
	for _, p := range []string{`\p{Foo}`, `\p{Script=Foo}`, `\p{scx=Han}`, `\p{Emoji}`, `\p{L`, `\pL`, `\p{Other_Alphabetic}`} {
		if _, err := TransformRegExp(p, false, true); err == nil {
			t.Errorf("/%s/u: no error", p)
		} else if _, ok := err.(RegexpSyntaxError); !ok {
			t.Errorf("/%s/u: %T %v, want a syntax error", p, err, err)
		}
	}
}

func TestExpandPropertyEscapes(t *testing.T) {
	got, err := ExpandPropertyEscapes(`a\p{ASCII}[\P{Any}x]\\p{L}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := `a[\u{0}-\u{7F}][x]\\p{L}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := ExpandPropertyEscapes(`\p{Emoji}`); err == nil {
		t.Error(`\p{Emoji}: no error`)
	}
}

// FuzzPropertyEscapes: translating a pattern never panics, and a pattern
// Go's regexp path accepts is accepted by the regexp2 path too (goja
// compiles the second lazily and panics if it fails).
func FuzzPropertyEscapes(f *testing.F) {
	for _, seed := range []string{`\p{L}`, `[\P{ID_Start}x]`, `\\p{L}`, `[\]\p{Lu}]`, `\p{`, `\p{Script=Greek}+`, `(?=a)\p{Any}`, `[^\p{gc=Nd}]`, `\P`, `a\p{L}\p{Emoji}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		re2, err := TransformRegExp(pattern, false, true)
		expanded, err2 := ExpandPropertyEscapes(pattern)
		if err == nil && err2 != nil {
			t.Fatalf("%q: Go's path accepts it (%q), regexp2's refuses: %v", pattern, re2, err2)
		}
		_ = expanded
	})
}
