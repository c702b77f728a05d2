package jsruntime

import (
	"sort"
	"strings"

	"github.com/dop251/goja"
	"github.com/intactdev/intact/internal/printable"
)

// escapeReport returns text, the runtime's own report of the uncaught value
// v (the code frame, the stack, the error's properties), made safe for a
// terminal. The report quotes names that whoever wrote a file or an unsigned
// package.json chose: module paths in a message, in stack frames and in the
// code frame. A newline in such a name would start a forged line of its own
// ("intact: all modules passed ..."), a carriage return or an escape
// sequence would erase or recolour the true one.
//
// The report's own lines stay lines. First every known untrusted string
// that holds a character printable.Escape would change is replaced by its
// escaped form, newlines included: v's message and the name of every file
// the runtime compiled (those are the file names frames and code frames
// print). Then every remaining line is escaped, tabs aside, so that a
// control character that came from anywhere else cannot act either.
//
// Only the printout changes: .message and .stack inside JavaScript stay
// Node's exact text, and what a program itself writes (console.error)
// is the program's business and is never escaped.
func (r *Runtime) escapeReport(v goja.Value, text string) string {
	var untrusted []string
	if obj, ok := v.(*goja.Object); ok {
		// A getter or a toString of the message may throw: then there is
		// no message to replace, and every line is still escaped below.
		r.vm.Try(func() {
			if m := obj.Get("message"); m != nil && !goja.IsUndefined(m) && !goja.IsNull(m) {
				untrusted = append(untrusted, m.String())
			}
		})
	}
	for name := range r.sources {
		untrusted = append(untrusted, name)
	}
	return escapeLines(replaceEscaped(text, untrusted))
}

// replaceEscaped replaces in text each of names that Escape changes by its
// escaped form, longest first so that a name that contains another is
// replaced whole.
func replaceEscaped(text string, names []string) string {
	var unsafe []string
	for _, n := range names {
		if n != "" && printable.Escape(n) != n && strings.Contains(text, n) {
			unsafe = append(unsafe, n)
		}
	}
	sort.Slice(unsafe, func(i, j int) bool { return len(unsafe[i]) > len(unsafe[j]) })
	for _, n := range unsafe {
		text = strings.ReplaceAll(text, n, printable.Escape(n))
	}
	return text
}

// escapeLines escapes each line of text, keeping the newlines between them
// and the tabs within them (source lines in a code frame are indented with
// tabs, and Node prints them as they are).
func escapeLines(text string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		cells := strings.Split(line, "\t")
		for j, c := range cells {
			cells[j] = printable.Escape(c)
		}
		lines[i] = strings.Join(cells, "\t")
	}
	return strings.Join(lines, "\n")
}
