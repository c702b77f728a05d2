// Package execcheck enforces the Linux kernel's verdict on code: the
// enforcer asks execveat(2) with AT_EXECVE_CHECK whether each file that is
// about to become code may be executed, on the descriptor the code is read
// from. The answer carries everything the kernel decides — file mode,
// noexec mounts, IMA appraisal, IPE, Landlock, and fanotify daemons such as
// fapolicyd.
//
// Whether the answer is enforced follows the process's exec securebits
// (Linux 6.14, Documentation/userspace-api/check_exec.rst), read once when
// the enforcer is made:
//
//   - SECBIT_EXEC_RESTRICT_FILE turns on EnforceCodeIntegrity: a file runs
//     only if the check passes.
//   - SECBIT_EXEC_DENY_INTERACTIVE turns on DisableInteractiveMode: eval
//     and the REPL are refused, and code on stdin runs only if the stdin
//     descriptor passes the check (a pipe never does).
//
// Nothing but the securebits and the embedder's Options can put the
// enforcer in force, and nothing can take it out of force: no flag or
// environment variable is consulted. An enforcer that nothing puts in force
// has no opinion and lets every file through without a system call.
//
// On a kernel without AT_EXECVE_CHECK, and on other operating systems, the
// enforcer reports itself unavailable; if it is nonetheless in force it
// refuses every file (fail closed).
package execcheck

import (
	"errors"
	"os"

	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/linuxsec"
)

// Name is the enforcer's name in denials, events and status.
const Name = "execcheck"

// Options put the enforcer in force as if securebits were set, for hosts
// that must enforce the kernel's verdict whatever their parent set — the
// kernel documentation's "custom builds" of an interpreter. Options can only
// add enforcement to what the securebits ask for, never remove it.
type Options struct {
	// RestrictFile behaves as if SECBIT_EXEC_RESTRICT_FILE were set.
	RestrictFile bool
	// DenyInteractive behaves as if SECBIT_EXEC_DENY_INTERACTIVE were set.
	DenyInteractive bool
}

// Enforcer is the execcheck enforcer. It implements enforcer.Enforcer and
// enforcer.FileChecker, and is safe for concurrent use. Make it with New or
// NewWith: the zero Enforcer is in force for nothing.
type Enforcer struct {
	bits    uint32  // the securebits when the enforcer was made
	bitsErr error   // why the securebits could not be read; forces everything on
	opts    Options // enforcement the host added
	// unavailable says why AT_EXECVE_CHECK cannot be used; nil when it can.
	unavailable error
}

var (
	_ enforcer.Enforcer    = (*Enforcer)(nil)
	_ enforcer.FileChecker = (*Enforcer)(nil)
)

// New returns the enforcer for this process's securebits.
func New() *Enforcer { return NewWith(Options{}) }

// NewWith returns the enforcer for this process's securebits with opts'
// enforcement added.
func NewWith(opts Options) *Enforcer {
	bits, bitsErr := securebits()
	return &Enforcer{bits: bits, bitsErr: bitsErr, opts: opts, unavailable: probe()}
}

// Name returns "execcheck".
func (e *Enforcer) Name() string { return Name }

// Settings reports EnforceCodeIntegrity when SECBIT_EXEC_RESTRICT_FILE is
// set and DisableInteractiveMode when SECBIT_EXEC_DENY_INTERACTIVE is set,
// or when the matching option asks for it. When the securebits cannot be
// read both are on: a parent that hides the bits (with a seccomp filter, say)
// must not switch enforcement off.
func (e *Enforcer) Settings() enforcer.Settings {
	return enforcer.Settings{
		EnforceCodeIntegrity:   e.bitsErr != nil || e.opts.RestrictFile || e.bits&linuxsec.SecbitExecRestrictFile != 0,
		DisableInteractiveMode: e.bitsErr != nil || e.opts.DenyInteractive || e.bits&linuxsec.SecbitExecDenyInteractive != 0,
	}
}

// inForce reports whether anything asks this enforcer to judge code.
func (e *Enforcer) inForce() bool {
	s := e.Settings()
	return s.EnforceCodeIntegrity || s.DisableInteractiveMode
}

// Status reports whether the kernel can check files, the securebits, and
// where each setting came from.
func (e *Enforcer) Status() enforcer.Status {
	st := enforcer.Status{Available: e.unavailable == nil, Sources: map[enforcer.SettingName]string{}}
	source := func(setting enforcer.SettingName, bit, lock uint32, bitName string, opt bool, optName string) {
		switch {
		case e.bitsErr != nil:
			st.Sources[setting] = "securebits unreadable, enforced (fail closed)"
		case e.bits&bit != 0:
			src := "securebit " + bitName
			if e.bits&lock != 0 {
				src += " (locked)"
			}
			st.Sources[setting] = src
		case opt:
			st.Sources[setting] = "execcheck option " + optName
		}
	}
	source(enforcer.EnforceCodeIntegrity, linuxsec.SecbitExecRestrictFile, linuxsec.SecbitExecRestrictFileLocked, "SECBIT_EXEC_RESTRICT_FILE", e.opts.RestrictFile, "RestrictFile")
	source(enforcer.DisableInteractiveMode, linuxsec.SecbitExecDenyInteractive, linuxsec.SecbitExecDenyInteractiveLocked, "SECBIT_EXEC_DENY_INTERACTIVE", e.opts.DenyInteractive, "DenyInteractive")
	if e.bitsErr != nil {
		st.Details = append(st.Details, "securebits: "+e.bitsErr.Error())
	} else {
		st.Details = append(st.Details, "securebits: "+formatBits(e.bits))
	}
	if e.unavailable != nil {
		st.Details = append(st.Details, "unavailable: "+e.unavailable.Error())
	} else {
		st.Details = append(st.Details, "execveat(AT_EXECVE_CHECK): available")
	}
	return st
}

// CheckFile asks the kernel whether f may be executed. It returns nil when
// it may, or when nothing puts the enforcer in force; otherwise a
// *enforcer.Denial: ReasonKernelRefused with the errno (EACCES, EPERM or
// ETXTBSY) when the kernel refuses, ReasonUnavailable when the kernel cannot
// check, ReasonUnlinked for a descriptor with no link, and ReasonCheckFailed
// when a check itself fails.
//
// A descriptor with no link in any folder — a memfd, an O_TMPFILE file, a
// deleted file — is refused before the kernel is asked. The kernel would
// pass a memfd of mode 0777 (Landlock allows everything on the internal
// mount memfds live on, so --allow-exec-under DIR does not stop it), and a
// deleted file is no longer beneath the folder a path rule judged: the
// policies that say which paths may run cannot have judged such code. No
// policy allows them today.
func (e *Enforcer) CheckFile(f *os.File, path string) error {
	if !e.inForce() {
		return nil
	}
	if e.unavailable != nil {
		return &enforcer.Denial{Enforcer: Name, Reason: enforcer.ReasonUnavailable, Detail: "the kernel cannot check files", Err: e.unavailable}
	}
	what, err := unlinked(f)
	if err != nil {
		return &enforcer.Denial{Enforcer: Name, Reason: enforcer.ReasonCheckFailed, Detail: "fstat failed", Err: err}
	}
	if what != "" {
		return &enforcer.Denial{Enforcer: Name, Reason: enforcer.ReasonUnlinked, Detail: what + " has no link in any folder, so no path policy judged it"}
	}
	err = check(f, path)
	if err == nil {
		return nil
	}
	if name, refused := refusal(err); refused {
		if why := refusalCause(f, err); why != "" {
			name += ": " + why
		}
		return &enforcer.Denial{Enforcer: Name, Reason: enforcer.ReasonKernelRefused, Detail: name, Err: err}
	}
	return &enforcer.Denial{Enforcer: Name, Reason: enforcer.ReasonCheckFailed, Detail: "execveat(AT_EXECVE_CHECK) failed", Err: err}
}

// errNotLinux is why the enforcer is unavailable on other systems.
var errNotLinux = errors.New("execveat(AT_EXECVE_CHECK) is a Linux interface")
