package goja

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

const profInterval = 10 * time.Millisecond
const profMaxStackDepth = 64

const (
	profReqNone int32 = iota
	profReqDoSample
	profReqSampleReady
	profReqStop
)

type _globalProfiler struct {
	p profiler
	w io.Writer

	enabled int32
}

var globalProfiler _globalProfiler

type profTracker struct {
	req, finished int32
	start, stop   time.Time
	numFrames     int
	frames        [profMaxStackDepth]StackFrame
}

type profiler struct {
	mu       sync.Mutex
	trackers []*profTracker
	buf      *profBuffer
	running  bool
}

func (p *profiler) run() {
	ticker := time.NewTicker(profInterval)
	counter := 0

	for ts := range ticker.C {
		p.mu.Lock()
		left := len(p.trackers)
		if left == 0 {
			break
		}
		for {
			// This loop runs until either one of the VMs is signalled or all of the VMs are scanned and found
			// busy or deleted.
			if counter >= len(p.trackers) {
				counter = 0
			}
			tracker := p.trackers[counter]
			req := atomic.LoadInt32(&tracker.req)
			if req == profReqSampleReady {
				p.buf.addSample(tracker)
			}
			if atomic.LoadInt32(&tracker.finished) != 0 {
				p.trackers[counter] = p.trackers[len(p.trackers)-1]
				p.trackers[len(p.trackers)-1] = nil
				p.trackers = p.trackers[:len(p.trackers)-1]
			} else {
				counter++
				if req != profReqDoSample {
					// signal the VM to take a sample
					tracker.start = ts
					atomic.StoreInt32(&tracker.req, profReqDoSample)
					break
				}
			}
			left--
			if left <= 0 {
				// all VMs are busy
				break
			}
		}
		p.mu.Unlock()
	}
	ticker.Stop()
	p.running = false
	p.mu.Unlock()
}

func (p *profiler) registerVm() *profTracker {
	pt := new(profTracker)
	p.mu.Lock()
	if p.buf != nil {
		p.trackers = append(p.trackers, pt)
		if !p.running {
			go p.run()
			p.running = true
		}
	} else {
		pt.req = profReqStop
	}
	p.mu.Unlock()
	return pt
}

func (p *profiler) start() error {
	p.mu.Lock()
	if p.buf != nil {
		p.mu.Unlock()
		return errors.New("profiler is already active")
	}
	p.buf = new(profBuffer)
	p.mu.Unlock()
	return nil
}

func (p *profiler) stop() *profBuffer {
	p.mu.Lock()
	trackers, buf := p.trackers, p.buf
	p.trackers, p.buf = nil, nil
	p.mu.Unlock()
	if buf != nil {
		k := 0
		for i, tracker := range trackers {
			req := atomic.LoadInt32(&tracker.req)
			if req == profReqSampleReady {
				buf.addSample(tracker)
			} else if req == profReqDoSample {
				// In case the VM is requested to do a sample, there is a small chance of a race
				// where we set profReqStop in between the read and the write, so that the req
				// ends up being set to profReqSampleReady. It's no such a big deal if we do nothing,
				// it just means the VM remains in tracing mode until it finishes the current run,
				// but we do an extra cleanup step later just in case.
				if i != k {
					trackers[k] = trackers[i]
				}
				k++
			}
			atomic.StoreInt32(&tracker.req, profReqStop)
		}

		if k > 0 {
			trackers = trackers[:k]
			go func() {
				// Make sure all VMs are requested to stop tracing.
				for {
					k := 0
					for i, tracker := range trackers {
						req := atomic.LoadInt32(&tracker.req)
						if req != profReqStop {
							atomic.StoreInt32(&tracker.req, profReqStop)
							if i != k {
								trackers[k] = trackers[i]
							}
							k++
						}
					}

					if k == 0 {
						return
					}
					trackers = trackers[:k]
					time.Sleep(100 * time.Millisecond)
				}
			}()
		}
		return buf
	}
	return nil
}

/*
StartProfile enables execution time profiling for all Runtimes within the current process.
This works similar to pprof.StartCPUProfile and produces the same format which can be consumed by `go tool pprof`.
There are, however, a few notable differences. Firstly, it's not a CPU profile, rather "execution time" profile.
It measures the time the VM spends executing an instruction. If this instruction happens to be a call to a
blocking Go function, the waiting time will be measured. Secondly, the 'cpu' sample isn't simply `count*period`,
it's the time interval between when sampling was requested and when the instruction has finished. If a VM is still
executing the same instruction when the time comes for the next sample, the sampling is skipped (i.e. `count` doesn't
grow).

If there are multiple functions with the same name, their names get a '.N' suffix, where N is a unique number,
because otherwise the graph view merges them together (even if they are in different mappings). This includes
"<anonymous>" functions.

The sampling period is set to 10ms.

It returns an error if profiling is already active.
*/
func StartProfile(w io.Writer) error {
	if !profilerBuilt {
		return errors.New("goja: the profiler is not built in (build with -tags goja_profiler)")
	}
	err := globalProfiler.p.start()
	if err != nil {
		return err
	}
	globalProfiler.w = w
	atomic.StoreInt32(&globalProfiler.enabled, 1)
	return nil
}

/*
StopProfile stops the current profile initiated by StartProfile, if any.
*/
func StopProfile() {
	atomic.StoreInt32(&globalProfiler.enabled, 0)
	if buf := globalProfiler.p.stop(); buf != nil {
		_ = buf.write(globalProfiler.w)
	}
	globalProfiler.w = nil
}
