package nodeguard

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/intactdev/intact"
)

// The channel protocol between the bootstrap and the broker. A thread
// writes a request and blocks reading the reply:
//
//	request: u32 little-endian n | op (1 byte) | seq (4 bytes) | payload (n-5 bytes)
//	reply:   status (1 byte) | u32 little-endian n | hex(op | seq | payload) | body (n bytes)
//
// A reply names the request it answers: it repeats the whole request, op,
// sequence number and payload, and the bootstrap refuses a reply that
// does not name the request it made. The sequence number is the thread's
// bootstrap's own and changes with every request. Application code in
// node's process can write requests of its own into a channel, or read a
// reply away; it cannot make the bootstrap take the broker's answer to one
// of its requests for the answer to the bootstrap's: not without the
// sequence number, and with it (read away from a reply) only an answer to
// the same request. The request is repeated in hexadecimal: bytes the
// application chose, verbatim in the reply stream, would be a frame of its
// making were it to read part of a reply away and leave the bootstrap
// reading from their start (doc/node.md).
//
// The ops, each with a UTF-8 payload:
const (
	opReadCode    = 'R' // a file's path → statusOK, ReadCode's exact bytes and files read ahead (readReply)
	opAddon       = 'D' // a native library's path → statusOK, a release token, a space, and the path node loads the checked library by
	opCloseAddon  = 'K' // a release token opAddon returned → statusOK once the library is released
	opChannel     = 'C' // a thread id → no reply; the broker makes that thread a channel of its own
	opInteractive = 'I' // a feature name → statusOK or statusBlocked (CheckInteractive)
	opDynamic     = 'Y' // what made code → statusOK or statusBlocked (CheckDynamicCode)
	opLogRefusal  = 'L' // what was refused, a NUL, why → statusOK once logged (Policy.LogRefusal)
)

// Reply statuses. A body that is not statusOK's is a JSON refusal.
const (
	statusOK        = 0
	statusViolation = 1 // ERR_CODE_INTEGRITY_VIOLATION
	statusBlocked   = 2 // ERR_CODE_INTEGRITY_BLOCKED
	statusError     = 3 // any other error, with node's code (ENOENT, ...)
)

// maxRequest caps a request frame: a path, a feature or a thread id.
const maxRequest = 1 << 20

// refusalBody is the JSON body of a reply that is not statusOK.
type refusalBody struct {
	Message string   `json:"message"`
	Code    string   `json:"code,omitempty"`
	Path    string   `json:"path,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
	Feature string   `json:"feature,omitempty"`
	// Why, Next and Check explain a refusal for an operator
	// (intact.Explain); node prints them with the error.
	Why   string `json:"why,omitempty"`
	Next  string `json:"next,omitempty"`
	Check string `json:"check,omitempty"`
}

// broker serves node's threads with one policy. The protocol and every
// decision are here, in plain Go; what differs between operating systems
// (how a checked native library reaches node, how a thread other than the
// main one gets a channel) is its brokerOS.
type broker struct {
	policy *intact.Policy
	os     brokerOS
	ahead  bool          // whether to read files ahead (readsAhead)
	maxAge time.Duration // how old a file read ahead may be when handed over: aheadMaxAge, but in tests

	mu sync.Mutex
	// addons are the native libraries handed out and not yet released, by
	// release token: a secret of the reply that handed each out. A path
	// would not do: the application can read it in /proc and send a
	// release of its own before node has loaded the library, then have the
	// broker open a file of its choosing under the freed descriptor
	// number, which node would then load by that path (outside review
	// rt13).
	addons map[string]heldAddon
	// held and heldBytes count the libraries in addons and those being
	// pinned, and their bytes: a library's place is taken before it is
	// read, so that threads pinning at once cannot pass the limits
	// together (outside review rt57).
	held      int
	heldBytes int64
	maxBytes  int64 // maxHeldAddonBytes, but in tests
	// serving holds a place for each request that reads a file, from
	// before the read until its reply is written (maxServing).
	serving chan struct{}
	// waiting counts the requests waiting for a place (acquire); served,
	// the channels being served (goServe).
	waiting atomic.Int32
	served  sync.WaitGroup
	// exited is closed once node has exited (release).
	exited   chan struct{}
	endGrace time.Duration // channelEndGrace, but in tests
	refusals *eventLimit   // opLogRefusal's events
	// noChannel logs, once, that a thread of node's got no channel.
	noChannel sync.Once
}

// maxServing bounds the requests that read files (opReadCode, opAddon)
// served at once, across all of node's channels. Each holds the file's
// bytes until its reply is written, which waits for node to read it: code
// in node that asks for large files on many channels at once, or never
// reads the replies, would otherwise make the broker hold a copy per
// channel, up to 65 times the maximum code size (outside review rt58).
// The broker holds at most this many at the maximum code size (256 MiB
// by default); node's threads ask one file at a time each, and wait for
// the reply, so others wait only while files are read. A thread that
// exits before it has read its reply (a worker terminated in the middle
// of a require) must not keep its place: where the OS layer cannot end
// such a write (channelEnd.repliesEnd), the place covers the read only
// (outside review rt60: four workers terminated so left node waiting for
// ever).
const maxServing = 4

// threadChannels is how many of node's threads other than the main one
// (workers) can have a channel, over node's whole run. On Linux node's
// ends of that many socket pairs are node's from its start, since a socket
// cannot be opened through /proc/<pid>/fd later, and the broker hands each
// out once. On Windows the broker serves that many connections to its
// pipe from node's process, which connects one a thread.
const threadChannels = 64

// A channelEnd is the broker's end of one thread's channel.
type channelEnd struct {
	requests io.Reader
	replies  io.Writer
	close    func() error // closes requests and replies
	// repliesEnd reports that a write to replies ends, with an error,
	// once the thread that would read it has exited or stalled (Linux:
	// stallWriter; Windows: stallPipe), rather than wait for ever.
	repliesEnd bool
	// main says the channel is the main thread's, the only one on which
	// the bootstrap asks for other threads' channels (opChannel).
	main bool
	// hungUp, when not nil, reports whether node's end has been closed,
	// without reading.
	hungUp func() bool
	// oneEnd says node's end of requests and replies is one (a socket, a
	// duplex pipe): closed for one, it is closed for the other.
	oneEnd bool
}

// heldAddon is a native library handed out and not yet released.
type heldAddon struct {
	release io.Closer
	size    int64
}

// brokerOS is what a broker needs from its operating system.
type brokerOS interface {
	// pinAddon hands node a native library that check allows (check is
	// Policy.ReadImage; the OS layer calls it on the file it pins). It
	// returns the path node loads the library by, which must name the
	// checked bytes until release is closed, and nothing an attacker can
	// swap meanwhile.
	pinAddon(path string, check func(path string) ([]byte, error)) (load string, release io.Closer, err error)
	// openThreadChannel makes the channel of the thread that asked for one
	// with opChannel and id (a validThreadID), and serves it (b.serve).
	// Systems whose threads connect another way ignore it.
	openThreadChannel(b *broker, id string)
	// nodeExiting reports whether node's process is exiting (or gone),
	// when the OS layer can tell (known).
	nodeExiting() (exiting, known bool)
	// release unblocks whatever still waits for a thread, once node has
	// exited.
	release()
}

func newBroker(p *intact.Policy, sys brokerOS) *broker {
	b := &broker{policy: p, os: sys, ahead: readsAhead(p), maxAge: aheadMaxAge, maxBytes: maxHeldAddonBytes,
		serving: make(chan struct{}, maxServing), exited: make(chan struct{}), endGrace: channelEndGrace}
	b.refusals = &eventLimit{max: maxRefusalEvents, maxBytes: maxRefusalBytes, window: refusalWindow, report: func(n int) {
		p.LogRefusal("refusals in node", fmt.Sprintf("%d more not logged: node asked to log more than %d, or %d KiB, in %v",
			n, maxRefusalEvents, maxRefusalBytes>>10, refusalWindow))
	}}
	return b
}

// serve answers one thread's requests until the thread or node closes its
// end. It runs on a locked OS thread with blocking descriptors: a blocked
// read parks that thread in the kernel, and the wake-up goes straight to it
// rather than through Go's netpoller.
//
// script, when not "", is the main script node is about to run, whose
// package is read ahead at once.
func (b *broker) serve(c channelEnd, script string) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	req := c.requests
	defer c.close()
	rd := newReader(b.policy, b.ahead, b.maxAge)
	defer rd.close()
	rd.begin(script)
	// Replies in parts go out in as few writes as they fit in.
	w := bufio.NewWriterSize(c.replies, 64<<10)
	for {
		op, request, err := readRequest(req)
		if err != nil {
			// EOF: node has exited, or code in node closed the channel; or
			// a malformed frame.
			go b.channelEnded(c.main, err)
			return
		}
		payload := string(request[requestHead:])
		if op == opChannel {
			// The bootstrap asks on the main thread's channel only: on
			// another, code in node made the request, which has no reply.
			if c.main {
				b.openThreadChannel(payload)
			}
			continue
		}
		reads := op == opReadCode || op == opAddon
		if reads && !b.acquire(c) {
			go b.channelEnded(c.main, io.EOF) // hung up while it waited
			return
		}
		status, body := b.handle(rd, op, payload)
		if reads && !c.repliesEnd {
			// The write may wait for ever for a thread that is gone:
			// the place covers reading the file only.
			<-b.serving
			reads = false
		}
		err = writeReply(w, status, request, body...)
		if reads {
			<-b.serving
		}
		if err != nil {
			go b.channelEnded(c.main, err)
			if c.hungUp != nil && c.hungUp() || peerClosed(err) {
				b.awaitRequestsEnd(c)
				b.countRefusals(req) // ends at the end of what node left
			}
			return
		}
		rd.next() // while node runs what it got
	}
}

// countRefusals reads what node left in a channel whose end it has
// closed (it exited, say), and counts its opLogRefusal requests against
// the bound, so that the count of those not logged is whole (outside
// review rt66: a flood left in the channel at node's exit was missing from
// it). What node left is what the socket or pipe held: bounded.
func (b *broker) countRefusals(req io.Reader) {
	for {
		op, request, err := readRequest(req)
		if err != nil {
			return
		}
		if op == opLogRefusal {
			b.logRefusal(string(request[requestHead:]))
		}
	}
}

// awaitRequestsEnd waits until nothing more can come in on c, whose
// replies end node has closed: at once where requests and replies are one
// end; else (Windows' main channel, two pipes) until node's request end
// hangs up too, or node exits. Node could otherwise close its reply end
// alone and go on writing requests, which would be read, unanswered, for
// as long as it lives (outside review rt68).
func (b *broker) awaitRequestsEnd(c channelEnd) {
	if c.oneEnd || c.hungUp != nil && c.hungUp() {
		return
	}
	tick := time.NewTicker(hangUpPoll)
	defer tick.Stop()
	for {
		select {
		case <-b.exited:
			return
		case <-tick.C:
			if c.hungUp != nil && c.hungUp() {
				return
			}
		}
	}
}

// goServe serves c (serve) in a goroutine of its own, which release
// waits for.
func (b *broker) goServe(c channelEnd, script string) {
	b.served.Add(1)
	go func() {
		defer b.served.Done()
		b.serve(c, script)
	}()
}

// acquire takes a serving place for a request on c, and reports false if
// node's end of c hung up while it waited. Code in node can hold every
// place for as long as it likes, by reading its own requests' replies a
// little at a time; a channel waiting meanwhile is not read, and its end
// would go unseen until node exits (outside review rt66), so it is watched
// for a hang-up while it waits.
func (b *broker) acquire(c channelEnd) bool {
	select {
	case b.serving <- struct{}{}:
		return true
	default:
	}
	b.waiting.Add(1)
	defer b.waiting.Add(-1)
	tick := time.NewTicker(hangUpPoll)
	defer tick.Stop()
	for {
		select {
		case b.serving <- struct{}{}:
			return true
		case <-tick.C:
			if c.hungUp != nil && c.hungUp() {
				return false
			}
		}
	}
}

// hangUpPoll is how often a channel waiting for a place is looked at.
const hangUpPoll = 100 * time.Millisecond

// requestHead is the length of a request's op and sequence number, before
// its payload.
const requestHead = 5

// readRequest reads one frame with plain blocking reads. It returns the
// op and the whole request, which the reply repeats: op, sequence number
// and payload.
func readRequest(r io.Reader) (byte, []byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.LittleEndian.Uint32(head[:])
	if n < requestHead || n > maxRequest {
		return 0, nil, fmt.Errorf("request frame of %d bytes", n)
	}
	frame := make([]byte, n)
	if _, err := io.ReadFull(r, frame); err != nil {
		return 0, nil, err
	}
	return frame[0], frame, nil
}

// writeReply writes the reply to a request, which it names whole, in
// hexadecimal (op, sequence number and payload), and whose body is the
// parts given, one after the other, and flushes w.
//
// Whole: code in node's process that reads a reply away learns its
// sequence number, and could then ask for another file under it; the
// bootstrap takes only a reply to the very request it made. In
// hexadecimal: bytes the application chose (its own requests' sequence
// numbers and payloads) never reach the reply stream as they are, where,
// with part of a reply read away, the bootstrap could read them as the
// head of a reply.
func writeReply(w *bufio.Writer, status byte, request []byte, body ...[]byte) error {
	n := 0
	for _, part := range body {
		n += len(part)
	}
	if uint64(n) > 1<<32-1 {
		status, body = statusError, [][]byte{mustJSON(refusalBody{Message: "reply too large for the channel", Code: "ERR_OUT_OF_RANGE"})}
		n = len(body[0])
	}
	var head [5]byte
	head[0] = status
	binary.LittleEndian.PutUint32(head[1:], uint32(n))
	w.Write(head[:])
	w.Write(hex.AppendEncode(w.AvailableBuffer(), request))
	for _, part := range body {
		w.Write(part)
	}
	return w.Flush()
}

// handle answers one request with a status and the parts of a body.
func (b *broker) handle(rd *reader, op byte, payload string) (byte, [][]byte) {
	switch op {
	case opReadCode:
		data, ahead, err := rd.read(payload)
		if err != nil {
			return one(refusal(payload, err))
		}
		return statusOK, readReply(data, ahead)
	case opAddon:
		token, sealed, err := b.sealAddon(payload)
		if err != nil {
			return one(refusal(payload, err))
		}
		return one(statusOK, []byte(token+" "+sealed))
	case opCloseAddon:
		b.releaseAddon(payload)
		return statusOK, nil
	case opInteractive:
		feature := intact.FeatureREPL
		if payload == string(intact.FeatureEval) {
			feature = intact.FeatureEval
		}
		if err := b.policy.CheckInteractive(feature); err != nil {
			return one(refusal("", err))
		}
		return statusOK, nil
	case opDynamic:
		if err := b.policy.CheckDynamicCodeOf(attemptName(payload)); err != nil {
			return one(refusal("", fmt.Errorf("%s: %w", payload, err)))
		}
		return statusOK, nil
	case opLogRefusal:
		// The bootstrap's own refusals (a worker's options, a hook's
		// answer, a closed API), which no other request shows the
		// broker. Code in node can send this too, as it can make the
		// refusals themselves: it only adds to the log.
		// So it is bounded: a flood would fill the disk, or push the
		// other events out of a rotated log (outside review rt63).
		b.logRefusal(payload)
		return statusOK, nil
	}
	return one(statusError, mustJSON(refusalBody{Message: fmt.Sprintf("intact node: unknown request %q", op), Code: "ERR_INVALID_STATE"}))
}

// logRefusal logs an opLogRefusal request's refusal, as far as the bound
// on such events allows.
func (b *broker) logRefusal(payload string) {
	what, detail, _ := strings.Cut(payload, "\x00")
	what, detail = cut(what, maxRefusedName), cut(detail, maxRefusalDetail)
	// The bytes beyond a short event's count: a few long ones must not use
	// up what the bootstrap's own refusals need (outside review rt66).
	if b.refusals.take(time.Now(), max(0, len(what)+len(detail)-refusalShort)) {
		b.policy.LogRefusal(what, detail)
	}
}

// maxRefusalEvents and maxRefusalBytes bound the events opLogRefusal
// adds in a refusalWindow, and the bytes of what and why they name beyond
// refusalShort each (JSON's escapes make up to six times as many in the
// log): the bootstrap's own refusals are a handful in a run, but code in
// node can send the request as fast as the channel goes (outside review
// rt63: 117 MB of events a second). The refusals beyond are counted, and
// logged as one event when the window ends, or when node exits.
const (
	maxRefusalEvents = 100
	maxRefusalBytes  = 64 << 10 // beyond refusalShort an event
	refusalShort     = 1 << 10
	refusalWindow    = time.Minute
)

// An eventLimit lets at most max events, and maxBytes of them, through in
// each window, and counts the others, which report logs once the window
// has ended (or at flush).
type eventLimit struct {
	max, maxBytes int
	window        time.Duration
	report        func(dropped int)

	mu      sync.Mutex
	start   time.Time // of the current window
	taken   int
	bytes   int
	dropped int         // not reported yet
	timer   *time.Timer // reports them at the window's end
}

// take reports whether an event of size bytes at now may be logged.
func (l *eventLimit) take(now time.Time, size int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.start) >= l.window {
		l.start, l.taken, l.bytes = now, 0, 0
	}
	if l.taken >= l.max || l.bytes+size > l.maxBytes {
		l.dropped++
		if l.timer == nil {
			l.timer = time.AfterFunc(l.start.Add(l.window).Sub(now), l.flush)
		}
		return false
	}
	l.taken++
	l.bytes += size
	return true
}

// flush reports the events dropped and not yet reported.
func (l *eventLimit) flush() {
	l.mu.Lock()
	n := l.dropped
	l.dropped = 0
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.mu.Unlock()
	if n > 0 {
		l.report(n)
	}
}

// noChannelLeft logs, the first time, that a thread of node's asked for a
// channel when none was left: it refuses every file and feature then,
// without the broker hearing of it (outside review rt65).
func (b *broker) noChannelLeft() {
	b.noChannel.Do(func() {
		b.policy.LogRefusal("a worker thread's channel to the broker", fmt.Sprintf(
			"none is left: node has started as many threads as intact node gives channels to (%d); such a thread refuses every file and feature, and the next ones are not logged",
			threadChannels))
	})
}

// channelEnded logs that one of node's channels ended, for err, while node
// runs on: code in node closed it or wrote a malformed request, or the
// bootstrap abandoned it out of step (abandonChannel), or the broker gave a
// reply up. The thread then refuses every file and feature without asking
// the broker, so no event would show what it refuses (outside review
// rt63). Node's exit ends every channel as well: where the OS layer can
// tell that node is exiting, that is asked at once (outside review rt65:
// code that closed its channel and exited within the grace left no
// record); elsewhere node is given b.endGrace to exit before anything is
// logged.
func (b *broker) channelEnded(main bool, err error) {
	if errors.Is(err, errThreadGone) {
		return // it refuses nothing more
	}
	select {
	case <-b.exited:
		return // node has been reaped: its id may be another's by now
	default:
	}
	if exiting, known := b.os.nodeExiting(); known {
		if exiting {
			return
		}
	} else {
		select {
		case <-b.exited:
			return
		case <-time.After(b.endGrace):
		}
	}
	what, also := "a worker thread's channel to the broker", ""
	if main {
		// process.execve closes it too, and leaves the process running
		// another program (outside review rt70).
		what, also = "the main thread's channel to the broker", "; or node's process replaced its program (process.execve)"
	}
	why := "closed by node's process"
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !peerClosed(err) {
		why, also = err.Error(), "" // a malformed request, a reply given up
	}
	b.policy.LogRefusal(what, why+" while node runs: that thread now refuses every file and feature, and no event shows them"+also)
}

// attemptName is what an opDynamic request names, as its event records
// it: what the bootstrap names (eval, vm.Script) is short; code in node
// can send anything, so at most maxAttemptName bytes of valid UTF-8 are
// kept.
func attemptName(payload string) string {
	name := strings.ToValidUTF8(payload, "\uFFFD")
	if len(name) <= maxAttemptName {
		return name
	}
	cut := maxAttemptName
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + "…"
}

const maxAttemptName = 128

// errThreadGone is why a reply was given up whose thread has exited.
var errThreadGone = errors.New("its thread has exited")

// channelEndGrace is how long after a channel ended node may take to exit
// before channelEnded takes the end for one while node runs.
const channelEndGrace = time.Second

// maxRefusedName and maxRefusalDetail bound, in bytes, what an
// opLogRefusal logs: the bootstrap sends at most 1,024 and 4,096
// characters, and code in node can send up to maxRequest.
const (
	maxRefusedName   = 4 << 10
	maxRefusalDetail = 16 << 10
)

// cut returns s cut to at most n bytes, where a UTF-8 character starts.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// one is a reply whose body is in one part.
func one(status byte, body []byte) (byte, [][]byte) { return status, [][]byte{body} }

// refusal turns an error into a reply node turns back into an error with
// Node's code and message.
func refusal(path string, err error) (byte, []byte) {
	var violation *intact.ViolationError
	var blocked *intact.BlockedError
	var why, next, check string
	if r := intact.Explain(err); r != nil {
		why, next, check = r.Why, r.Next, r.Check
	}
	switch {
	case errors.As(err, &blocked):
		return statusBlocked, mustJSON(refusalBody{Message: blocked.Error(), Feature: string(blocked.Feature), Why: why, Next: next})
	case errors.As(err, &violation):
		body := refusalBody{Message: violation.Error(), Path: violation.Path, Why: why, Next: next, Check: check}
		for _, d := range violation.Denials {
			body.Reasons = append(body.Reasons, d.Error())
		}
		return statusViolation, mustJSON(body)
	}
	body := refusalBody{Message: err.Error()}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		body.Code = errnoName(errno)
	}
	return statusError, mustJSON(body)
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings and slices of strings: cannot fail
	}
	return data
}

// openThreadChannel gives the thread that asked with id a channel of its
// own, the OS's way.
func (b *broker) openThreadChannel(id string) {
	if !validThreadID(id) {
		return
	}
	b.os.openThreadChannel(b, id)
}

// validThreadID accepts the ids the bootstrap makes: digits, letters and
// dashes, so that an id cannot name a path outside the channel folder.
func validThreadID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// readAddon returns an addon's bytes if the policy allows it. An addon is
// handed to the OS image loader, not to a script engine, so it is judged
// with Policy.ReadImage (a PE image may match by its Authenticode digest).
func (b *broker) readAddon(path string) ([]byte, error) {
	return b.policy.ReadImage(path)
}

// sealAddon checks an addon (or any shared library node is about to load)
// and pins it where nothing can replace it until node has loaded it (see
// brokerOS.pinAddon: a sealed in-memory copy on Linux, the file itself held
// against writers on Windows). It returns the token that releases it
// (releaseAddon) and the path node loads it by.
func (b *broker) sealAddon(path string) (token, load string, err error) {
	b.mu.Lock()
	if b.held >= maxHeldAddons {
		b.mu.Unlock()
		return "", "", fmt.Errorf("%s: intact node holds %d native libraries for node already, none loaded yet: %w", path, maxHeldAddons, syscall.EMFILE)
	}
	b.held++
	b.mu.Unlock()
	var size int64 // the bytes taken for it in heldBytes
	check := func(file string) ([]byte, error) {
		data, err := b.readAddon(file)
		if err != nil {
			return nil, err
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		if n := int64(len(data)); b.heldBytes > 0 && b.heldBytes+n > b.maxBytes {
			return nil, fmt.Errorf("%s: intact node holds %d MiB of native libraries for node already, none loaded yet: %w", file, b.heldBytes>>20, syscall.EMFILE)
		}
		size = int64(len(data))
		b.heldBytes += size
		return data, nil
	}
	load, release, err := b.os.pinAddon(path, check)
	if err != nil {
		b.mu.Lock()
		b.held--
		b.heldBytes -= size
		b.mu.Unlock()
		return "", "", err
	}
	token = rand.Text()
	b.mu.Lock()
	if b.addons == nil {
		b.addons = make(map[string]heldAddon)
	}
	b.addons[token] = heldAddon{release, size}
	b.mu.Unlock()
	return token, load, nil
}

// maxHeldAddons and maxHeldAddonBytes bound the native libraries the
// broker holds for node at once, each until node has loaded it
// (releaseAddon): node's threads load them one at a time each, and the
// largest libraries applications load (machine-learning runtimes) are a
// few hundred MiB. The first is held whatever its size. Application code
// that asks for libraries itself, and never for their release, would
// otherwise make the broker hold a copy per request (on Linux a sealed
// memfd: a descriptor, and the library's size in memory; outside reviews
// rt56 and rt57).
const (
	maxHeldAddons     = 64
	maxHeldAddonBytes = 1 << 30
)

// releaseAddon lets go of the library token names once node has loaded
// it. A token never handed out releases nothing.
func (b *broker) releaseAddon(token string) {
	b.mu.Lock()
	addon, ok := b.addons[token]
	if ok {
		delete(b.addons, token)
		b.held--
		b.heldBytes -= addon.size
	}
	b.mu.Unlock()
	if ok {
		addon.release.Close()
	}
}

// release lets go of everything node held when it exited, and unblocks the
// goroutines still waiting for a thread to connect.
func (b *broker) release() {
	close(b.exited)
	if n := b.waiting.Load(); n > 0 {
		b.policy.LogRefusal("node's requests to the broker", fmt.Sprintf(
			"%d waited for a place when node exited: replies that node's threads read a little at a time held every place, and what node refused meanwhile on those threads may be missing from the log", n))
	}
	// The requests node left in its channels are read to their end (each
	// ends at once: node is gone), so that the count of refusals dropped
	// is whole.
	done := make(chan struct{})
	go func() {
		b.served.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		b.policy.LogRefusal("refusals in node", "node's channels were still being read 2s after node exited: the count of refusals not logged may be short")
	}
	b.refusals.flush()
	b.mu.Lock()
	addons := b.addons
	b.addons = nil
	b.mu.Unlock()
	for _, addon := range addons {
		addon.release.Close()
	}
	b.os.release()
}

// limitHeap keeps the broker's heap near what the broker holds, for
// Config.LimitHeap: serving, the broker reads megabytes of files ahead,
// hands them over and drops them; at the default pace the heap doubles
// over what is live before each collection, and that garbage is resident
// beside node. Once p's catalogs are loaded (Policy.Warm), limitHeap sets a
// soft memory limit of what the Go runtime then holds plus serveHeadroom,
// so that the collector runs sooner, on the other core while node
// compiles. It returns at once. GOGC or GOMEMLIMIT in the environment win.
//
// Run calls it once node has started. Called before Run, as it was, it
// started loading the catalogs (Policy.Warm) before the goroutine of the
// rules node's start waits for, which then waited 2.2 ms for a core, and
// it stopped the world (runtime.ReadMemStats) while node's start was being
// prepared: start-up +2.6 ms (40 rounds side by side). Run's preparation
// starts loading them (prepare), once the rules are under way.
func limitHeap(p *intact.Policy) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	go func() {
		p.Warm()
		// What runtime.MemStats calls Sys-HeapReleased, from
		// runtime/metrics, which does not stop the world: ReadMemStats
		// would stop every goroutine while node's start is prepared
		// beside it, and flush every P's cache of spans.
		m := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
		metrics.Read(m)
		if m[0].Value.Kind() != metrics.KindUint64 || m[1].Value.Kind() != metrics.KindUint64 {
			return
		}
		debug.SetMemoryLimit(int64(m[0].Value.Uint64()-m[1].Value.Uint64()) + serveHeadroom)
	}()
}

// serveHeadroom is the room limitHeap leaves the heap. Measured with the
// apps of bench/node (the broker's own VmHWM and CPU time at its end,
// medians of 7 runs, Node 24), when up to 4 MiB were held read ahead
// (aheadMaxHeld): the 2,000-module app 14.1 MiB and 69 ms without a
// limit, 12.4 MiB and 68 ms with 4 MiB of room, 11.7 MiB and 79 ms with
// 3 MiB; with 2 MiB the collector runs ever more often as the heap nears
// the limit (142 ms). With 2 MiB held, 3 MiB of room runs the collector
// 9–15 times for the 2,000-module app (GODEBUG=gctrace=1, 3 runs), as
// 4 MiB did with 4 MiB held (8–12); 2 MiB of room, 42–64 times.
const serveHeadroom = 3 << 20
