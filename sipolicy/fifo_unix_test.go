//go:build unix

package sipolicy_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intactdev/intact/sipolicy"
)

// A FIFO named as a policy is refused at once instead of blocking the
// process until someone writes to it.
func TestParseFileFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "policy.xml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := sipolicy.ParseFile(fifo)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ParseFile blocked on a FIFO")
	}
}
