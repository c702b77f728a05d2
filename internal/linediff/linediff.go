// Package linediff describes where two texts first differ, line by line,
// for test failure messages that compare a program's output with a
// reference's.
package linediff

import (
	"fmt"
	"strings"
)

// First returns the number and both versions of the first line where got
// differs from want, labelled wantName and gotName, or "" if the texts are
// equal. A missing line reads as empty but still counts as a difference.
func First(want, got, wantName, gotName string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			var a, b string
			if i < len(w) {
				a = w[i]
			}
			if i < len(g) {
				b = g[i]
			}
			width := max(len(wantName), len(gotName)) + 1
			return fmt.Sprintf("first difference at line %d:\n%-*s %q\n%-*s %q", i+1, width, wantName+":", a, width, gotName+":", b)
		}
	}
	return ""
}
