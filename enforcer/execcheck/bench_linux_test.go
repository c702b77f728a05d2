package execcheck_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/intactdev/intact"
	"github.com/intactdev/intact/enforcer"
	"github.com/intactdev/intact/internal/linuxsec"
)

// allowAll enforces code integrity and allows every file.
type allowAll struct{}

func (allowAll) Name() string                            { return "allow-all" }
func (allowAll) Settings() enforcer.Settings             { return enforcer.Settings{EnforceCodeIntegrity: true} }
func (allowAll) Status() enforcer.Status                 { return enforcer.Status{Available: true} }
func (allowAll) CheckFile(f *os.File, path string) error { return nil }

// BenchmarkReadCode compares reading a 10 KB script as code with the
// kernel's verdict enforced (open, fstat, execveat(AT_EXECVE_CHECK), read,
// fstat, SHA-256) against a plain open and read of the same file.
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
		for b.Loop() {
			if _, err := os.ReadFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("intact-no-kernel-check", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := rootOnly.ReadCode(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("execcheck", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := p.ReadCode(path); err != nil {
				b.Fatal(err)
			}
		}
	})
}
