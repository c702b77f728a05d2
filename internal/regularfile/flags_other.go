//go:build !unix

package regularfile

// nonBlocking is empty where opening a file cannot block on a FIFO.
const nonBlocking = 0

// directory is empty where the open cannot ask for a folder: OpenDir
// checks the opened file instead.
const directory = 0
