package jsruntime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

// TestSourceNesting: brackets in strings, template text, comments and
// regular expressions are not counted; those in template substitutions
// are; so are chains of labels and unary operators, which nest without
// brackets (an object key counts while its value is read).
func TestSourceNesting(t *testing.T) {
	for code, want := range map[string]int{
		"":                                0,
		"f(a[0], {b: 1})":                 3,
		`"(((" + '[[[' + "\"(("`:          0,
		"`(((${ [ `[[${ ( x ) }` ] }[[[`": 4,
		"// (((\n/* [[[ */ x":             0,
		"x = /[(/]((/g.test(s)":           1,
		"a / (b) / c":                     1,
		"return /((/":                     0,
		"if (x) {} /(((/.test(y)":         1,
		"{ '\\u{28}': 1 }":                1,
		"'unterminated ((\n(":             1,
		"x = `${ {a: `${ `${[]}` }`} }`":  6,
		"a: b: c: x":                      3,
		"x = !!-~typeof void y":           6,
		"a - b + c, !x; y ? z : w":        1,
		strings.Repeat("ucs:", 2e6):       MaxSourceNesting + 1,
		strings.Repeat("!", 5000) + "x":   MaxSourceNesting + 1,
		strings.Repeat("[", 5000):         MaxSourceNesting + 1,
		strings.Repeat("(", 999) + "/*":   999,
	} {
		if got := sourceNesting(code, MaxSourceNesting); got != want {
			t.Errorf("sourceNesting(%.40q) = %d, want %d", code, got, want)
		}
	}
}

// TestSourceNestingOfRealCode: the minified bundles of npm packages the
// compatibility tests install nest far below MaxSourceNesting (at most 20
// levels when the limit was chosen).
func TestSourceNestingOfRealCode(t *testing.T) {
	for _, path := range realBundles(t) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if d := sourceNesting(string(b), MaxSourceNesting); d > MaxSourceNesting/10 {
			t.Errorf("%s nests %d deep", path, d)
		}
	}
}

// realBundles returns large JavaScript files of npm packages, if any are
// installed here.
func realBundles(t testing.TB) []string {
	files, _ := filepath.Glob("/tmp/intact-npmcompat-*/node_modules/*/dist/*.min.js")
	more, _ := filepath.Glob("/tmp/intact-npmcompat-*/node_modules/uglify-js/lib/*.js")
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("no npm packages installed")
	}
	return files
}

// BenchmarkSourceNesting compares the nesting check with goja's compile of
// the same source: run with -bench 'SourceNesting|GojaCompile'.
func BenchmarkSourceNesting(b *testing.B) {
	src := benchSource(b)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for range b.N {
		sourceNesting(src, MaxSourceNesting)
	}
}

func BenchmarkGojaCompile(b *testing.B) {
	src := benchSource(b)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for range b.N {
		if _, err := goja.Compile("bench.js", src, false); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSource(b *testing.B) string {
	var sb strings.Builder
	for _, path := range realBundles(b) {
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := goja.Compile("bench.js", string(src), false); err == nil {
			sb.Write(src)
			sb.WriteString("\n;\n")
		}
	}
	return sb.String()
}
