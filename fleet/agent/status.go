package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/intactdev/intact/internal/atomicfile"
	"github.com/intactdev/intact/internal/regularfile"
)

// StatusName is the agent's status file in the system folder, beside the
// generations it reports on, where `intact status` finds it.
const StatusName = "agent.json"

// maxStatusSize bounds the status file.
const maxStatusSize = 64 << 10

// Status is what the agent last did, kept in the system folder (StatusName)
// for `intact status`.
type Status struct {
	Target string `json:"target"`
	// The bundle in force, as the agent installed it.
	Digest     string `json:"digest,omitempty"`
	PolicyID   string `json:"policy_id,omitempty"`
	VersionEx  string `json:"version_ex,omitempty"`
	Generation string `json:"generation,omitempty"`
	// LastRefresh is the last TUF refresh that succeeded; Expires is when
	// the metadata it verified expires. Past it the agent's view is stale:
	// it keeps enforcing what is installed, but cannot know whether the
	// fleet has moved on.
	LastRefresh time.Time `json:"last_refresh,omitzero"`
	Expires     time.Time `json:"expires,omitzero"`
	// LastAttempt is the last poll; LastError its error, if it failed.
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
}

// Stale reports whether the metadata the agent last verified has expired
// at now, or it never verified any.
func (s *Status) Stale(now time.Time) bool {
	return s.Expires.IsZero() || !now.Before(s.Expires)
}

// ReadStatus reads the agent's status in the system folder systemDir; on a
// machine where no agent ever ran it returns the zero Status.
func ReadStatus(systemDir string) (*Status, error) {
	name := filepath.Join(systemDir, StatusName)
	data, err := regularfile.Read(name, maxStatusSize)
	if errors.Is(err, os.ErrNotExist) {
		return &Status{}, nil
	}
	if err != nil {
		return nil, err
	}
	var s Status
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

// write replaces the status file whole (internal/atomicfile), so that a
// reader sees the old status or the new one.
func (s *Status) write(systemDir string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(systemDir, StatusName), append(data, '\n'), 0o644)
}
