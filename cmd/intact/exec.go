package main

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/linuxsec"
	"github.com/spf13/cobra"
)

func init() { register("exec", newExecCmd) }

// newExecCmd is `intact exec`: the launcher that sets the exec securebits
// and a Landlock domain, then becomes COMMAND, like the kernel's set-exec
// sample.
func newExecCmd() *cobra.Command {
	var (
		restrictFile    bool
		denyInteractive bool
		lock            bool
		allowExecUnder  []string
	)
	cmd := &cobra.Command{
		Use:   "exec [--restrict-file] [--deny-interactive] [--lock] [--allow-exec-under DIR]... -- COMMAND [ARGS]",
		Short: "Run COMMAND under the Linux exec securebits and an execute-only Landlock domain",
		Long: `Exec sets the Linux exec securebits and replaces itself with COMMAND, which
inherits them, as do all its children. Interpreters that honour the bits,
intact among them, then run a file only if the kernel would execute it
(--restrict-file) and refuse eval, the REPL and code piped on stdin
(--deny-interactive). --lock makes the bits it sets permanent for COMMAND
and its children. Without CAP_SETPCAP the exec securebits can still be set.

--allow-exec-under confines execution with Landlock, also without privileges:
only files beneath the given folders may be executed, by execve and by every
interpreter's AT_EXECVE_CHECK alike (COMMAND itself and its ELF interpreter
are granted too). Landlock cannot judge code with no path: a memfd passes it,
for execve too. intact refuses such descriptors under either securebit; set the
sysctl vm.memfd_noexec=2 so that the kernel refuses them to execve as well.
Combine --allow-exec-under with --restrict-file so that intact enforces it
for scripts:

  intact exec --restrict-file --deny-interactive --lock -- intact run app.js
  intact exec --restrict-file --allow-exec-under /opt/app -- intact run /opt/app/main.js`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var c linuxsec.Confinement
			if restrictFile {
				c.Securebits |= linuxsec.SecbitExecRestrictFile
				if lock {
					c.Securebits |= linuxsec.SecbitExecRestrictFileLocked
				}
			}
			if denyInteractive {
				c.Securebits |= linuxsec.SecbitExecDenyInteractive
				if lock {
					c.Securebits |= linuxsec.SecbitExecDenyInteractiveLocked
				}
			}
			if lock && !restrictFile && !denyInteractive {
				return exitstatus.UsageError(errors.New("--lock locks the bits set by --restrict-file and --deny-interactive; give at least one"))
			}
			c.ExecBeneath = allowExecUnder
			if c.Securebits == 0 && len(c.ExecBeneath) == 0 {
				return exitstatus.UsageError(errors.New("nothing to apply: give --restrict-file, --deny-interactive or --allow-exec-under"))
			}
			// As env and timeout do: 127 when COMMAND is not found, 126
			// when it cannot be run.
			path, err := exec.LookPath(args[0])
			switch {
			case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
				return exitstatus.WithStatus(127, err)
			case err != nil:
				return exitstatus.WithStatus(126, err)
			}
			if c.Securebits != 0 {
				if name, ok := ignoresSecurebits(path); ok {
					printf(cmd.ErrOrStderr(), "intact exec: warning: %s does not honour the exec securebits: "+
						"the files it runs and the code it reads are not checked (run the scripts with intact run or intact node instead)\n", name)
				}
			}
			if len(c.ExecBeneath) > 0 {
				if interp := grantedInterpreter(path, c.ExecBeneath); interp != "" {
					printf(cmd.ErrOrStderr(), "intact exec: warning: %s is dynamically linked, so its ELF interpreter %s is granted the execute right too, "+
						"and run as a program it loads any program outside the folders (%s /bin/sh): start a statically linked command "+
						"(a static intact: CGO_ENABLED=0 go build), or refuse the interpreter run as a program with another LSM (doc/linux.md)\n",
						args[0], interp, interp)
				}
			}
			// Exec returns only on failure.
			return exitstatus.WithStatus(126, linuxsec.Exec(c, path, args, os.Environ()))
		},
	}
	cmd.Flags().SetInterspersed(false) // flags after COMMAND are COMMAND's
	cmd.Flags().BoolVar(&restrictFile, "restrict-file", false, "set SECBIT_EXEC_RESTRICT_FILE: interpreters run only files the kernel would execute")
	cmd.Flags().BoolVar(&denyInteractive, "deny-interactive", false, "set SECBIT_EXEC_DENY_INTERACTIVE: interpreters refuse eval, the REPL and code on stdin unless stdin is an executable file")
	cmd.Flags().BoolVar(&lock, "lock", false, "also set the lock bit of each bit set, so that no descendant can clear it")
	cmd.Flags().StringArrayVar(&allowExecUnder, "allow-exec-under", nil, "allow execution only beneath this `dir` (repeatable; Landlock)")
	return cmd
}

// securebitsIgnorers matches the names of the interpreters known to run
// scripts without looking at the exec securebits (their versions at the
// time of writing): under intact exec they run whatever they are given.
// python3.12, nodejs and the like match by their stem.
var securebitsIgnorers = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(node|nodejs|deno|bun|python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|php[0-9.]*|lua[0-9.]*|luajit|tclsh[0-9.]*|Rscript|pwsh|awk|gawk|mawk|sh|bash|dash|ksh|mksh|zsh|fish|busybox)$`)
})

// ignoresSecurebits reports whether the executable at path, or the file a
// symbolic link there leads to (python3 -> python3.12), is a known
// interpreter that ignores the exec securebits, and the name it matched.
func ignoresSecurebits(path string) (string, bool) {
	names := []string{filepath.Base(path)}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		names = append(names, filepath.Base(real))
	}
	for _, n := range names {
		if securebitsIgnorers().MatchString(n) {
			return n, true
		}
	}
	return "", false
}

// grantedInterpreter returns the ELF interpreter of the executable at path
// when it lies outside the folders dirs, where linuxsec.Exec must grant it
// the execute right on its own for the command to start; else "".
func grantedInterpreter(path string, dirs []string) string {
	interp, err := linuxsec.Interpreter(path)
	if err != nil || interp == "" {
		return ""
	}
	resolved, err := filepath.EvalSymlinks(interp)
	if err != nil {
		resolved = interp
	}
	for _, d := range dirs {
		if rd, err := filepath.EvalSymlinks(d); err == nil {
			d = rd
		}
		if rel, err := filepath.Rel(d, resolved); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return ""
		}
	}
	return interp
}
