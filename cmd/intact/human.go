package main

import (
	"fmt"
	"io"

	"github.com/intactdev/intact/internal/printable"
)

// printf is fmt.Fprintf for output that people read: each argument is
// formatted as fmt would format it and then escaped with printable.Escape,
// so that a file name, a catalog's FilePath or an error quoting either
// cannot start a line of its own (forging a verdict) or send the terminal
// escape sequences (hiding one). %q arguments are left to fmt, whose
// quoting escapes them already. JSON output needs none of this.
func printf(w io.Writer, format string, args ...any) {
	escaped := make([]any, len(args))
	for i, a := range args {
		escaped[i] = escapedArg{a}
	}
	fmt.Fprintf(w, format, escaped...)
}

// escapedArg formats its value as fmt would, escaped for a terminal.
type escapedArg struct{ v any }

func (a escapedArg) Format(f fmt.State, verb rune) {
	s := fmt.Sprintf(fmt.FormatString(f, verb), a.v)
	if verb != 'q' {
		s = printable.Escape(s)
	}
	io.WriteString(f, s)
}
