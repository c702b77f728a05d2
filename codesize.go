package intact

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/intactdev/intact/enforcer"
)

// DefaultMaxCodeSize is the size above which a file is refused as code when
// neither the host (Config.MaxCodeSize, LoadOptions.MaxCodeSize) nor the
// operator (INTACT_MAX_CODE_SIZE) chose another. It is 256 MiB: V8 cannot
// hold a script longer than 2^29-24 characters (512 MiB of Latin-1), so
// Node.js could never run the files it refuses, and few runtimes are more
// generous, while a signed bundle of 256 MiB is already far beyond any real
// one.
const DefaultMaxCodeSize = 256 << 20

// MaxCodeSizeLimit is the largest maximum code size intact accepts: 4 GiB,
// the most buffer.constants.MAX_LENGTH lets Node.js hold and sixteen times
// the default. ParseCodeSize refuses larger values, and a larger
// Config.MaxCodeSize counts as this limit.
const MaxCodeSizeLimit = 4 << 30

// EnvMaxCodeSize names the environment variable that sets the maximum code
// size for Load: a number of bytes, or of KiB, MiB or GiB with that suffix
// ("512MiB"). It is an availability limit, not a policy: whatever its
// value, every byte that runs is checked.
const EnvMaxCodeSize = "INTACT_MAX_CODE_SIZE"

// streamThreshold is the size above which ReadCode hashes a file from its
// descriptor before reading it into memory, when an enforcer can refuse a
// file by its digest alone (enforcer.DigestChecker): a file no catalog lists
// is then refused without its bytes ever being held. Below it, the one read
// that judging needs anyway costs less than a second pass.
const streamThreshold = 1 << 20

// ParseCodeSize parses a maximum code size as EnvMaxCodeSize takes it: a
// positive number of bytes, or of KiB, MiB or GiB with that suffix, at most
// MaxCodeSizeLimit.
func ParseCodeSize(s string) (int64, error) {
	number, unit := s, int64(1)
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			number, unit = n, u.size
			break
		}
	}
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("maximum code size %q: want a positive number of bytes, optionally with a KiB, MiB or GiB suffix", s)
	}
	if n > MaxCodeSizeLimit/unit {
		return 0, fmt.Errorf("maximum code size %q: more than the limit of 4GiB (%d bytes)", s, int64(MaxCodeSizeLimit))
	}
	return n * unit, nil
}

// tooLarge is the denial of a file whose size is above the maximum.
func tooLarge(size, limit int64) *enforcer.Denial {
	return &enforcer.Denial{Enforcer: rootName, Reason: enforcer.ReasonTooLarge,
		Detail: fmt.Sprintf("%d bytes, more than the maximum code size of %d bytes", size, limit)}
}

// hashFile returns the SHA-256 of the first size bytes of f, read with
// ReadAt so that f's offset does not move, through a small buffer.
func hashFile(f *os.File, size int64) ([32]byte, error) {
	h := sha256.New()
	n, err := io.CopyBuffer(h, io.NewSectionReader(f, 0, size), make([]byte, 64<<10))
	if err == nil && n < size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return [32]byte{}, fmt.Errorf("hashing %s: %w", f.Name(), err)
	}
	return [32]byte(h.Sum(nil)), nil
}
