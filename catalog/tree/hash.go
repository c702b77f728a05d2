package tree

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/intactdev/intact/authenticode"
	"github.com/intactdev/intact/catalog"
	"github.com/intactdev/intact/internal/dualsha"
)

type hashJob struct {
	path, rel string
	at        dirRef // where to open it from, if not by path
}

// jobList returns a walk function for hashAll that emits jobs. When emit
// fails, the jobs not emitted let go of their folders.
func jobList(jobs []hashJob) func(emit func(hashJob) error) error {
	return func(emit func(hashJob) error) error {
		for i, j := range jobs {
			if err := emit(j); err != nil {
				for k := range jobs[i+1:] {
					jobs[i+1+k].release()
				}
				return err
			}
		}
		return nil
	}
}

// hashAll hashes the files that walk emits on a pool of workers and returns
// them in the order walk emitted them. The workers start on the first file
// walk finds, while it looks for the rest; only a Progress callback, which
// wants the totals, makes the walk finish first. The first error, walk's
// or a file's, cancels the rest.
func hashAll(ctx context.Context, opts *Options, walk func(emit func(hashJob) error) error) ([]catalog.File, error) {
	var progress Progress
	if opts.Progress != nil {
		var jobs []hashJob
		if err := walk(func(j hashJob) error { jobs = append(jobs, j); return nil }); err != nil {
			for i := range jobs {
				jobs[i].release()
			}
			return nil, err
		}
		progress.TotalFiles = len(jobs)
		for _, j := range jobs {
			if fi, err := os.Stat(j.path); err == nil && fi.Mode().IsRegular() {
				progress.TotalBytes += fi.Size()
			}
		}
		walk = jobList(jobs)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		queue = make(chan *hashBatch, workers)
		wg    sync.WaitGroup
		mu    sync.Mutex // guards progress, serialises Progress calls
	)
	for range workers {
		wg.Go(func() {
			buf := make([]byte, readSize)
			for b := range queue {
				for i := range b.jobs {
					j := &b.jobs[i]
					if ctx.Err() != nil {
						j.release() // drain: the walk stops at its next send
						continue
					}
					f, err := hashFile(j, buf, b.sums[i*sumsSize:(i+1)*sumsSize:(i+1)*sumsSize])
					if err != nil {
						cancel(err)
						continue
					}
					f.Path = j.rel
					b.files[i] = f
					if opts.Progress != nil {
						mu.Lock()
						progress.Files++
						progress.Bytes += f.Size
						opts.Progress(progress)
						mu.Unlock()
					}
				}
			}
		})
	}
	// Jobs travel in batches: most files take microseconds to hash, and a
	// channel operation per file would cost as much in scheduling. Each
	// batch has room for its results, so that they need neither a lock
	// nor sorting.
	var (
		batches []*hashBatch
		b       = newHashBatch()
	)
	send := func() error {
		select {
		case queue <- b:
			batches = append(batches, b)
			b = newHashBatch()
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	err := walk(func(j hashJob) error {
		b.jobs = append(b.jobs, j)
		if len(b.jobs) < batchSize {
			return nil
		}
		return send()
	})
	if err == nil && len(b.jobs) > 0 {
		err = send()
	}
	if err != nil {
		cancel(err) // the workers skip what is queued
		for i := range b.jobs {
			b.jobs[i].release() // not sent
		}
	}
	close(queue)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	n := 0
	for _, b := range batches {
		n += len(b.jobs)
	}
	all := make([]catalog.File, 0, n)
	for _, b := range batches {
		all = append(all, b.files[:len(b.jobs)]...)
	}
	return all, nil
}

// A hashBatch is files handed to a worker at a time, and their results.
type hashBatch struct {
	jobs  []hashJob
	files []catalog.File // files[i] is the result of jobs[i]
	sums  []byte         // room for the digests of flat files, sumsSize for each job
}

func newHashBatch() *hashBatch {
	return &hashBatch{make([]hashJob, 0, batchSize), make([]catalog.File, batchSize), make([]byte, batchSize*sumsSize)}
}

// sumsSize is the size of a flat file's digests.
const sumsSize = sha256.Size + sha1.Size

// batchSize is the number of files handed to a worker at a time.
const batchSize = 16

// readSize is the size of each worker's read buffer. Files up to this size,
// most of a node_modules tree, are read with one system call and hashed
// from memory; larger ones stream through it.
const readSize = 128 << 10

// hashFile hashes the job's file, which must be regular, in one pass,
// reading through buf; a flat file's digests go to sums.
func hashFile(j *hashJob, buf, sums []byte) (catalog.File, error) {
	name := j.path
	f, size, err := j.open()
	if err != nil {
		return catalog.File{}, fmt.Errorf("tree: %w", err)
	}
	defer f.Close()
	file := catalog.File{Size: size}
	if size == 0 {
		return file, nil
	}
	if err := hashContent(&file, f, buf, sums); err != nil {
		return catalog.File{}, fmt.Errorf("tree: %s: %w", name, err)
	}
	return file, nil
}

// hashContent sets the kind and digests of the file of file.Size bytes
// that r reads; a flat file's digests are stored in sums, sumsSize bytes.
// The first read, which holds a small file whole, serves both the PE check
// and the hashing.
func hashContent(file *catalog.File, r io.ReaderAt, buf, sums []byte) error {
	size := file.Size
	first := buf[:min(int64(len(buf)), size)]
	if n, err := r.ReadAt(first, 0); n < len(first) {
		return shortRead(size, int64(n), err)
	}
	if len(first) >= 2 && first[0] == 'M' && first[1] == 'Z' {
		src := r
		if int64(len(first)) == size {
			src = bytes.NewReader(first)
		}
		sums, err := authenticode.Digest(src, size, crypto.SHA256, crypto.SHA1)
		switch {
		case err == nil:
			file.Kind, file.SHA256, file.SHA1 = catalog.KindPE, sums[0], sums[1]
			return nil
		case !errors.Is(err, authenticode.ErrNotPE):
			return err
		}
	}
	var s256 [sha256.Size]byte
	var s1 [sha1.Size]byte
	if int64(len(first)) == size {
		s256, s1 = dualsha.Sum(first)
	} else {
		d := dualsha.New()
		for off := int64(0); off < size; {
			chunk := buf[:min(int64(len(buf)), size-off)]
			if off > 0 {
				if n, err := r.ReadAt(chunk, off); n < len(chunk) {
					return shortRead(size, off+int64(n), err)
				}
			}
			d.Write(chunk)
			off += int64(len(chunk))
		}
		s256, s1 = d.Sums()
	}
	copy(sums, s256[:])
	copy(sums[sha256.Size:], s1[:])
	file.Kind, file.SHA256, file.SHA1 = catalog.KindFlat, sums[:sha256.Size:sha256.Size], sums[sha256.Size:sumsSize:sumsSize]
	return nil
}

// shortRead describes a read that stopped after n of size bytes.
func shortRead(size, n int64, err error) error {
	if err == nil || err == io.EOF {
		return fmt.Errorf("file changed size while being read (%d bytes, then %d)", size, n)
	}
	return err
}
