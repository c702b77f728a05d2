package sysfolder

import (
	"strings"
	"testing"
)

func TestParsePointer(t *testing.T) {
	for content, want := range map[string]string{
		"000000000007\n": "000000000007",
		"g1":             "g1",
		"a.b-c_d\n":      "a.b-c_d",
	} {
		got, err := ParsePointer([]byte(content))
		if err != nil || got != want {
			t.Errorf("ParsePointer(%q) = %q, %v; want %q", content, got, err, want)
		}
		if back, _ := ParsePointer(FormatPointer(got)); back != got {
			t.Errorf("FormatPointer(%q) does not parse back", got)
		}
	}
	for _, bad := range []string{"", "\n", "..", ".", ".hidden", "../g1", "g1/..", `g1\x`, "g1\n\n", "g 1", "g1\r\n", "g1\x00", "é", strings.Repeat("a", 129), "C:g1"} {
		if got, err := ParsePointer([]byte(bad)); err == nil {
			t.Errorf("ParsePointer(%q) = %q, want an error", bad, got)
		}
	}
	if !ValidName(strings.Repeat("a", 128)) {
		t.Error("a 128-byte name is refused")
	}
}

// FuzzParsePointer: a name ParsePointer accepts names one folder inside
// generations/ on every system, and formats back to the same content.
func FuzzParsePointer(f *testing.F) {
	for _, seed := range []string{"000000000007\n", "..", "../x", `a\b`, "a/b", "C:x", ""} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name, err := ParsePointer(data)
		if err != nil {
			return
		}
		if name == "." || name == ".." || strings.ContainsAny(name, `/\:`+"\x00") {
			t.Fatalf("ParsePointer(%q) = %q, which is not one folder", data, name)
		}
		if back, err := ParsePointer(FormatPointer(name)); err != nil || back != name {
			t.Fatalf("FormatPointer(%q) parses back as %q, %v", name, back, err)
		}
	})
}
