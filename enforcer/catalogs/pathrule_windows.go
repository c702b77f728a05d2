package catalogs

import (
	"os"
	"strings"
)

// foldPaths: Windows paths match in either case, with either separator.
const foldPaths = true

// expandPathMacros expands the macros WDAC allows in a FilePath rule.
func expandPathMacros(pattern string) string {
	if !strings.Contains(pattern, "%") {
		return pattern
	}
	root := os.Getenv("SystemRoot")
	return strings.NewReplacer(
		"%OSDRIVE%", os.Getenv("SystemDrive"),
		"%WINDIR%", root,
		"%SYSTEM32%", root+`\System32`,
	).Replace(pattern)
}
