// Package generation keeps the generations of a system folder
// (/etc/intact, %ProgramData%\intact) and brings a new one into force with
// one atomic rename, never backwards.
//
// The layout is internal/sysfolder's: each generation is a folder
// generations/NAME holding policy.xml and catalogs/, and the pointer file
// generation names the one in force. Switching writes a new pointer file
// beside the old one, flushes it, and renames it over the old one: rename(2)
// on Unix, MoveFileEx(MOVEFILE_REPLACE_EXISTING|MOVEFILE_WRITE_THROUGH) on
// Windows. intact.Load reads the pointer once and both the policy and the
// catalogs from the generation it names, so a process sees the old pair or
// the new pair, never a mix.
//
// Names are sequence numbers, so a generation named after the one in force
// is one that was staged and never switched (the agent stopped in between):
// Open removes it. Superseded generations are kept for a grace period,
// since running processes read catalogs on first use, then pruned.
//
// Each PolicyID has a VersionEx floor, persisted in floors.json in the
// system folder (written to a temporary file, flushed, renamed): Switch
// refuses a generation whose policy is older than the floor of its
// PolicyID, and raises the floor once the generation is in force.
package generation

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/intactdev/intact/fleet/bundle"
	"github.com/intactdev/intact/internal/regularfile"
	"github.com/intactdev/intact/internal/sysfolder"
	"github.com/intactdev/intact/sipolicy"
)

// FloorsName is the file of VersionEx floors in the system folder.
const FloorsName = "floors.json"

// DefaultGrace is how long a superseded generation is kept by default.
const DefaultGrace = 24 * time.Hour

// ErrBelowFloor is returned (wrapped) by Switch for a policy older than
// its PolicyID's floor.
var ErrBelowFloor = errors.New("VersionEx below the floor of its PolicyID")

// Options configure a Store.
type Options struct {
	// SystemDir is the system folder, made if missing. Empty means the
	// system's own (/etc/intact, %ProgramData%\intact).
	SystemDir string
	// Grace is how long a superseded generation is kept before Prune
	// removes it. Zero means DefaultGrace.
	Grace time.Duration
}

// A Store manages the generations of one system folder. It holds the
// folder's lock (LockName) from Open to Close: one Store at a time may
// serve a system folder.
type Store struct {
	dir    string
	unlock func()
	gens   string
	grace  time.Duration
	fs     fileSystem
	now    func() time.Time
	sleep  func(time.Duration)
}

// Open takes the system folder's lock, without waiting (ErrLocked when
// another process holds it), then opens its generations and recovers from
// an interrupted run: it removes generations staged after the one in force
// and leftover temporary files, and raises the floor of the policy in force
// to its VersionEx (a crash between switch and floor update). Nothing in
// the folder is read or changed before the lock is held, since what looks
// unfinished may be another process's work in progress. Close releases
// the lock.
func Open(opts Options) (*Store, error) {
	return open(opts, osFS{})
}

func open(opts Options, fsys fileSystem) (*Store, error) {
	dir := opts.SystemDir
	if dir == "" {
		dir = sysfolder.Default()
	}
	s := &Store{dir: dir, gens: filepath.Join(dir, sysfolder.Generations), grace: opts.Grace, fs: fsys, now: time.Now, sleep: time.Sleep}
	if s.grace == 0 {
		s.grace = DefaultGrace
	}
	// Making a missing system folder is the one change made before the
	// lock, which lives in it; an existing folder is left as it is.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("generation: %w", err)
	}
	unlock, err := lockSystemDir(dir)
	if err != nil {
		return nil, err
	}
	s.unlock = unlock
	if err := os.MkdirAll(s.gens, 0o755); err != nil {
		s.Close()
		return nil, fmt.Errorf("generation: %w", err)
	}
	if err := s.recover(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the system folder's lock; the Store must not be used
// after.
func (s *Store) Close() {
	if s.unlock != nil {
		s.unlock()
		s.unlock = nil
	}
}

// Dir returns the system folder.
func (s *Store) Dir() string { return s.dir }

// Current returns the name of the generation in force, or "" when the
// system folder has no pointer file.
func (s *Store) Current() (string, error) {
	data, err := regularfile.Read(s.pointer(), sysfolder.MaxPointerSize)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("generation: %w", err)
	}
	name, err := sysfolder.ParsePointer(data)
	if err != nil {
		return "", fmt.Errorf("generation: %s: %w", s.pointer(), err)
	}
	return name, nil
}

func (s *Store) pointer() string { return filepath.Join(s.dir, sysfolder.Pointer) }

// Staged is a generation being prepared: fill Dir with policy.xml and
// catalogs/ (bundle.Pull), then Switch to it or Discard it.
type Staged struct {
	Name string
	Dir  string
}

// Stage creates a new, empty generation folder after every existing one
// and every one staged before: a name is never used twice on a machine,
// since a running program that loaded a removed generation reads its
// catalogs by path, and must not find another generation's there. The
// last number staged is kept in floors.json before the folder is made.
func (s *Store) Stage() (*Staged, error) {
	names, err := s.names()
	if err != nil {
		return nil, err
	}
	st, err := s.readState()
	if err != nil {
		return nil, err
	}
	if len(names) > 0 {
		st.last = max(st.last, names[len(names)-1])
	}
	st.last++
	if err := s.writeState(st); err != nil {
		return nil, err
	}
	name := formatName(st.last)
	dir := filepath.Join(s.gens, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("generation: %w", err)
	}
	return &Staged{Name: name, Dir: dir}, nil
}

// Discard removes a staged generation that will not be switched to.
func (st *Staged) Discard() error {
	if err := os.RemoveAll(st.Dir); err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	return nil
}

// Switched says what Switch brought into force.
type Switched struct {
	Name      string // the generation now in force
	Previous  string // the one it replaced, "" if none
	PolicyID  string
	VersionEx sipolicy.Version
}

// Switch checks a staged generation and brings it into force: bundle.Verify
// must accept its folder, and its VersionEx must not be below the floor of
// its PolicyID (ErrBelowFloor). Its files and folders are flushed to disk,
// the pointer file is replaced in one rename, the superseded generation is
// marked with the time it was superseded (for Prune), and the floor is
// raised. A generation that fails a check is left staged for the caller to
// Discard.
func (s *Store) Switch(st *Staged) (*Switched, error) {
	if _, ok := parseName(st.Name); !ok || st.Dir != filepath.Join(s.gens, st.Name) {
		return nil, fmt.Errorf("generation: %s is not a generation of %s", st.Dir, s.dir)
	}
	info, err := bundle.Verify(st.Dir)
	if err != nil {
		return nil, fmt.Errorf("generation %s refused: %w", st.Name, err)
	}
	state, err := s.readState()
	if err != nil {
		return nil, err
	}
	if floor, ok := state.floors[info.PolicyID]; ok && info.VersionEx < floor {
		return nil, fmt.Errorf("generation %s refused: policy %s version %s: %w %s", st.Name, info.PolicyID, info.VersionEx, ErrBelowFloor, floor)
	}
	previous, err := s.Current()
	if err != nil {
		return nil, err
	}
	if prev, ok := parseName(previous); ok {
		if n, _ := parseName(st.Name); n <= prev {
			return nil, fmt.Errorf("generation %s refused: not after %s, the one in force", st.Name, previous)
		}
	}
	if err := s.syncTree(st.Dir); err != nil {
		return nil, err
	}
	if err := s.writeFile(s.pointer(), sysfolder.FormatPointer(st.Name)); err != nil {
		return nil, err
	}
	sw := &Switched{Name: st.Name, Previous: previous, PolicyID: info.PolicyID, VersionEx: info.VersionEx}
	if previous != "" && previous != st.Name {
		now := s.now()
		// Best effort: a generation not marked is pruned by its own time.
		os.Chtimes(filepath.Join(s.gens, previous), now, now)
	}
	if floor, ok := state.floors[info.PolicyID]; !ok || info.VersionEx > floor {
		state.floors[info.PolicyID] = info.VersionEx
		if err := s.writeState(state); err != nil {
			return sw, err
		}
	}
	return sw, nil
}

// Floor returns the VersionEx floor of policyID, and false if it has none.
func (s *Store) Floor(policyID string) (sipolicy.Version, bool, error) {
	state, err := s.readState()
	if err != nil {
		return 0, false, err
	}
	v, ok := state.floors[policyID]
	return v, ok, nil
}

// Prune removes superseded generations whose grace period is over (by the
// modification time of their folder, set when they were superseded), and
// returns their names. The generation in force is never removed, nor is
// the one before it, so that a rollback by hand has somewhere to go. A
// generation that cannot be removed yet (on Windows, a file still open) is
// left for the next Prune and reported in the error.
func (s *Store) Prune() ([]string, error) {
	current, err := s.Current()
	if err != nil {
		return nil, err
	}
	names, err := s.names()
	if err != nil {
		return nil, err
	}
	cur, ok := parseName(current)
	if !ok {
		return nil, nil // nothing is in force through generations yet
	}
	var before uint64 // the newest generation older than the one in force
	for _, n := range names {
		if n < cur {
			before = n
		}
	}
	var removed []string
	var errs []error
	for _, n := range names {
		if n >= before {
			continue
		}
		dir := filepath.Join(s.gens, formatName(n))
		info, err := os.Stat(dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if s.now().Sub(info.ModTime()) < s.grace {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, formatName(n))
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("generation: prune: %w", err)
	}
	return removed, nil
}

// recover removes what an interrupted run left: temporary files, and
// generations staged after the one in force. It raises the floor of the
// policy in force when the run stopped before doing so.
func (s *Store) recover() error {
	for _, tmp := range []string{s.pointer() + tmpSuffix, filepath.Join(s.dir, FloorsName) + tmpSuffix} {
		if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("generation: %w", err)
		}
	}
	current, err := s.Current()
	if err != nil {
		return err
	}
	names, err := s.names()
	if err != nil {
		return err
	}
	cur, ok := parseName(current)
	for _, n := range names {
		if ok && n <= cur {
			continue
		}
		if err := os.RemoveAll(filepath.Join(s.gens, formatName(n))); err != nil {
			return fmt.Errorf("generation: removing an unfinished generation: %w", err)
		}
	}
	if !ok {
		return nil
	}
	p, err := sipolicy.ParseFile(filepath.Join(s.gens, current, sysfolder.Policy))
	if err != nil {
		return fmt.Errorf("generation: the generation in force: %w", err)
	}
	state, err := s.readState()
	if err != nil {
		return err
	}
	if floor, ok := state.floors[p.PolicyID]; !ok || p.Version > floor {
		state.floors[p.PolicyID] = p.Version
		return s.writeState(state)
	}
	return nil
}

// names returns the sequence numbers of the generation folders, in order.
// Anything else in the generations folder is ignored.
func (s *Store) names() ([]uint64, error) {
	entries, err := os.ReadDir(s.gens)
	if err != nil {
		return nil, fmt.Errorf("generation: %w", err)
	}
	var names []uint64
	for _, e := range entries {
		if n, ok := parseName(e.Name()); ok && e.IsDir() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

// formatName and parseName convert between a generation's sequence number
// and its name: the number in 12 decimal digits, so names sort as numbers.
func formatName(n uint64) string { return fmt.Sprintf("%012d", n) }

func parseName(name string) (uint64, bool) {
	if len(name) != 12 {
		return 0, false
	}
	n, err := strconv.ParseUint(name, 10, 64)
	return n, err == nil
}

// floorsFile is the JSON form of floors.json: VersionEx strings by
// PolicyID, and the number of the last generation staged.
type floorsFile struct {
	Floors         map[string]string `json:"floors"`
	LastGeneration uint64            `json:"last_generation,omitempty"`
}

// state is what floors.json keeps.
type state struct {
	floors map[string]sipolicy.Version
	last   uint64 // the number of the last generation staged
}

// readState reads floors.json; a missing file means no floors and no
// generation staged yet.
func (s *Store) readState() (*state, error) {
	path := filepath.Join(s.dir, FloorsName)
	st := &state{floors: map[string]sipolicy.Version{}}
	data, err := regularfile.Read(path, 1<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("generation: %w", err)
	}
	var f floorsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("generation: %s: %w", path, err)
	}
	for id, v := range f.Floors {
		if st.floors[id], err = sipolicy.ParseVersion(v); err != nil {
			return nil, fmt.Errorf("generation: %s: %w", path, err)
		}
	}
	st.last = f.LastGeneration
	return st, nil
}

func (s *Store) writeState(st *state) error {
	f := floorsFile{Floors: map[string]string{}, LastGeneration: st.last}
	for id, v := range st.floors {
		f.Floors[id] = v.String()
	}
	data, err := json.MarshalIndent(f, "", "\t")
	if err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	return s.writeFile(filepath.Join(s.dir, FloorsName), append(data, '\n'))
}
