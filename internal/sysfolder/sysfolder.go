// Package sysfolder names the parts of the system policy folder
// (/etc/intact, %ProgramData%\intact) that both the loader (package intact)
// and the writer of generations (fleet/generation) must agree on.
//
// A system folder is either flat, policy.xml and catalogs/ directly inside
// it, or switched by generations: a pointer file named Pointer holds the
// name of the generation in force, a folder inside Generations holding
// policy.xml and catalogs/ of its own. Replacing the pointer file is one
// atomic rename on every system (rename(2), MoveFileEx), which is how a new
// generation comes into force.
package sysfolder

import (
	"bytes"
	"fmt"
)

const (
	Policy      = "policy.xml"  // the system policy
	Catalogs    = "catalogs"    // the folder of system catalogs
	Pointer     = "generation"  // the pointer file: the name of the generation in force
	Generations = "generations" // the folder of generations, each a folder by its name
	// IndexCache is the folder of cached catalog indexes, the machine's
	// whichever generation is in force: in the system folder itself, where
	// everything that guards the system policy guards it
	// (doc/code-integrity.md, "Cached indexes").
	IndexCache = "index-cache"
)

// MaxPointerSize bounds the pointer file: a name and a newline.
const MaxPointerSize = 256

// ValidName reports whether name can name a generation: 1 to 128 ASCII
// letters, digits, '-', '_' or '.', not starting with '.' (no "..", no
// hidden or temporary names, no separators on any system).
func ValidName(name string) bool {
	if len(name) == 0 || len(name) > 128 || name[0] == '.' {
		return false
	}
	for _, c := range []byte(name) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// ParsePointer returns the generation name a pointer file's content holds:
// the name and one optional newline.
func ParsePointer(data []byte) (string, error) {
	name := string(bytes.TrimSuffix(data, []byte("\n")))
	if !ValidName(name) {
		return "", fmt.Errorf("%q is not a generation name", name)
	}
	return name, nil
}

// FormatPointer returns the content of a pointer file naming the
// generation name.
func FormatPointer(name string) []byte { return []byte(name + "\n") }
