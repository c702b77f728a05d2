package nodelib_test

import (
	"os"
	"testing"
)

func TestAdhoc(t *testing.T) {
	s := os.Getenv("ADHOC")
	if s == "" {
		t.Skip()
	}
	want, _, _ := runNode(t, s)
	got, stderr, err := runGoja(t, s)
	if err != nil {
		t.Errorf("goja: %v\n%s", err, stderr)
	}
	if got != want {
		t.Errorf("%s", diff(want, got))
	}
}
