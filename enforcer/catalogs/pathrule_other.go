//go:build !windows

package catalogs

// foldPaths: paths match exactly, as the file system compares them.
const foldPaths = false

// expandPathMacros leaves a FilePath rule as it is: WDAC's macros
// (%OSDRIVE%, %WINDIR%, %SYSTEM32%) name Windows folders, and a rule that
// uses one names no file here.
func expandPathMacros(pattern string) string { return pattern }
