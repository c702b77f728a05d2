package intact

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/enforcer"
)

// rootName names intact itself as the source of denials that no enforcer
// made: a file that is not regular, unreadable, or changed while read.
const rootName = "intact"

// ReadCode returns the contents of the file at path if every enforcer in
// force allows it to run, and a *ViolationError if any refuses. The caller
// must execute exactly the returned bytes.
//
// The file is opened once; OS enforcers judge the open descriptor, the bytes
// are read from that descriptor, the file must not have changed meanwhile,
// and content enforcers judge the bytes read. Non-regular files are refused
// without being read, in audit mode too, and so are files larger than the
// maximum code size (Config.MaxCodeSize), with enforcer.ReasonTooLarge. A
// large file (over 1 MiB) is hashed from the descriptor first when an
// enforcer whose denials are enforced, not audited, can refuse it by its
// digest alone (enforcer.DigestChecker); if one does, it is refused without
// its bytes being held, and otherwise the bytes read afterwards must have
// the same digest. An enforcer that cannot tell by digest alone (the
// catalogs enforcer with SHA-1 Allow rules or a trusted version 1 catalog)
// judges the bytes once read. A file that changed while it was read, its
// size included, is refused with enforcer.ReasonChanged, in audit mode
// too. Nothing is cached between calls.
//
// When the policy disables interactive mode, a path that names a pipe, a
// FIFO, a terminal, a socket or a device (/dev/stdin, /proc/self/fd/0, a
// named pipe) is interactive input under another name: it is judged as
// ReadStdin judges standard input, and refused with a *BlockedError for
// FeatureStdin, whether or not code integrity is enforced.
//
// The bytes are judged as script, JSON or WebAssembly: by the digests of
// all of them, whatever the file is called, and bytes that are a PE image
// (authenticode.IsImage) are refused with enforcer.ReasonImageAsScript, in
// audit mode too. A host that hands a file to the OS image loader uses
// ReadImage instead.
func (p *Policy) ReadCode(path string) ([]byte, error) {
	return p.read(path, reading{use: asScript, max: p.maxCodeSize})
}

// ReadCodeAhead is ReadCode for a host that reads code before it is asked
// to run it, such as a module loader that fetches a package's files in one
// go: it opens, checks and reads the file exactly as ReadCode does, but it
// logs no event, and it returns the bytes only when the file passes every
// check outright. A denial, an audited would-be denial, interactive input
// under another name, and a file larger than maxSize (or the maximum code
// size) are errors (a *ViolationError or a *BlockedError), none of them
// logged. A host that gets an error must call ReadCode when the file is
// actually used: that call decides, and logs, as always.
//
// Only intact's own events are left out: an OS enforcer's check may be
// recorded by the OS itself (the kernel's audit log records the
// AT_EXECVE_CHECK denials of IPE, Windows the refusals of WDAC), whether
// or not the file is later used.
func (p *Policy) ReadCodeAhead(path string, maxSize int64) ([]byte, error) {
	return p.read(path, reading{use: asScript, ahead: true, max: min(maxSize, p.maxCodeSize)})
}

// ReadImage is ReadCode for hosts that hand the bytes to the OS image loader
// (dlopen, LoadLibrary), never to a script engine: a PE image may then also
// be vouched for by its Authenticode digest, as Windows vouches for the
// images it maps. The Authenticode digest leaves out the image's checksum,
// its certificate-table entry and the certificate table at the end of the
// file, bytes the loader ignores but a script engine would run: bytes that
// reach a script engine must come from ReadCode.
func (p *Policy) ReadImage(path string) ([]byte, error) {
	return p.read(path, reading{use: asImage, max: p.maxCodeSize})
}

// use is how the host will use the bytes it reads, which decides the
// digests that may vouch for them (enforcer.Content.Image).
type use int

const (
	asScript use = iota // run by a script engine: script, JSON, WebAssembly
	asImage             // mapped by the OS image loader
)

// reading is how one read of code is judged and reported.
type reading struct {
	use use
	// strict consults every enforcer that can judge code, and audit mode
	// lets nothing through: standard input under DisableInteractiveMode.
	// Its denials are logged by the caller, as a block.
	strict bool
	// ahead is ReadCodeAhead: nothing is logged, and an audited
	// would-be denial refuses the file.
	ahead bool
	max   int64 // the largest file read
	// explain, when not nil, records how each enforcer that checks code
	// judged a file that passes (ExplainCode).
	explain *Explanation
}

// audited reports whether a denial by an enforcer with settings s is
// logged and let through rather than enforced.
func (r reading) audited(s enforcer.Settings) bool { return s.Audit && !r.strict && !r.ahead }

// logged reports whether the denials of this read are logged as denials.
func (r reading) logged() bool { return !r.strict && !r.ahead }

func (p *Policy) read(path string, r reading) ([]byte, error) {
	if !p.ChecksCode() && !p.settings.DisableInteractiveMode.Enabled && !r.ahead {
		return os.ReadFile(path)
	}
	f, err := openCode(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || !p.ChecksCode() {
			// A missing file is not a policy matter: callers such as
			// module resolvers probe for files that may not exist.
			return nil, err
		}
		return nil, p.deny(path, nil, []*enforcer.Denial{{Enforcer: rootName, Reason: enforcer.ReasonUnreadable, Err: err}}, r)
	}
	defer f.Close()
	if p.ChecksCode() {
		// readChecked stats f anyway, and sends what is not a regular
		// file to readInteractive when interactive mode is disabled.
		return p.readChecked(f, path, r)
	}
	before, err := f.Stat()
	if err != nil || !before.Mode().IsRegular() {
		if !p.settings.DisableInteractiveMode.Enabled {
			// Only ReadCodeAhead comes here with interactive mode
			// allowed: a pipe or device is never read ahead.
			return nil, p.deny(path, nil, []*enforcer.Denial{notRegularDenial(before, err)}, r)
		}
		return p.readInteractive(f, path, r)
	}
	return p.readUnchecked(f, path, before, r)
}

// notRegularDenial is the denial of a file that is not a regular file, from its
// fstat (or the error fstat gave).
func notRegularDenial(fi os.FileInfo, err error) *enforcer.Denial {
	if err != nil {
		return &enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonUnreadable, Err: err}
	}
	return &enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonNotRegular, Detail: fi.Mode().Type().String()}
}

// readUnchecked reads a regular file no enforcer judges (interactive mode
// disabled, code integrity not enforced) with the limits every read has: a
// file over the maximum code size is refused before any byte is read, and
// one that changed while read is refused rather than half run.
func (p *Policy) readUnchecked(f *os.File, path string, before os.FileInfo, r reading) ([]byte, error) {
	if before.Size() > r.max {
		return nil, p.deny(path, nil, []*enforcer.Denial{tooLarge(before.Size(), r.max)}, r)
	}
	unreadable := func(err error) error {
		return p.deny(path, nil, []*enforcer.Denial{{Enforcer: rootName, Reason: enforcer.ReasonUnreadable, Err: err}}, r)
	}
	mark, err := stampOf(f)
	if err != nil {
		return nil, unreadable(err)
	}
	data, err := readAll(f, before.Size())
	if err != nil {
		return nil, unreadable(err)
	}
	now, err := stampOf(f)
	if err != nil || now != mark || mark.size != before.Size() || int64(len(data)) != before.Size() {
		return nil, p.deny(path, nil, []*enforcer.Denial{{Enforcer: rootName, Reason: enforcer.ReasonChanged,
			Detail: fmt.Sprintf("the file changed while it was read (%d bytes by fstat, %d read)", before.Size(), len(data))}}, r)
	}
	return data, nil
}

// ReadStdin reads code from f, the process's standard input. When
// interactive mode is allowed it simply reads f. When it is disabled, code on
// stdin may run only if the descriptor itself passes every enforcer's checks,
// as for a file (the Linux kernel's rule for interpreters): `intact run - <
// signed.js` may pass, a pipe or a terminal never does. A refusal is a
// *BlockedError for FeatureStdin wrapping the reason.
func (p *Policy) ReadStdin(f *os.File) ([]byte, error) {
	if !p.settings.DisableInteractiveMode.Enabled {
		return io.ReadAll(f)
	}
	return p.readInteractive(f, f.Name(), reading{use: asScript, max: p.maxCodeSize})
}

// readInteractive reads code that arrives as interactive input while
// interactive mode is disabled: it runs only if the descriptor passes every
// enforcer's checks, audit mode or not, which a pipe or terminal never does.
// r says how the read was asked for (ReadCode, ReadCodeAhead).
func (p *Policy) readInteractive(f *os.File, path string, r reading) ([]byte, error) {
	data, err := p.readChecked(f, path, reading{use: asScript, strict: true, ahead: r.ahead, max: r.max})
	if err != nil {
		blocked := &BlockedError{Feature: FeatureStdin, Source: p.settings.DisableInteractiveMode.source(enforcer.DisableInteractiveMode), Err: err}
		if !r.ahead {
			p.logBlock(blocked)
		}
		return nil, blocked
	}
	return data, nil
}

// readChecked runs the checks on an open file and returns its bytes. A
// strict read consults every enforcer that can judge code and ignores audit
// mode (stdin under DisableInteractiveMode); otherwise only enforcers that
// enforce code integrity count, and audit-mode denials are logged and let
// through, unless the read is ahead of use (ReadCodeAhead), which logs
// nothing and lets nothing through that any enforcer would deny.
func (p *Policy) readChecked(f *os.File, path string, r reading) ([]byte, error) {
	var denials []*enforcer.Denial
	var audited []*enforcer.Denial
	// note files a denial as enforced or audited by its enforcer's settings.
	note := func(d *enforcer.Denial, s enforcer.Settings) {
		if d == nil {
			return
		}
		if r.audited(s) {
			audited = append(audited, d)
		} else {
			denials = append(denials, d)
		}
	}
	active := p.active(r.strict)

	// refuse refuses the file for d, even in audit mode: d says there are
	// no bytes that could be let through (the file cannot or must not be
	// read), so the would-be denials so far are logged and d enforced.
	refuse := func(d *enforcer.Denial) error {
		p.logAudits(path, nil, audited)
		denials = append(denials, d)
		return p.deny(path, nil, denials, r)
	}
	unreadable := func(err error) error {
		return refuse(&enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonUnreadable, Err: err})
	}

	before, err := f.Stat()
	// Interactive input named as a file is judged as stdin is.
	interactive := !r.strict && p.settings.DisableInteractiveMode.Enabled
	if interactive && (err != nil || !before.Mode().IsRegular()) {
		return p.readInteractive(f, path, r)
	}
	if err != nil {
		return nil, unreadable(err)
	}
	if !before.Mode().IsRegular() {
		// Never read: a FIFO may never end or block until a writer
		// comes, a device such as /dev/zero never ends.
		return nil, refuse(notRegularDenial(before, nil))
	}
	if before.Size() > r.max {
		return nil, refuse(tooLarge(before.Size(), r.max))
	}
	// The stamp the file must still have once read: taken before the
	// checks, so that a change while they judge the descriptor counts.
	mark, err := stampOf(f)
	if err != nil {
		return nil, unreadable(err)
	}

	for _, c := range active {
		if c.file == nil {
			continue
		}
		if err := c.file.CheckFile(f, path); err != nil {
			note(asDenial(c.Name(), err), c.settings)
		}
	}
	if len(denials) > 0 {
		p.logAudits(path, nil, audited)
		return nil, p.deny(path, nil, denials, r)
	}

	// Read from the start whatever a checker did with the offset.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, unreadable(err)
	}
	var streamed *[32]byte // the SHA-256 a first pass over a large file found
	if r.use == asScript && before.Size() > streamThreshold {
		var refused []*enforcer.Denial
		if streamed, refused, err = p.checkDigest(f, before.Size(), r); err != nil {
			return nil, unreadable(err)
		}
		if len(refused) > 0 {
			p.logAudits(path, streamed, audited)
			return nil, p.deny(path, streamed, append(denials, refused...), r)
		}
	}
	data, err := readAll(f, before.Size())
	if err != nil {
		return nil, unreadable(err)
	}
	sum := sha256.Sum256(data)
	now, err := stampOf(f)
	if err != nil || now != mark || mark.size != before.Size() || int64(len(data)) != before.Size() || (streamed != nil && *streamed != sum) {
		// Refused in audit mode too: the bytes read are not the file
		// the checks saw, perhaps a prefix of it (a /proc file whose
		// stat says 0 bytes yields one), and letting them run would
		// run what nobody wrote.
		denials = append(denials, &enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonChanged,
			Detail: fmt.Sprintf("the file changed while it was checked and read (%d bytes by fstat, %d read)", before.Size(), len(data))})
	}

	content := enforcer.Content{Path: path, Data: data, SHA256: sum, File: before, Image: r.use == asImage}
	var allowances []enforcer.Allowance // by enforcer, when explaining
	if r.explain != nil {
		allowances = make([]enforcer.Allowance, len(active))
	}
	for i, c := range active {
		var err error
		switch {
		case c.content == nil:
			continue
		case r.explain != nil && c.explain != nil:
			allowances[i], err = c.explain.ExplainContent(content)
		default:
			err = c.content.CheckContent(content)
		}
		if err != nil {
			note(asDenial(c.Name(), err), c.settings)
		}
	}
	if r.use == asScript && authenticode.IsImage(data) {
		// No script, JSON or WebAssembly module is a PE image, and the
		// runtime's refusal of image names (.dll, .exe) misses a link
		// or copy named .js. Refused in audit mode too: audit finds
		// the legitimate code a policy would refuse, and this is none.
		denials = append(denials, &enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonImageAsScript,
			Detail: "the bytes are a PE image (MZ and PE signatures), which is never run as script"})
	}

	p.logAudits(path, &sum, audited)
	if len(denials) > 0 {
		return nil, p.deny(path, &sum, denials, r)
	}
	if r.explain != nil {
		r.explain.record(sum, active, allowances, audited)
	}
	return data, nil
}

// checkDigest hashes a large file from its descriptor without keeping its
// bytes, and asks the enforcers that can refuse a file by its digest alone
// (enforcer.DigestChecker) and whose denials are enforced; audit-mode ones
// judge the bytes once, read. It returns a nil sum, having read nothing,
// when no enforcer can refuse by digest.
func (p *Policy) checkDigest(f *os.File, size int64, r reading) (sum *[32]byte, denials []*enforcer.Denial, err error) {
	for _, c := range p.active(r.strict) {
		if c.digest == nil || r.audited(c.settings) {
			continue
		}
		if sum == nil {
			s, err := hashFile(f, size)
			if err != nil {
				return nil, nil, err
			}
			sum = &s
		}
		if err := c.digest.CheckDigest(*sum, size); err != nil {
			denials = append(denials, asDenial(c.Name(), err))
		}
	}
	return sum, denials, nil
}

// active returns the enforcers whose checks run: all that can judge code
// when strict, else those that enforce code integrity (perhaps in audit).
func (p *Policy) active(strict bool) []checkedEnforcer {
	if strict {
		return p.checked
	}
	return p.enforced
}

// deny logs the denials and returns the *ViolationError for them. Denials
// for stdin are logged by the caller as a block; reads ahead log nothing.
func (p *Policy) deny(path string, sum *[32]byte, denials []*enforcer.Denial, r reading) error {
	if r.logged() {
		for _, d := range denials {
			p.logDenial(EventDenied, path, sum, d)
		}
	}
	return &ViolationError{Path: path, Denials: denials}
}

func (p *Policy) logAudits(path string, sum *[32]byte, audited []*enforcer.Denial) {
	for _, d := range audited {
		p.logDenial(EventAudit, path, sum, d)
	}
}

// asDenial turns an enforcer's error into a denial; an error that is not a
// *Denial means the check itself failed, which refuses the file.
func asDenial(name string, err error) *enforcer.Denial {
	var d *enforcer.Denial
	if errors.As(err, &d) {
		if d.Enforcer == "" {
			d.Enforcer = name
		}
		return d
	}
	return &enforcer.Denial{Enforcer: name, Reason: enforcer.ReasonCheckFailed, Err: err}
}

// readAll reads the size bytes the stat before the read found, and one
// more: a file that grew is then longer than its size, which the caller
// refuses, without reading whatever it grew by. A file whose stat says 0
// bytes but has content (as files in /proc do) is refused the same way.
// Up to readChunk bytes are allocated at once; a larger file's buffer grows
// as its bytes arrive, so a file that claims a large size and ends early
// costs what it holds, not what it claims.
func readAll(f *os.File, size int64) ([]byte, error) {
	buf := make([]byte, 0, min(size+1, readChunk))
	for int64(len(buf)) <= size {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(size+1, int64(cap(buf))*2))
			copy(grown, buf)
			buf = grown
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// readChunk is the most readAll allocates before bytes arrive: 16 MiB,
// more than nearly every script, so most are read into one buffer.
const readChunk = 16 << 20
