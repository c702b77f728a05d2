package generation

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// fileSystem is the thin layer of system calls whose meaning differs by
// system: what replaces a file atomically, and what makes a folder's
// entries durable. Everything else is plain Go over package os, and is
// tested on Linux against a fake of this layer that behaves as Windows
// does (fake_test.go).
type fileSystem interface {
	// replace renames src over dst in one atomic step, durably.
	replace(src, dst string) error
	// transient reports whether replace failed only for now: on Windows,
	// while another process has dst open without delete sharing.
	transient(err error) bool
	// syncDir makes the entries of folder dir durable, where the system
	// can (fsync on Unix; NTFS journals its metadata and Windows cannot
	// flush a folder, so it does nothing there).
	syncDir(dir string) error
}

// tmpSuffix marks the temporary file writeFile writes before it replaces.
const tmpSuffix = ".tmp"

// writeFile replaces the file at path with data: written to path.tmp,
// flushed, renamed over path, and the folder flushed.
func (s *Store) writeFile(path string, data []byte) error {
	tmp := path + tmpSuffix
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = retry(func() error { return s.fs.replace(tmp, path) }, s.fs.transient, s.sleep)
	}
	if err == nil {
		err = s.fs.syncDir(filepath.Dir(path))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("generation: writing %s: %w", path, err)
	}
	return nil
}

// syncTree flushes every file and folder below dir, and the folder holding
// dir, so that a generation is on disk before any pointer names it.
func (s *Store) syncTree(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return s.fs.syncDir(path)
		}
		return syncFile(path)
	})
	if err == nil {
		err = s.fs.syncDir(filepath.Dir(dir))
	}
	if err != nil {
		return fmt.Errorf("generation: flushing %s: %w", dir, err)
	}
	return nil
}

// syncFile flushes the file (or, on Unix, the folder) at path to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
