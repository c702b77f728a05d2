package nodeguard

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"golang.org/x/sys/windows"
)

// TestStallPipe: a reply nobody reads is given up once the limit passes
// with no progress (CancelSynchronousIo ends the synchronous write, as
// serve's thread issues it); a reply the other end reads goes out whole.
// Under Wine in CI (scripts/wine-test.sh).
func TestStallPipe(t *testing.T) {
	write := func(p *stallPipe, n int) (int, error) {
		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() {
			runtime.LockOSThread() // as serve
			defer runtime.UnlockOSThread()
			n, err := p.Write(make([]byte, n))
			done <- result{n, err}
		}()
		select {
		case r := <-done:
			return r.n, r.err
		case <-time.After(20 * time.Second):
			t.Fatal("the write was never given up")
			return 0, nil
		}
	}
	pipe := func() (r windows.Handle, p *stallPipe) {
		var w windows.Handle
		if err := windows.CreatePipe(&r, &w, nil, 0); err != nil {
			t.Fatal(err)
		}
		p = newStallPipe(&pipeHandle{h: w})
		p.guard.limit = 200 * time.Millisecond
		t.Cleanup(func() {
			p.Close()
			windows.CloseHandle(r)
		})
		return r, p
	}

	_, stuck := pipe()
	start := time.Now()
	if _, err := write(stuck, 1<<20); err == nil || !strings.Contains(err.Error(), "has read nothing for") {
		t.Errorf("a reply nobody reads: %v, want it given up", err)
	}
	if took := time.Since(start); took < stuck.guard.limit {
		t.Errorf("given up after %v, before the limit", took)
	}

	r, read := pipe()
	got := make(chan int, 1)
	go func() {
		total := 0
		buf := make([]byte, 4096)
		for total < 1<<20 {
			var n uint32
			if windows.ReadFile(r, buf, &n, nil) != nil {
				break
			}
			total += int(n)
			time.Sleep(time.Millisecond / 10) // slower than the writer, never stalled
		}
		got <- total
	}()
	if n, err := write(read, 1<<20); err != nil || n != 1<<20 {
		t.Errorf("a reply read as it comes: %d bytes written, %v", n, err)
	}
	if n := <-got; n != 1<<20 {
		t.Errorf("%d bytes read, want %d", n, 1<<20)
	}
}

// TestPipeHungUp: a pipe's end tells that the other end was closed, once
// nothing is left in it to read (a peek cannot tell sooner). Under Wine in
// CI.
func TestPipeHungUp(t *testing.T) {
	var r, w windows.Handle
	if err := windows.CreatePipe(&r, &w, nil, 0); err != nil {
		t.Fatal(err)
	}
	p := &pipeHandle{h: r}
	defer p.Close()
	if p.hungUp() {
		t.Error("hung up while the other end is open")
	}
	windows.CloseHandle(w)
	if !p.hungUp() {
		t.Error("not hung up once the other end is closed")
	}
}

// TestPeerClosed: a write into a pipe whose other end is closed fails with
// an error peerClosed knows, after which serve reads what node left
// (countRefusals). Under Wine in CI.
func TestPeerClosed(t *testing.T) {
	var r, w windows.Handle
	if err := windows.CreatePipe(&r, &w, nil, 0); err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(w)
	windows.CloseHandle(r)
	var n uint32
	err := windows.WriteFile(w, []byte("a reply"), &n, nil)
	if err == nil || !peerClosed(err) {
		t.Errorf("writing into a closed pipe: %v, which peerClosed does not know", err)
	}
}

// TestMainChannelReplyEndClosed: Windows' main channel is two pipes. Node
// closing its reply end alone, then writing requests, must not keep the
// broker reading them while node lives (outside review rt68); what it
// left is read and counted once node is gone. Under Wine in CI.
func TestMainChannelReplyEndClosed(t *testing.T) {
	var reqR, reqW, respR, respW windows.Handle
	if err := windows.CreatePipe(&reqR, &reqW, nil, pipeChunk); err != nil {
		t.Fatal(err)
	}
	if err := windows.CreatePipe(&respR, &respW, nil, pipeChunk); err != nil {
		t.Fatal(err)
	}
	p, events := eventRecorder()
	b := newBroker(p, winBroker{})
	requests, replies := &pipeHandle{h: reqR}, newStallPipe(&pipeHandle{h: respW})
	b.goServe(channelEnd{requests: requests, replies: replies, repliesEnd: true, main: true, hungUp: requests.hungUp,
		close: func() error { return errors.Join(requests.Close(), replies.Close()) }}, "")
	windows.CloseHandle(respR) // node's reply end
	write := func(frame []byte) {
		var n uint32
		if err := windows.WriteFile(reqW, frame, &n, nil); err != nil {
			t.Fatal(err)
		}
	}
	write(requestFrame(opInteractive, 1, "eval")) // its reply fails
	for range 150 {
		write(requestFrame(opLogRefusal, 2, "junk\x00x"))
	}
	time.Sleep(1500 * time.Millisecond) // past channelEndGrace
	if n := strings.Count(events.String(), `"feature":"junk"`); n != 0 {
		t.Fatalf("%d of the requests node wrote after closing its reply end were read while it lived", n)
	}
	windows.CloseHandle(reqW) // node exits
	b.release()
	log := events.String()
	if n := strings.Count(log, `"feature":"junk"`); n != maxRefusalEvents || !strings.Contains(log, `"detail":"50 more not logged`) {
		t.Errorf("once node was gone, %d logged; want %d, and 50 counted:\n%s", n, maxRefusalEvents, log)
	}
}

// TestShimSendsBounded: connections that never read their shim
// configuration hold at most maxShimSends places, for the send limit at
// most; past them a connection is closed, and once they are given up a
// shim gets its configuration again (outside review rt69). Under Wine in
// CI.
func TestShimSendsBounded(t *testing.T) {
	name := brokerPipeName(fmt.Sprintf("test-%d", time.Now().UnixNano()))
	l, err := listenPipe(name, []byte(`{"node":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	l.sendLimit = 500 * time.Millisecond
	l.start(newBroker(intact.New(intact.Config{}), winBroker{}))
	defer l.close()
	var idle []*pipeHandle
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for range maxShimSends {
		c, err := dialPipe(name)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	read := func() string {
		c, err := dialPipe(name)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		data, _ := io.ReadAll(c)
		return string(data)
	}
	time.Sleep(100 * time.Millisecond) // every place taken
	if got := read(); got != "" {
		t.Errorf("past %d places, a connection got %q", maxShimSends, got)
	}
	time.Sleep(2 * l.sendLimit)
	if got := read(); got != `{"node":"x"}` {
		t.Errorf("once the idle connections were given up, a shim got %q", got)
	}
}
