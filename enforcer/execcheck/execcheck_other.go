//go:build !linux

package execcheck

import "os"

func securebits() (uint32, error) { return 0, nil }

func probe() error { return errNotLinux }

func check(f *os.File, path string) error { return errNotLinux }

func refusal(err error) (string, bool) { return "", false }

func refusalCause(f *os.File, err error) string { return "" }

// unlinked is never reached here: CheckFile refuses every file first, the
// enforcer being unavailable.
func unlinked(f *os.File) (string, error) { return "", nil }
