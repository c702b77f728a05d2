//go:build !unix

package catalogs

import "os"

// rootsAlone reports false: outside Unix the owner of an index file is not
// checked, so no index is loaded (doc/code-integrity.md, "Cached indexes").
func rootsAlone(os.FileInfo) bool { return false }
