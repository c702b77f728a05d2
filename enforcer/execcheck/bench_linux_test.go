package execcheck_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/linuxsec"
	"golang.org/x/sys/unix"
)

// cpuTime returns the process's user plus system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs op b.N times and also reports the CPU time per operation,
// which other load on a shared machine inflates less than wall time.
func measure(b *testing.B, op func() error) {
	start := cpuTime(b)
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// allowAll enforces code integrity and allows every file.
type allowAll struct{}

func (allowAll) Name() string                            { return "allow-all" }
func (allowAll) Settings() enforcer.Settings             { return enforcer.Settings{EnforceCodeIntegrity: true} }
func (allowAll) Status() enforcer.Status                 { return enforcer.Status{Available: true} }
func (allowAll) CheckFile(f *os.File, path string) error { return nil }

// BenchmarkReadCode compares reading a 10 KB script as code with the
// kernel's verdict enforced (open, fstat, execveat(AT_EXECVE_CHECK), read,
// fstat, SHA-256) against a plain open and read of the same file, and
// shows the two parts of the difference: what intact adds without the
// kernel's check, and the check alone.
func BenchmarkReadCode(b *testing.B) {
	if err := linuxsec.ProbeExecveCheck(); err != nil {
		b.Skipf("kernel lacks the feature: %v", err)
	}
	path := filepath.Join(b.TempDir(), "main.js")
	src := bytes.Repeat([]byte("console.log('0123456789');\n"), 10*1024/27+1)[:10*1024]
	if err := os.WriteFile(path, src, 0o755); err != nil {
		b.Fatal(err)
	}
	p := forced()
	// A policy whose only check allows everything: what intact itself adds
	// (two fstats and a SHA-256), without the kernel's check.
	rootOnly := intact.New(intact.Config{Enforcers: []enforcer.Enforcer{allowAll{}}})
	b.Run("open+read", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		measure(b, func() error { _, err := os.ReadFile(path); return err })
	})
	b.Run("intact-no-kernel-check", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		measure(b, func() error { _, err := rootOnly.ReadCode(path); return err })
	})
	// The kernel's check alone, on a descriptor opened once.
	b.Run("execveat-only", func(b *testing.B) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		fd := int(f.Fd())
		measure(b, func() error { return linuxsec.ExecveCheck(fd, path) })
	})
	b.Run("execcheck", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		measure(b, func() error { _, err := p.ReadCode(path); return err })
	})
}
