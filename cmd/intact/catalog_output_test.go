package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intactdev/intact/catalog/tree"
)

func TestProgressBar(t *testing.T) {
	// Not a terminal: no bar, and no progress callback for hashing.
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if bar := newProgressBar(f); bar != nil || bar.callback() != nil {
		t.Fatal("progress bar on a regular file")
	}
	var buf bytes.Buffer
	if newProgressBar(&buf) != nil {
		t.Fatal("progress bar on a buffer")
	}

	// A bar draws nothing for short runs, then at most every interval.
	// The bar reads a fake clock, so no real time counts.
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := start
	now := func() time.Time { return clock }
	bar := &progressBar{w: &buf, now: now, start: start}
	update := bar.callback()
	clock = start.Add(progressDelay - time.Millisecond)
	update(tree.Progress{Files: 1, TotalFiles: 4, Bytes: 10, TotalBytes: 40})
	bar.finish()
	if buf.Len() != 0 {
		t.Fatalf("short run drew %q", buf.String())
	}
	bar = &progressBar{w: &buf, now: now, start: start}
	update = bar.callback()
	clock = start.Add(progressDelay)
	update(tree.Progress{Files: 1, TotalFiles: 4, Bytes: 1e6, TotalBytes: 4e6})
	clock = clock.Add(progressInterval - time.Millisecond)
	update(tree.Progress{Files: 2, TotalFiles: 4, Bytes: 2e6, TotalBytes: 4e6}) // within the interval
	bar.finish()
	want := "\rhashing [=======                       ]  25%  1/4 files  1.0 MB/4.0 MB " +
		"\rhashing [===============               ]  50%  2/4 files  2.0 MB/4.0 MB \n"
	if got := buf.String(); got != want {
		t.Fatalf("drew %q\nwant %q", got, want)
	}
	if strings.Count(buf.String(), "\r") != 2 {
		t.Fatal("redrew within the interval")
	}
}
