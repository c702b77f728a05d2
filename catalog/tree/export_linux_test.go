package tree

// SetMaxOpenDirs makes Hash hold at most n folders open until the function
// it returns is called.
func SetMaxOpenDirs(n int32) (restore func()) {
	old := maxOpenDirs
	maxOpenDirs = n
	return func() { maxOpenDirs = old }
}
