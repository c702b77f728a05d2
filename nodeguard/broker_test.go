package nodeguard

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/scratch"
)

// These tests drive the broker's protocol over in-memory pipes, with a
// policy whose only enforcer refuses any content holding unsignedMark and
// a fake OS layer: the decisions every system shares, tested on each.

const unsignedMark = "UNSIGNED"

// markEnforcer refuses content that holds unsignedMark.
type markEnforcer struct{ settings enforcer.Settings }

func (m markEnforcer) Name() string                { return "mark" }
func (m markEnforcer) Settings() enforcer.Settings { return m.settings }
func (m markEnforcer) Status() enforcer.Status     { return enforcer.Status{Available: true} }
func (m markEnforcer) CheckContent(c enforcer.Content) error {
	if bytes.Contains(c.Data, []byte(unsignedMark)) {
		return &enforcer.Denial{Enforcer: "mark", Reason: enforcer.ReasonNotInCatalog}
	}
	return nil
}

// fakeOS records what the broker asks of its OS layer.
type fakeOS struct {
	mu       sync.Mutex
	pinned   []string // paths whose check passed
	closed   []string // load paths released
	channels []string // thread ids asked for
	released bool
	delay    time.Duration // how long a pin takes after its check
}

type closeFunc func() error

func (f closeFunc) Close() error { return f() }

func (f *fakeOS) pinAddon(path string, check func(string) ([]byte, error)) (string, io.Closer, error) {
	if _, err := check(path); err != nil {
		return "", nil, err
	}
	time.Sleep(f.delay)
	load := "pinned:" + filepath.Base(path)
	f.mu.Lock()
	f.pinned = append(f.pinned, path)
	f.mu.Unlock()
	return load, closeFunc(func() error {
		f.mu.Lock()
		f.closed = append(f.closed, load)
		f.mu.Unlock()
		return nil
	}), nil
}

func (f *fakeOS) openThreadChannel(b *broker, id string) {
	f.mu.Lock()
	f.channels = append(f.channels, id)
	f.mu.Unlock()
}

func (f *fakeOS) release() { f.released = true }

func (f *fakeOS) nodeExiting() (exiting, known bool) { return false, false }

// session is a broker serving one channel, and node's ends of it.
type session struct {
	t      *testing.T
	b      *broker
	os     *fakeOS
	req    *io.PipeWriter
	resp   *io.PipeReader
	served chan struct{}
	seq    uint32 // the last request's sequence number
	// hungUp is what the channel's end says of node's: set, it was closed.
	hungUp atomic.Bool
}

func newSession(t *testing.T, s enforcer.Settings) *session {
	t.Helper()
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{markEnforcer{settings: s}}})
	fos := &fakeOS{}
	return startSession(t, newBroker(p, fos), fos, "")
}

// startSession serves one channel with b, whose OS layer is fos, as
// node's main thread about to run script ("" for none).
func startSession(t *testing.T, b *broker, fos *fakeOS, script string) *session {
	t.Helper()
	return serveSession(t, b, fos, script, true)
}

// serveSession serves one channel with b, the main thread's if main.
func serveSession(t *testing.T, b *broker, fos *fakeOS, script string, main bool) *session {
	t.Helper()
	reqR, reqW := io.Pipe()
	respR, respW := io.Pipe()
	se := &session{t: t, b: b, os: fos, req: reqW, resp: respR, served: make(chan struct{})}
	go func() {
		defer close(se.served)
		se.b.serve(channelEnd{requests: reqR, replies: respW, repliesEnd: true, main: main,
			close:  func() error { return errors.Join(reqR.Close(), respW.Close()) },
			hungUp: se.hungUp.Load}, script)
	}()
	t.Cleanup(func() {
		reqW.Close()
		respR.Close()
		se.hungUp.Store(true) // as a socket's end would tell
		<-se.served
	})
	return se
}

var enforcing = enforcer.Settings{EnforceCodeIntegrity: true, DisableInteractiveMode: true, DisableDynamicCode: true}

// send writes one request frame as the bootstrap does, with the next
// sequence number.
func (s *session) send(op byte, payload string) {
	s.t.Helper()
	s.seq++
	if _, err := s.req.Write(requestFrame(op, s.seq, payload)); err != nil {
		s.t.Fatalf("sending %q: %v", op, err)
	}
}

// requestFrame is a request as the bootstrap frames it.
func requestFrame(op byte, seq uint32, payload string) []byte {
	frame := binary.LittleEndian.AppendUint32(nil, uint32(requestHead+len(payload)))
	frame = append(frame, op)
	frame = binary.LittleEndian.AppendUint32(frame, seq)
	return append(frame, payload...)
}

// call sends a request and reads its reply, which must name the request.
func (s *session) call(op byte, payload string) (byte, []byte) {
	s.t.Helper()
	s.send(op, payload)
	var head [5]byte
	if _, err := io.ReadFull(s.resp, head[:]); err != nil {
		s.t.Fatalf("reply to %q: %v", op, err)
	}
	echo := make([]byte, 2*(requestHead+len(payload)))
	if _, err := io.ReadFull(s.resp, echo); err != nil {
		s.t.Fatalf("reply to %q: %v", op, err)
	}
	if want := hex.AppendEncode(nil, requestFrame(op, s.seq, payload)[4:]); !bytes.Equal(echo, want) {
		s.t.Fatalf("reply to %q names the request %q, want %q", op, echo, want)
	}
	body := make([]byte, binary.LittleEndian.Uint32(head[1:]))
	if _, err := io.ReadFull(s.resp, body); err != nil {
		s.t.Fatalf("reply to %q: %v", op, err)
	}
	return head[0], body
}

func decodeRefusal(t *testing.T, body []byte) refusalBody {
	t.Helper()
	var r refusalBody
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("refusal %q: %v", body, err)
	}
	return r
}

// writeFile writes a file under dir, and the folders it needs.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// servedBytes returns the bytes of the file asked for from an opReadCode
// reply's body (readReply), without the files read ahead.
func servedBytes(t *testing.T, body []byte) []byte {
	t.Helper()
	if len(body) < 4 || uint64(binary.LittleEndian.Uint32(body)) > uint64(len(body)-4) {
		t.Fatalf("malformed read reply %q", body)
	}
	return body[4 : 4+binary.LittleEndian.Uint32(body)]
}

func TestBrokerReadCode(t *testing.T) {
	dir := scratch.Dir(t)
	signed := writeFile(t, dir, "signed.js", "module.exports = 1;\n")
	unsigned := writeFile(t, dir, "unsigned.js", "// "+unsignedMark+"\nrequire('fs').writeFileSync('CANARY', 'ran');\n")
	s := newSession(t, enforcing)

	status, body := s.call(opReadCode, signed)
	if status != statusOK || string(servedBytes(t, body)) != "module.exports = 1;\n" {
		t.Errorf("signed file: status %d, body %q", status, body)
	}

	status, body = s.call(opReadCode, unsigned)
	if status != statusViolation {
		t.Fatalf("unsigned file: status %d, body %q", status, body)
	}
	if bytes.Contains(body, []byte("CANARY")) {
		t.Errorf("the refusal carries the unsigned file's code: %q", body)
	}
	r := decodeRefusal(t, body)
	if r.Path != unsigned || !strings.Contains(r.Message, "did not pass OS Code Integrity validation") ||
		len(r.Reasons) != 1 || !strings.Contains(r.Reasons[0], string(enforcer.ReasonNotInCatalog)) {
		t.Errorf("unsigned file: refusal %+v", r)
	}

	status, body = s.call(opReadCode, filepath.Join(dir, "missing.js"))
	if r := decodeRefusal(t, body); status != statusError || r.Code != "ENOENT" {
		t.Errorf("missing file: status %d, refusal %+v, want statusError with ENOENT", status, r)
	}
}

// TestBrokerAddon: a native library reaches the OS layer only once the
// policy allowed it, and is released when node says it has loaded it, or
// when node exits without saying so.
func TestBrokerAddon(t *testing.T) {
	dir := scratch.Dir(t)
	signed := writeFile(t, dir, "good.node", "native code")
	unsigned := writeFile(t, dir, "evil.node", unsignedMark+" native code")
	s := newSession(t, enforcing)

	status, body := s.call(opAddon, unsigned)
	if status != statusViolation {
		t.Errorf("unsigned addon: status %d, body %q", status, body)
	}
	handedOut := func(body []byte) (token string) {
		t.Helper()
		token, load, ok := strings.Cut(string(body), " ")
		if !ok || len(token) < 26 || load != "pinned:good.node" {
			t.Fatalf("signed addon: body %q, want a release token and the pinned path", body)
		}
		return token
	}
	status, body = s.call(opAddon, signed)
	if status != statusOK {
		t.Fatalf("signed addon: status %d, body %q", status, body)
	}
	first := handedOut(body)
	// Two threads may load one library at once; each release is its own.
	status, body = s.call(opAddon, signed)
	if status != statusOK {
		t.Fatalf("signed addon again: status %d, body %q", status, body)
	}
	if second := handedOut(body); second == first {
		t.Fatalf("two handouts share the release token %q", first)
	}
	// The path node loads the library by releases nothing: the
	// application can read it in /proc, and would release the copy before
	// node loads it (outside review rt13). Only the token does.
	s.call(opCloseAddon, "pinned:good.node")
	s.os.mu.Lock()
	byPath := s.os.closed
	s.os.mu.Unlock()
	if len(byPath) != 0 {
		t.Errorf("released %q by the path", byPath)
	}
	if status, _ := s.call(opCloseAddon, first); status != statusOK {
		t.Errorf("releasing: status %d", status)
	}
	s.os.mu.Lock()
	pinned, closed := s.os.pinned, s.os.closed
	s.os.mu.Unlock()
	if len(pinned) != 2 || pinned[0] != signed || len(closed) != 1 {
		t.Errorf("pinned %q, released %q: want the signed library pinned twice and released once", pinned, closed)
	}
	// A token never handed out, or handed out and used, releases nothing.
	s.call(opCloseAddon, "pinned:evil.node")
	s.call(opCloseAddon, first)
	s.b.release()
	if len(s.os.closed) != 2 || !s.os.released {
		t.Errorf("after node exited: released %q, OS layer released %v", s.os.closed, s.os.released)
	}
}

func TestBrokerInteractiveAndDynamic(t *testing.T) {
	s := newSession(t, enforcing)
	status, body := s.call(opInteractive, "eval")
	if r := decodeRefusal(t, body); status != statusBlocked || r.Feature != "eval" {
		t.Errorf("eval: status %d, refusal %+v", status, r)
	}
	status, body = s.call(opInteractive, "anything else")
	if r := decodeRefusal(t, body); status != statusBlocked || r.Feature != string(intact.FeatureREPL) {
		t.Errorf("another feature: status %d, refusal %+v, want the REPL blocked", status, r)
	}
	status, body = s.call(opDynamic, "vm.Script")
	if r := decodeRefusal(t, body); status != statusBlocked || !strings.Contains(r.Message, "dynamic code") {
		t.Errorf("vm.Script: status %d, refusal %+v", status, r)
	}

	open := newSession(t, enforcer.Settings{EnforceCodeIntegrity: true})
	for _, op := range []byte{opInteractive, opDynamic} {
		if status, body := open.call(op, "eval"); status != statusOK {
			t.Errorf("%q allowed by the policy: status %d, body %q", op, status, body)
		}
	}
}

// TestBrokerThreadChannel: a channel request gets no reply, and only a
// well-formed id reaches the OS layer.
func TestBrokerThreadChannel(t *testing.T) {
	s := newSession(t, enforcing)
	s.send(opChannel, "../../etc/passwd")
	s.send(opChannel, "1234-1-abc")
	if status, _ := s.call(opInteractive, "REPL"); status != statusBlocked {
		t.Fatalf("the reply after channel requests is not the next request's: status %d", status)
	}
	if got := s.os.channels; len(got) != 1 || got[0] != "1234-1-abc" {
		t.Errorf("channels asked of the OS layer: %q", got)
	}
}

// TestBrokerThreadChannelOnMainOnly: the bootstrap asks for threads'
// channels on the main thread's; a request on another is code in node's,
// and is ignored (outside review rt63).
func TestBrokerThreadChannelOnMainOnly(t *testing.T) {
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{markEnforcer{settings: enforcing}}})
	fos := &fakeOS{}
	s := serveSession(t, newBroker(p, fos), fos, "", false)
	s.send(opChannel, "1234-1-abc")
	if status, _ := s.call(opInteractive, "REPL"); status != statusBlocked {
		t.Fatalf("the reply after a channel request is not the next request's: status %d", status)
	}
	if got := s.os.channels; len(got) != 0 {
		t.Errorf("a worker's channel asked the OS layer for channels %q", got)
	}
}

// eventRecorder returns a policy refusing unsignedMark whose events go to
// the returned buffer, as JSON lines.
func eventRecorder() (*intact.Policy, *syncBuffer) {
	var buf syncBuffer
	p := intact.New(intact.Config{
		Enforcers: []enforcer.Enforcer{markEnforcer{settings: enforcing}},
		Events:    slog.New(slog.NewJSONHandler(&buf, nil)),
	})
	return p, &buf
}

// syncBuffer is a bytes.Buffer that goroutines may write at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBrokerRefusalLogBounded: code in node can ask the broker to log
// refusals as fast as the channel goes; at most maxRefusalEvents go into
// the log in a window, and the rest are counted in one event at node's
// exit (outside review rt63: 117 MB of events a second).
func TestBrokerRefusalLogBounded(t *testing.T) {
	p, events := eventRecorder()
	fos := &fakeOS{}
	b := newBroker(p, fos)
	s := startSession(t, b, fos, "")
	for range maxRefusalEvents + 50 {
		if status, _ := s.call(opLogRefusal, "process.binding\x00closed"); status != statusOK {
			t.Fatalf("logging a refusal: status %d", status)
		}
	}
	b.release()
	log := events.String()
	if n := strings.Count(log, `"feature":"process.binding"`); n != maxRefusalEvents {
		t.Errorf("%d refusals logged, want %d", n, maxRefusalEvents)
	}
	want := `"feature":"refusals in node","reason":"host-refused","detail":"50 more not logged`
	if !strings.Contains(log, want) {
		t.Errorf("no event counts the refusals not logged (%s):\n%s", want, log)
	}
}

// TestEventLimitWindow: an eventLimit lets max events, and maxBytes, through
// in a window, and reports the others once, when the window ends or at
// flush.
func TestEventLimitWindow(t *testing.T) {
	reports := make(chan int, 4)
	l := &eventLimit{max: 2, maxBytes: 100, window: 100 * time.Millisecond, report: func(n int) { reports <- n }}
	start := time.Now()
	for i, want := range []bool{true, true, false, false} {
		if ok := l.take(start, 10); ok != want {
			t.Errorf("event %d: %v, want %v", i, ok, want)
		}
	}
	select {
	case n := <-reports:
		if n != 2 || time.Since(start) < l.window {
			t.Errorf("reported %d dropped after %v; want 2, once the window of %v ended", n, time.Since(start), l.window)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the events dropped were never reported")
	}
	// Bytes count too; flush reports what is left at once, and only once.
	now := time.Now()
	if !l.take(now, 60) || l.take(now, 50) {
		t.Error("the byte budget was not kept")
	}
	l.flush()
	l.flush()
	if n := <-reports; n != 1 {
		t.Errorf("flush reported %d, want 1", n)
	}
	time.Sleep(2 * l.window)
	select {
	case n := <-reports:
		t.Errorf("reported %d more after flush", n)
	default:
	}
}

// TestBrokerChannelEndLogged: a channel that ends while node runs (code in
// node closed it) leaves that thread refusing everything without asking
// the broker; the broker logs that, so that the log shows refusals stopped
// being logged (outside review rt63). Node's own exit logs nothing.
func TestBrokerChannelEndLogged(t *testing.T) {
	for _, tc := range []struct {
		name    string
		main    bool
		exits   bool // node exits as the channel ends
		feature string
	}{
		{"main closed", true, false, "the main thread's channel to the broker"},
		{"worker closed", false, false, "a worker thread's channel to the broker"},
		{"node exited", true, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, events := eventRecorder()
			fos := &fakeOS{}
			b := newBroker(p, fos)
			b.endGrace = 20 * time.Millisecond
			s := serveSession(t, b, fos, "", tc.main)
			if tc.exits {
				b.release()
			}
			s.req.Close()
			<-s.served
			time.Sleep(10 * b.endGrace)
			log := events.String()
			if tc.feature == "" {
				if log != "" {
					t.Errorf("logged at node's exit:\n%s", log)
				}
				return
			}
			want := `"feature":"` + tc.feature + `","reason":"host-refused","detail":"closed by node's process while node runs`
			if !strings.Contains(log, want) {
				t.Errorf("event log lacks %s:\n%s", want, log)
			}
		})
	}
}

// TestBrokerWaitingChannelEnd: code in node can hold every serving place
// (replies it reads a little at a time); a channel waiting for one is not
// read meanwhile, so its end is watched for while it waits, and logged
// (outside review rt66). Requests still waiting when node exits are logged
// too.
func TestBrokerWaitingChannelEnd(t *testing.T) {
	dir := scratch.Dir(t)
	file := writeFile(t, dir, "a.js", "module.exports = 1;\n")
	p, events := eventRecorder()
	fos := &fakeOS{}
	b := newBroker(p, fos)
	b.ahead = false
	b.endGrace = 20 * time.Millisecond
	for range maxServing { // replies nobody reads: every place held
		startSession(t, b, fos, "").send(opReadCode, file)
	}
	for deadline := time.Now().Add(10 * time.Second); len(b.serving) < maxServing; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the places were not taken")
		}
	}
	closed := startSession(t, b, fos, "")
	closed.send(opReadCode, file)
	waiting := startSession(t, b, fos, "")
	waiting.send(opReadCode, file)
	for deadline := time.Now().Add(10 * time.Second); b.waiting.Load() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the requests did not wait for a place")
		}
	}
	closed.hungUp.Store(true)
	select {
	case <-closed.served:
	case <-time.After(10 * time.Second):
		t.Fatal("a channel hung up while it waited for a place was still served")
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(events.String(), "the main thread's channel to the broker"); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the end of a channel waiting for a place was not logged:\n%s", events.String())
		}
	}
	b.release()
	if want := `"feature":"node's requests to the broker","reason":"host-refused","detail":"1 waited for a place when node exited`; !strings.Contains(events.String(), want) {
		t.Errorf("event log lacks %s:\n%s", want, events.String())
	}
}

func TestBrokerMalformed(t *testing.T) {
	s := newSession(t, enforcing)
	status, body := s.call('?', "x")
	if r := decodeRefusal(t, body); status != statusError || r.Code != "ERR_INVALID_STATE" {
		t.Errorf("unknown op: status %d, refusal %+v", status, r)
	}
	// A frame over the limit ends the session: the broker closes the
	// reply end rather than read a gigabyte.
	var head [4]byte
	binary.LittleEndian.PutUint32(head[:], maxRequest+1)
	s.req.Write(head[:])
	select {
	case <-s.served:
	case <-time.After(10 * time.Second):
		t.Fatal("the broker still serves after an oversized frame")
	}
	if _, err := s.resp.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("reply end after an oversized frame: %v, want EOF", err)
	}
}

// FuzzReadRequest: any bytes node's side writes are read as one request
// or refused, never a panic; a request read is at least its head, and the
// reply to it names it whole, in hexadecimal: op, sequence number and
// payload.
func FuzzReadRequest(f *testing.F) {
	f.Add(requestFrame(opReadCode, 1, "/app/main.js"))
	f.Add(requestFrame(opChannel, 0, "1234-5-abc"))
	f.Add([]byte{1, 0, 0, 0, 'R'})
	f.Add([]byte{0, 0, 5, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		op, request, err := readRequest(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(request) < requestHead || request[0] != op {
			t.Fatalf("request %q with op %q", request, op)
		}
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		if err := writeReply(w, statusOK, request, []byte("body")); err != nil {
			t.Fatal(err)
		}
		if got := out.Bytes()[5:]; !bytes.Equal(got, append(hex.AppendEncode(nil, request), "body"...)) {
			t.Fatalf("reply %q to request %q", got, request)
		}
	})
}

// TestReplyNamesWholeRequest: a thread of the application that reads a
// reply away learns the request's sequence number, and can send a request
// of its own under it. The broker's answer to that names the request
// whole, its path included, so the bootstrap, waiting for the answer to
// its own, refuses it rather than take another signed file's bytes for the
// one it asked for. And the application's bytes reach the reply stream
// only as hexadecimal digits: a payload that holds a reply's head never
// stands in the stream as one.
func TestReplyNamesWholeRequest(t *testing.T) {
	dir := scratch.Dir(t)
	asked := writeFile(t, dir, "asked.js", "module.exports = 'asked';\n")
	other := writeFile(t, dir, "other.js", "module.exports = 'other';\n")
	s := newSession(t, enforcing)

	// The bootstrap's request, its reply read away by the application,
	// then the application's request under its number.
	s.send(opReadCode, asked)
	seq := s.seq
	readEcho := func() []byte {
		t.Helper()
		var head [5]byte
		if _, err := io.ReadFull(s.resp, head[:]); err != nil {
			t.Fatal(err)
		}
		echo := make([]byte, 2*(requestHead+len(asked)))
		if _, err := io.ReadFull(s.resp, echo); err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(io.Discard, s.resp, int64(binary.LittleEndian.Uint32(head[1:]))); err != nil {
			t.Fatal(err)
		}
		return echo
	}
	want := hex.AppendEncode(nil, requestFrame(opReadCode, seq, asked)[4:])
	if echo := readEcho(); !bytes.Equal(echo, want) {
		t.Fatalf("the reply to the bootstrap's request names %q, want %q", echo, want)
	}
	if _, err := s.req.Write(requestFrame(opReadCode, seq, other)); err != nil {
		t.Fatal(err)
	}
	if echo := readEcho(); bytes.Equal(echo, want) {
		t.Fatalf("the reply to the application's request for %s names the bootstrap's request for %s", other, asked)
	}

	// A payload holding an OK reply's head and code of the application's.
	forged := string([]byte{statusOK, 16, 0, 0, 0}) + "globalThis.EVIL=1"
	s.send(opReadCode, forged)
	var stream bytes.Buffer
	var head [5]byte
	if _, err := io.ReadFull(s.resp, head[:]); err != nil {
		t.Fatal(err)
	}
	stream.Write(head[:])
	if _, err := io.CopyN(&stream, s.resp, int64(2*(requestHead+len(forged)))+int64(binary.LittleEndian.Uint32(head[1:]))); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stream.Bytes()[5:], []byte{statusOK, 16, 0, 0, 0}) {
		t.Errorf("the application's bytes stand in the reply stream as they are: %q", stream.Bytes())
	}
}

// TestBrokerAddonLimits: the broker holds at most maxHeldAddons libraries,
// and beyond the first at most maxBytes of them, however many threads ask
// at once (outside review rt57: 65 channels asking together passed a
// count read before the copy); each release makes room again.
func TestBrokerAddonLimits(t *testing.T) {
	dir := scratch.Dir(t)
	small := writeFile(t, dir, "small.node", "native code")
	big := writeFile(t, dir, "big.node", strings.Repeat("native code ", 100))
	p := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{markEnforcer{settings: enforcing}}})
	b := newBroker(p, &fakeOS{delay: 5 * time.Millisecond})

	tokens := make(chan string, 200)
	var refused atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			token, _, err := b.sealAddon(small)
			switch {
			case err == nil:
				tokens <- token
			case errors.Is(err, syscall.EMFILE):
				refused.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	close(tokens)
	if len(tokens) != maxHeldAddons || refused.Load() != 200-maxHeldAddons {
		t.Fatalf("%d held and %d refused of 200 asked at once, want %d held", len(tokens), refused.Load(), maxHeldAddons)
	}
	for token := range tokens {
		b.releaseAddon(token)
	}

	// Bytes: the first library whatever its size, then only what fits.
	b.maxBytes = 1000
	first, _, err := b.sealAddon(big) // 1,200 bytes
	if err != nil {
		t.Fatalf("the first library, larger than the limit: %v", err)
	}
	if _, _, err := b.sealAddon(small); !errors.Is(err, syscall.EMFILE) {
		t.Fatalf("a second library past the limit: %v, want EMFILE", err)
	}
	b.releaseAddon(first)
	if _, _, err := b.sealAddon(small); err != nil {
		t.Fatalf("after the release: %v", err)
	}
}

// overlapEnforcer allows everything, and counts the reads it judges and
// the most it judged at once.
type overlapEnforcer struct {
	markEnforcer
	now, most, all atomic.Int32
}

func (c *overlapEnforcer) CheckContent(enforcer.Content) error {
	n := c.now.Add(1)
	for m := c.most.Load(); n > m && !c.most.CompareAndSwap(m, n); m = c.most.Load() {
	}
	c.all.Add(1)
	time.Sleep(time.Millisecond)
	c.now.Add(-1)
	return nil
}

// TestBrokerServesFewAtOnce: requests that read files on many channels at
// once, whose replies nobody reads, hold no more than maxServing files in
// the broker; the others wait, and are served once replies are read
// (outside review rt58: a large signed file asked for on 24 channels held
// 3 GB).
func TestBrokerServesFewAtOnce(t *testing.T) {
	dir := scratch.Dir(t)
	file := writeFile(t, dir, "a.js", "module.exports = 1;\n")
	c := &overlapEnforcer{markEnforcer: markEnforcer{settings: enforcing}}
	b := newBroker(intact.New(intact.Config{Enforcers: []enforcer.Enforcer{c}}), &fakeOS{})
	b.ahead = false // only the requests' own reads
	sessions := make([]*session, 3*maxServing)
	for i := range sessions {
		sessions[i] = startSession(t, b, &fakeOS{}, "")
		sessions[i].send(opReadCode, file)
	}
	for deadline := time.Now().Add(10 * time.Second); c.all.Load() < maxServing; {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d requests read their file", c.all.Load(), len(sessions))
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := c.all.Load(); n != maxServing {
		t.Fatalf("%d requests read their file while no reply was read, want %d", n, maxServing)
	}
	// Read every reply, each as it comes (which requests got the places
	// first is the scheduler's choice): the waiting requests are served as
	// places free.
	done := make(chan struct{})
	var readers sync.WaitGroup
	for _, s := range sessions {
		readers.Go(func() {
			var head [5]byte
			if _, err := io.ReadFull(s.resp, head[:]); err != nil {
				t.Error(err)
				return
			}
			if _, err := io.CopyN(io.Discard, s.resp, int64(2*(requestHead+len(file))+int(binary.LittleEndian.Uint32(head[1:])))); err != nil {
				t.Error(err)
			}
		})
	}
	go func() {
		readers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting requests were not served once replies were read")
	}
	if n, most := c.all.Load(), c.most.Load(); int(n) != len(sessions) || most > maxServing {
		t.Fatalf("%d files read, at most %d at once; want %d, at most %d", n, most, len(sessions), maxServing)
	}
}
