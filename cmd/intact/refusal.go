package main

import (
	"io"

	"github.com/intactdev/intact"
)

// printRefusal prints, after a refusal's Node.js-style report, why the
// code was refused and what to do next (intact.Explain). It prints nothing
// for an error that is no refusal.
func printRefusal(w io.Writer, err error) {
	r := intact.Explain(err)
	if r == nil {
		return
	}
	printf(w, "intact: refused: %s\n", r.Why)
	printf(w, "intact: next: %s\n", r.Next)
	if r.Check != "" {
		printf(w, "intact: for the full verdict: %s\n", r.Check)
	}
}
