package jsruntime

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dop251/goja"
	"github.com/intactdev/intact"
)

// settle handles the outcome of a macrotask.
func (r *Runtime) settle(err error) {
	if err != nil && !r.exiting {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			if !r.exiting {
				r.printFatal(r.vm.ToValue(ie.Error()))
				r.exit(1)
			}
		} else {
			r.uncaughtAt(r.exceptionValue(err), r.sourceHeader(err))
		}
	}
	r.checkRejections()
}

// sourceHeader is the head of Node's report of an uncaught exception: the
// file and line where it was thrown, that line, and a caret under the
// column.
func (r *Runtime) sourceHeader(err error) string {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return ""
	}
	for _, f := range ex.Stack() {
		src, ok := r.sources[f.SrcName()]
		if !ok {
			continue
		}
		pos := f.Position()
		lines := strings.SplitN(src, "\n", pos.Line+1)
		if pos.Line < 1 || pos.Line > len(lines) {
			return ""
		}
		text := strings.TrimRight(lines[pos.Line-1], "\r")
		col := pos.Column
		if pos.Line == 1 {
			text = strings.TrimPrefix(text, wrapperHead)
			col -= len(wrapperHead)
		}
		if col < 1 || col > len(text)+1 {
			col = 1
		}
		// goja marks the thrown expression; Node marks the throw.
		if i := strings.LastIndex(text[:col-1], "throw "); i >= 0 && strings.TrimSpace(text[i+len("throw "):col-1]) == "" {
			col = i + 1
		}
		return fmt.Sprintf("%s:%d\n%s\n%s^\n\n", f.SrcName(), pos.Line, text, strings.Repeat(" ", col-1))
	}
	return ""
}

func (r *Runtime) exceptionValue(err error) goja.Value {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return ex.Value()
	}
	return r.toJS(err)
}

// uncaught handles an exception no JavaScript code caught: the
// 'uncaughtException' listeners, or Node's report and exit status 1.
func (r *Runtime) uncaught(v goja.Value) { r.uncaughtAt(v, "") }

// uncaughtAt is uncaught with the source header for Node's report.
func (r *Runtime) uncaughtAt(v goja.Value, header string) {
	if r.exiting {
		return
	}
	handled, err := r.js.emitUncaught(goja.Undefined(), v)
	if err == nil && handled.ToBoolean() {
		return
	}
	if r.exiting {
		return
	}
	code := 1
	if err != nil {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			return
		}
		v, code, header = r.exceptionValue(err), 7, ""
	}
	if o, ok := v.(*goja.Object); ok && o == r.refused.value && code == 1 {
		r.stoppedBy = r.refused.err
	}
	r.printFatalAt(header, v)
	r.exit(code)
}

func (r *Runtime) trackRejection(p *goja.Promise, op goja.PromiseRejectionOperation) {
	switch op {
	case goja.PromiseRejectionReject:
		r.rejections = append(r.rejections, p)
	case goja.PromiseRejectionHandle:
		for i, q := range r.rejections {
			if q == p {
				r.rejections = append(r.rejections[:i], r.rejections[i+1:]...)
				break
			}
		}
	}
}

// checkRejections raises the promises still rejected without a handler at
// the end of a macrotask, as Node's default --unhandled-rejections=throw.
func (r *Runtime) checkRejections() {
	for len(r.rejections) > 0 && !r.exiting {
		p := r.rejections[0]
		r.rejections = r.rejections[1:]
		handled, err := r.js.emitUnhandledRejection(goja.Undefined(), p.Result(), r.vm.ToValue(p))
		if err != nil {
			r.uncaught(r.exceptionValue(err))
			continue
		}
		if handled.ToBoolean() {
			continue
		}
		e, err := r.js.unhandledRejectionError(goja.Undefined(), p.Result())
		if err != nil {
			e = p.Result()
		}
		r.uncaught(e)
	}
}

// exit ends the program with code: JavaScript stops at once (an
// uncatchable interrupt) and the loop runs no more callbacks.
func (r *Runtime) exit(code int) {
	if r.exiting {
		return
	}
	r.exiting = true
	r.exitCode = code
	r.vm.Interrupt(exitRequest{code})
}

type exitRequest struct{ code int }

func (e exitRequest) String() string { return fmt.Sprintf("process.exit(%d)", e.code) }

// printFatal prints an uncaught exception as Node does.
func (r *Runtime) printFatal(v goja.Value) { r.printFatalAt("", v) }

// printFatalAt prints an uncaught exception as Node does, after header (the
// code frame), escaped as escapeReport says.
func (r *Runtime) printFatalAt(header string, v goja.Value) {
	r.writeString(2, r.escapeReport(v, header+r.fatalText(v))+"\n")
}

// unprintable is the report of an uncaught value when neither Node's report
// nor the value's string can be made.
const unprintable = "Uncaught exception (its report threw)"

// fatalText is Node's report of the uncaught value v, or the value's string
// if making the report throws, or unprintable if that throws too. The
// application may have replaced anything the report reads (a getter for
// message, a throwing Error.prototype.name, a toString that throws), and
// here Go calls into JavaScript outside any JavaScript call, where a throw
// that is not caught is a Go panic that ends the process.
func (r *Runtime) fatalText(v goja.Value) string {
	text := unprintable
	if s, err := r.js.formatFatal(goja.Undefined(), v); err == nil {
		if r.vm.Try(func() { text = s.String() }) == nil {
			return text
		}
	}
	if v != nil {
		if r.vm.Try(func() { text = v.String() }) != nil {
			text = unprintable
		}
	}
	return text
}

// fatalGo reports an error that stops the program before any user code
// runs, printed like an uncaught error, and returns status 1.
func (r *Runtime) fatalGo(err error) int {
	if intact.ErrorCode(err) != "" {
		r.stoppedBy = err
	}
	r.printFatal(r.toJS(err))
	return 1
}

func (r *Runtime) inspect(v goja.Value) string {
	s, err := r.js.inspect(goja.Undefined(), v)
	if err != nil {
		return v.String()
	}
	return s.String()
}

func (r *Runtime) writeString(fd int, s string) {
	w := r.cfg.Stdout
	if fd == 2 {
		w = r.cfg.Stderr
	}
	io.WriteString(w, s)
}
