package jsruntime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dop251/goja"
	"github.com/intactdev/intact"
	"github.com/peterh/liner"
)

const replHelp = `.break    Sometimes you get stuck, this gets you out
.clear    Alias for .break
.exit     Exit the REPL
.help     Print this help message

Press Ctrl+C to abort current expression, Ctrl+D to exit the REPL
`

// REPL runs an interactive prompt on the terminal (or reads lines from a
// non-terminal standard input), like node with no script: line editing,
// history in ~/.intact_repl_history, multi-line input for incomplete
// statements, results printed with util.inspect, and the commands .exit,
// .help, .break and .clear. Timers run between inputs; an error in an
// input is printed and does not end the REPL. It returns as RunMain does.
// Under DisableInteractiveMode it prints ERR_CODE_INTEGRITY_BLOCKED for
// "REPL", runs nothing, preloads included, and returns the
// *intact.BlockedError.
func (r *Runtime) REPL() (int, error) {
	preloads, status, ok := r.begin(func() error { return r.policy.CheckInteractive(intact.FeatureREPL) }, nil)
	if !ok {
		return r.ended(status)
	}
	r.macrotask(func() {
		r.runPreloads(preloads)
		if err := r.setEvalGlobals("<repl>"); err != nil {
			r.throw(err)
		}
	})

	line := liner.NewLiner()
	defer line.Close()
	line.SetCtrlCAborts(true)
	line.SetMultiLineMode(true)
	history := ""
	if home, err := os.UserHomeDir(); err == nil {
		history = filepath.Join(home, ".intact_repl_history")
		if f, err := os.Open(history); err == nil {
			line.ReadHistory(f)
			f.Close()
		}
	}
	if liner.TerminalSupported() {
		fmt.Fprintf(r.cfg.Stdout, "Welcome to intact (Node.js v%s compatible).\nType \".help\" for more information.\n", NodeVersion)
	}

	var buf strings.Builder
	aborted := false
	for !r.exiting {
		prompt := "> "
		if buf.Len() > 0 {
			prompt = "... "
		}
		text, err := line.Prompt(prompt)
		if errors.Is(err, liner.ErrPromptAborted) {
			if buf.Len() > 0 {
				buf.Reset()
				continue
			}
			if aborted {
				break
			}
			aborted = true
			fmt.Fprintln(r.cfg.Stdout, "(To exit, press Ctrl+C again or Ctrl+D or type .exit)")
			continue
		}
		if err != nil { // io.EOF: Ctrl+D or end of input
			break
		}
		aborted = false
		if buf.Len() == 0 {
			switch cmd := strings.TrimSpace(text); cmd {
			case "":
				continue
			case ".exit":
				r.exit(r.currentExitCode())
				continue
			case ".help":
				io.WriteString(r.cfg.Stdout, replHelp)
				continue
			case ".break", ".clear":
				continue
			}
		} else if t := strings.TrimSpace(text); t == ".break" || t == ".clear" {
			buf.Reset()
			continue
		}
		buf.WriteString(text)
		buf.WriteString("\n")
		err = checkSourceNesting("", buf.String())
		var prg *goja.Program
		if err == nil {
			prg, err = goja.Compile("REPL", buf.String(), false)
		}
		if err != nil && incomplete(err) {
			continue
		}
		line.AppendHistory(strings.TrimSuffix(buf.String(), "\n"))
		buf.Reset()
		r.replEval(prg, err)
		r.loop.runReady(r.fireTimer, func() bool { return r.exiting })
	}
	if history != "" {
		if f, err := os.Create(history); err == nil {
			line.WriteHistory(f)
			f.Close()
		}
	}
	if !r.exiting {
		r.exit(r.currentExitCode())
	}
	return r.ended(r.finish())
}

// replEval runs one REPL input and prints its value, or its error as
// "Uncaught …"; errors do not end the REPL.
func (r *Runtime) replEval(prg *goja.Program, compileErr error) {
	run := r.vm.ToValue(func(goja.FunctionCall) goja.Value {
		if compileErr != nil {
			r.throw(compileErr)
		}
		v, err := r.vm.RunProgram(prg)
		if err != nil {
			r.throw(err)
		}
		r.vm.Set("_", v)
		r.writeString(1, r.inspect(v)+"\n")
		return goja.Undefined()
	})
	_, err := r.js.runMacrotask(goja.Undefined(), run, goja.Undefined(), r.vm.NewArray())
	if err != nil && !r.exiting {
		var ie *goja.InterruptedError
		if !errors.As(err, &ie) {
			v := r.exceptionValue(err)
			text := r.escapeReport(v, r.fatalText(v))
			r.writeString(2, "Uncaught "+strings.TrimPrefix(text, "Uncaught ")+"\n")
		}
	}
	r.checkRejections()
}

// incomplete reports whether a syntax error means the input is unfinished.
func incomplete(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Unexpected end of input") || strings.Contains(msg, "Unterminated template") ||
		strings.Contains(msg, "Unexpected EOF")
}

// setEvalGlobals gives the global scope the module, exports, require,
// __filename and __dirname of code run from the working directory, as node
// -e and the REPL have.
func (r *Runtime) setEvalGlobals(name string) error {
	g := r.vm.GlobalObject()
	filename := filepath.Join(r.cwd(), name)
	mod, err := r.js.newModule(goja.Undefined(), r.vm.ToValue(filename), goja.Undefined(), r.vm.ToValue(false))
	if err != nil {
		return err
	}
	modObj := mod.(*goja.Object)
	modObj.Set("id", name)
	req, err := r.js.makeRequire(goja.Undefined(), modObj, r.vm.ToValue(false))
	if err != nil {
		return err
	}
	for k, v := range map[string]goja.Value{"module": modObj, "exports": modObj.Get("exports"), "require": req,
		"__filename": r.vm.ToValue(name), "__dirname": r.vm.ToValue(".")} {
		if err := g.DefineDataProperty(k, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
			return err
		}
	}
	return nil
}
