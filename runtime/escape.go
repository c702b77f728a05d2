package runtime

import (
	"strings"

	"github.com/dop251/goja"
	"github.com/intactdev/intact"
	"github.com/intactdev/intact/internal/printable"
)

// escapeIntactMessage returns text, the printout of the uncaught value v,
// with v's message escaped (printable.Escape) when v is an intact error.
// That message quotes a path chosen by whoever named the file, so a newline
// or a terminal escape sequence in a file name would otherwise forge or hide
// lines of the refusal on stderr. Only the printout changes: the error's
// .message inside JavaScript stays Node's exact text, and errors of other
// kinds print as Node prints them.
func escapeIntactMessage(v goja.Value, text string) string {
	obj, ok := v.(*goja.Object)
	if !ok {
		return text
	}
	code, message := obj.Get("code"), obj.Get("message")
	if code == nil || message == nil {
		return text
	}
	if c := code.String(); c != intact.CodeViolation && c != intact.CodeBlocked {
		return text
	}
	msg := message.String()
	escaped := printable.Escape(msg)
	if escaped == msg {
		return text
	}
	return strings.ReplaceAll(text, msg, escaped)
}
