package catalog

// SetChunkSize makes ReadIndex read in chunks of n bytes until the
// function it returns is called.
func SetChunkSize(n int) (restore func()) {
	old := chunkSize
	chunkSize = n
	return func() { chunkSize = old }
}

// SetPathHash makes Build's duplicate check use hash until the function it
// returns is called.
func SetPathHash(hash func(string) uint64) (restore func()) {
	old := pathHash
	pathHash = hash
	return func() { pathHash = old }
}
