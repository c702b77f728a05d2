package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/catalog/tree"
	"github.com/intactdev/intact/internal/atomicfile"
	"github.com/intactdev/intact/internal/exitstatus"
	"github.com/intactdev/intact/internal/regularfile"
)

// writeFileAtomic writes data to name whole (atomicfile.WriteNoSync), after
// checking that name can be written at all.
func writeFileAtomic(name string, data []byte) error {
	if err := checkOutput(name); err != nil {
		return err
	}
	return atomicfile.WriteNoSync(name, data, 0o644)
}

// writeFileAtomicFunc is writeFileAtomic for content that write writes to
// the file itself (atomicfile.WriteNoSyncFunc).
func writeFileAtomicFunc(name string, write func(*os.File) error) error {
	if err := checkOutput(name); err != nil {
		return err
	}
	return atomicfile.WriteNoSyncFunc(name, 0o644, write)
}

// checkOutput reports early why name could not be written: its folder is
// missing, or it is a folder itself.
func checkOutput(name string) error {
	if fi, err := os.Stat(filepath.Dir(name)); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	} else if !fi.IsDir() {
		return fmt.Errorf("%s: %s is not a directory", name, filepath.Dir(name))
	}
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory", name)
	}
	return nil
}

// readCatalogFile reads and parses a catalog, refusing anything but a
// regular file (reading a FIFO would block) and files too large to be one.
func readCatalogFile(name string) (*catalog.Catalog, error) {
	data, err := readRegularFile(name, catalog.MaxFileSize)
	if err != nil {
		return nil, err
	}
	c, err := catalog.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// readRegularFile reads an input the command line names (a catalog, key,
// certificate, password or hashed file). One that cannot be read is a
// usage or configuration error: exit status 2, not a refusal.
func readRegularFile(name string, limit int64) ([]byte, error) {
	data, err := regularfile.Read(name, limit)
	return data, exitstatus.UsageError(err)
}

// progressBar draws hashing progress on a terminal. It draws nothing
// unless w is a terminal, and nothing for runs shorter than a moment.
type progressBar struct {
	w       io.Writer
	now     func() time.Time // the clock, time.Now but in tests
	start   time.Time
	mu      sync.Mutex
	last    time.Time
	drawn   bool
	current tree.Progress
}

// newProgressBar returns a bar for w, or nil when w is not a terminal (a
// nil bar draws nothing).
func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progressBar{w: w, now: time.Now, start: time.Now()}
}

const (
	progressDelay    = 500 * time.Millisecond // runs shorter than this show no bar
	progressInterval = 100 * time.Millisecond
)

// callback returns the tree.Options.Progress callback that feeds
// the bar, or nil without a bar, so that hashing skips progress reports.
func (p *progressBar) callback() func(tree.Progress) {
	if p == nil {
		return nil
	}
	return p.update
}

func (p *progressBar) update(pr tree.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = pr
	now := p.now()
	if now.Sub(p.start) < progressDelay || now.Sub(p.last) < progressInterval {
		return
	}
	p.last = now
	p.draw()
}

func (p *progressBar) draw() {
	const width = 30
	pr := p.current
	frac := 1.0
	if pr.TotalBytes > 0 {
		frac = float64(pr.Bytes) / float64(pr.TotalBytes)
	}
	n := int(frac * width)
	fmt.Fprintf(p.w, "\rhashing [%s%s] %3d%%  %d/%d files  %s/%s ",
		strings.Repeat("=", n), strings.Repeat(" ", width-n), int(frac*100),
		pr.Files, pr.TotalFiles, megabytes(pr.Bytes), megabytes(pr.TotalBytes))
	p.drawn = true
}

// finish draws the final state and ends the line, if a bar was drawn.
func (p *progressBar) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		p.draw()
		fmt.Fprintln(p.w)
	}
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
