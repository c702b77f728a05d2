package catalog

// SetChunkSize makes ReadIndex read in chunks of n bytes until the
// function it returns is called.
func SetChunkSize(n int) (restore func()) {
	old := chunkSize
	chunkSize = n
	return func() { chunkSize = old }
}
