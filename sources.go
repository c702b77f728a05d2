package intact

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/intactdev/intact/internal/adminpath"
	"github.com/intactdev/intact/internal/regularfile"
	"github.com/intactdev/intact/internal/sysfolder"
)

// Environment variables Load reads. They can only add policies and catalogs
// to the system's, never remove or soften one.
const (
	EnvPolicy   = "INTACT_POLICY"    // further policy files, os.PathListSeparator-separated
	EnvCatalogs = "INTACT_CATALOGS"  // further catalog files or folders, os.PathListSeparator-separated
	EnvEventLog = "INTACT_EVENT_LOG" // a file events are appended to as JSON lines
	// EnvEventFormat says how events on stderr are written: "json", or
	// "text" (one line for people). Unset, they are text on a terminal
	// and JSON otherwise.
	EnvEventFormat = "INTACT_EVENT_FORMAT"
)

// catalogExt is the extension of the catalog files Load takes from a folder.
const catalogExt = ".cat"

// sources are the policy and catalog files Load found.
type sources struct {
	systemPolicy string   // "" when the system has none
	systemEvents string   // the system's event sinks configuration; "" when it has none
	policies     []string // further policies, in order, without duplicates
	catalogs     []string // every catalog file, system ones first, without duplicates
	indexCache   string   // the folder of cached catalog indexes; "" without a system folder
}

// findSources locates the system policy and catalogs under systemDir and
// the further ones named in opts and the environment. The system files must
// be writable by root only; a further file or folder that is named but
// missing is an error, since silently skipping it would run code under
// less policy than was asked for.
//
// The system folder is resolved once (links and the generation pointer,
// see internal/sysfolder), and the policy and catalogs are both read from
// what that resolution found: a switch to a new generation while Load runs
// gives the old pair or the new pair, never one's policy with the other's
// catalogs.
func findSources(systemDir string, opts LoadOptions) (*sources, error) {
	var src sources
	// The system folder itself must be root's alone, sticky bit or not:
	// in a folder where others may add entries, anyone could create the
	// missing policy or catalogs folder, and Load would refuse to start
	// every intact process (or, were it accepted, run under their policy).
	switch _, err := os.Lstat(systemDir); {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		// No system folder: no system policy, no system catalogs.
		return findAdded(&src, opts)
	default:
		return nil, fmt.Errorf("system folder %s: %w", systemDir, err)
	}
	dir, err := adminpath.Check(systemDir)
	if err != nil {
		return nil, fmt.Errorf("system folder refused: %w", err)
	}
	// Cached catalog indexes, the machine's too: used if the folder
	// exists and passes the same checks (catalogs.OpenIndexFolder).
	src.indexCache = filepath.Join(dir, sysfolder.IndexCache)
	// The event sinks are the machine's, not a policy's: they stay in the
	// system folder itself, whichever generation is in force.
	events := filepath.Join(dir, systemEventsName)
	switch _, err := os.Lstat(events); {
	case err == nil:
		resolved, err := adminpath.Check(events)
		if err != nil {
			return nil, fmt.Errorf("system event sinks refused: %w", err)
		}
		src.systemEvents = resolved
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, fmt.Errorf("system event sinks %s: %w", events, err)
	}
	dir, pointed, err := currentGeneration(dir)
	if err != nil {
		return nil, err
	}

	policy := filepath.Join(dir, sysfolder.Policy)
	switch _, err := os.Lstat(policy); {
	case err == nil:
		resolved, err := adminpath.Check(policy)
		if err != nil {
			return nil, fmt.Errorf("system policy refused: %w", err)
		}
		if info, err := os.Stat(resolved); err != nil || !info.Mode().IsRegular() {
			if err == nil {
				err = notRegular("system policy", resolved, info)
			}
			return nil, err
		}
		src.systemPolicy = resolved
	case errors.Is(err, fs.ErrNotExist) && pointed:
		// A generation is always switched to with its policy; one without
		// is being removed or was tampered with, and is no reason to
		// enforce nothing.
		return nil, fmt.Errorf("system generation %s holds no %s: %w", dir, sysfolder.Policy, err)
	case errors.Is(err, fs.ErrNotExist):
		// A flat system folder without a policy: only what the caller
		// adds is enforced.
	default:
		return nil, fmt.Errorf("system policy %s: %w", policy, err)
	}

	catDir := filepath.Join(dir, sysfolder.Catalogs)
	switch _, err := os.Lstat(catDir); {
	case err == nil:
		resolved, err := adminpath.Check(catDir)
		if err != nil {
			return nil, fmt.Errorf("system catalogs refused: %w", err)
		}
		files, err := catalogFiles(resolved)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if _, err := adminpath.Check(f); err != nil {
				return nil, fmt.Errorf("system catalog refused: %w", err)
			}
		}
		src.catalogs = files
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, fmt.Errorf("system catalogs %s: %w", catDir, err)
	}
	return findAdded(&src, opts)
}

// currentGeneration returns the folder of the generation in force in the
// resolved system folder dir: the one its pointer file names (pointed is
// true), or dir itself when it has no pointer file (a flat system folder).
func currentGeneration(dir string) (gen string, pointed bool, err error) {
	pointer := filepath.Join(dir, sysfolder.Pointer)
	switch _, err := os.Lstat(pointer); {
	case errors.Is(err, fs.ErrNotExist):
		return dir, false, nil
	case err != nil:
		return "", false, fmt.Errorf("system generation pointer %s: %w", pointer, err)
	}
	resolved, err := adminpath.Check(pointer)
	if err != nil {
		return "", false, fmt.Errorf("system generation pointer refused: %w", err)
	}
	data, err := regularfile.Read(resolved, sysfolder.MaxPointerSize)
	if err != nil {
		return "", false, fmt.Errorf("system generation pointer: %w", err)
	}
	name, err := sysfolder.ParsePointer(data)
	if err != nil {
		return "", false, fmt.Errorf("system generation pointer %s: %w", resolved, err)
	}
	gen, err = adminpath.Check(filepath.Join(dir, sysfolder.Generations, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("system generation pointer %s names generation %s, which does not exist: %w", resolved, name, err)
	}
	if err != nil {
		return "", false, fmt.Errorf("system generation refused: %w", err)
	}
	if info, err := os.Stat(gen); err != nil || !info.IsDir() {
		if err == nil {
			err = fmt.Errorf("system generation %s is not a folder", gen)
		}
		return "", false, err
	}
	return gen, true, nil
}

// findAdded adds to src the policies and catalogs named in opts and the
// environment.
func findAdded(src *sources, opts LoadOptions) (*sources, error) {
	for _, p := range slices.Concat(opts.Policies, splitList(os.Getenv(EnvPolicy))) {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p, err)
		}
		info, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		if !info.Mode().IsRegular() {
			return nil, notRegular("policy", abs, info)
		}
		if abs == src.systemPolicy || slices.Contains(src.policies, abs) {
			continue
		}
		src.policies = append(src.policies, abs)
	}
	for _, c := range slices.Concat(opts.Catalogs, splitList(os.Getenv(EnvCatalogs))) {
		files, err := catalogFiles(c)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if !slices.Contains(src.catalogs, f) {
				src.catalogs = append(src.catalogs, f)
			}
		}
	}
	return src, nil
}

// catalogFiles returns path itself if it is a file, or the catalog files
// directly inside it if it is a folder, as absolute paths in name order.
// Catalogs must be regular files (after symbolic links).
func catalogFiles(path string) ([]string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if !info.IsDir() {
		if !info.Mode().IsRegular() {
			return nil, notRegular("catalog", abs, info)
		}
		return []string{abs}, nil
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("catalog folder: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !strings.EqualFold(filepath.Ext(e.Name()), catalogExt) {
			continue
		}
		file := filepath.Join(abs, e.Name())
		info, err := os.Stat(file)
		switch {
		case err != nil:
			return nil, fmt.Errorf("catalog: %w", err)
		case info.IsDir():
			continue
		case !info.Mode().IsRegular():
			return nil, notRegular("catalog", file, info)
		}
		files = append(files, file)
	}
	return files, nil
}

// notRegular returns the error for a policy or catalog that is not a
// regular file: reading a FIFO or a device would hang or never end.
func notRegular(what, path string, info fs.FileInfo) error {
	kind := "something other than"
	switch m := info.Mode(); {
	case m.IsDir():
		kind = "a folder, not"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe, not"
	case m&fs.ModeDevice != 0:
		kind = "a device, not"
	case m&fs.ModeSocket != 0:
		kind = "a socket, not"
	}
	return fmt.Errorf("%s %s is %s a regular file", what, path, kind)
}

// splitList splits an environment list, dropping empty elements.
func splitList(s string) []string {
	return slices.DeleteFunc(filepath.SplitList(s), func(e string) bool { return e == "" })
}
