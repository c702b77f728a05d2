package intact

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/regularfile"
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
	return p.read(path, request{use: asScript, max: p.maxCodeSize})
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
	return p.read(path, request{use: asScript, max: min(maxSize, p.maxCodeSize), ahead: true})
}

// ReadImage is ReadCode for hosts that hand the bytes to the OS image loader
// (dlopen, LoadLibrary), never to a script engine: a PE image may then also
// be vouched for by its Authenticode digest, as Windows vouches for the
// images it maps. The Authenticode digest leaves out the image's checksum,
// its certificate-table entry and the certificate table at the end of the
// file, bytes the loader ignores but a script engine would run: bytes that
// reach a script engine must come from ReadCode.
func (p *Policy) ReadImage(path string) ([]byte, error) {
	return p.read(path, request{use: asImage, max: p.maxCodeSize})
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
	return p.judge(stat(f, f.Name()), p.modeFor(request{use: asScript, max: p.maxCodeSize}, interactiveInput))
}

// use is how the host will use the bytes it reads, which decides the
// digests that may vouch for them (enforcer.Content.Image).
type use int

const (
	asScript use = iota // run by a script engine: script, JSON, WebAssembly
	asImage             // mapped by the OS image loader
)

// A request is what a caller asks of one read of code.
type request struct {
	use use
	max int64 // the largest file read
	// ahead is ReadCodeAhead: the bytes are wanted only if they pass
	// outright, and nothing is logged.
	ahead bool
	// explain, when not nil, is filled from a read that passes
	// (ExplainCode).
	explain *Explanation
}

// read opens the file at path, classifies what it holds, and judges it
// as the policy says.
func (p *Policy) read(path string, q request) ([]byte, error) {
	if !p.ChecksCode() && !p.settings.DisableInteractiveMode.Enabled && !q.ahead {
		// No policy in force: nothing changes (a pipe named as code,
		// /dev/stdin, is read as it is), except that at most the maximum
		// code size is read, so that a device without end (/dev/zero)
		// cannot fill the memory.
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		data, err := regularfile.ReadLimited(f, q.max)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return data, nil
	}
	f, err := openCode(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || !p.ChecksCode() {
			// A missing file is not a policy matter: callers such as
			// module resolvers probe for files that may not exist.
			// Nor is a file that cannot be opened while no enforcer
			// checks files.
			return nil, err
		}
		var v verdict
		v.refuse(unreadable(err))
		return p.report(path, nil, nil, &v, p.modeFor(q, fileInput))
	}
	defer f.Close()
	in := stat(f, path)
	return p.judge(in, p.modeFor(q, p.classify(in)))
}

// An opened file is one open for reading as code, with what fstat said
// of it.
type opened struct {
	f       *os.File
	path    string      // as the host named it, for enforcers and events
	info    os.FileInfo // nil when fstat failed
	statErr error
}

// stat fstats f, open for reading as code.
func stat(f *os.File, path string) opened {
	info, err := f.Stat()
	return opened{f: f, path: path, info: info, statErr: err}
}

// An input is what a read of code is given, which decides the rules it is
// judged by (readMode).
type input int

const (
	fileInput        input = iota // a file
	interactiveInput              // code on stdin, or under another name
)

// classify tells what in holds. While the policy disables interactive
// mode, what is not a regular file (a pipe, a FIFO, a terminal, a socket or
// a device: /dev/stdin, /proc/self/fd/0, a named pipe) is interactive input
// under another name, judged as stdin is, and so is what fstat cannot
// describe. A regular file is a file, whatever name reached it, as the
// Linux kernel's rule for interpreters has it.
func (p *Policy) classify(in opened) input {
	if p.settings.DisableInteractiveMode.Enabled && (in.statErr != nil || !in.info.Mode().IsRegular()) {
		return interactiveInput
	}
	return fileInput
}

// judge takes an open file, classified (read, ReadStdin), through the
// rest of DESIGN.md's steps and returns its bytes if nothing refuses them:
// descriptor checks; reading from the same descriptor, confirming that the
// bytes read are the file the checks saw; content checks on exactly those
// bytes; and the verdict, reported as m says. Each step adds what it finds
// to one verdict. A refusal before the bytes are read ends the checks; the
// bytes of a file that changed while read are still judged, so that every
// denial of them is reported together.
func (p *Policy) judge(in opened, m readMode) ([]byte, error) {
	var v verdict

	// Descriptor checks.
	mark := checkDescriptor(in, m, &v)
	if v.refused() {
		return p.report(in.path, nil, nil, &v, m)
	}

	// Read, and confirm unchanged. A large script is judged by its digest
	// first, so that a file refused by its digest alone is never held in
	// memory.
	streamed := checkDigest(in, m, &v)
	if v.refused() {
		return p.report(in.path, nil, streamed, &v, m)
	}
	data, err := readFrom(in)
	if err != nil {
		v.refuse(unreadable(err))
		return p.report(in.path, nil, nil, &v, m)
	}
	if len(m.judges) == 0 {
		// No enforcer judges the bytes (interactive mode is disabled
		// but code integrity is not enforced, or a read ahead with no
		// policy): they are only bounded and confirmed unchanged,
		// neither hashed nor judged.
		if !unchanged(in, mark, data) {
			v.refuse(changed(in, data, "read"))
		}
		return p.report(in.path, data, nil, &v, m)
	}
	sum := sha256.Sum256(data)
	if !unchanged(in, mark, data) || streamed != nil && *streamed != sum {
		// Refused in audit mode too: the bytes read are not the file the
		// checks saw, perhaps a prefix of it (a /proc file whose stat
		// says 0 bytes yields one), and letting them run would run what
		// nobody wrote. The content checks still judge them, so that
		// their denials are logged with this one.
		v.refuse(changed(in, data, "checked and read"))
	}

	// Content checks.
	checkContent(in, data, sum, m, &v)

	// Verdict.
	return p.report(in.path, data, &sum, &v, m)
}

// checkDescriptor makes the checks on the open descriptor, before any byte
// is read: what must not be read is refused (admit), then each enforcer
// that judges descriptors (enforcer.FileChecker) judges it. It returns the
// stamp the file must still have once read, taken before those checks, so
// that a change while they judge the descriptor counts.
func checkDescriptor(in opened, m readMode, v *verdict) stamp {
	if d := admit(in, m.max); d != nil {
		v.refuse(d)
		return stamp{}
	}
	mark, err := stampOf(in.f)
	if err != nil {
		v.refuse(unreadable(err))
		return stamp{}
	}
	for _, c := range m.judges {
		if c.file != nil {
			v.note(c, c.file.CheckFile(in.f, in.path), m)
		}
	}
	return mark
}

// admit returns the denial of a file that must not be read: one fstat
// cannot describe, one that is not a regular file, or one larger than max.
// It refuses the file in audit mode too, since there are no bytes that
// could be let through.
func admit(in opened, max int64) *enforcer.Denial {
	switch {
	case in.statErr != nil:
		return unreadable(in.statErr)
	case !in.info.Mode().IsRegular():
		// Never read: a FIFO may never end or block until a writer
		// comes, a device such as /dev/zero never ends.
		return &enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonNotRegular, Detail: in.info.Mode().Type().String()}
	case in.info.Size() > max:
		return tooLarge(in.info.Size(), max)
	}
	return nil
}

// checkDigest hashes a large script from its descriptor, without keeping
// its bytes, and asks the enforcers that can refuse a file by its digest
// alone (enforcer.DigestChecker), except those whose denials audit mode
// lets through: they judge the bytes once read. It returns the digest, or
// nil, having read nothing, when no enforcer can refuse the file by it.
func checkDigest(in opened, m readMode, v *verdict) *[32]byte {
	size := in.info.Size()
	if m.use != asScript || size <= streamThreshold {
		return nil
	}
	var sum *[32]byte
	for _, c := range m.judges {
		if c.digest == nil || m.audits(c) {
			continue
		}
		if sum == nil {
			s, err := hashFile(in.f, size)
			if err != nil {
				v.refuse(unreadable(err))
				return nil
			}
			sum = &s
		}
		v.note(c, c.digest.CheckDigest(*sum, size), m)
	}
	return sum
}

// readFrom reads the file from its start, whatever a check did with the
// offset: the size bytes fstat found, and one more (readAll).
func readFrom(in opened) ([]byte, error) {
	if _, err := in.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return readAll(in.f, in.info.Size())
}

// unchanged reports whether data, read from in, is the whole file the
// checks saw: the file still has the stamp mark, whose size fstat found
// too, and exactly that many bytes were read (readAll reads one more, so a
// file that grew is longer).
func unchanged(in opened, mark stamp, data []byte) bool {
	now, err := stampOf(in.f)
	size := in.info.Size()
	return err == nil && now == mark && mark.size == size && int64(len(data)) == size
}

// changed is the denial of a file that changed while it was read, and
// checked when what is "checked and read".
func changed(in opened, data []byte, what string) *enforcer.Denial {
	return &enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonChanged,
		Detail: fmt.Sprintf("the file changed while it was %s (%d bytes by fstat, %d read)", what, in.info.Size(), len(data))}
}

// checkContent has each enforcer that judges bytes (enforcer.ContentChecker)
// judge data, whose SHA-256 is sum, and refuses a PE image read as script.
// When the read is explained, an enforcer that can say what vouched for
// the bytes (enforcer.Explainer) is asked that instead, which judges them
// all the same.
func checkContent(in opened, data []byte, sum [32]byte, m readMode, v *verdict) {
	content := enforcer.Content{Path: in.path, Data: data, SHA256: sum, File: in.info, Image: m.use == asImage}
	if m.explain != nil {
		v.allowances = make([]enforcer.Allowance, len(m.judges))
	}
	for i, c := range m.judges {
		var err error
		switch {
		case c.content == nil:
			continue
		case m.explain != nil && c.explain != nil:
			v.allowances[i], err = c.explain.ExplainContent(content)
		default:
			err = c.content.CheckContent(content)
		}
		v.note(c, err, m)
	}
	if m.use == asScript && authenticode.IsImage(data) {
		// No script, JSON or WebAssembly module is a PE image, and the
		// runtime's refusal of image names (.dll, .exe) misses a link
		// or copy named .js. Refused in audit mode too: audit finds
		// the legitimate code a policy would refuse, and this is none.
		v.refuse(&enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonImageAsScript,
			Detail: "the bytes are a PE image (MZ and PE signatures), which is never run as script"})
	}
}

// unreadable is the denial of a file that could not be opened, described
// or read.
func unreadable(err error) *enforcer.Denial {
	return &enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonUnreadable, Err: err}
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
